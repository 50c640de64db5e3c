"""Inside the cells: the LSTM's gates in plain NumPy, checked against Keras, and why gates matter.

What it does:
  1-3. loads the LSTM forecaster case 8-2 saved (outputs/case8_2_lstm/model.keras; when there is
       none, trains a small one first), runs one real input window through the gate equations
       written in NumPy (common/cells.py) and through Keras, and prints the largest difference;
  4.   draws every gate and the cell state over that window (gates.png) and says what they show;
  5.   follows the gradient of the last output back through 100 steps of a fresh SimpleRNN, LSTM
       and GRU (vanishing_gradients.png);
  6.   trains each cell briefly on a long-memory task (the adding problem: the target depends only
       on numbers near the start of the sequence) and compares their test errors;
  7.   makes the gradients of a ReLU SimpleRNN explode, and trains it without and with clipnorm
       (exploding_gradients.png).
Each step is one function below, named in `main`.

Run it:
    python case8_2_lstm.py          # optional: the forecaster it looks inside
    python inside_the_cells.py      # about a minute on two CPU cores (+15 s to train the case)
    python inside_the_cells.py --quick   # under 20 s
    python inside_the_cells.py --model outputs/case8_3_gru/model.keras   # a GRU forecaster too

Good places for a breakpoint (the debugger's variables panel shows the values):
  - inside common/cells.py `lstm_forward`, in the `for t` loop: every gate of step t is one named
    (batch, units) array, e.g. `forget_gate` (1, 32).
  - after `numpy_states = ...` in `numpy_against_keras` (Step 3): `numpy_states["h"]`
    (1, window, units) next to `keras_h`.
  - after `initial_norms[label] = ...` in `vanishing_gradients` (Step 5): one (100,) curve per
    cell.
  - on `history = memory_model.fit(...)` in `memory_task` (Step 6): `train_inputs`
    (samples, timesteps, 2) and `train_targets`.
  - after `records[label] = ...` in `exploding_gradients` (Step 7): the loss and gradient norm of
    every training step.
"""

import contextlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import case8_2_lstm
from common import cells, cli, gradients, models, plots, preprocessing, report, training
from common.machinery.artifacts import prepare_output_dir, write_json
from common.machinery.series import load_series

# `common` comes first: it keeps TensorFlow's start-up log quiet, which must happen before
# TensorFlow (and so Keras) is imported.
import keras
import matplotlib
import numpy as np

SCRIPT = "inside_the_cells"
DEFAULT_MODEL = Path("outputs/case8_2_lstm/model.keras")  # what `python case8_2_lstm.py` writes
CASE_MODEL_EPOCHS = 50  # when no saved model exists: a short case 8-2 run (--quick with --quick)
GRADIENT_STEPS = 100  # how far back the gradient is followed
GRADIENT_SIZE = 32  # hidden size of every fresh cell (the case model's)
GRADIENT_SEQUENCES = 32  # random sequences the gradient norms are averaged over
OPEN_FORGET_BIAS = 3.0  # forget gate sigma(3) = 0.95 at the start instead of Keras' sigma(1) = 0.73
FRESH_CELLS = [  # (label, cell, forget-gate bias or None for Keras' 1): Steps 5 and 6 compare them
    ("SimpleRNN", "SimpleRNN", None),
    ("LSTM", "LSTM", None),
    ("GRU", "GRU", None),
    (f"LSTM, forget bias {OPEN_FORGET_BIAS:g}", "LSTM", OPEN_FORGET_BIAS),
]
MEMORY_GATE = {"LSTM": "forget", "GRU": "update"}  # the gate that sets how much memory a step keeps
MEMORY_STEPS = 50  # length of the adding-problem sequences (quick: 20)
MEMORY_MARKED_SPAN = 10  # the two numbers to add sit among the first 10 steps
MEMORY_SAMPLES = 3000  # training sequences (quick: 300)
MEMORY_TEST_SAMPLES = 1000  # test sequences (quick: 200)
MEMORY_SIZE = 32  # hidden size of each memory-task model
MEMORY_LEARNING_RATE = 2e-3  # Adam; 1e-2 stalls the LSTM
MEMORY_SOLVED = 0.1  # solved: test MSE below 10% of the mean predictor's
EXPLODING_STEPS = 20  # sequence length of the exploding-gradient demo
EXPLODING_SEQUENCES = 256  # its training sequences, all in one batch
EXPLODING_SIZE = 16  # hidden size of its SimpleRNN
RECURRENT_GAIN = 2.0  # orthogonal recurrent kernel times 2: each step can double the state
SGD_LEARNING_RATE = 0.01  # plain SGD: the step is the gradient's size (Adam would rescale it)
TRAIN_STEPS = 100  # full-batch steps per clipping run (quick: 30)
DEFAULT_CLIPNORM = 1.0  # --clipnorm's default here
QUICK = {
    "memory_steps": 20,
    "memory_samples": 300,
    "memory_test_samples": 200,
    "epochs": 2,
    "train_origins": 30,
}


def build_parser():
    helps = {  # the shared flags, as this script uses them
        "data": "CSV the real window is cut from (and a missing case model is trained on); "
        "without it, the file the model's case used",
        "epochs": "training epochs of each memory-task model (Step 6) (default: %(default)s)",
        "batch_size": "sequences per gradient step in the memory task (Step 6) "
        "(default: %(default)s)",
        "eager": "train the memory-task models eagerly (slower) so a debugger can step into "
        "layer calls",
        "clipnorm": "gradient-norm limit of the clipped run in the exploding-gradient demo "
        "(Step 7) (default: %(default)s)",
    }
    parser = cli.base_parser(__doc__, SCRIPT, epochs=12, batch_size=32, helps=helps)
    parser.set_defaults(clipnorm=DEFAULT_CLIPNORM)
    parser.add_argument(
        "--model",
        metavar="PATH",
        help="a forecaster a case saved, with its preprocessing.json beside it "
        f"(without it: {DEFAULT_MODEL}, or when that is missing, a small one trained into the "
        "output folder)",
    )
    return parser


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    plots.configure(args.show)
    training.seed_everything(args.seed)
    training.check_tensorboard(args.tensorboard)
    output_dir = prepare_output_dir(args.output_dir)
    started = time.time()

    report.step(1, "Load a forecaster a case saved")
    forecaster, model_metrics = load_forecaster(args, output_dir)

    report.step(2, "Take one real input window")
    frame, window, window_dates, every_window = take_real_window(forecaster, args)

    report.step(3, f"The {forecaster.cell} in NumPy against Keras")
    numpy_states, numpy_vs_keras = numpy_against_keras(
        forecaster, frame, window, window_dates, every_window, args
    )

    report.step(4, "Inside the window: the gates, step by step")
    panels, gates = read_the_gates(forecaster, window, numpy_states, args)

    report.step(
        5, f"Vanishing gradients: |d h_last / d x_t| over {GRADIENT_STEPS} steps at initialisation"
    )
    initial_norms, vanishing = vanishing_gradients(args)

    memory_steps = QUICK["memory_steps"] if args.quick else MEMORY_STEPS
    report.step(6, f"A long-range memory task: the adding problem over {memory_steps} steps")
    logs = output_dir / "logs" if args.tensorboard else None
    trained_norms, memory = memory_task(args, memory_steps, logs)

    report.step(7, "Exploding gradients, and clipping")
    records, exploding_norms, clipping = exploding_gradients(args)

    report.step(8, "Save plots and metrics")
    metrics = save_everything(
        output_dir,
        started,
        args,
        parts={
            "model": model_metrics,
            "numpy_vs_keras": numpy_vs_keras,
            "gates": gates,
            "vanishing": vanishing,
            "memory_task": memory,
            "clipping": clipping,
        },
        gates_plot=(panels, window_dates, forecaster),
        vanishing_plot=(initial_norms, trained_norms),
        exploding_plot=(records, exploding_norms),
    )
    plots.show(args.show)
    return metrics


# Step 1 -----------------------------------------------------------------------------------------


@dataclass
class Forecaster:
    """What Step 1 loads: a case's saved model, its first recurrent layer, and how it was fed."""

    model: keras.Model
    rnn: keras.layers.Layer  # the first SimpleRNN, LSTM or GRU layer (case 8-2: "lstm")
    cell: str  # "SimpleRNN", "LSTM" or "GRU"
    units: int  # the layer's hidden size (Keras' `units`)
    window_length: int  # steps in each input window (case 8-2 on electricity: 24)
    feature_count: int  # numbers at each step (case 8-2: 1)
    recipe: preprocessing.Preprocessing  # how the case turned the series into scaled windows
    data_path: Path  # the CSV the real window is cut from


def load_forecaster(args, output_dir):
    """Step 1: the saved forecaster, checked; and its part of the metrics ("model")."""
    model_path, trained_here = find_model(args, output_dir)
    recipe_path = model_path.parent / "preprocessing.json"
    if not recipe_path.is_file():
        raise cli.UsageError(
            f"{recipe_path} is missing: the forecasting cases write it beside model.keras "
            "(rerun the case)"
        )
    try:
        model = keras.saving.load_model(model_path)
        recipe = preprocessing.Preprocessing.load(recipe_path)
    except (ValueError, OSError, TypeError, KeyError) as error:
        raise cli.UsageError(
            f"{model_path} could not be loaded as a case's Keras model ({error})"
        ) from None
    rnn = first_recurrent_layer(model, model_path)  # (case 8-2: the layer named "lstm")
    cell = cells.cell_name(type(rnn).__name__)  # "LSTM"
    units = rnn.get_config()["units"]
    window_length, feature_count = model.input_shape[1:]  # (24, 1) for case 8-2
    if window_length != recipe.window or feature_count != len(recipe.feature_mean):
        raise cli.UsageError(
            f"{model_path} takes ({window_length}, {feature_count}) windows but {recipe_path} "
            f"describes ({recipe.window}, {len(recipe.feature_mean)}): keep the two files of one "
            "run together"
        )
    print(
        f"   {model_path}: {model.name}, {cell} layer {rnn.name!r} with {units} units on windows "
        f"of {window_length} steps x {feature_count} feature(s) ({', '.join(recipe.feature_names)})"
    )
    data_path = data_path_of(model_path, args.data)
    forecaster = Forecaster(
        model, rnn, cell, units, window_length, feature_count, recipe, data_path
    )
    model_metrics = {
        "path": str(model_path),
        "trained_here": trained_here,
        "cell": cell,
        "layer": rnn.name,
        "units": units,
        "window": window_length,
        "features": feature_count,
        "data": str(data_path),
    }
    return forecaster, model_metrics


def find_model(args, output_dir):
    """The model file to look inside (--model, else case 8-2's, else one trained here), and
    whether it was trained here."""
    if args.model:
        model_path = Path(args.model)
        if not model_path.is_file():
            raise cli.UsageError(
                f"no model file at {model_path}: run case8_2_lstm.py first, or leave out --model"
            )
        return model_path, False
    if DEFAULT_MODEL.is_file():
        return DEFAULT_MODEL, False
    print(f"   no saved model at {DEFAULT_MODEL}: training a small case 8-2 LSTM first")
    return train_case_model(output_dir, args.quick, args.seed, args.data), True


def train_case_model(output_dir, quick, seed, data):
    """Run case 8-2 (LSTM forecaster) into output_dir/case8_2_lstm; return the model's path."""
    folder = output_dir / "case8_2_lstm"
    argv = ["--output-dir", str(folder), "--seed", str(seed)]
    argv += ["--quick"] if quick else ["--epochs", str(CASE_MODEL_EPOCHS)]
    argv += ["--data", str(data)] if data else []
    backend = matplotlib.get_backend()  # the case selects the headless backend; keep --show working
    case8_2_lstm.main(argv)
    if matplotlib.get_backend() != backend:
        matplotlib.use(backend)
    print(f"\n   (back in {SCRIPT}) trained case 8-2 into {folder}")
    return folder / "model.keras"


def first_recurrent_layer(model, model_path):
    """The model's first recurrent layer, checked to be one common/cells.py can compute."""
    recurrent_types = tuple(models.RECURRENT_LAYERS.values())
    recurrent_layers = [layer for layer in model.layers if isinstance(layer, recurrent_types)]
    if not recurrent_layers:
        raise cli.UsageError(f"{model_path} has no SimpleRNN, LSTM or GRU layer to look inside")
    rnn = recurrent_layers[0]
    config = rnn.get_config()
    if (
        config["activation"] != "tanh"
        or config.get("recurrent_activation", "sigmoid") != "sigmoid"
        or not config["use_bias"]
        or not config.get("reset_after", True)
    ):
        raise cli.UsageError(
            f"layer {rnn.name!r} does not use Keras' default activations and biases, which "
            "common/cells.py implements"
        )
    if rnn.get_weights()[0].shape[0] != model.input_shape[-1]:
        raise cli.UsageError(
            f"layer {rnn.name!r} does not read the model's input windows directly (an embedding "
            "or other layer sits in between): use a forecaster such as case 8-2's"
        )
    return rnn


def data_path_of(model_path, data):
    """The CSV to take the window from: --data, else the file the case's metrics.json names,
    else the embedded data."""
    if data:
        return Path(data)
    metrics_path = model_path.parent / "metrics.json"
    if metrics_path.exists():
        with contextlib.suppress(KeyError, ValueError, TypeError):
            recorded = Path(json.loads(metrics_path.read_text(encoding="utf-8"))["data"]["path"])
            if recorded.exists():
                return recorded
    return case8_2_lstm.SETTINGS.embedded.path


# Step 2 -----------------------------------------------------------------------------------------


def take_real_window(forecaster, args):
    """Step 2: the series' table, the window behind the next forecast with its dates, and every
    window of the series, scaled as the case did."""
    recipe, window_length = forecaster.recipe, forecaster.window_length
    series = load_series(forecaster.data_path, target=recipe.target, inputs=recipe.inputs)
    frame = series.frame  # (rows, 1 + inputs), indexed by date
    # (rows, features), NaN before differencing has history
    scaled = preprocessing.scale(preprocessing.raw_features(frame, recipe), recipe)
    first_valid = sum(recipe.differencing_lags)  # first row with a value
    # (1, window, features): the window behind the next forecast
    window = scaled[-window_length:][None].astype("float32")
    last_dates = frame.index[-window_length:]
    window_dates = [preprocessing.format_date(date, recipe.frequency) for date in last_dates]
    window_ends = range(first_valid + window_length, len(scaled) + 1)
    every_window = np.stack([scaled[end - window_length : end] for end in window_ends])
    every_window = every_window.astype("float32")  # (windows, window, features)
    print(
        f"   {forecaster.data_path.name}: the last {window_length} steps, {window_dates[0]} to "
        f"{window_dates[-1]}, scaled as the case did (values {window.min():.2f} to "
        f"{window.max():.2f}); and all {len(every_window)} windows of the series"
    )
    report.trace(args.trace, window=window, every_window=every_window)
    return frame, window, window_dates, every_window


# Step 3 -----------------------------------------------------------------------------------------


def numpy_against_keras(forecaster, frame, window, window_dates, every_window, args):
    """Step 3: the layer's equations in NumPy against Keras, on the real window and on all of
    them; the NumPy states, and the "numpy_vs_keras" metrics."""
    model, rnn, cell = forecaster.model, forecaster.rnn, forecaster.cell
    weights = rnn.get_weights()  # [kernel (m, k*n), recurrent_kernel (n, k*n), bias]
    weight_names = ["kernel", "recurrent_kernel", "bias"]
    print(
        "   weights: "
        + ", ".join(f"{name} {w.shape}" for name, w in zip(weight_names, weights, strict=True))
    )
    numpy_states = cells.FORWARD[cell](window, *weights)  # {"h": (1, window, units), gates...}
    keras_h = cells.keras_sequence(rnn, window)  # (1, window, units), Keras' h at every step
    # (1, units), inside the saved model
    keras_last = keras.ops.convert_to_numpy(keras.Model(model.input, rnn.output)(window))
    # about 1e-7: float64 against float32
    window_difference = float(np.abs(numpy_states["h"] - keras_h).max())
    last_difference = float(np.abs(numpy_states["h"][:, -1] - keras_last).max())
    every_numpy_h = cells.FORWARD[cell](every_window, *weights)["h"]
    every_difference = float(np.abs(every_numpy_h - cells.keras_sequence(rnn, every_window)).max())
    print(
        f"   largest |NumPy - Keras| over the {forecaster.window_length} hidden states of this "
        f"window: {window_difference:.2e}"
    )
    print(
        f"   ... on the saved model's last hidden state: {last_difference:.2e}; over all "
        f"{len(every_window)} windows: {every_difference:.2e}"
    )
    numpy_count = cells.parameter_count(cell, forecaster.units, forecaster.feature_count)
    print(f"   parameters: formula {numpy_count}, Keras {rnn.count_params()}")
    forecast_check = numpy_forecast(forecaster, numpy_states, window, frame)
    report.trace(args.trace, numpy_h=numpy_states["h"], keras_h=keras_h)
    numpy_vs_keras = {
        "window_dates": [window_dates[0], window_dates[-1]],
        "max_abs_difference": window_difference,
        "max_abs_difference_last_state": last_difference,
        "windows": len(every_window),
        "max_abs_difference_all_windows": every_difference,
        "forecast": forecast_check,
        "parameters": {"formula": numpy_count, "keras": rnn.count_params()},
    }
    return numpy_states, numpy_vs_keras


def numpy_forecast(forecaster, numpy_states, window, frame):
    """The next forecast computed from the NumPy hidden state, next to Keras' (None unless the
    model is the cases' forecaster: a `linear` Dense layer on the flattened window plus a
    `correction` Dense layer on the last hidden state, or a Dense layer on that state alone)."""
    model, recipe = forecaster.model, forecaster.recipe
    names = [layer.name for layer in model.layers]
    last_state = numpy_states["h"][:, -1]  # (1, units)
    if "linear" in names and "correction" in names:  # the cases' forecaster
        linear_kernel, linear_bias = model.get_layer("linear").get_weights()  # (window*f, 1)
        correction_kernel, correction_bias = model.get_layer("correction").get_weights()
        flat = window.reshape(len(window), -1)  # (1, window * features), as Flatten does
        # (1, 1) scaled
        numpy_prediction = (flat @ linear_kernel + linear_bias) + (
            last_state @ correction_kernel + correction_bias
        )
    else:
        head = model.layers[-1]
        if not isinstance(head, keras.layers.Dense) or (
            model.layers.index(head) != model.layers.index(forecaster.rnn) + 1
        ):
            return None
        head_kernel, head_bias = head.get_weights()  # (units, 1), (1,)
        numpy_prediction = last_state @ head_kernel + head_bias  # (1, 1) scaled
    # the month to forecast is not known yet
    values = np.append(frame[recipe.target].to_numpy(), np.nan)
    numpy_value = preprocessing.to_real_units(numpy_prediction, values, [len(frame)], recipe)[0]
    keras_next = preprocessing.forecast_ahead(model, recipe, frame)[0]  # the first step ahead
    next_label, keras_value = keras_next["date"], keras_next["value"]
    print(
        f"   the whole forecaster in NumPy: {recipe.target} in {next_label} = {numpy_value:.4f} "
        f"(Keras: {keras_value:.4f})"
    )
    return {"date": next_label, "numpy": float(numpy_value), "keras": float(keras_value)}


# Step 4 -----------------------------------------------------------------------------------------


def read_the_gates(forecaster, window, numpy_states, args):
    """Step 4: each gate over the window, trained and as Keras starts it; the heatmap panels of
    gates.png, and the "gates" metrics."""
    rnn, cell = forecaster.rnn, forecaster.cell
    gate_names = cells.GATES[cell]  # ["input", "forget", "candidate", "output"] for the LSTM
    labels = {name: "candidate" if name == "candidate" else f"{name} gate" for name in gate_names}
    reading = cells.gate_summary(numpy_states)
    training.seed_everything(args.seed)
    # the same layer as Keras initialises it, for comparison
    fresh_layer = type(rnn).from_config(rnn.get_config())
    fresh_layer.build(window.shape)
    fresh_reading = cells.gate_summary(cells.FORWARD[cell](window, *fresh_layer.get_weights()))
    print(
        "   (saturated: within 0.05 of either end of the range, where the gate's own gradient "
        "is nearly 0)"
    )
    for name in gate_names:
        entry = reading[name]
        extra = (
            ""
            if name == "candidate"
            else (
                f"; open (mean > 0.9) in units {entry['open_units'] or 'none'}, "
                f"shut (< 0.1) in {entry['closed_units'] or 'none'}"
            )
        )
        print(
            f"   {labels[name]:12s} mean {entry['mean']:+.2f} (untrained layer: "
            f"{fresh_reading[name]['mean']:+.2f}), {entry['saturated_share']:.0%} saturated{extra}"
        )
    if "c" in reading:
        print(
            f"   cell state c from {reading['c']['min']:+.2f} to {reading['c']['max']:+.2f}; "
            f"units with |c| > 1 (more than tanh(c) can pass to h): "
            f"{reading['c']['units_beyond_1'] or 'none'}"
        )
    if cell in MEMORY_GATE:
        print_memory_reading(cell, reading, fresh_reading, forecaster.window_length)
    panels = {labels[name]: numpy_states[name][0].T for name in gate_names}  # each (units, window)
    if "c" in numpy_states:
        panels["cell state c"] = numpy_states["c"][0].T
    panels["hidden state h"] = numpy_states["h"][0].T
    gate_states = {f"numpy_states[{name!r}]": numpy_states[name] for name in gate_names}
    report.trace(args.trace, **gate_states)
    return panels, {"trained": reading, "untrained": fresh_reading}


def print_memory_reading(cell, reading, fresh_reading, window_length):
    """What the LSTM's forget gate (the GRU's update gate) says about the forecaster's memory."""
    memory_gate = MEMORY_GATE[cell]
    kept = reading[memory_gate]["mean"]
    left = kept ** (window_length - 1)  # what is left of the first step's weight at the last
    moved = max(
        abs(reading[name]["mean"] - fresh_reading[name]["mean"]) for name in cells.GATES[cell]
    )
    print(
        f"   Reading: the {memory_gate} gate keeps {kept:.0%} of each unit's memory per step on "
        "average, so what the window's\n"
        f"   first step wrote keeps about {left:.1%} of its weight {window_length - 1} steps "
        f"later{': a short memory.' if left < 0.1 else '.'}"
    )
    print(
        f"   Training moved the mean of each gate by at most {moved:.2f} from where Keras starts it"
        + (": this forecaster works with the gates nearly as initialised." if moved < 0.05 else ".")
    )


# Step 5 -----------------------------------------------------------------------------------------


def vanishing_gradients(args):
    """Step 5: |d h_last / d x_t| back through GRADIENT_STEPS steps of each fresh cell of
    FRESH_CELLS; the curves, and the "vanishing" metrics."""
    shape = (GRADIENT_SEQUENCES, GRADIENT_STEPS, 1)  # (32, 100, 1): the same for every cell
    gradient_inputs = np.random.default_rng(args.seed).normal(size=shape).astype("float32")
    initial_norms = {}
    memory_gate_means = {}
    for label, cell, forget_bias in FRESH_CELLS:
        training.seed_everything(args.seed)  # the same weights for every run
        layer = models.recurrent_layer(cell, GRADIENT_SIZE)
        layer.build(gradient_inputs.shape)
        if forget_bias is not None:
            gradients.open_forget_gate(layer, forget_bias)
        # (100,); seed 42: SimpleRNN falls ~10^6 from last to first
        initial_norms[label] = gradients.input_gradient_norms(layer, gradient_inputs)
        if cell in MEMORY_GATE:
            states = cells.FORWARD[cell](gradient_inputs, *layer.get_weights())
            memory_gate_means[label] = float(states[MEMORY_GATE[cell]].mean())
    curves = {f"initial_norms[{label!r}]": norms for label, norms in initial_norms.items()}
    report.trace(args.trace, gradient_inputs=gradient_inputs, **curves)
    falls = print_fall_table(initial_norms)
    for label, mean in memory_gate_means.items():
        gate = "update" if label.startswith("GRU") else "forget"
        print(
            f"   {label}: mean {gate} gate {mean:.2f}, and {mean:.2f}^{GRADIENT_STEPS - 1} = "
            f"{mean ** (GRADIENT_STEPS - 1):.1e}"
        )
    print(
        "   Reading: with Keras' default initialisation no cell carries the gradient far: each "
        "step multiplies it by a factor below 1.\n"
        "   Along the LSTM's memory path that factor is the forget gate, which Keras starts "
        "half-open; opened (bias 3),\n"
        "   the same LSTM passes the gradient across all 100 steps. Gates make the factor "
        "something the network can learn."
    )
    vanishing = {
        "timesteps": GRADIENT_STEPS,
        "units": GRADIENT_SIZE,
        "sequences": GRADIENT_SEQUENCES,
        "memory_gate_mean_at_initialisation": memory_gate_means,
        "cells": falls,
    }
    return initial_norms, vanishing


def print_fall_table(initial_norms):
    """Print how far each curve falls from the last step back to the first; return the same
    numbers per cell, None where the first step's gradient underflows to 0."""
    falls = {}
    print(
        f"   {'cell':22s}{'last step':>12s}{'50 back':>12s}{'99 back':>12s}   fall (last / first)"
    )
    for label, norms in initial_norms.items():
        factor = gradients.fall_factor(norms)
        finite = np.isfinite(factor)
        falls[label] = {
            "norm_last_step": float(norms[-1]),
            "norm_50_back": float(norms[-51]),
            "norm_first_step": float(norms[0]),
            "fall_factor": factor if finite else None,
            "orders_of_magnitude": float(np.log10(factor)) if finite else None,
        }
        fall = f"{factor:.3g} (10^{np.log10(factor):.1f})" if finite else "underflows to 0"
        print(f"   {label:22s}{norms[-1]:12.3g}{norms[-51]:12.3g}{norms[0]:12.3g}   {fall}")
    return falls


# Step 6 -----------------------------------------------------------------------------------------


def memory_task(args, memory_steps, logs=None):
    """Step 6: train each cell of FRESH_CELLS on the adding problem; the trained models' gradient
    curves, and the "memory_task" metrics. logs: a folder for TensorBoard logs (--tensorboard)."""
    epochs = QUICK["epochs"] if args.quick else args.epochs
    train_inputs, train_targets, test_inputs, test_targets = adding_problem_data(args, memory_steps)
    # about 1/6 (0.169 with seed 42)
    mean_mse = float(np.mean((test_targets - train_targets.mean()) ** 2))
    print(
        f"   one batch: inputs {train_inputs[: args.batch_size].shape}, targets "
        f"{train_targets[: args.batch_size].shape}; predicting the mean scores test MSE "
        f"{mean_mse:.3f}"
    )
    report.trace(args.trace, train_inputs=train_inputs, train_targets=train_targets)
    memory_results = {"mean predictor": {"test_mse": mean_mse, "vs_mean": 1.0}}
    memory = {}
    trained_norms = {}
    for label, cell, forget_bias in FRESH_CELLS:
        training.seed_everything(args.seed)
        memory_model = gradients.sequence_regressor(
            cell, memory_steps, 2, MEMORY_SIZE, forget_bias=forget_bias
        )
        optimizer = training.optimizer(MEMORY_LEARNING_RATE)
        memory_model.compile(optimizer=optimizer, loss="mse", run_eagerly=args.eager)
        fit_started = time.time()
        history = memory_model.fit(
            train_inputs,
            train_targets,
            validation_data=(test_inputs, test_targets),
            epochs=epochs,
            batch_size=args.batch_size,
            callbacks=[keras.callbacks.TensorBoard(str(logs / label_folder(label)))]
            if logs
            else [],
            verbose=0,
        )
        test_mse = float(memory_model.evaluate(test_inputs, test_targets, verbose=0))
        memory_results[label] = {"test_mse": test_mse, "vs_mean": test_mse / mean_mse}
        memory[label] = {
            "test_mse": test_mse,
            "share_of_mean": test_mse / mean_mse,
            "solved": test_mse < MEMORY_SOLVED * mean_mse,
            "test_mse_per_epoch": [float(v) for v in history.history["val_loss"]],
            "seconds": round(time.time() - fit_started, 1),
        }
        # (memory_steps,)
        trained_norms[label] = gradients.input_gradient_norms(memory_model, test_inputs[:200])
        per_epoch = " ".join(f"{v:.3f}" for v in history.history["val_loss"])
        print(f"   {label:22s} test MSE per epoch: {per_epoch}  ({memory[label]['seconds']} s)")
    report.results_table(
        memory_results,
        ["test_mse", "vs_mean"],
        f"Adding problem, {memory_steps} steps: test MSE after {epochs} epochs, and as a share of "
        "the mean predictor's",
    )
    carried = [label for label, entry in memory.items() if entry["solved"]]
    print(
        f"   Carried the numbers across the sequence (MSE below {MEMORY_SOLVED:.0%} of the mean "
        f"predictor's): {', '.join(carried) if carried else 'none in this budget'}"
    )
    return trained_norms, {
        "task": "adding problem",
        "timesteps": memory_steps,
        "marked_span": MEMORY_MARKED_SPAN,
        "train_sequences": len(train_inputs),
        "test_sequences": len(test_inputs),
        "epochs": epochs,
        "mean_predictor_mse": mean_mse,
        "cells": memory,
    }


def label_folder(label):
    """A folder name for a cell's label: 'LSTM, forget bias 3' -> 'LSTM_forget_bias_3'."""
    return label.replace(",", "").replace(" ", "_")


def adding_problem_data(args, memory_steps):
    """Training and test sequences of the adding problem: inputs (samples, memory_steps, 2) and
    targets (samples,)."""
    memory_samples = QUICK["memory_samples"] if args.quick else MEMORY_SAMPLES
    memory_test_samples = QUICK["memory_test_samples"] if args.quick else MEMORY_TEST_SAMPLES
    data_rng = np.random.default_rng(args.seed)
    train_inputs, train_targets = gradients.adding_problem(
        memory_samples, memory_steps, data_rng, MEMORY_MARKED_SPAN
    )
    test_inputs, test_targets = gradients.adding_problem(
        memory_test_samples, memory_steps, data_rng, MEMORY_MARKED_SPAN
    )
    print(
        f"   {len(train_inputs)} training and {len(test_inputs)} test sequences; the two marked "
        f"numbers sit in the first {MEMORY_MARKED_SPAN} steps, "
        f"{memory_steps - MEMORY_MARKED_SPAN} or more steps before the end"
    )
    return train_inputs, train_targets, test_inputs, test_targets


# Step 7 -----------------------------------------------------------------------------------------


def exploding_gradients(args):
    """Step 7: a ReLU SimpleRNN whose gradients explode, trained with plain SGD without and with
    clipnorm; the recorded runs, the untrained model's gradient curve, and the "clipping"
    metrics."""
    train_origins = QUICK["train_origins"] if args.quick else TRAIN_STEPS
    clipnorm = args.clipnorm  # 1.0 unless --clipnorm says otherwise
    clip_rng = np.random.default_rng(args.seed)
    # (256, 20, 2), (256,)
    clip_inputs, clip_targets = gradients.adding_problem(
        EXPLODING_SEQUENCES, EXPLODING_STEPS, clip_rng, MEMORY_MARKED_SPAN
    )
    print(
        f"   SimpleRNN({EXPLODING_SIZE}, activation='relu') with its orthogonal recurrent kernel "
        f"times {RECURRENT_GAIN:g}, {EXPLODING_STEPS} steps, plain SGD (learning rate "
        f"{SGD_LEARNING_RATE}), {train_origins} full-batch steps"
    )
    records = {}
    for label, clip in [("without clipping", None), (f"clipnorm={clipnorm:g}", clipnorm)]:
        training.seed_everything(args.seed)  # both runs start from the same weights
        exploding_model = gradients.sequence_regressor(
            "SimpleRNN",
            EXPLODING_STEPS,
            2,
            EXPLODING_SIZE,
            activation="relu",
            recurrent_initializer=keras.initializers.Orthogonal(gain=RECURRENT_GAIN),
        )
        if not records:  # the first run's model, before it trains: (20,), grows going back
            exploding_norms = gradients.input_gradient_norms(exploding_model, clip_inputs)
        optimizer = keras.optimizers.SGD(SGD_LEARNING_RATE, clipnorm=clip)
        records[label] = gradients.train_recording_gradients(
            exploding_model, clip_inputs, clip_targets, optimizer, train_origins
        )
    clipping = {label: gradients.run_summary(record) for label, record in records.items()}
    losses = {f"{label} loss": record["loss"] for label, record in records.items()}
    report.trace(args.trace, clip_inputs=clip_inputs, exploding_norms=exploding_norms, **losses)
    growth = 1 / gradients.fall_factor(exploding_norms)
    print(
        f"   at initialisation |d output / d x_t| grows {growth:.3g} times from the last step "
        "back to the first"
    )
    print_clipping_reading(records, clipping, clipnorm)
    return (
        records,
        exploding_norms,
        {
            "cell": "SimpleRNN relu",
            "recurrent_gain": RECURRENT_GAIN,
            "timesteps": EXPLODING_STEPS,
            "learning_rate": SGD_LEARNING_RATE,
            "clipnorm": clipnorm,
            "input_gradient_growth": float(growth),
            "runs": clipping,
        },
    )


def print_clipping_reading(records, clipping, clipnorm):
    """One line per clipping run, and what the first gradient does to the weights."""
    for label, summary in clipping.items():
        ending = (
            f"inf/NaN at step {summary['first_non_finite_step']}"
            if not summary["finite"]
            else f"finite for all {summary['steps']} steps, last loss {summary['last_loss']:.4g}"
        )
        print(
            f"   {label:18s} first loss {summary['first_loss']:.4g}, largest gradient norm "
            f"{summary['largest_finite_gradient_norm']:.3g}: {ending}"
        )
    first_norm = records["without clipping"]["gradient_norm"][0]
    print(
        f"   Reading: the first gradient has norm {first_norm:.3g}; times the learning rate "
        f"{SGD_LEARNING_RATE} it moves the weights\n"
        f"   by {first_norm * SGD_LEARNING_RATE:.3g} in one step. clipnorm rescales each weight "
        f"tensor's gradient to norm {clipnorm:g} at most: the step keeps\n"
        "   its direction and stays small."
    )


# Step 8 -----------------------------------------------------------------------------------------


def save_everything(output_dir, started, args, parts, gates_plot, vanishing_plot, exploding_plot):
    """Step 8: draw the three plots, then write metrics.json (the steps' `parts`, the run's
    seconds, seed and --quick); return the metrics."""
    panels, window_dates, forecaster = gates_plot
    initial_norms, trained_norms = vanishing_plot
    records, exploding_norms = exploding_plot
    plots.state_heatmaps(
        panels,
        window_dates,
        output_dir / "gates.png",
        f"{forecaster.cell} layer {forecaster.rnn.name!r} on the window {window_dates[0]} to "
        f"{window_dates[-1]}",
    )
    plots.gradient_norms(
        initial_norms,
        output_dir / "vanishing_gradients.png",
        trained=trained_norms,
        marked_span=MEMORY_MARKED_SPAN,
    )
    plots.clipping_runs(
        records, output_dir / "exploding_gradients.png", per_step_norms=exploding_norms
    )
    seconds = round(time.time() - started, 1)
    metrics = {
        "script": SCRIPT,
        **parts,
        "seconds": seconds,
        "seed": args.seed,
        "quick": args.quick,
    }
    write_json(output_dir / "metrics.json", metrics)
    files = ["gates.png", "vanishing_gradients.png", "exploding_gradients.png", "metrics.json"]
    report.written(output_dir, files)
    print(f"   {seconds} s in all")
    return metrics


if __name__ == "__main__":
    main()
