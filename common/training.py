"""Seeding, compiling and the callbacks every case trains with."""

import os
import random
import sys

import keras
import numpy as np

from common.cli import TRAINING, check_interrupted


def seed_everything(seed):
    """One seed for Python, NumPy and Keras; deterministic TensorFlow ops when TensorFlow is the backend.

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


def callbacks(checkpoint_path, monitor, mode, patience):
    """Early stopping, and the best weights so far saved to `checkpoint_path` (a temporary folder).

    After fit(), `model.load_weights(checkpoint_path)` brings back the best epoch.
    """
    return [
        keras.callbacks.LambdaCallback(  # Ctrl-C during fit() stops at the next batch
            on_train_begin=lambda logs: TRAINING.set(),
            on_batch_end=lambda batch, logs: check_interrupted(),
            on_train_end=lambda logs: TRAINING.clear(),
        ),
        keras.callbacks.EarlyStopping(monitor=monitor, mode=mode, patience=patience),
        keras.callbacks.ModelCheckpoint(
            checkpoint_path, monitor=monitor, mode=mode, save_best_only=True, save_weights_only=True
        ),
    ]


def progress_verbosity():
    """Keras' progress bar on a terminal; one line per epoch when output goes to a file or a pipe."""
    return 1 if sys.stdout.isatty() else 2
