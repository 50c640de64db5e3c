import tracemalloc

from common.baselines import (
    RIDGE_PENALTIES,
    climatology,
    dense_weights,
    forecasting_baselines,
    last_year_change,
    linear_on_windows,
    mean,
    naive,
    predict_linear,
    ridge_on_windows,
    rolling_origin_forecasts,
    scores,
    seasonal_naive,
)
from common.machinery import chunked
from common.windows import WindowDataset, make_windows

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge


def test_baselines_on_a_hand_checkable_series():
    values = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    test_origins = np.array([6, 7])  # forecast 7 and 8
    np.testing.assert_array_equal(naive(values, test_origins), [6, 7])
    np.testing.assert_array_equal(seasonal_naive(values, test_origins, season=4), [3, 4])
    np.testing.assert_array_equal(mean(values, test_origins, test_start=6), [3.5, 3.5])
    assert seasonal_naive(values, test_origins, season=7) is None  # too short for a season of 7


def test_scores_are_in_real_units():
    result = scores(np.array([10.0, 20.0]), np.array([13.0, 16.0]))
    assert result["mae"] == pytest.approx(3.5)
    assert result["rmse"] == pytest.approx(np.sqrt((9 + 16) / 2))


def test_climatology_is_the_training_mean_for_that_day_of_year():
    dates = pd.date_range("2001-01-01", "2003-12-31", freq="D")
    values = np.arange(len(dates), dtype=float)
    test_start = dates.get_loc(pd.Timestamp("2003-01-01"))
    test_origins = np.array([test_start, test_start + 40])  # 1 January and 10 February 2003
    forecast = climatology(values, dates, test_origins, test_start)
    jan1 = [dates.get_loc(pd.Timestamp(f"{year}-01-01")) for year in (2001, 2002)]
    feb10 = [dates.get_loc(pd.Timestamp(f"{year}-02-10")) for year in (2001, 2002)]
    np.testing.assert_allclose(forecast, [np.mean(jan1), np.mean(feb10)])


def test_forecasting_baselines_names():
    dates = pd.date_range("2001-01-01", periods=800, freq="D")
    values = np.sin(np.arange(800) / 58.0)
    names = forecasting_baselines(
        values, dates, (np.arange(700, 800), 700, 1), season=365, climatology_by="day of year"
    )
    assert list(names) == ["naive", "seasonal_naive", "mean", "climatology"]


def test_yearly_baselines_have_no_season():
    dates = pd.date_range("1900-01-01", periods=80, freq="YS")
    names = forecasting_baselines(np.arange(80.0), dates, (np.arange(60, 80), 60, 1), season=None)
    assert list(names) == ["naive", "mean"]


@pytest.mark.parametrize(
    "freq, by, period",
    [("h", "hour of day", 24), ("MS", "month", 12), ("QS", "quarter", 4), ("B", "day of week", 5)],
)
def test_climatology_averages_the_training_part_by_its_point_of_the_calendar(freq, by, period):
    dates = pd.date_range("2001-01-01", periods=40 * period, freq=freq)
    position = np.arange(len(dates)) % period  # the point of the calendar, 0 .. period - 1
    values = 10.0 * position + np.arange(len(dates)) / len(dates)  # a pattern plus a small drift
    test_start = 30 * period
    forecast = climatology(values, dates, np.arange(test_start, len(dates)), test_start, by=by)
    training = values[:test_start]
    expected = [training[position[:test_start] == p].mean() for p in position[test_start:]]
    np.testing.assert_allclose(forecast, expected)


def test_last_year_change_carries_trend_and_season_forward():
    months = np.arange(40)
    values = 100 + 2.0 * months + 10 * np.sin(2 * np.pi * months / 12)  # trend + pure season
    test_origins = np.arange(30, 40)
    forecast = last_year_change(values, test_origins, season=12)
    np.testing.assert_allclose(
        forecast, values[test_origins - 1] + values[test_origins - 12] - values[test_origins - 13]
    )
    np.testing.assert_allclose(forecast, values[test_origins], atol=1e-9)  # exact on such a series
    assert last_year_change(values, np.array([12, 13]), season=12) is None  # no y[t-13] for t=12


def test_monthly_baselines_include_last_year_change():
    dates = pd.date_range("2001-01-01", periods=60, freq="MS")
    names = forecasting_baselines(
        np.arange(60.0),
        dates,
        (np.arange(48, 60), 48, 1),
        12,
        climatology_by="month",
        year_steps=12,
    )
    assert list(names) == ["naive", "seasonal_naive", "last_year_change", "mean", "climatology"]


def test_linear_baseline_fits_the_windows_and_picks_its_penalty_on_validation():
    rng = np.random.default_rng(0)
    windows = rng.normal(size=(300, 6, 2)).astype("float32")  # (samples, window, features)
    weights = rng.normal(size=12)
    targets = windows.reshape(300, -1) @ weights  # exactly linear in the flattened window
    predictions, penalty = linear_on_windows(
        windows[:200], targets[:200], windows[200:250], targets[200:250], windows[250:]
    )
    assert penalty == RIDGE_PENALTIES.min()  # no noise: the smallest penalty fits best
    np.testing.assert_allclose(predictions, targets[250:], atol=0.01)
    noisy = targets + rng.normal(scale=20.0, size=300)  # mostly noise: a large penalty wins
    _, penalty = linear_on_windows(
        windows[:200], noisy[:200], windows[200:250], noisy[200:250], windows[250:]
    )
    assert penalty > 1.0


def test_rolling_origin_forecasts_never_see_their_own_targets():
    """Each fold's ridge is fitted on the origins whose H targets all lie before the fold: the
    fold's forecasts do not change when every target from the fold's first one on changes."""
    rng = np.random.default_rng(0)
    windows = rng.normal(size=(100, 4, 2))
    targets = windows.reshape(100, -1) @ rng.normal(size=(8, 3)) + rng.normal(size=(100, 3))
    positions, forecasts = rolling_origin_forecasts(windows, targets, 1.0, 3, 5, 10)
    np.testing.assert_array_equal(positions, np.arange(50, 100))  # the later half, 5 folds
    assert forecasts.shape == (50, 3)
    for first in (50, 60, 70, 80, 90):  # each fold's first origin
        changed = targets.copy()
        changed[first - 2 :] = 1e6  # origin first - 2 has targets first - 2 .. first: seen?
        _, again = rolling_origin_forecasts(windows, changed, 1.0, 3, 5, 10)
        fold = slice(first - 50, first - 40)
        # The path of origin first - 2 reaches into the fold: it was left out of the fit.
        np.testing.assert_allclose(again[fold], forecasts[fold])
    # A fold with too few origins before it is left out.
    positions, _ = rolling_origin_forecasts(windows[:30], targets[:30], 1.0, 3, 5, 10)
    assert positions.min() >= 10 + 2


def one_shot_ridge(train_windows, train_targets, validation_windows, validation_targets):
    """The linear baseline as it was solved before the chunks: scikit-learn's Ridge on every
    flattened window at once, each penalty fitted and scored in turn: the reference."""
    flat_train = train_windows.reshape(len(train_windows), -1).astype(float)
    flat_validation = validation_windows.reshape(len(validation_windows), -1).astype(float)
    errors = {}
    for penalty in RIDGE_PENALTIES:
        ridge = Ridge(alpha=penalty, solver="cholesky").fit(flat_train, train_targets)
        errors[penalty] = np.mean((ridge.predict(flat_validation) - validation_targets) ** 2)
    chosen = min(errors, key=errors.get)
    return Ridge(alpha=chosen, solver="cholesky").fit(flat_train, train_targets)


@pytest.mark.parametrize("horizon", [1, 3])
def test_the_ridge_summed_over_chunks_is_the_one_shot_ridge(monkeypatch, horizon):
    rng = np.random.default_rng(5)
    series = np.cumsum(rng.normal(size=(900, 3)), axis=0) / 10 + 2.0  # off-centre, correlated
    origins = np.arange(12, 900 - horizon + 1)
    windows, targets = make_windows(series, series[:, 0], origins, 12, horizon)
    train, validation = slice(0, 600), slice(600, None)
    reference = one_shot_ridge(
        windows[train], targets[train], windows[validation], targets[validation]
    )
    monkeypatch.setattr(chunked, "CHUNK_BYTES", 8 * 36 * 25)  # 25 windows a chunk
    ridge, penalty = ridge_on_windows(
        windows[train], targets[train], windows[validation], targets[validation]
    )
    assert penalty == reference.alpha
    kernel, bias = dense_weights(ridge)
    relative = np.abs(ridge.coef.reshape(36, -1) - reference.coef_.reshape(-1, 36).T).max()
    assert relative / np.abs(reference.coef_).max() < 1e-8
    np.testing.assert_allclose(ridge.intercept, reference.intercept_, rtol=1e-8, atol=1e-10)
    flat = windows[validation].reshape(-1, 36)
    np.testing.assert_allclose(
        predict_linear(ridge, windows[validation]), reference.predict(flat), rtol=1e-8, atol=1e-10
    )
    assert kernel.shape == (36, horizon) and bias.shape == (horizon,)


def test_the_ridge_reads_a_stream_as_it_reads_arrays():
    rng = np.random.default_rng(6)
    series = rng.normal(size=(700, 2))
    train, validation = np.arange(20, 500), np.arange(500, 700)
    arrays = [make_windows(series, series[:, 0], part, 20) for part in (train, validation)]
    streams = [
        (WindowDataset(series, series[:, 0], part, 20, shuffle=(1, None)), None)
        for part in (train, validation)
    ]
    from_arrays, penalty = ridge_on_windows(*arrays[0], *arrays[1])
    from_streams, same_penalty = ridge_on_windows(*streams[0], *streams[1])
    assert penalty == same_penalty
    np.testing.assert_allclose(from_streams.coef, from_arrays.coef, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        predict_linear(from_streams, streams[1][0]),
        predict_linear(from_arrays, arrays[1][0]),
        rtol=1e-12,
        atol=1e-14,
    )


def peak_of_windows_and_ridge(rows, columns, window):
    """Peak traced memory (bytes) of a long file's windowing and linear baseline: cut the
    training, validation and test windows, fit and choose the ridge, forecast the test part and
    read one epoch of the training stream."""
    series = np.random.default_rng(7).normal(size=(rows, columns))
    tracemalloc.start()
    try:
        origins = np.arange(window, rows)
        train, validation, test = np.split(origins, [int(0.7 * rows), int(0.85 * rows)])
        fitted = [make_windows(series, series[:, 0], part, window) for part in (train, validation)]
        ridge, _ = ridge_on_windows(*fitted[0], *fitted[1])
        predict_linear(ridge, make_windows(series, series[:, 0], test, window)[0])
        stream = WindowDataset(
            series, series[:, 0], train, window, batch_size=256, shuffle=(1, None)
        )
        for index in range(len(stream)):
            stream[index]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_grows_with_rows_times_columns_not_with_the_window():
    # 14 columns, windows of 48 steps: every window of 20,000 rows would be 51 MiB in float32
    small, large = (peak_of_windows_and_ridge(rows, 14, 48) for rows in (5_000, 20_000))
    materialised_growth = 15_000 * 48 * 14 * 4  # bytes: 38 MiB more windows
    assert large - small < 15_000 * 14 * 8 * 4  # at most a few float64 copies of the rows (6 MiB)
    assert large - small < materialised_growth / 5
    assert large < 20_000 * 48 * 14 * 4 * 0.6  # below one materialised copy of the windows


@pytest.mark.slow
def test_a_day_of_ten_minute_steps_over_14_columns_stays_far_below_its_windows():
    # 20,000 rows x 14 columns, windows of 144 steps: 154 MiB of windows in float32; the ridge's
    # own (2016 x 2016) sums take 31 MiB a copy, whatever the rows. Before the chunks, the
    # baseline held the flattened windows twice in float64 (616 MiB) beside them.
    peak = peak_of_windows_and_ridge(20_000, 14, 144)
    assert peak < 100 * 2**20
