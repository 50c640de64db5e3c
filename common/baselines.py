"""Common-sense forecasts to beat, scored exactly like the model (TensorFlow tutorial style).

Each baseline takes the full series `values` (steps,) in real units and the test target
positions, and returns one forecast per test target, using only values before that target.
"""

import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
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


def last_year_change(values, test_steps, season=12):
    """Last month plus last year's change over the same month: y[t-1] + y[t-12] - y[t-13].

    The forecast a model of the seasonally and first-differenced series makes when it predicts
    a change of 0: trend and season carried forward. None when the series is too short.
    """
    test_steps = np.asarray(test_steps)
    if test_steps.min() - season - 1 < 0:
        return None
    values = np.asarray(values, dtype=float)
    return values[test_steps - 1] + values[test_steps - season] - values[test_steps - season - 1]


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
    """Forecasts of every simple baseline of docs/PROTOCOL.md on the test targets, by name.

    (The `linear` baseline needs the model's windows: see `linear_on_windows`.)
    """
    forecasts = {"naive": naive(values, test_steps)}
    seasonal = seasonal_naive(values, test_steps, season)
    if seasonal is not None:
        forecasts["seasonal_naive"] = seasonal
    if not daily:
        change = last_year_change(values, test_steps, season)
        if change is not None:
            forecasts["last_year_change"] = change
    forecasts["mean"] = mean(values, test_steps, test_start)
    if daily:
        forecasts["climatology"] = climatology(values, dates, test_steps, test_start)
    return forecasts


RIDGE_PENALTIES = np.logspace(-3, 3, 13)  # 0.001 ... 1000, tried in turn on validation


def linear_on_windows(
    train_windows,
    train_targets,
    validation_windows,
    validation_targets,
    test_windows,
    penalties=RIDGE_PENALTIES,
):
    """The `linear` baseline: ridge regression on exactly the network's windows, flattened.

    Same inputs, scaling and differencing as the network; fitted on the training windows, its
    penalty chosen by the validation windows' mean squared error (the network's own early-
    stopping loss). It answers: does the network add anything over a linear model of the same
    inputs? Solved in float64 by Cholesky on the penalised normal equations: every penalty tried
    is at least 0.001, so nearly collinear window columns (the calendar terms) stay well posed,
    and it is ten times faster than SVD on a long daily record.
    Returns (test predictions (test,) in the network's scaled units, penalty).
    """
    flat_train = train_windows.reshape(len(train_windows), -1).astype(
        float
    )  # (samples, window * features)
    flat_validation = validation_windows.reshape(len(validation_windows), -1).astype(float)
    validation_errors = {}
    for penalty in penalties:
        ridge = Ridge(alpha=penalty, solver="cholesky").fit(flat_train, train_targets)
        predictions = ridge.predict(flat_validation)
        validation_errors[penalty] = float(np.mean((predictions - validation_targets) ** 2))
    chosen = min(validation_errors, key=validation_errors.get)
    ridge = Ridge(alpha=chosen, solver="cholesky").fit(flat_train, train_targets)
    return ridge.predict(test_windows.reshape(len(test_windows), -1).astype(float)), float(chosen)
