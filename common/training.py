"""Seeding, compiling, the callbacks every case trains with, and what it trains on."""

import importlib.util
import os
import random
import sys

from common.cli import TRAINING, UsageError, check_interrupted

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


def optimizer(learning_rate, clipnorm=None):
    """Adam, with each gradient's norm clipped to `clipnorm` when given (--clipnorm)."""
    return keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=clipnorm)


def check_tensorboard(enabled):
    """--tensorboard needs the `tensorboard` package, which TensorFlow does not install itself."""
    if enabled and importlib.util.find_spec("tensorboard") is None:
        raise UsageError(
            "--tensorboard needs the tensorboard package: pip install tensorboard "
            "(or leave out --tensorboard)"
        )


def callbacks(monitor, mode, patience, tensorboard_dir=None):
    """Ctrl-C handling, early stopping that restores the best epoch, and optional TensorBoard logs.

    After fit() the model holds the weights of its best epoch on `monitor` (not the last epoch's):
    EarlyStopping keeps a copy of them and puts them back when training ends.
    """
    chosen = [
        keras.callbacks.LambdaCallback(  # Ctrl-C during fit() stops at the next batch
            on_train_begin=lambda logs: TRAINING.set(),
            on_batch_end=lambda batch, logs: check_interrupted(),
            on_train_end=lambda logs: TRAINING.clear(),
        ),
        keras.callbacks.EarlyStopping(
            monitor=monitor, mode=mode, patience=patience, restore_best_weights=True
        ),
    ]
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
