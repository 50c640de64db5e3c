from common.baselines import climatology, forecasting_baselines, mean, naive, scores, seasonal_naive

import numpy as np
import pandas as pd
import pytest


def test_baselines_on_a_hand_checkable_series():
    values = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    test_steps = np.array([6, 7])  # forecast 7 and 8
    np.testing.assert_array_equal(naive(values, test_steps), [6, 7])
    np.testing.assert_array_equal(seasonal_naive(values, test_steps, season=4), [3, 4])
    np.testing.assert_array_equal(mean(values, test_steps, test_start=6), [3.5, 3.5])
    assert seasonal_naive(values, test_steps, season=7) is None  # too short for a season of 7


def test_scores_are_in_real_units():
    result = scores(np.array([10.0, 20.0]), np.array([13.0, 16.0]))
    assert result["mae"] == pytest.approx(3.5)
    assert result["rmse"] == pytest.approx(np.sqrt((9 + 16) / 2))


def test_climatology_is_the_training_mean_for_that_day_of_year():
    dates = pd.date_range("2001-01-01", "2003-12-31", freq="D")
    values = np.arange(len(dates), dtype=float)
    test_start = dates.get_loc(pd.Timestamp("2003-01-01"))
    test_steps = np.array([test_start, test_start + 40])  # 1 January and 10 February 2003
    forecast = climatology(values, dates, test_steps, test_start)
    jan1 = [dates.get_loc(pd.Timestamp(f"{year}-01-01")) for year in (2001, 2002)]
    feb10 = [dates.get_loc(pd.Timestamp(f"{year}-02-10")) for year in (2001, 2002)]
    np.testing.assert_allclose(forecast, [np.mean(jan1), np.mean(feb10)])


def test_forecasting_baselines_names():
    dates = pd.date_range("2001-01-01", periods=800, freq="D")
    values = np.sin(np.arange(800) / 58.0)
    names = forecasting_baselines(values, dates, np.arange(700, 800), 700, season=365, daily=True)
    assert list(names) == ["naive", "seasonal_naive", "mean", "climatology"]
