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


def make_windows(features, targets, target_steps, window, horizon=1):
    """Windows ending just before each target step (each forecast origin).

    features: (steps, features) array, the model's input at every step (already scaled).
    targets: (steps,) array, what the model should output at each step.
    target_steps: positions t of the first target (the forecast origins);
    window i is features[t - window : t] for t = target_steps[i].
    horizon: steps forecast at once from each origin, targets t, t + 1, ..., t + horizon - 1.
    Returns windows (samples, window, features) and their targets, float32: (samples,) when
    horizon is 1, else (samples, horizon).
    """
    target_steps = np.asarray(target_steps)
    if target_steps.size and target_steps.min() < window:
        raise ValueError("a target needs `window` earlier steps")
    windows = np.stack([features[t - window : t] for t in target_steps]).astype("float32")
    return windows, target_paths(targets, target_steps, horizon).astype("float32")


def path_positions(target_steps, horizon):
    """(origins, horizon) positions t, t + 1, ..., t + horizon - 1 of each origin t's targets."""
    return np.asarray(target_steps)[:, None] + np.arange(horizon)


def target_paths(values, target_steps, horizon=1):
    """What each origin forecasts: values[t] (origins,) for one step, values[t : t + H] as
    (origins, H) for H steps."""
    values = np.asarray(values)
    if horizon == 1:
        return values[np.asarray(target_steps)]
    return values[path_positions(target_steps, horizon)]


def chronological_split(first_step, test_start, steps, validation_fraction, horizon=1):
    """Forecast origins for training, validation and test, strictly in time order.

    first_step: the earliest step that has a full window of valid (non-NaN) inputs.
    test_start: the first test target; everything the model is fitted on comes before it.
    Validation is the last `validation_fraction` of the origins before the test part.
    With a horizon of H steps, an origin t forecasts t .. t + H - 1: the training and validation
    origins are those whose H targets all lie before the test part, the test origins those
    whose H targets all lie in it (rolling forecast origins).
    """
    fit_steps = np.arange(first_step, test_start - horizon + 1)
    validation_size = max(1, round(validation_fraction * len(fit_steps)))
    return (
        fit_steps[:-validation_size],
        fit_steps[-validation_size:],
        np.arange(test_start, steps - horizon + 1),
    )
