"""Common-sense forecasts to beat, scored exactly like the model (TensorFlow tutorial style).

Each baseline takes the full series `values` (steps,) in real units and the test target
positions, and returns one forecast per test target, using only values before that target.
"""

from dataclasses import dataclass

from common.machinery.chunked import NormalEquations, chunk_rows  # sums a chunk at a time
from common.machinery.frequencies import climatology_keys
from common.windows import in_order, path_positions

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, root_mean_squared_error


def _shaped(forecasts, horizon):
    """(origins,) for one step ahead, as the one-step protocol scores; else (origins, H)."""
    return forecasts[:, 0] if horizon == 1 else forecasts


def naive(values, test_origins, horizon=1):
    """Previous value: y[t-1], held for every step ahead."""
    last = np.asarray(values, dtype=float)[np.asarray(test_origins) - 1]
    return _shaped(np.repeat(last[:, None], horizon, axis=1), horizon)


def seasonal_naive(values, test_origins, season, horizon=1):
    """Value one season earlier: y[t-season] (h steps ahead: the same period of the last season
    observed before the origin); None when the series is too short for it."""
    test_origins = np.asarray(test_origins)
    if test_origins.min() - season < 0:
        return None
    ahead = np.arange(horizon)
    back = season * np.ceil((ahead + 1) / season).astype(int)  # whole seasons, >= h + 1 steps
    earlier = path_positions(test_origins, horizon) - back  # (origins, horizon)
    return _shaped(np.asarray(values, dtype=float)[earlier], horizon)


def last_year_change(values, test_origins, season=12, horizon=1):
    """Last month plus last year's change over the same month: y[t-1] + y[t-12] - y[t-13]
    (monthly; `season` is the steps in a year: 52 weekly, 4 quarterly).

    The forecast a model of the seasonally and first-differenced series makes when it predicts
    a change of 0: trend and season carried forward. From an origin t (t-1 the last month
    observed), h + 1 months ahead: y[t+h-12] + (y[t-1] - y[t-13]) for h < 12, one more year's
    change for each further year. None when the series is too short.
    """
    test_origins = np.asarray(test_origins)
    if test_origins.min() - season - 1 < 0:
        return None
    values = np.asarray(values, dtype=float)
    years = np.ceil((np.arange(horizon) + 1) / season).astype(int)  # seasons back, per step
    change = values[test_origins - 1] - values[test_origins - 1 - season]  # (origins,)
    same_month = values[path_positions(test_origins, horizon) - season * years]
    return _shaped(same_month + years * change[:, None], horizon)


def mean(values, test_origins, test_start, horizon=1):
    """Mean of the training part (all values before the first test target)."""
    level = np.mean(np.asarray(values, dtype=float)[:test_start])
    return _shaped(np.full((len(test_origins), horizon), level), horizon)


def climatology(values, dates, test_origins, test_start, horizon=1, by="day of year"):
    """Training mean for the same point of the calendar: `by` the day of the year (month and
    day; 29 February uses 28 February if unseen), the hour of day, the month, ...
    (common/machinery/frequencies.climatology_keys); a point the training part never saw gets the
    training mean."""
    dates = pd.DatetimeIndex(dates)
    training = pd.Series(np.asarray(values, dtype=float)[:test_start], index=dates[:test_start])
    by_key = training.groupby(climatology_keys(training.index, by)).mean()
    paths = path_positions(test_origins, horizon)
    keys = list(zip(*climatology_keys(dates[paths.reshape(-1)], by), strict=True))
    forecasts = []
    for key in keys:
        key = key if len(key) > 1 else key[0]
        fallback = (key[0], 28) if by == "day of year" else None
        forecasts.append(by_key.get(key, by_key.get(fallback, training.mean())))
    return _shaped(np.array(forecasts).reshape(paths.shape), horizon)


def scores(actual, forecast):
    """{'rmse', 'mae'} in the series' own units."""
    return {
        "rmse": float(root_mean_squared_error(actual, forecast)),
        "mae": float(mean_absolute_error(actual, forecast)),
    }


def forecasting_baselines(values, dates, test, season, climatology_by=None, year_steps=None):
    """Forecasts of every simple baseline of docs/PROTOCOL.md on the test targets, by name:
    (origins,) one step ahead, (origins, horizon) from each origin when horizon > 1.

    test: (test_origins, test_start, horizon): the test origins, the first test target's
    position, and the steps forecast from each origin.

    Those the step has (machinery/frequencies.py): seasonal_naive with a `season` (None: none),
    last_year_change where a year is `year_steps` steps (monthly 12, weekly 52, quarterly 4),
    climatology `climatology_by` a point of the calendar ("day of year", "month", ...).
    (The `linear` baseline needs the model's windows: see `linear_on_windows`.)
    """
    test_origins, test_start, horizon = test
    forecasts = {"naive": naive(values, test_origins, horizon)}
    seasonal = seasonal_naive(values, test_origins, season, horizon) if season else None
    if seasonal is not None:
        forecasts["seasonal_naive"] = seasonal
    if year_steps:
        change = last_year_change(values, test_origins, year_steps, horizon)
        if change is not None:
            forecasts["last_year_change"] = change
    forecasts["mean"] = mean(values, test_origins, test_start, horizon)
    if climatology_by:
        forecasts["climatology"] = climatology(
            values, dates, test_origins, test_start, horizon, climatology_by
        )
    return forecasts


def score_forecasts(actual, forecast):
    """`scores` for one step ahead (1-D), `scores_by_horizon` for paths (origins, H)."""
    if np.ndim(actual) == 1:
        return scores(actual, forecast)
    return scores_by_horizon(actual, forecast)


def scores_by_horizon(actual, forecast):
    """Scores of (origins, H) forecasts: {"rmse", "mae"} pooled over every scored (origin, step)
    pair, the loss the verdict's Diebold-Mariano test compares, and "by_horizon":
    [{"h": 1, "rmse", "mae"}, ...], each step's over the origins (NaN: not scored)."""
    actual = np.asarray(actual, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    steps = []
    for h in range(actual.shape[1]):
        scored = ~np.isnan(actual[:, h])
        steps.append({"h": h + 1, **scores(actual[scored, h], forecast[scored, h])})
    scored = ~np.isnan(actual)
    return {**scores(actual[scored], forecast[scored]), "by_horizon": steps}


RIDGE_PENALTIES = np.logspace(-3, 3, 13)  # 0.001 ... 1000, tried in turn on validation


@dataclass(frozen=True)
class RidgeFit:
    """A ridge regression on flattened windows: forecast = window.reshape(-1) @ coef + intercept.

    coef: (inputs,) one step ahead, (inputs, H) for H steps (inputs = window x features);
    intercept: a number, or (H,); alpha: the penalty (chosen on validation).
    """

    coef: np.ndarray
    intercept: np.ndarray
    alpha: float


def choose_penalty(equations, validation_windows, validation_targets, penalties=RIDGE_PENALTIES):
    """The ridge fitted on `equations` whose penalty gives the lowest mean squared error on the
    validation windows (read a chunk at a time; the smaller penalty on a tie): a RidgeFit."""
    fits = [equations.solve(penalty) for penalty in penalties]
    squared_errors, count = np.zeros(len(fits)), 0
    rows = chunk_rows(validation_windows)
    for chunk, targets in in_order(validation_windows, validation_targets, rows):
        inputs = chunk.reshape(len(chunk), -1).astype(float)
        for i, fit in enumerate(fits):
            squared_errors[i] += np.sum((inputs @ fit.coef + fit.intercept - targets) ** 2)
        count += np.size(targets)
    return fits[int(np.argmin(squared_errors / count))]


def ridge_on_windows(
    train_windows, train_targets, validation_windows, validation_targets, penalties=RIDGE_PENALTIES
):
    """The `linear` baseline's model: ridge regression on exactly the network's windows,
    flattened.

    Same inputs, scaling and differencing as the network; fitted on the training windows, its
    penalty chosen by the validation windows' mean squared error (the network's own early-
    stopping loss). It answers: does the network add anything over a linear model of the same
    inputs? Solved in float64 by Cholesky on the penalised normal equations (NormalEquations),
    summed over chunks of windows, so a long file's windows are never all in memory: every
    penalty tried is at least 0.001, so nearly collinear window columns (the calendar terms)
    stay well posed, and every penalty reuses the same sums.
    Windows: (samples, window, features) arrays, or WindowDatasets (targets None).
    Targets (samples, H) fit H ridge regressions at once, one per step ahead.
    Returns (the RidgeFit, its penalty).
    """
    equations = NormalEquations()
    equations.add(train_windows, train_targets)
    ridge = choose_penalty(equations, validation_windows, validation_targets, penalties)
    return ridge, ridge.alpha


def predict_linear(ridge, windows):
    """The ridge's forecasts for (samples, window, features) windows (arrays or a
    WindowDataset), a chunk at a time: (samples,) or (samples, H)."""
    pieces = [
        chunk.reshape(len(chunk), -1).astype(float) @ ridge.coef + ridge.intercept
        for chunk, _ in in_order(windows, None, chunk_rows(windows))
    ]
    if not pieces:
        return np.zeros((0,) + np.shape(ridge.intercept))
    return np.concatenate(pieces)


def rolling_origin_forecasts(windows, targets, penalty, horizon, folds, min_training):
    """Out-of-sample forecasts of the ridge, by rolling-origin folds (time-series cross-validation).

    windows, targets: every origin before the test part, in time order, (origins, window,
    features) arrays (stride views are fine) and (origins,) or (origins, H). The later half of
    the origins is cut into `folds` consecutive blocks; each block is forecast by a ridge
    (penalty `penalty`) fitted on the origins whose H targets all lie before the block's first
    target, so no forecast has seen its own target or any later value. A block with fewer than
    `min_training` such origins before it is left out. The fits grow one block at a time on
    the same sums (NormalEquations), a chunk of windows at a time.
    Returns (positions, forecasts): the indices into `windows` that were forecast (ascending),
    and their forecasts, (positions,) or (positions, H) scaled like `targets`.
    """
    equations, fitted_so_far = NormalEquations(), 0
    positions, forecasts = [], []
    for block in np.array_split(np.arange(len(windows) // 2, len(windows)), folds):
        fitted = block[0] - horizon + 1 if len(block) else 0  # paths ending before the block
        if len(block) == 0 or fitted < min_training:
            continue
        equations.add(windows[fitted_so_far:fitted], targets[fitted_so_far:fitted])
        fitted_so_far = fitted
        positions.append(block)
        forecasts.append(
            predict_linear(equations.solve(penalty), windows[block[0] : block[-1] + 1])
        )
    if not positions:
        return np.array([], dtype=int), np.empty((0, *targets.shape[1:]))
    return np.concatenate(positions), np.concatenate(forecasts)


def dense_weights(ridge):
    """The ridge as the weights of a Keras Dense layer on the flattened window:
    [kernel (window * features, H), bias (H,)], float32."""
    kernel = ridge.coef.reshape(len(ridge.coef), -1)  # (inputs, H)
    return [kernel.astype("float32"), np.atleast_1d(ridge.intercept).astype("float32")]


def linear_on_windows(
    train_windows,
    train_targets,
    validation_windows,
    validation_targets,
    test_windows,
    penalties=RIDGE_PENALTIES,
):
    """The `linear` baseline (see `ridge_on_windows`): (test predictions (test,) or (test, H) in
    the network's scaled units, penalty)."""
    ridge, chosen = ridge_on_windows(
        train_windows, train_targets, validation_windows, validation_targets, penalties
    )
    return predict_linear(ridge, test_windows), chosen
