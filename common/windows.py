"""Sliding windows for forecasting one or several steps ahead, and the chronological split.

Try it on a toy series first (as in Chollet's book):

    >>> windows, targets = make_windows(np.arange(10.0)[:, None], np.arange(10.0), [3, 4], window=3)
    >>> windows[:, :, 0]          # inputs: the 3 steps before each target
    array([[0., 1., 2.],
           [1., 2., 3.]])
    >>> targets                   # the value right after each window, never inside it
    array([3., 4.])
"""

import math
from decimal import Decimal

from common.machinery.streaming import (
    WindowDataset,  # a long file's windows, cut as Keras reads them
)
from common.training import batch_size_for

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# A file whose windows, cut all at once, would take more than this (float32, one copy) is
# streamed: its windows are cut batch by batch as the model reads them (WindowDataset).
# 128 MiB holds every window of the embedded and course files many times over (a laptop's
# Keras copies an array it trains on, and the ridge baseline reads them too).
WINDOW_BYTES = 128 * 2**20
# One epoch of a streamed file reads at most this many windows (a shuffled share of them;
# the next epoch reads the next share): the budget of optimizer updates then holds several
# epochs, however long the file, and early stopping has epochs to compare.
STREAMED_EPOCH_WINDOWS = 2**16
STREAMED_BATCH_SIZE = 1024  # windows per batch when a stream is only predicted on


def count_test_points(rows, window, test_fraction):
    """Test targets = the last ceil(test_fraction * (rows - window)) observations
    (docs/PROTOCOL.md), in exact decimal arithmetic.

    Course milk: rows=168, window=12, test_fraction=0.2 -> 32. The fraction is taken as the
    decimal number it was written as: in binary floating point 0.14 * 100 is 14.000000000000002,
    whose ceiling would be 15.
    """
    return math.ceil(Decimal(str(test_fraction)) * (rows - window))


def make_windows(features, targets, origins, window, horizon=1):
    """Windows ending just before each forecast origin (the position of its first target).

    features: (rows, features) array, the model's input at every row (already scaled).
    targets: (rows,) array, what the model should output at each row.
    origins: positions t of the first target (the forecast origins);
    window i is features[t - window : t] for t = origins[i].
    horizon: steps forecast at once from each origin, targets t, t + 1, ..., t + horizon - 1.
    Returns windows (samples, window, features) and their targets, float32: (samples,) when
    horizon is 1, else (samples, horizon).
    Consecutive origins give a read-only stride view of `features` (no copy: window i shares
    its memory with window i + 1); others a copy.
    """
    origins = np.asarray(origins)
    if origins.size and origins.min() < window:
        raise ValueError("a target needs `window` earlier steps")
    starts = origins - window  # (samples,) the first row of each window
    view = window_view(features, window)
    if origins.size and np.all(np.diff(origins) == 1):
        windows = view[starts[0] : starts[-1] + 1]  # a view: nothing is copied
    else:
        windows = view[starts]
    return windows, target_paths(targets, origins, horizon).astype("float32")


def path_positions(origins, horizon):
    """(origins, horizon) positions t, t + 1, ..., t + horizon - 1 of each origin t's targets."""
    return np.asarray(origins)[:, None] + np.arange(horizon)


def target_paths(values, origins, horizon=1):
    """What each origin forecasts: values[t] (origins,) for one step, values[t : t + H] as
    (origins, H) for H steps."""
    values = np.asarray(values)
    if horizon == 1:
        return values[np.asarray(origins)]
    return values[path_positions(origins, horizon)]


def chronological_split(first_origin, test_start, rows, validation_fraction, horizon=1):
    """Forecast origins for training, validation and test, strictly in time order.

    first_origin: the earliest position that has a full window of valid (non-NaN) inputs.
    test_start: the position of the first test target; all the model is fitted on lies before.
    Validation is the last `validation_fraction` of the origins before the test part.
    With a horizon of H steps, an origin t forecasts t .. t + H - 1, and the parts never
    overlap: the validation part starts at the first validation origin's first target, the
    training paths all end before it (the last H - 1 origins before validation are left out)
    and the validation paths before the test part; the test origins are those whose H targets
    all lie in the test part (rolling forecast origins).
    """
    fit_origins = np.arange(first_origin, test_start - horizon + 1)
    validation_size = max(1, round(validation_fraction * len(fit_origins)))
    validation_origins = fit_origins[-validation_size:]
    train_origins = fit_origins[: -(validation_size + horizon - 1)]
    return train_origins, validation_origins, np.arange(test_start, rows - horizon + 1)


def window_view(features, window):
    """Every window of `features` (rows, features) as one read-only float32 stride view
    (rows - window + 1, window, features): view[i] is features[i : i + window], and no window
    is copied (NumPy's sliding_window_view).
    """
    features = np.asarray(features, dtype="float32")
    return sliding_window_view(features, window, axis=0).transpose(0, 2, 1)


def fits_in_memory(features, window):
    """Whether every window of `features` (rows, features), cut at once in float32, stays
    within WINDOW_BYTES."""
    rows, columns = np.shape(features)
    return max(rows - window + 1, 0) * window * columns * 4 <= WINDOW_BYTES


def model_windows(features, targets, origins, window, horizon=1, batch_size=None, seed=None):
    """What the model reads for these origins: `make_windows`' arrays when the file's windows
    fit in memory (`fits_in_memory`), else a WindowDataset that cuts them batch by batch.

    Returns (windows, targets): ((samples, window, features) float32, (samples,) or
    (samples, H)) for a file that fits; (WindowDataset, None) for a long one: the dataset
    yields (windows, targets) batches itself, as Keras' fit, evaluate and predict expect.
    seed: the training windows' stream is shuffled with it, an epoch reading at most
    STREAMED_EPOCH_WINDOWS of them; None keeps a stream in time order (validation, test).
    batch_size: the stream's batch (--batch-size; default: training.batch_size_for an
    epoch's windows, the batch training.budget plans, or STREAMED_BATCH_SIZE in time order).
    """
    if fits_in_memory(features, window):
        return make_windows(features, targets, origins, window, horizon)
    if seed is None:
        shuffle, batch_size = None, batch_size or STREAMED_BATCH_SIZE
    else:
        epoch_windows = min(STREAMED_EPOCH_WINDOWS, len(origins))
        shuffle, batch_size = (seed, epoch_windows), batch_size or batch_size_for(epoch_windows)
    stream = WindowDataset(features, targets, origins, window, horizon, batch_size, shuffle)
    return stream, None


def windows_per_epoch(windows):
    """How many windows one epoch reads: all of an array's, an epoch's share of a stream's."""
    if isinstance(windows, WindowDataset):
        return windows.epoch_windows
    return len(windows)


def first_batch(windows, targets, batch_size):
    """The first batch the model will read, (windows, targets), from arrays or a stream."""
    if isinstance(windows, WindowDataset):
        return windows[0]
    return windows[:batch_size], targets[:batch_size]


def in_order(windows, targets, size):
    """(windows, targets) pieces of at most `size` consecutive windows, in time order, from
    arrays or a WindowDataset (whose targets are its own): memory of one piece at a time."""
    if isinstance(windows, WindowDataset):
        yield from windows.in_order(size)
        return
    for start in range(0, len(windows), size):
        chunk_targets = None if targets is None else targets[start : start + size]
        yield windows[start : start + size], chunk_targets
