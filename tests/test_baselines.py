from common.baselines import (
    RIDGE_PENALTIES,
    climatology,
    forecasting_baselines,
    last_year_change,
    linear_on_windows,
    mean,
    naive,
    scores,
    seasonal_naive,
)

import numpy as np
import pandas as pd
import pytest


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
        values, dates, np.arange(700, 800), 700, season=365, climatology_by="day of year"
    )
    assert list(names) == ["naive", "seasonal_naive", "mean", "climatology"]


def test_yearly_baselines_have_no_season():
    dates = pd.date_range("1900-01-01", periods=80, freq="YS")
    names = forecasting_baselines(np.arange(80.0), dates, np.arange(60, 80), 60, season=None)
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
        np.arange(60.0), dates, np.arange(48, 60), 48, 12, climatology_by="month", year_steps=12
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
