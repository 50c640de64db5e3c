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

import numpy as np


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
    """
    origins = np.asarray(origins)
    if origins.size and origins.min() < window:
        raise ValueError("a target needs `window` earlier steps")
    windows = np.stack([features[t - window : t] for t in origins]).astype("float32")
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
