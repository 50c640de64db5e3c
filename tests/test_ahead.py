"""Several steps ahead: H-step baselines, undifferencing through H steps, windows with a
horizon, and split-conformal intervals, on series whose answer is known."""

from common import baselines, intervals, significance, windows
from common.preprocessing import difference, undifference_paths

import numpy as np
import pandas as pd
import pytest

SEASON = 12
PATTERN = np.array([3.0, -1, 4, 1, -5, 9, 2, -6, 5, 3, -5, -10])  # a fixed yearly shape


def trend_and_season(months=120, slope=0.7):
    t = np.arange(months)
    return 100 + slope * t + PATTERN[t % SEASON]


def test_last_year_change_is_exact_on_trend_plus_season_for_every_step():
    values = trend_and_season()
    origins = np.arange(60, 90)
    forecasts = baselines.last_year_change(values, origins, SEASON, horizon=24)
    truth = windows.target_paths(values, origins, 24)
    assert forecasts.shape == (30, 24)
    np.testing.assert_allclose(forecasts, truth, atol=1e-9)
    # The contract's formula from the last month observed, t = origin - 1, h = 1..12:
    # y[t+h-12] + (y[t] - y[t-12]).
    t = origins[:, None] - 1
    h = np.arange(1, 13)
    np.testing.assert_allclose(
        forecasts[:, :12], values[t + h - 12] + (values[t] - values[t - 12]), atol=1e-12
    )


def test_seasonal_naive_and_naive_paths():
    pattern_only = trend_and_season(slope=0.0)
    origins = np.arange(40, 50)
    np.testing.assert_allclose(
        baselines.seasonal_naive(pattern_only, origins, SEASON, horizon=30),
        windows.target_paths(pattern_only, origins, 30),
    )
    values = trend_and_season()
    naive = baselines.naive(values, origins, horizon=5)
    assert naive.shape == (10, 5) and (naive == values[origins - 1][:, None]).all()
    # One step ahead keeps the one-step shapes and values.
    np.testing.assert_array_equal(baselines.naive(values, origins), values[origins - 1])
    np.testing.assert_array_equal(
        baselines.last_year_change(values, origins, SEASON, horizon=1),
        baselines.last_year_change(values, origins, SEASON),
    )


def test_climatology_and_mean_paths_follow_the_target_dates():
    dates = pd.date_range("2001-01-01", periods=3 * 365, freq="D")
    values = 10 + 5 * np.sin(2 * np.pi * dates.day_of_year / 365)
    origins = np.arange(800, 810)
    paths = baselines.climatology(values, dates, origins, 730, horizon=7)
    one_step = baselines.climatology(values, dates, origins + 6, 730)
    np.testing.assert_allclose(paths[:, 6], one_step)
    assert baselines.mean(values, origins, 730, horizon=7).shape == (10, 7)


@pytest.mark.parametrize("lags", [[], [1], [SEASON], [SEASON, 1]])
def test_undifferencing_through_h_steps_returns_the_series(lags):
    """Fed the true changes, the path rebuilt from each origin is the series itself, however far
    ahead: every unknown level comes from the path's own earlier steps."""
    rng = np.random.default_rng(0)
    values = trend_and_season() + rng.normal(0, 2, 120).cumsum()
    origins = np.arange(40, 80)
    changes = windows.target_paths(difference(values, lags), origins, 18)
    observed = values.copy()
    observed[40:] = np.nan  # nothing at or after the first origin may be read... (see below)
    paths = undifference_paths(changes, values, origins, lags)
    np.testing.assert_allclose(paths, windows.target_paths(values, origins, 18), atol=1e-9)
    # ...and from the first origin, nothing at or after it is read: NaN there changes nothing.
    first = undifference_paths(changes[:1], observed, origins[:1], lags)
    np.testing.assert_allclose(first, paths[:1], atol=1e-9)


def test_zero_changes_of_the_seasonal_and_first_difference_are_last_years_change():
    values = trend_and_season() + np.random.default_rng(1).normal(0, 3, 120)
    origins = np.arange(30, 90)
    zero = undifference_paths(np.zeros((60, 12)), values, origins, [SEASON, 1])
    np.testing.assert_allclose(
        zero, baselines.last_year_change(values, origins, SEASON, horizon=12), atol=1e-9
    )


def test_windows_with_a_horizon_keep_every_target_on_its_side_of_the_split():
    series = np.arange(100.0)
    train, validation, test = windows.chronological_split(13, 80, 100, 0.2, horizon=6)
    assert test[0] == 80 and test[-1] + 5 == 99  # every test path lies in the test part
    assert validation[-1] + 5 == 79  # the last validation path ends before it
    # The parts never overlap, target for target: every training path ends before the first
    # validation target, every validation path before the first test target.
    train_targets = windows.target_paths(series, train, horizon=6)
    validation_targets = windows.target_paths(series, validation, horizon=6)
    test_targets = windows.target_paths(series, test, horizon=6)
    assert train_targets.max() < validation_targets.min()
    assert validation_targets.max() < test_targets.min() == 80
    assert train[-1] + 5 == validation[0] - 1  # nothing more is left out than needed
    inputs, targets = windows.make_windows(series[:, None], series, test, window=12, horizon=6)
    assert inputs.shape == (len(test), 12, 1) and targets.shape == (len(test), 6)
    np.testing.assert_array_equal(targets[0], np.arange(80.0, 86.0))
    np.testing.assert_array_equal(inputs[0, :, 0], np.arange(68.0, 80.0))


def test_conformal_intervals_cover_near_nominal_with_many_origins():
    """Errors that grow with the step, known noise: per-step quantiles from 400 origins cover
    fresh errors at close to 80 % and 95 %."""
    rng = np.random.default_rng(2)
    scale = np.linspace(1.0, 3.0, 7)  # a forecast 7 days ahead is three times as uncertain
    half_widths, method = intervals.calibrate(rng.normal(size=(400, 7)) * scale)
    assert method == "per step"
    np.testing.assert_allclose(half_widths["95"], 1.96 * scale, rtol=0.15)
    coverage = intervals.coverage(rng.normal(size=(20000, 7)) * scale, half_widths)
    assert coverage["80"]["coverage"] == pytest.approx(0.80, abs=0.03)
    assert coverage["95"]["coverage"] == pytest.approx(0.95, abs=0.015)
    assert all(0.9 < share < 0.99 for share in coverage["95"]["by_horizon"])


def test_pooled_intervals_from_few_origins_cover_near_nominal_on_average():
    """Six origins of twelve steps (course milk): too few for a per-step 95 % quantile, so the
    steps are pooled with a per-step scale. Over many draws, the coverage is near nominal."""
    rng = np.random.default_rng(3)
    scale = np.linspace(2.0, 8.0, 12)
    shares = {"80": [], "95": []}
    for _ in range(300):
        half_widths, method = intervals.calibrate(rng.normal(size=(6, 12)) * scale)
        coverage = intervals.coverage(rng.normal(size=(200, 12)) * scale, half_widths)
        for level in shares:
            shares[level].append(coverage[level]["coverage"])
    assert method == "pooled over steps with a per-step scale"
    assert 0.76 < np.mean(shares["80"]) < 0.88
    assert 0.92 < np.mean(shares["95"]) < 0.98


def test_conformal_quantile_needs_enough_errors():
    assert intervals.conformal_quantile(np.arange(1.0, 19.0), 95) is None  # 18 errors
    assert intervals.conformal_quantile(np.arange(1.0, 20.0), 95) == 19.0  # the largest of 19
    assert intervals.conformal_quantile(np.arange(1.0, 11.0), 80) == 9.0  # ceil(11 * 0.8) = 9th


def test_scores_by_horizon_and_the_test_on_paths():
    actual = np.zeros((30, 3))
    forecast = np.tile([1.0, 2.0, 3.0], (30, 1))
    scores = baselines.scores_by_horizon(actual, forecast)
    assert [step["rmse"] for step in scores["by_horizon"]] == [1.0, 2.0, 3.0]
    # pooled over every (origin, step) pair, not the mean of the steps' RMSEs (2.0)
    assert scores["rmse"] == pytest.approx(np.sqrt((1 + 4 + 9) / 3)) and scores["mae"] == 2.0
    rng = np.random.default_rng(4)
    truth = rng.normal(size=(40, 4))
    good = truth + 0.1 * rng.normal(size=(40, 4))
    bad = truth + 2.0 * rng.normal(size=(40, 4))
    tests = significance.compare_with_baselines(truth, good, {"bad": bad, "same": good}, "rmse")
    assert tests["bad"]["p"] < 0.001 and tests["bad"]["statistic"] < 0
    assert tests["same"] == {"statistic": 0.0, "p": 1.0}


def test_the_verdicts_direction_and_its_test_use_the_same_pooled_loss():
    """Two steps ahead: the network is exact one step ahead and far off two steps ahead; the
    baseline is off by the same amount at both. The mean of the per-step RMSEs favours the
    network (1.5 against 2.0), the pooled squared error does not (4.5 against 4.0), and so does
    the Diebold-Mariano test: the verdict must not say "beats"."""
    rng = np.random.default_rng(5)
    actual = np.zeros((400, 2))
    network = actual + np.column_stack([np.zeros(400), 3.0 + 0.3 * rng.normal(size=400)])
    baseline = actual + 2.0 + 0.3 * rng.normal(size=(400, 2))
    network_scores = baselines.scores_by_horizon(actual, network)
    baseline_scores = baselines.scores_by_horizon(actual, baseline)
    per_step_mean = np.mean([step["rmse"] for step in network_scores["by_horizon"]])
    assert per_step_mean < np.mean([step["rmse"] for step in baseline_scores["by_horizon"]])
    assert network_scores["rmse"] > baseline_scores["rmse"]  # pooled: the network is worse
    test = significance.compare_with_baselines(actual, network, {"b": baseline}, "rmse")["b"]
    assert test["p"] < 0.05 and test["statistic"] > 0
    outcome, _ = significance.verdict(
        "LSTM", "b", network_scores["rmse"], baseline_scores["rmse"], test
    )
    assert outcome["outcome"] == "loses to"


def test_a_gap_below_a_thousandth_of_the_baselines_score_is_no_meaningful_difference():
    significant = {"statistic": -5.0, "p": 1e-6}
    outcome, line = significance.verdict("LSTM", "linear", 10.9269, 10.9270, significant)
    assert outcome["outcome"] == "no meaningful difference from"
    assert line.startswith("verdict: no meaningful difference from linear")
    outcome, _ = significance.verdict("LSTM", "linear", 10.90, 10.9270, significant)
    assert outcome["outcome"] == "beats"  # 0.25 % apart, and the test agrees
