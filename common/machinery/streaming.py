"""Streamed windows: the windows of a file too long to cut at once, cut batch by batch as
Keras reads them. A learner never needs to step in here: on the embedded and course files,
windows.model_windows returns plain arrays.
"""

import math

from common import windows  # imported by it, so only used at run time

import keras
import numpy as np


class WindowDataset(keras.utils.PyDataset):
    """The windows of a long file, cut batch by batch as Keras reads them: memory grows with
    the file's rows x features, never with rows x window x features.

    The same windows and targets as make_windows(features, targets, origins, window, horizon),
    served in batches of `batch_size` to model.fit, evaluate and predict, on any backend
    (each batch is a NumPy array cut from a stride view of `features`).
    shuffle: None serves them in time order (validation, test, predictions). (seed,
    epoch_windows) shuffles them: each epoch reads `epoch_windows` windows (None: all) of a
    shuffled pass through every window, the next epoch the next ones; a new pass, shuffled by
    numpy.random.default_rng([seed, pass]), starts when fewer than `epoch_windows` are left.
    """

    def __init__(self, features, targets, origins, window, horizon=1, batch_size=256, shuffle=None):
        super().__init__()
        seed, epoch_windows = shuffle or (None, None)
        self.origins = np.asarray(origins)  # (samples,) positions of each window's first target
        if self.origins.size and self.origins.min() < window:
            raise ValueError("a target needs `window` earlier steps")
        self.view = windows.window_view(features, window)  # every window of the file, none copied
        self.targets = windows.target_paths(targets, self.origins, horizon).astype("float32")
        self.window, self.batch_size, self.seed = window, batch_size, seed
        self.shape = (len(self.origins), window, self.view.shape[2])  # as make_windows' array
        self.epoch_windows = min(epoch_windows or len(self.origins), len(self.origins))
        self.epoch = -1  # the epoch being read: Keras calls on_epoch_begin before each
        self._order = (None, None)  # (epoch, its samples in reading order), computed once

    def __repr__(self):
        order = "shuffled" if self.seed is not None else "in time order"
        return (
            f"WindowDataset({self.shape[0]} windows of {self.shape[1:]}, {self.epoch_windows} "
            f"an epoch, batches of {self.batch_size}, {order})"
        )

    def __len__(self):
        """Batches in one epoch."""
        return math.ceil(self.epoch_windows / self.batch_size)

    def __getitem__(self, index):
        """Batch `index` of the current epoch: (windows (batch, window, features) float32,
        targets (batch,) or (batch, H))."""
        batch = self.epoch_samples(max(self.epoch, 0))[index * self.batch_size :]
        batch = batch[: self.batch_size]  # indices into origins
        return self.view[self.origins[batch] - self.window], self.targets[batch]

    def on_epoch_begin(self):
        # Keras calls this before each epoch (on JAX also once before the first, as it builds
        # the model: the first share is then skipped, read on the next pass).
        self.epoch += 1

    def epoch_samples(self, epoch):
        """The samples (indices into `origins`) that epoch `epoch` (0, 1, ...) reads, in order."""
        if self._order[0] != epoch:
            samples = len(self.origins)
            if self.seed is None:
                order = np.arange(samples)
            else:
                epochs_per_pass = samples // self.epoch_windows
                shuffled = np.random.default_rng([self.seed, epoch // epochs_per_pass])
                first = (epoch % epochs_per_pass) * self.epoch_windows
                order = shuffled.permutation(samples)[first : first + self.epoch_windows]
            self._order = (epoch, order)
        return self._order[1]

    def in_order(self, size):
        """Every (windows, targets), `size` consecutive windows at a time, in time order."""
        for start in range(0, len(self.origins), size):
            positions = self.origins[start : start + size]
            yield self.view[positions - self.window], self.targets[start : start + size]
