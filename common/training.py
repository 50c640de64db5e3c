"""Seeding, compiling, the callbacks every case trains with, and what it trains on."""

import importlib.util
import os
import random
import sys

from common.cli import TRAINING, UsageError, check_interrupted

import keras
import numpy as np
from sklearn.metrics import mean_absolute_error, mean_squared_error


def seed_everything(seed):
    """One seed for Python, NumPy and Keras; deterministic TensorFlow ops on TensorFlow.

    Same seed, same machine -> same numbers. (A GPU may still differ from a CPU.)
    """
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def optimizer(learning_rate, clipnorm=None, weight_decay=None):
    """Adam, with each gradient's norm clipped to `clipnorm` when given (--clipnorm); AdamW (Adam
    with decoupled weight decay) when `weight_decay` is given."""
    if weight_decay:
        return keras.optimizers.AdamW(
            learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm
        )
    return keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=clipnorm)


def check_tensorboard(enabled):
    """--tensorboard needs the `tensorboard` package, which TensorFlow does not install itself."""
    if enabled and importlib.util.find_spec("tensorboard") is None:
        raise UsageError(
            "--tensorboard needs the tensorboard package: pip install tensorboard "
            "(or leave out --tensorboard)"
        )


def callbacks(monitor, mode, patience, tensorboard_dir=None, start_loss=None, halve_after=None):
    """Ctrl-C handling, early stopping that restores the best epoch, and optional TensorBoard logs.

    After fit() the model holds the weights of its best epoch on `monitor` (not the last epoch's):
    EarlyStopping keeps a copy of them and puts them back when training ends. With `start_loss`
    (the monitored value before training), the starting weights are a candidate too. With
    `halve_after` (epochs), the learning rate is halved each time `monitor` has not improved for
    that many epochs (Keras' ReduceLROnPlateau): smaller steps near a minimum, before early
    stopping gives up.
    """
    chosen = [
        keras.callbacks.LambdaCallback(  # Ctrl-C during fit() stops at the next batch
            on_train_begin=lambda logs: TRAINING.set(),
            on_batch_end=lambda batch, logs: check_interrupted(),
            on_train_end=lambda logs: TRAINING.clear(),
        ),
        keras.callbacks.EarlyStopping(
            monitor=monitor, mode=mode, patience=patience, restore_best_weights=True
        )
        if start_loss is None
        else EarlyStoppingFromStart(start_loss, monitor=monitor, mode=mode, patience=patience),
    ]
    if halve_after is not None:
        chosen.append(
            keras.callbacks.ReduceLROnPlateau(
                monitor=monitor, mode=mode, factor=0.5, patience=halve_after, verbose=0
            )
        )
    if tensorboard_dir is not None:
        chosen.append(keras.callbacks.TensorBoard(log_dir=str(tensorboard_dir)))
    return chosen


def progress_verbosity():
    """Keras' progress bar on a terminal;
    one line per epoch when output goes to a file or a pipe."""
    return 1 if sys.stdout.isatty() else 2


def devices():
    """What Keras trains on: the GPUs' names, or ["CPU"]."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        names = [
            tf.config.experimental.get_device_details(gpu).get("device_name", "GPU") for gpu in gpus
        ]
        return names or ["CPU"]
    if keras.backend.backend() == "jax":
        import jax

        return sorted(
            {device.device_kind if device.platform == "gpu" else "CPU" for device in jax.devices()}
        )
    if keras.backend.backend() == "torch":
        import torch

        return [torch.cuda.get_device_name(0)] if torch.cuda.is_available() else ["CPU"]
    return ["CPU"]


def environment():
    """The `environment` block of metrics.json: backend, devices, TensorFlow and Keras versions."""
    try:
        import tensorflow as tf

        tensorflow_version = tf.__version__
    except ImportError:
        tensorflow_version = None
    return {
        "backend": keras.backend.backend(),
        "devices": devices(),
        "tensorflow": tensorflow_version,
        "keras": keras.__version__,
    }


def describe_environment(block):
    """One line for the build step,
    e.g. `Keras 3.15.1 (tensorflow backend, TensorFlow 2.21.0) on CPU`."""
    tensorflow = f", TensorFlow {block['tensorflow']}" if block["tensorflow"] else ""
    return (
        f"Keras {block['keras']} ({block['backend']} backend{tensorflow}) "
        f"on {', '.join(block['devices'])}"
    )


class EarlyStoppingFromStart(keras.callbacks.EarlyStopping):
    """EarlyStopping whose candidates include the weights training started from.

    Keras' EarlyStopping compares epochs with each other only, so a model that never improves
    on its starting point still ends with its best *trained* weights. Here the starting point
    (e.g. the zero forecast) competes too: `start_loss` is its monitored value, measured before
    fit(); when no epoch beats it, the starting weights are put back.
    """

    def __init__(self, start_loss, **options):
        super().__init__(restore_best_weights=True, **options)
        self.start_loss = start_loss

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self.best = self.start_loss
        self.best_weights = self.model.get_weights()
        self.best_epoch = -1  # "epoch 0" in Keras' message: before the first epoch

    def on_train_end(self, logs=None):
        super().on_train_end(logs)
        self.kept_start = self.best_epoch < 0


def batch_size_for(samples, smallest=8, largest=256):
    """A batch size that suits the data: about 1/32 of the training samples, as a power of two.

    A fixed batch of 256 leaves a short record of 1,000 windows with 4 optimizer steps per epoch;
    a batch of 8 makes a long one slow. 1/32 gives every epoch about 32 steps, within [8, 256].
    """
    size = 2 ** int(np.floor(np.log2(max(samples / 32, 1))))
    return int(np.clip(size, smallest, largest))


def describe_budget(plan, samples_name):
    """One line for the training step, e.g.
    `25 epochs at most of 62 batches of 256 reviews; patience 3 epochs`."""
    return (
        f"{plan['epochs']} epochs at most of {plan['steps_per_epoch']} batches of "
        f"{plan['batch_size']} {samples_name}; patience {plan['patience']} epochs"
    )


def budget(samples, steps, patience_steps, batch_size=None, epochs=None):
    """Epochs from a budget of optimizer steps: a short file trains for more epochs, a long one
    for fewer, and each gets about the same number of weight updates.

    samples: training samples; steps: the optimizer steps to allow; patience_steps: steps without
    a better validation score before early stopping ends training. `batch_size` and `epochs`
    (the --batch-size and --epochs flags) override what the data size suggests.
    Returns a dict: batch_size, epochs, patience (in epochs), steps_per_epoch.
    """
    batch_size = batch_size or batch_size_for(samples)
    steps_per_epoch = int(np.ceil(samples / batch_size))
    return {
        "batch_size": int(batch_size),
        "epochs": int(epochs or max(1, np.ceil(steps / steps_per_epoch))),
        "patience": int(max(2, np.ceil(patience_steps / steps_per_epoch))),
        "steps_per_epoch": steps_per_epoch,
    }


def side_by_side(members):
    """One Keras model that trains several networks at once: the same input, one output per
    member, and (compiled with one loss) one loss per member, summed.

    Each member's gradient comes from its own loss only, and Adam (or AdamW) updates every
    weight from its own gradient, so the members train as they would alone, on the same batches
    and for the same epochs (early stopping watches their summed validation loss).
    """
    inputs = keras.Input(shape=members[0].input_shape[1:], name="window")
    return keras.Model(inputs, [member(inputs) for member in members], name="side_by_side")


def averaged(members):
    """One Keras model whose forecast is the mean of the members' forecasts (a seed average)."""
    inputs = keras.Input(shape=members[0].input_shape[1:], name="window")
    mean = keras.layers.Average(name="mean_forecast")([member(inputs) for member in members])
    return keras.Model(inputs, mean, name="seed_average")


def average_or_best(members, forecasts, targets, loss):
    """The model to keep, chosen on validation: the members' average when its validation loss
    is below every member's, else the best member alone.

    forecasts: each member's forecasts of the validation part (what the side-by-side model's
    predict returns), targets: the validation targets; loss: "mse" or "mae", the loss the
    members trained on. Returns (model, choice): choice holds each member's validation loss,
    the average's, and `kept` ("average" or "network k", counted from 1).
    """
    score = {"mse": mean_squared_error, "mae": mean_absolute_error}[loss]
    forecasts = [np.reshape(forecast, targets.shape) for forecast in forecasts]
    member_losses = [float(score(targets, forecast)) for forecast in forecasts]
    average_loss = float(score(targets, np.mean(forecasts, axis=0)))
    best = int(np.argmin(member_losses))
    if len(members) > 1 and average_loss < member_losses[best]:
        model, kept = averaged(members), "average"
    else:
        model, kept = members[best], f"network {best + 1}"
    choice = {"member_losses": member_losses, "average_loss": average_loss, "kept": kept}
    return model, choice


def first_member(model):
    """The first network of a seed average (`averaged`); any other model itself."""
    members = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    return members[0] if model.name == "seed_average" and members else model


def describe_networks(choice, train_seconds):
    """Step 8's lines on the seed average: each network's validation loss, the average's, what
    is kept, and the cost (all networks train in the same fit(), so it is their training time)."""
    losses = ", ".join(f"{loss:.4f}" for loss in choice["member_losses"])
    return [
        f"validation loss of each network: {losses}; of their average: "
        f"{choice['average_loss']:.4f}",
        f"kept: {'their average' if choice['kept'] == 'average' else choice['kept'] + ' alone'} "
        f"({len(choice['member_losses'])} networks trained together in {train_seconds:.1f} s)",
    ]
