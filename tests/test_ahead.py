"""Several steps ahead: H-step baselines, undifferencing through H steps, windows with a
horizon, and split-conformal intervals, on series whose answer is known."""

import case8_2_lstm
from common import baselines, intervals, significance, windows
from common.preprocessing import difference, undifference_paths
from helpers import read_json

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


def test_pooled_intervals_take_each_steps_scale_from_other_errors():
    """Six origins of twelve steps (course milk): too few for a per-step 95 % quantile, so the
    steps are pooled, each in units of its scale. Measured on the calibrated errors themselves,
    the scale fits their tails and the 95 % intervals hold 0.932 on average; measured on other
    errors of the same forecasts (the training fit's), they hold at least the nominal share,
    as split conformal promises for exchangeable errors."""
    rng = np.random.default_rng(3)
    scale = np.linspace(2.0, 8.0, 12)
    shares = {"same": [], "other": []}
    for _ in range(300):
        calibration = rng.normal(size=(6, 12)) * scale
        fresh = rng.normal(size=(200, 12)) * scale
        for source, scale_errors in (("same", None), ("other", rng.normal(size=(200, 12)) * scale)):
            half_widths, method = intervals.calibrate(calibration, scale_errors=scale_errors)
            shares[source].append(intervals.coverage(fresh, half_widths)["95"]["coverage"])
    assert method == "pooled over steps with a per-step scale"
    assert np.mean(shares["same"]) < 0.94  # too narrow
    assert 0.95 <= np.mean(shares["other"]) < 0.97
    assert np.percentile(shares["other"], 10) > 0.92


def test_adaptive_conformal_inference_corrects_intervals_calibrated_too_narrow():
    """Test errors 1.5 times larger than the calibration errors: fixed split-conformal
    intervals hold about 62 % instead of 80 %; adapted origin by origin from the misses already
    known, they hold close to the nominal share, per step and pooled."""
    rng = np.random.default_rng(0)
    calibration = rng.normal(size=(200, 3))
    test_errors = 1.5 * rng.normal(size=(400, 3))
    fixed, _ = intervals.calibrate(calibration)
    assert intervals.coverage(test_errors, fixed)["80"]["coverage"] < 0.66
    walk = intervals.adaptive_walk(calibration, test_errors, np.arange(1000, 1400))
    coverage = intervals.coverage(test_errors, walk["half_widths"])
    assert coverage["80"]["coverage"] == pytest.approx(0.80, abs=0.03)
    assert coverage["95"]["coverage"] == pytest.approx(0.95, abs=0.02)
    assert all(abs(share - 0.80) < 0.05 for share in coverage["80"]["by_horizon"])
    low, high = coverage["80"]["coverage_interval"]  # binomial 95 % over 1,200 pairs
    assert low < coverage["80"]["coverage"] < high and 0.03 < high - low < 0.06
    # The widths grew to what the test errors need: the final 80 % half-width is near 1.5 x
    # the standard normal's 1.28, not the calibration errors' 1.28.
    assert np.mean(walk["final"]["80"]) == pytest.approx(1.5 * 1.2816, rel=0.15)
    assert walk["calibration_errors"] == 200 and walk["method"] == "per step"


def test_adaptive_intervals_use_only_misses_already_known():
    """An interval at origin t may depend only on targets before t: changing the errors of
    every target from position 1050 on leaves every width before it unchanged, and at three
    steps ahead the origin 1049's own target (1049 + 2 = 1051) has not moved its level either."""
    rng = np.random.default_rng(1)
    calibration = rng.normal(size=(100, 3))
    test_errors = 2.0 * rng.normal(size=(100, 3))
    origins = np.arange(1000, 1100)
    walk = intervals.adaptive_walk(calibration, test_errors, origins)
    target_positions = origins[:, None] + np.arange(3)
    changed = np.where(target_positions >= 1050, 100.0, test_errors)  # all misses from then on
    again = intervals.adaptive_walk(calibration, changed, origins)
    for level in ("80", "95"):
        np.testing.assert_array_equal(
            again["half_widths"][level][:51], walk["half_widths"][level][:51]
        )
    # ... and from origin 1052 on, the misses of 1050 and 1051 widen the 80 % intervals.
    assert np.all(again["half_widths"]["80"][52:] >= walk["half_widths"]["80"][52:])
    assert not np.array_equal(again["half_widths"]["80"][52:], walk["half_widths"]["80"][52:])
    # With fixed errors the level moves only after a known miss: the first origin's widths are
    # the calibration errors' conformal quantiles.
    fixed, _ = intervals.calibrate(calibration)
    np.testing.assert_allclose(walk["half_widths"]["80"][0], fixed["80"])


def test_unscored_targets_do_not_move_the_level():
    rng = np.random.default_rng(4)
    calibration = rng.normal(size=(50, 1))
    test_errors = rng.normal(size=(60, 1))
    unscored = test_errors.copy()
    unscored[10] = np.nan  # a filled target: no error, no miss, no change
    again = intervals.adaptive_walk(calibration, unscored, np.arange(60))
    assert again["half_widths"]["80"][11, 0] == again["half_widths"]["80"][10, 0]
    assert intervals.coverage(unscored, again["half_widths"])["80"]["by_horizon"][0] == (
        pytest.approx(
            np.mean(np.abs(np.delete(test_errors, 10)) <= np.delete(again["half_widths"]["80"], 10))
        )
    )


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


def noise_that_grows_in_the_test_part(path):
    """A monthly CSV, 2000-2019: trend and season with noise of 2 units, then 30 in the last
    five years (the test part and a little before it). Intervals calibrated on the calm years
    cannot hold what they promise there."""
    rng = np.random.default_rng(0)
    t = np.arange(240)
    noise = np.where(t < 180, 2.0, 30.0) * rng.normal(size=240)
    values = 500 + 0.5 * t + 20 * np.sin(2 * np.pi * t / SEASON) + noise
    months = pd.date_range("2000-01-01", periods=240, freq="MS").strftime("%Y-%m")
    pd.DataFrame({"Month": months, "Sales": values}).to_csv(path, index=False)
    return path


@pytest.mark.slow  # trains case 8-2 on --quick
def test_forecast_repeats_the_warning_of_intervals_that_missed(tmp_path, capsys):
    """On a test part far noisier than the years before it, the run prints the warning under
    the forecast after the last date (Step 10), metrics.json and preprocessing.json keep the
    line, and --forecast repeats it under its own forecast."""
    data = noise_that_grows_in_the_test_part(tmp_path / "sales.csv")
    output_dir = tmp_path / "run"
    flags = ["--data", data, "--window", "12", "--horizon", "3", "--output-dir", output_dir]
    metrics = case8_2_lstm.main(["--quick", *map(str, flags)])
    printed = capsys.readouterr().out.splitlines()
    line = metrics["intervals"]["warning"]
    assert line.startswith(
        (
            "warning: on the test part the 80 % intervals held ",
            "warning: on the test part the 95 % intervals held ",
        )
    )
    assert line.endswith(" origins): they are too narrow here; trust them less")
    step_10 = printed.index("== Step 10. Forecast the steps after the last date in the file")
    next_months, warning = printed[step_10 + 1 : step_10 + 4], printed[step_10 + 4]
    assert all(month.startswith("   Sales in 2020-") for month in next_months)
    assert warning == f"   {line}"
    assert read_json(output_dir / "preprocessing.json")["interval_warning"] == line
    forecasts = case8_2_lstm.main(
        ["--forecast", "--data", str(data), "--output-dir", str(output_dir)]
    )
    again = capsys.readouterr().out.splitlines()
    assert len(forecasts) == 3 and again[-2].startswith("   Sales in 2020-03: ")
    assert again[-1] == f"   {line}"
