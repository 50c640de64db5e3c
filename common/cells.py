"""The three recurrent cells of Week 8 in plain NumPy: SimpleRNN, LSTM and GRU.

Each function runs the recurrence Keras runs, one line per equation, on exactly the weights a
Keras layer's `get_weights()` returns, so its numbers can be checked against the layer:

    layer = keras.layers.LSTM(32, return_sequences=True)
    keras_h = layer(x)                                     # (batch, timesteps, 32)
    numpy_h = lstm_forward(x, *layer.get_weights())["h"]   # the same numbers, to about 1e-6

Notation, as on the slides: x_t is the input at step t, shape (batch, m) for m features; h_t the
hidden state, shape (batch, n) for n units; W the input kernel, U the recurrent kernel, b the bias;
sigma the logistic sigmoid; * the element-wise product. Keras keeps the gates' weights side by side
in one matrix: W is (m, k*n) and U is (n, k*n) for k gates, in the order i, f, c, o for the LSTM and
z, r, h for the GRU. The state starts at zero (h_0 = 0, c_0 = 0), as in Keras.

The functions compute in float64 and Keras computes in float32, so they differ by about 1e-7.

Good place for a breakpoint: the first line inside the `for t` loop of `lstm_forward`. Each step
leaves every gate of step t behind as one named (batch, n) array: `input_gate`, `forget_gate`,
`candidate`, `output_gate`, then the new `c` and `h`.
"""

import numpy as np

GATES = {  # the gate activations each forward function returns, beside "h" (and "c")
    "SimpleRNN": [],
    "LSTM": ["input", "forget", "candidate", "output"],
    "GRU": ["update", "reset", "candidate"],
}


def sigmoid(a):
    """sigma(a) = 1 / (1 + exp(-a)): squashes any number into (0, 1), a gate's opening.

    Written as 0.5 * (1 + tanh(a / 2)), the same function without overflow for large |a|.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def _as_float64(*arrays):
    return [np.asarray(array, dtype=np.float64) for array in arrays]


def simple_rnn_forward(x, kernel, recurrent_kernel, bias):
    """SimpleRNN: h_t = tanh(x_t W + h_{t-1} U + b).

    x: (batch, timesteps, m); kernel W: (m, n); recurrent_kernel U: (n, n); bias b: (n,).
    Returns {"h": (batch, timesteps, n)}, the hidden state after every step.
    """
    x, W, U, b = _as_float64(x, kernel, recurrent_kernel, bias)
    batch, timesteps, _ = x.shape
    n = U.shape[0]  # units
    h = np.zeros((batch, n))  # h_0 = 0, (batch, n)
    hs = np.zeros((batch, timesteps, n))
    for t in range(timesteps):
        x_t = x[:, t]  # (batch, m)
        h = np.tanh(x_t @ W + h @ U + b)  # h_t = tanh(x_t W + h_{t-1} U + b), (batch, n)
        hs[:, t] = h
    return {"h": hs}


def lstm_forward(x, kernel, recurrent_kernel, bias):
    """LSTM (Hochreiter & Schmidhuber 1997) with Keras' defaults:
    sigmoid gates, tanh candidate and output.

    x: (batch, timesteps, m); kernel W: (m, 4n); recurrent_kernel U: (n, 4n); bias b: (4n,),
    each holding the input, forget, candidate and output parts side by side
    (Keras' order i, f, c, o).
    Returns a dict of (batch, timesteps, n) arrays: "h" the hidden state (the layer's output),
    "c" the cell state (the memory), and the gates "input", "forget", "candidate", "output".
    """
    x, W, U, b = _as_float64(x, kernel, recurrent_kernel, bias)
    batch, timesteps, _ = x.shape
    n = U.shape[0]  # units
    W_i, W_f, W_c, W_o = np.split(W, 4, axis=1)  # each (m, n)
    U_i, U_f, U_c, U_o = np.split(U, 4, axis=1)  # each (n, n)
    b_i, b_f, b_c, b_o = np.split(b, 4)  # each (n,); Keras starts b_f at 1 (unit_forget_bias)
    h = np.zeros((batch, n))  # h_0 = 0, (batch, n)
    c = np.zeros((batch, n))  # c_0 = 0, (batch, n)
    record = {name: np.zeros((batch, timesteps, n)) for name in ["h", "c", *GATES["LSTM"]]}
    for t in range(timesteps):
        x_t = x[:, t]  # (batch, m)
        # i_t = sigma(x_t W_i + h_{t-1} U_i + b_i): how much new to write
        input_gate = sigmoid(x_t @ W_i + h @ U_i + b_i)
        # f_t = sigma(x_t W_f + h_{t-1} U_f + b_f): how much memory to keep
        forget_gate = sigmoid(x_t @ W_f + h @ U_f + b_f)
        # c~_t = tanh(x_t W_c + h_{t-1} U_c + b_c): what could be written
        candidate = np.tanh(x_t @ W_c + h @ U_c + b_c)
        # o_t = sigma(x_t W_o + h_{t-1} U_o + b_o): how much memory to show
        output_gate = sigmoid(x_t @ W_o + h @ U_o + b_o)
        c = forget_gate * c + input_gate * candidate  # c_t = f_t * c_{t-1} + i_t * c~_t, (batch, n)
        h = output_gate * np.tanh(c)  # h_t = o_t * tanh(c_t), (batch, n)
        record["input"][:, t] = input_gate
        record["forget"][:, t] = forget_gate
        record["candidate"][:, t] = candidate
        record["output"][:, t] = output_gate
        record["c"][:, t] = c
        record["h"][:, t] = h
    return record


def gru_forward(x, kernel, recurrent_kernel, bias):
    """GRU (Cho et al. 2014) as Keras computes it by default
    (reset_after=True, sigmoid gates, tanh candidate).

    x: (batch, timesteps, m); kernel W: (m, 3n); recurrent_kernel U: (n, 3n), each holding the
    update, reset and candidate parts side by side (Keras' order z, r, h); bias: (2, 3n), row 0
    added to the input part (b), row 1 to the recurrent part (b').
    Returns a dict of (batch, timesteps, n) arrays: "h" and the gates
    "update", "reset", "candidate".

    Keras keeps the old state where z_t is near 1: h_t = z_t * h_{t-1} + (1 - z_t) * h~_t.
    (Some slides write the same cell with z and 1 - z swapped.)
    """
    x, W, U, bias = _as_float64(x, kernel, recurrent_kernel, bias)
    if bias.ndim != 2:
        raise ValueError(
            "gru_forward expects the bias of a GRU with reset_after=True (Keras' default), "
            "shape (2, 3*units)"
        )
    batch, timesteps, _ = x.shape
    n = U.shape[0]  # units
    W_z, W_r, W_h = np.split(W, 3, axis=1)  # each (m, n)
    U_z, U_r, U_h = np.split(U, 3, axis=1)  # each (n, n)
    b_z, b_r, b_h = np.split(bias[0], 3)  # input biases, each (n,)
    b2_z, b2_r, b2_h = np.split(bias[1], 3)  # recurrent biases, each (n,)
    h = np.zeros((batch, n))  # h_0 = 0, (batch, n)
    record = {name: np.zeros((batch, timesteps, n)) for name in ["h", *GATES["GRU"]]}
    for t in range(timesteps):
        x_t = x[:, t]  # (batch, m)
        # z_t = sigma(x_t W_z + b_z + h_{t-1} U_z + b'_z): how much to keep
        update_gate = sigmoid(x_t @ W_z + b_z + h @ U_z + b2_z)
        # r_t = sigma(x_t W_r + b_r + h_{t-1} U_r + b'_r): how much past the candidate sees
        reset_gate = sigmoid(x_t @ W_r + b_r + h @ U_r + b2_r)
        # h~_t = tanh(x_t W_h + b_h + r_t * (h_{t-1} U_h + b'_h))
        candidate = np.tanh(x_t @ W_h + b_h + reset_gate * (h @ U_h + b2_h))
        # h_t = z_t * h_{t-1} + (1 - z_t) * h~_t, (batch, n)
        h = update_gate * h + (1.0 - update_gate) * candidate
        record["update"][:, t] = update_gate
        record["reset"][:, t] = reset_gate
        record["candidate"][:, t] = candidate
        record["h"][:, t] = h
    return record


FORWARD = {"SimpleRNN": simple_rnn_forward, "LSTM": lstm_forward, "GRU": gru_forward}


def cell_name(cell):
    """'simple_rnn', 'SimpleRNN', 'lstm', 'GRU', ... -> 'SimpleRNN', 'LSTM' or 'GRU'."""
    names = {"simplernn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
    key = str(cell).replace("_", "").lower()
    if key not in names:
        raise ValueError(f"unknown cell {cell!r}: expected SimpleRNN, LSTM or GRU")
    return names[key]


def parameter_count(cell, units, features):
    """Trainable parameters of one recurrent layer with n = units and m = features.

    Each gate (or the one tanh layer of a SimpleRNN) has an input kernel (m x n), a recurrent
    kernel (n x n) and a bias (n): n(n + m + 1). The GRU with reset_after=True (Keras' default)
    has a second bias for the recurrent part: n(n + m + 2) per gate.
        SimpleRNN: n(n + m + 1)       LSTM: 4n(n + m + 1)       GRU: 3n(n + m + 2)
    LSTM with 32 units on 1 feature: 4 * 32 * (32 + 1 + 1) = 4352.
    """
    n, m = units, features
    formulas = {
        "SimpleRNN": n * (n + m + 1),
        "LSTM": 4 * n * (n + m + 1),
        "GRU": 3 * n * (n + m + 2),
    }
    return formulas[cell_name(cell)]


def keras_sequence(layer, x):
    """Keras' own hidden states at every step for a recurrent layer, as a NumPy array.

    A case model's layer returns only the last state (return_sequences=False). This builds a twin
    from the layer's config with return_sequences=True, gives it the same weights, and runs it on
    x (batch, timesteps, m).
    Returns (batch, timesteps, n) float32: what `FORWARD[...]["h"]` should match.
    """
    import keras  # only here: the forward functions above need nothing but NumPy

    config = dict(
        layer.get_config(),
        return_sequences=True,
        return_state=False,
        name=f"{layer.name}_every_step",
    )
    twin = type(layer).from_config(config)
    x = np.asarray(x, dtype="float32")
    twin.build(x.shape)
    twin.set_weights(layer.get_weights())
    return keras.ops.convert_to_numpy(twin(x))


def gate_summary(states, near=0.1):
    """A few numbers that say what each gate did, from what a forward function returned.

    states: {"forget": (batch, timesteps, n), ...}; everything is pooled over batch and time.
    For each gate: "mean"; "saturated_share", the share of values within 0.05 of the ends of
    their range (0 and 1 for a sigmoid gate, -1 and 1 for the tanh candidate), where the gate's
    gradient is nearly 0; "open_units" and "closed_units", the units whose mean stays above
    1 - near or below near (sigmoid gates only). For the LSTM's "c" (not squashed): the range and
    the units whose |c| passes 1, beyond what tanh(c) can show in h.
    """
    summary = {}
    for name, values in states.items():
        values = np.asarray(values)
        if name == "h":
            continue
        if name == "c":
            summary["c"] = {
                "min": float(values.min()),
                "max": float(values.max()),
                "units_beyond_1": np.flatnonzero(np.abs(values).max(axis=(0, 1)) > 1).tolist(),
            }
            continue
        low = -1.0 if name == "candidate" else 0.0  # tanh or sigmoid range
        unit_means = values.mean(axis=(0, 1))  # (n,)
        entry = {
            "mean": float(values.mean()),
            "saturated_share": float(np.mean((values < low + 0.05) | (values > 1 - 0.05))),
        }
        if name != "candidate":
            entry["open_units"] = np.flatnonzero(unit_means > 1 - near).tolist()
            entry["closed_units"] = np.flatnonzero(unit_means < near).tolist()
        summary[name] = entry
    return summary
