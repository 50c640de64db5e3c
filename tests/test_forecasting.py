"""Step 2 of the forecasting cases (forecasting.look): the test part, the season, and size
errors that give numbers that make sense and name the flag to change."""

import types

import case8_2_lstm
import case8_3_gru
from common import forecasting
from common.machinery.errors import UsageError
from common.machinery.series import Series

import numpy as np
import pandas as pd
import pytest


def monthly_series(months=168):
    dates = pd.date_range("1962-01-01", periods=months, freq="MS")
    frame = pd.DataFrame({"Milk": 600 + np.arange(months) % 12 * 10.0}, index=dates)
    return Series(frame=frame, target="Milk", inputs=[], date_column="Month", frequency="monthly")


def flags(**given):
    defaults = {"window": None, "test_fraction": 0.2, "horizon": 1, "differencing": None}
    return types.SimpleNamespace(**{**defaults, "season": None, **given})


def test_the_course_milk_shape_gives_32_test_months_and_a_season_of_12():
    look = forecasting.look(monthly_series(), flags(), case8_2_lstm.SETTINGS)
    assert look.test_start == 168 - 32
    assert look.season == 12
    assert "season: 12 months" in str(look)


@pytest.mark.parametrize(
    "given, message",
    [
        (
            {"window": 1000},
            "--window 1000 is too long for 168 months with --test-fraction 0.2 (at least 10 "
            "training windows are needed before the test part): use --window 48 or less",
        ),
        (
            {"test_fraction": 0.99},
            "--test-fraction 0.99 holds out 155 of 168 months, leaving too few to train on with "
            "window 12 (at least 10 training windows): use a smaller --test-fraction (at most 0.92",
        ),
        (
            {"horizon": 40},
            "--horizon 40 is longer than the 32 test months: use a smaller --horizon",
        ),
    ],
)
def test_size_errors_name_the_flag_to_change(given, message):
    with pytest.raises(UsageError) as error:
        forecasting.look(monthly_series(), flags(**given), case8_2_lstm.SETTINGS)
    assert message in str(error.value)


def test_a_series_too_short_says_which_window_fits_or_how_long_it_must_be():
    # The advice is one a run can follow: with 15 months no window leaves enough for training
    # and for the intervals' rolling folds (window 2 would leave 10 origins, no fold).
    with pytest.raises(UsageError, match=r"16 months are too few for the default window of 12 "):
        forecasting.look(monthly_series(16), flags(), case8_2_lstm.SETTINGS)
    with pytest.raises(UsageError, match=r"give a shorter --window \(2 or less\)"):
        forecasting.look(monthly_series(16), flags(), case8_2_lstm.SETTINGS)
    with pytest.raises(UsageError, match=r"15 months are too few for window 12 .*at least 26 nee"):
        forecasting.look(monthly_series(15), flags(), case8_2_lstm.SETTINGS)
    with pytest.raises(UsageError, match=r"12 months are too few for window 12 .*at least 26 nee"):
        forecasting.look(monthly_series(12), flags(), case8_2_lstm.SETTINGS)


def test_a_window_that_leaves_few_training_windows_is_warned_about():
    look = forecasting.look(monthly_series(), flags(window=60), case8_2_lstm.SETTINGS)
    assert "warning: window 60 leaves 86 windows to fit on, fewer than twice the 60" in str(look)
    look = forecasting.look(monthly_series(), flags(window=24), case8_2_lstm.SETTINGS)
    assert "warning" not in str(look)


def test_daily_data_with_under_two_years_to_train_on_use_the_week_as_season():
    dates = pd.date_range("2020-01-01", periods=600, freq="D")
    frame = pd.DataFrame({"Tmax": np.sin(np.arange(600) / 9.0)}, index=dates)
    series = Series(frame=frame, target="Tmax", inputs=[], date_column="Date", frequency="daily")
    look = forecasting.look(series, flags(), case8_3_gru.SETTINGS)
    assert look.season == 7 and series.season == 365  # the run's season; the series unchanged
    assert "season: 7 days, a week" in str(look)
    assert forecasting.look(series, flags(season=30), case8_3_gru.SETTINGS).season == 30


@pytest.mark.parametrize("horizon", [1, 3, 12])
def test_no_part_reaches_into_a_later_one(horizon):
    """A toy monthly series, 20 years: the targets of the training, validation, check and test
    paths (forecasting.origins) lie in that order, none reaching into a later part. (The
    calibration folds: test_baselines.py, test_rolling_origin_forecasts_never_see_...)"""
    args = flags(horizon=horizon, quick=False, window=12, differencing="none")
    look = forecasting.look(monthly_series(240), args, case8_2_lstm.SETTINGS)
    test_start = look.test_start
    choice = forecasting.choose(look, args, case8_2_lstm.SETTINGS)
    assert (choice.recipe.window, choice.recipe.differencing_lags) == (12, [])
    prepared = forecasting.prepare(look, choice, args, case8_2_lstm.SETTINGS)
    parts = [prepared.origins[name] for name in ("train", "validation", "check", "test")]
    targets = [origins[:, None] + np.arange(horizon) for origins in parts]  # positions
    assert all(len(part) for part in parts)
    for earlier, later in zip(targets[:-1], targets[1:], strict=True):
        assert earlier.max() < later.min()
    assert targets[2].max() < test_start <= targets[3].min()  # check block before the test
