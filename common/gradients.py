"""Vanishing and exploding gradients, measured:
per-timestep gradient norms, a long-memory task, clipping.

Backpropagation through time multiplies one Jacobian per step. When those factors are below 1
the gradient reaching early steps vanishes (the network cannot learn what depends on them); when
they are above 1 it explodes (one update throws the weights far away). These helpers make both
visible on small Keras models (Keras 3 on the TensorFlow backend, gradients by tf.GradientTape):

    layer = models.recurrent_layer("simple_rnn", 32)
    norms = input_gradient_norms(layer, np.random.default_rng(0).normal(size=(32, 100, 1)))
    norms[-1] / norms[0]      # how many times weaker the first step's influence is than the last's

Good place for a breakpoint: the `gradients = tape.gradient(...)` line of `input_gradient_norms`
(shape (batch, timesteps, features)), and the loop of `train_recording_gradients`.
"""

from common import models

import keras
import numpy as np
import tensorflow as tf


class ForgetGateBias(keras.initializers.Initializer):
    """An LSTM bias that starts at 0, except the forget gate's part, which starts at `value`.

    Keras starts the forget gate's bias at 1, so f = sigma(1) = 0.73. With 3, f = sigma(3) = 0.95
    at the start: the cell state c_t = f_t * c_{t-1} + ... keeps most of its memory at each step.
    The LSTM must not add Keras' own 1 on top (unit_forget_bias=False), as `recurrent_layer` does.
    """

    def __init__(self, value):
        self.value = value

    def __call__(self, shape, dtype=None):
        units = shape[0] // 4  # Keras' gate order is i, f, c, o: the second quarter is f
        bias = np.zeros(shape)  # (4 * units,)
        bias[units : 2 * units] = self.value
        return keras.ops.convert_to_tensor(bias, dtype=dtype)

    def get_config(self):
        return {"value": self.value}


def recurrent_layer(cell, units, forget_bias=None, **options):
    """A fresh SimpleRNN, LSTM or GRU layer (common/models.py's), returning its last state.

    forget_bias: for an LSTM, the forget gate's bias at the start instead of Keras' 1 (see
    `ForgetGateBias`). `options` go to the layer (e.g. activation="relu").
    """
    if forget_bias is None:
        return models.recurrent_layer(cell, units, **options)
    if models.KERAS_NAMES.get(cell, cell) != "lstm":
        raise ValueError(f"forget_bias needs an LSTM: a {cell} has no forget gate")
    opened = {"unit_forget_bias": False, "bias_initializer": ForgetGateBias(forget_bias)}
    return models.recurrent_layer(cell, units, **options, **opened)


def input_gradient_norms(model, inputs):
    """How strongly the last output depends on the input at each step: |d y_T / d x_t| for every t.

    model: a Keras layer or model mapping inputs (batch, timesteps, features) to its last output
    (batch, outputs), e.g. a recurrent layer with return_sequences=False.
    The outputs are summed, so one backward pass gives d(sum_j y_T,j)/d x_t for every sequence and
    step (the sequences of a batch do not interact). Its norm over the features is averaged over
    the batch. Returns (timesteps,) float64: entry t for input step t; the last entry is the step
    nearest the output, the first entry the step timesteps - 1 steps before it.
    """
    x = tf.convert_to_tensor(np.asarray(inputs, dtype="float32"))  # (batch, timesteps, features)
    with tf.GradientTape() as tape:
        tape.watch(x)
        last_output = model(x)  # (batch, outputs)
        total = tf.reduce_sum(last_output)
    gradients = tape.gradient(total, x).numpy().astype(np.float64)  # (batch, timesteps, features)
    return np.linalg.norm(gradients, axis=2).mean(axis=0)  # (timesteps,)


def fall_factor(norms):
    """How many times smaller the gradient at the first step is than at the last:
    norms[-1] / norms[0].

    100 means two orders of magnitude; below 1 the gradient grows going back (it explodes).
    Infinite when the first step's gradient underflows to 0.
    """
    last, first = float(norms[-1]), float(norms[0])
    return np.inf if first == 0 else last / first


def fall_summary(norms):
    """How far one curve of `input_gradient_norms` falls, as numbers that fit in JSON.

    norms: (timesteps,) with at least 51 steps. The fall factor and its orders of magnitude are
    None when the first step's gradient underflows to 0.
    """
    factor = fall_factor(norms)
    finite = bool(np.isfinite(factor))
    return {
        "norm_last_step": float(norms[-1]),
        "norm_50_back": float(norms[-51]),
        "norm_first_step": float(norms[0]),
        "fall_factor": float(factor) if finite else None,
        "orders_of_magnitude": float(np.log10(factor)) if finite else None,
    }


def adding_problem(samples, timesteps, rng, marked_span=10):
    """The adding problem (Hochreiter & Schmidhuber 1997),
    with both marked numbers among the first steps.

    Every step carries two channels: a random number in [0, 1), and a marker that is 1 at two steps
    chosen among the first `marked_span` and 0 elsewhere. The target is the sum of the two marked
    numbers, so a model must carry them across the last `timesteps - marked_span` steps of unmarked
    numbers. Predicting the mean scores an MSE near 1/6
    (the variance of a sum of two uniform numbers).
    rng: a numpy Generator. Returns inputs (samples, timesteps, 2) and targets (samples,), float32.
    """
    values = rng.uniform(0.0, 1.0, size=(samples, timesteps))  # (samples, timesteps)
    marked = np.argsort(rng.uniform(size=(samples, marked_span)), axis=1)[
        :, :2
    ]  # (samples, 2) two distinct steps
    markers = np.zeros((samples, timesteps))
    np.put_along_axis(markers, marked, 1.0, axis=1)
    inputs = np.stack([values, markers], axis=-1).astype("float32")  # (samples, timesteps, 2)
    targets = (values * markers).sum(axis=1).astype("float32")  # (samples,)
    return inputs, targets


def sequence_regressor(cell, timesteps, features, units, forget_bias=None, name=None, **options):
    """Input (timesteps, features) -> SimpleRNN/LSTM/GRU (units) -> Dense(1):
    one number per sequence.

    forget_bias: for an LSTM, start the forget gate's bias there instead of Keras' 1.
    `options` go to the recurrent layer (e.g. activation="relu", recurrent_initializer=...).
    """
    inputs = keras.Input(shape=(timesteps, features), name="sequence")
    layer = recurrent_layer(cell, units, forget_bias, **options)
    hidden = layer(inputs)  # (batch, units), the last hidden state
    outputs = keras.layers.Dense(1, name="prediction")(hidden)
    return keras.Model(inputs, outputs, name=name or f"{cell.lower()}_regressor")


def train_recording_gradients(model, inputs, targets, optimizer, steps):
    """Gradient descent on the mean squared error, one full batch per step, recording every step.

    inputs (batch, timesteps, features), targets (batch,). The optimizer does any clipping
    (e.g. keras.optimizers.SGD(0.01, clipnorm=1.0)).
    Returns {"loss": [...], "gradient_norm": [...]}, one entry per step: the loss before the update
    and the global norm of the raw gradient, before any clipping. Stops after the first step whose
    loss or gradient is not finite (inf or NaN: the run has diverged); that value is the last entry.
    """
    x = tf.convert_to_tensor(np.asarray(inputs, dtype="float32"))
    y = tf.convert_to_tensor(np.asarray(targets, dtype="float32").reshape(-1, 1))  # (batch, 1)
    record = {"loss": [], "gradient_norm": []}
    for _ in range(steps):
        with tf.GradientTape() as tape:
            predictions = model(x, training=True)  # (batch, 1)
            loss = tf.reduce_mean(tf.square(predictions - y))
        gradients = tape.gradient(loss, model.trainable_variables)
        gradient_norm = tf.linalg.global_norm(gradients)  # sqrt of the sum of every squared entry
        record["loss"].append(float(loss))
        record["gradient_norm"].append(float(gradient_norm))
        if not (np.isfinite(record["loss"][-1]) and np.isfinite(record["gradient_norm"][-1])):
            break
        optimizer.apply(gradients, model.trainable_variables)
    return record


def run_summary(record, explode_factor=1e3):
    """What a recorded run did: steps, first and last loss, largest gradient norm,
    and whether it diverged.

    Diverged: a non-finite loss or gradient, or a loss above `explode_factor` times the first one.
    Non-finite numbers become None so the summary fits in JSON.
    """
    losses = np.asarray(record["loss"], dtype=float)  # (steps,)
    norms = np.asarray(record["gradient_norm"], dtype=float)  # (steps,)
    finite_steps = np.isfinite(losses) & np.isfinite(norms)  # (steps,) bool
    finite = bool(finite_steps.all())
    finite_losses = losses[np.isfinite(losses)]
    finite_norms = norms[np.isfinite(norms)]
    exploded = not np.isfinite(losses[0]) or bool(finite_losses.max() > explode_factor * losses[0])

    def number(value):
        return float(value) if np.isfinite(value) else None

    return {
        "steps": len(losses),
        "first_loss": number(losses[0]),
        "last_loss": number(losses[-1]),
        "largest_finite_gradient_norm": float(finite_norms.max()) if finite_norms.size else None,
        "finite": finite,
        "diverged": (not finite) or exploded,
        "first_non_finite_step": None
        if finite
        else int(np.argmin(finite_steps)) + 1,  # counted from 1
    }
