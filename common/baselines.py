"""Common-sense forecasts to beat, scored exactly like the model (TensorFlow tutorial style).

Each baseline takes the full series `values` (steps,) in real units and the test target
positions, and returns one forecast per test target, using only values before that target.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, root_mean_squared_error


def naive(values, test_steps):
    """Previous value: y[t-1]."""
    return np.asarray(values, dtype=float)[np.asarray(test_steps) - 1]


def seasonal_naive(values, test_steps, season):
    """Value one season earlier: y[t-season]; None when the series is too short for it."""
    test_steps = np.asarray(test_steps)
    if test_steps.min() - season < 0:
        return None
    return np.asarray(values, dtype=float)[test_steps - season]


def mean(values, test_steps, test_start):
    """Mean of the training part (all values before the first test target)."""
    return np.full(len(test_steps), np.mean(np.asarray(values, dtype=float)[:test_start]))


def climatology(values, dates, test_steps, test_start):
    """Training mean for the same day of the year
    (month and day; 29 February uses 28 February if unseen)."""
    dates = pd.DatetimeIndex(dates)
    training = pd.Series(np.asarray(values, dtype=float)[:test_start], index=dates[:test_start])
    by_day = training.groupby([training.index.month, training.index.day]).mean()
    forecasts = []
    for date in dates[np.asarray(test_steps)]:
        key = (date.month, date.day)
        forecasts.append(by_day.get(key, by_day.get((date.month, 28), training.mean())))
    return np.array(forecasts)


def scores(actual, forecast):
    """{'rmse', 'mae'} in the series' own units."""
    return {
        "rmse": float(root_mean_squared_error(actual, forecast)),
        "mae": float(mean_absolute_error(actual, forecast)),
    }


def forecasting_baselines(values, dates, test_steps, test_start, season, daily):
    """Forecasts of every baseline of docs/PROTOCOL.md on the test targets, by name."""
    forecasts = {"naive": naive(values, test_steps)}
    seasonal = seasonal_naive(values, test_steps, season)
    if seasonal is not None:
        forecasts["seasonal_naive"] = seasonal
    forecasts["mean"] = mean(values, test_steps, test_start)
    if daily:
        forecasts["climatology"] = climatology(values, dates, test_steps, test_start)
    return forecasts
