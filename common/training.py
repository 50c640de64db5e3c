"""Training: seeding, the optimizer, the callbacks every script trains with, the budget of
optimizer updates, and the device and backend it runs on."""

import importlib.util
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from common import significance
from common.machinery.errors import UsageError
from common.machinery.interrupts import TRAINING, check_interrupted

import keras
import numpy as np


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


def callbacks(monitor, mode, patience, tensorboard_dir=None, start_loss=None):
    """Ctrl-C handling, a stop on a NaN loss, early stopping that restores the best epoch, and
    optional TensorBoard logs.

    After fit() the model holds the weights of its best epoch on `monitor` (not the last epoch's):
    EarlyStopping keeps a copy of them and puts them back when training ends. With `start_loss`
    (the monitored value before training), the starting weights are a candidate too.
    tensorboard_dir: where TensorBoard's logs go, one folder per run inside it (run-<date time>),
    so that runs can be compared side by side; None for no logs.
    (A learning-rate schedule, Keras' ReduceLROnPlateau halving the rate after half the patience,
    was measured on the forecasting cases and left out: docs/RESULTS.md.)
    """
    chosen = [
        keras.callbacks.LambdaCallback(  # Ctrl-C during fit() stops at the next batch
            on_train_begin=lambda logs: TRAINING.set(),
            on_batch_end=lambda batch, logs: check_interrupted(),
            on_train_end=lambda logs: TRAINING.clear(),
        ),
        keras.callbacks.TerminateOnNaN(),  # a diverged run stops instead of training on NaN
        keras.callbacks.EarlyStopping(
            monitor=monitor, mode=mode, patience=patience, restore_best_weights=True
        )
        if start_loss is None
        else EarlyStoppingFromStart(start_loss, monitor=monitor, mode=mode, patience=patience),
    ]
    if tensorboard_dir is not None:
        run = time.strftime("run-%Y%m%d-%H%M%S")
        chosen.append(keras.callbacks.TensorBoard(log_dir=str(Path(tensorboard_dir) / run)))
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


class Clock(keras.callbacks.Callback):
    """The time fit() takes, in seconds (`seconds`, after training)."""

    def on_train_begin(self, logs=None):
        self.started, self.seconds = time.time(), None

    def on_train_end(self, logs=None):
        self.seconds = time.time() - self.started


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
        self.start_weights = self.best_weights  # kept for keep_if_it_helps
        self.best_epoch = -1  # "epoch 0" in Keras' message: before the first epoch

    def on_train_end(self, logs=None):
        super().on_train_end(logs)
        self.kept_start = self.best_epoch < 0


def batch_size_for(samples, smallest=8, largest=256):
    """A batch size that suits the data: about 1/32 of the training samples, as a power of two.

    A fixed batch of 256 leaves a short record of 1,000 windows with 4 optimizer updates per epoch;
    a batch of 8 makes a long one slow. 1/32 gives every epoch about 32 updates, within [8, 256].
    """
    size = 2 ** int(np.floor(np.log2(max(samples / 32, 1))))
    return int(np.clip(size, smallest, largest))


def describe_budget(plan, samples_name):
    """One line for the training step, e.g.
    `25 epochs at most of 62 batches of 256 reviews; patience 3 epochs`."""
    return (
        f"{plan['epochs']} epochs at most of {plan['batches_per_epoch']} batches of "
        f"{plan['batch_size']} {samples_name}; patience {plan['patience']} epochs"
    )


def budget(samples, updates, patience_updates, batch_size=None, epochs=None):
    """Epochs from a budget of optimizer updates: a short file trains for more epochs, a long one
    for fewer, and each gets about the same number of weight updates.

    samples: training samples; updates: the optimizer updates (one per batch) to allow;
    patience_updates: updates without
    a better validation score before early stopping ends training. `batch_size` and `epochs`
    (the --batch-size and --epochs flags) override what the data size suggests.
    Returns a dict: batch_size, epochs, patience (in epochs), batches_per_epoch (Keras'
    steps_per_epoch), and verbose,
    Keras' progress display (a bar on a terminal, one line per epoch in a file or a pipe).
    """
    batch_size = batch_size or batch_size_for(samples)
    batches_per_epoch = int(np.ceil(samples / batch_size))
    return {
        "batch_size": int(batch_size),
        "epochs": int(epochs or max(1, np.ceil(updates / batches_per_epoch))),
        "patience": int(max(2, np.ceil(patience_updates / batches_per_epoch))),
        "batches_per_epoch": batches_per_epoch,
        "verbose": progress_verbosity(),
    }


KEEP_MARGIN = 0.01  # training's weights must beat the start by 1 % of its loss on the check block
STRONG_P = 0.001  # the earlier rule's second branch (reported beside the rule, never used by it)


@dataclass(frozen=True)
class Kept:
    """After fit(): which weights the model keeps (training's, or the ones it started from),
    and the evidence. The case assigns them: `model.set_weights(kept.weights)`."""

    kept: bool  # True: training's weights; False: the starting weights (the linear path)
    weights: list  # the weights to keep
    blocks: list  # [{"start": loss, "trained": loss}]: the check block's (empty: not judged)
    p: float  # the Diebold-Mariano p-value on the check block (None: not judged)
    epochs: tuple  # (epochs run, the kept epoch: 0 for the start, the best validation loss)
    why: str  # "judged", "early stopping kept the start", or "no check block"
    earlier_rule: bool = None  # what the rule before this one would have kept (for reports)

    def __str__(self):
        return describe_kept(self)


def part_errors(model, parts):
    """Each part's errors with the model's current weights: [(origins, H), ...], scaled.
    parts: [(windows, targets), ...], targets None for a WindowDataset (it holds its own)."""
    found = []
    for windows, targets in parts:
        if targets is None:  # a long file's streamed windows hold their own targets
            targets = windows.targets
        predictions = np.reshape(model.predict(windows, verbose=0), (len(targets), -1))
        found.append(predictions - np.reshape(targets, (len(targets), -1)))
    return found


def mean_loss(errors, loss):
    """The mean squared ("mse") or absolute ("mae") error."""
    return float(np.mean(np.square(errors) if loss == "mse" else np.abs(errors)))


def epochs_summary(history, start_loss, kept):
    """(epochs run, the kept epoch: 0 for the starting weights, the best validation loss)."""
    validation_losses = history.history["val_loss"]
    best_loss = min([start_loss, *validation_losses])
    kept_epoch = 1 + validation_losses.index(best_loss) if kept else 0
    return len(history.epoch), kept_epoch, best_loss


def keep_if_it_helps(model, history, plan, blocks, loss, margin=KEEP_MARGIN):
    """After fit(), one rule fixed before any test result was seen (docs/PROTOCOL.md): keep
    training's weights only if, on the check block, their loss is at least `margin` below the
    starting weights' and the Diebold-Mariano test finds the gain real (p < 0.05). Else the
    starting weights (the linear forecast) come back; with no check block, too.

    Why the check block alone: early stopping picked the best of many epochs on the validation
    part it watched, so the trained weights look better there than they are. Only the check
    block, which neither training nor early stopping saw, can confirm a gain.
    plan: the training Plan (its callbacks hold the starting weights, its start_loss the
    validation loss before training); blocks: (validation, check), each (windows, targets),
    targets None for a WindowDataset; loss: "mse" or "mae", the training loss.
    Returns a Kept; the model is left as it was given.
    """
    stopper = next(each for each in plan.callbacks if isinstance(each, EarlyStoppingFromStart))
    validation, check = blocks
    if stopper.kept_start or not len(check[0]):
        why = "early stopping kept the start" if stopper.kept_start else "no check block"
        epochs = epochs_summary(history, plan.start_loss, kept=False)
        return Kept(False, stopper.start_weights, [], None, epochs, why)
    trained_weights = model.get_weights()
    trained = part_errors(model, [validation, check])
    model.set_weights(stopper.start_weights)
    start = part_errors(model, [validation, check])
    model.set_weights(trained_weights)  # as it was given: the case decides
    kind, horizon = ("squared" if loss == "mse" else "absolute"), trained[1].shape[1]
    test = significance.diebold_mariano(trained[1], start[1], kind, horizon=horizon)
    judged = {"start": mean_loss(start[1], loss), "trained": mean_loss(trained[1], loss)}
    kept = (
        judged["trained"] < (1 - margin) * judged["start"]
        and test["statistic"] < 0
        and test["p"] < 0.05
    )
    weights = trained_weights if kept else stopper.start_weights
    epochs = epochs_summary(history, plan.start_loss, kept)
    earlier = earlier_rule(trained, start, (kind, horizon, loss), test, margin)
    return Kept(kept, weights, [judged], float(test["p"]), epochs, "judged", earlier)


def earlier_rule(trained, start, kinds, test, margin):
    """What the rule before the current one decided (kept only for the report's comparison):
    1 % better in each half of the validation part and on the check block, and the check
    block's test at p < 0.05 or every block's at p < STRONG_P."""
    kind, horizon, loss = kinds
    blocks = [*np.array_split(trained[0], 2), trained[1]], [*np.array_split(start[0], 2), start[1]]
    better = all(
        mean_loss(t, loss) < (1 - margin) * mean_loss(s, loss) for t, s in zip(*blocks, strict=True)
    )
    overall = significance.diebold_mariano(
        np.concatenate(trained), np.concatenate(start), kind, horizon=horizon
    )
    confirmed = test["statistic"] < 0 and test["p"] < 0.05
    overwhelming = overall["statistic"] < 0 and overall["p"] < STRONG_P
    return bool(better and (confirmed or overwhelming))


def describe_kept(kept, margin=KEEP_MARGIN):
    """The run's lines for a Kept: the epochs, and the check block's losses with the test."""
    epochs_run, kept_epoch, best_loss = kept.epochs
    where = f"epoch {kept_epoch}" if kept.kept else "the starting point"
    first = f"   {epochs_run} epochs; best validation loss {best_loss:.4f}; weights kept: {where}"
    if kept.why == "no check block":
        return (
            f"{first}\n   no check block (too few validation origins): nothing can confirm a "
            "gain, so the starting weights (the linear forecast) come back"
        )
    if not kept.blocks:
        return first
    block = kept.blocks[0]
    outcome = (
        f"better by {margin:.0%} and significantly: training's weights kept"
        if kept.kept
        else f"not better by {margin:.0%} and significantly: the starting weights (the linear "
        "forecast) come back"
    )
    return (
        f"{first}\n   loss on the check block, trained vs start: {block['trained']:.4f} vs "
        f"{block['start']:.4f}; Diebold-Mariano p {kept.p:.2g}: {outcome}"
    )
