"""The classical references (common/classical.py): fitted once before the test part, then
forecasting from each test origin with the same parameters, from the past alone."""

import types
import warnings

import case8_2_lstm
from common import classical, forecasting, windows
from common.machinery.series import Series

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.forecasting.theta import ThetaModel
from statsmodels.tsa.holtwinters import ExponentialSmoothing
from threadpoolctl import threadpool_limits

MONTHS, TEST_START, SEASON = 120, 96, 12  # ten years, the last two tested
NAMES = ["ets", "theta", "arima"]


def toy_monthly(months=MONTHS, seed=0):
    """(months,) a rising level with a yearly swing and a little noise, all positive."""
    t = np.arange(months)
    noise = np.random.default_rng(seed).normal(0, 1, months)
    return 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / SEASON) + noise


def split(values, horizon):
    """(test_origins, test_start, horizon): every origin whose H targets lie in the test part."""
    return np.arange(TEST_START, len(values) - horizon + 1), TEST_START, horizon


@pytest.fixture(scope="module")
def fits():
    """{horizon: (fits, left_out)} on the toy series, one and three steps ahead."""
    values = toy_monthly()
    return {h: classical.references(values, split(values, h), SEASON) for h in (1, 3)}


def test_every_reference_forecasts_one_and_three_steps_from_each_origin(fits):
    (one, left_out), (three, _) = fits[1], fits[3]
    assert list(one) == NAMES and left_out == {}
    for name in NAMES:
        assert one[name].forecasts.shape == (MONTHS - TEST_START,)  # (origins,)
        assert three[name].forecasts.shape == (MONTHS - TEST_START - 2, 3)  # (origins, H)
        # The first step of each path is the one-step forecast from the same origin.
        np.testing.assert_allclose(three[name].forecasts[:, 0], one[name].forecasts[:-2])
        assert three[name].chosen == one[name].chosen  # fitted on the same training part
        # The toy's swing is 10 around a level of 130 to 160: every reference follows it.
        error = one[name].forecasts - toy_monthly()[TEST_START:]
        assert np.sqrt(np.mean(error**2)) < 3, name
    assert one["ets"].chosen.startswith("ETS(") and one["arima"].chosen.startswith("ARIMA(")
    assert "season of 12 taken out" in one["theta"].chosen


def test_a_forecast_reads_only_values_before_its_origin(fits):
    values = toy_monthly()
    changed = values.copy()
    changed[105] += 50  # a test value (the training part, and so the fit, is unchanged)
    after, _ = classical.references(changed, split(changed, 1), SEASON)
    for name in NAMES:
        before = fits[1][0][name].forecasts
        origins = np.arange(TEST_START, MONTHS)
        np.testing.assert_array_equal(after[name].forecasts[origins <= 105], before[origins <= 105])
        assert after[name].forecasts[origins == 106] != before[origins == 106], name


def form_named(chosen, forms, name_of):
    """The form whose name is `chosen`."""
    return next(form for form in forms if chosen.startswith(name_of(form)))


def test_ets_forecasts_with_the_training_parameters_at_every_origin(fits):
    """Each test origin's path equals statsmodels' forecast from values[:t], smoothed with the
    parameters and starting states fitted on the training part only: nothing is refitted."""
    values = toy_monthly()
    training = values[:TEST_START]
    form = form_named(
        fits[3][0]["ets"].chosen, classical.ets_forms(training, SEASON), classical.ets_name
    )
    fitted = classical.ets_model(training, form, SEASON).fit(disp=False)
    for position, origin in [(0, TEST_START), (7, TEST_START + 7), (-1, MONTHS - 3)]:
        model = classical.ets_model(values[:origin], form, SEASON, initial=fitted)
        expected = model.smooth(fitted.params).forecast(3)
        np.testing.assert_allclose(fits[3][0]["ets"].forecasts[position], expected, rtol=1e-9)


def test_arima_forecasts_with_the_training_parameters_at_every_origin(fits):
    values = toy_monthly()
    training = values[:TEST_START]
    # As classical.arima fits: one BLAS thread, without statsmodels' notes on start values.
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore")
        candidates = classical.arima_candidates(training, SEASON)
        form = form_named(fits[3][0]["arima"].chosen, candidates, classical.arima_name)
        model = classical.sarimax(training, form, simple_differencing=True)
        fitted = model.fit(disp=False, cov_type="none")
    for position, origin in [(0, TEST_START), (7, TEST_START + 7), (-1, MONTHS - 3)]:
        expected = classical.sarimax(values[:origin], form).filter(fitted.params).forecast(3)
        np.testing.assert_allclose(fits[3][0]["arima"].forecasts[position], expected, rtol=1e-6)


def test_theta_is_statsmodels_theta_at_the_first_origin_then_smooths_with_a_fixed_alpha(fits):
    values = toy_monthly()
    expected = ThetaModel(values[:TEST_START], period=SEASON).fit().forecast(3)
    np.testing.assert_allclose(fits[3][0]["theta"].forecasts[0], expected, rtol=1e-9)
    # Later origins: simple exponential smoothing run on with the training part's alpha.
    adjusted = values - 20  # any series
    expected = ExponentialSmoothing(
        adjusted, initialization_method="known", initial_level=adjusted[0]
    ).fit(smoothing_level=0.3, optimized=False)
    np.testing.assert_allclose(classical.ses_levels(adjusted, 0.3), expected.fittedvalues)


def test_multiplicative_forms_only_when_every_training_value_is_positive():
    positive = toy_monthly()[:TEST_START]
    forms = classical.ets_forms(positive, SEASON)
    assert len(forms) == 12 and ("mul", "add", True, "mul") in forms
    with_a_zero = positive - positive.min()  # one value is 0
    forms = classical.ets_forms(with_a_zero, SEASON)
    assert len(forms) == 6 and all("mul" not in form for form in forms)
    assert classical.ets_forms(with_a_zero, None) == [
        ("add", None, False, None),
        ("add", "add", False, None),
        ("add", "add", True, None),
    ]
    assert classical.seasonal_adjustment(positive, SEASON).multiplicative
    assert not classical.seasonal_adjustment(with_a_zero, SEASON).multiplicative
    values = toy_monthly() - 130  # negative values: additive forms only
    ets = classical.quietly(classical.ets, values, split(values, 1), SEASON)
    theta = classical.quietly(classical.theta, values, split(values, 1), SEASON)
    assert "M" not in ets.chosen and "additive season" in theta.chosen


def test_a_long_season_is_taken_out_before_ets_and_arima():
    """A daily toy: a 365-day season is taken out with the training part's fixed indices."""
    days = np.arange(4 * 365)
    values = 15 + 10 * np.sin(2 * np.pi * days / 365)
    values += np.random.default_rng(1).normal(0, 1, len(days)).cumsum() * 0.1
    test = (np.arange(3 * 365, 4 * 365), 3 * 365, 1)
    fits, left_out = classical.references(values, test, 365)
    assert left_out == {}
    assert "season of 365 taken out" in fits["ets"].chosen, fits["ets"].chosen
    assert "season of 365 taken out" in fits["arima"].chosen
    assert "[365]" not in fits["arima"].chosen and ",N)" in fits["ets"].chosen  # no season states


def test_a_reference_that_cannot_be_fitted_or_exceeds_its_budget_is_left_out(monkeypatch):
    constant = np.full(MONTHS, 5.0)
    fits, left_out = classical.references(constant, split(constant, 1), SEASON)
    assert "arima" not in fits and left_out["arima"].startswith("it could not be fitted")
    monkeypatch.setitem(classical.MOST_ROWS, "arima", 50)
    fits, left_out = classical.references(toy_monthly(), split(constant, 1), SEASON)
    assert list(fits) == ["ets", "theta"]
    assert left_out == {
        "arima": "96 values before the test part; it is fitted on at most 50 within the run's "
        "time budget"
    }
    short = toy_monthly(30)
    fits, left_out = classical.references(short, (np.arange(20, 30), 20, 1), SEASON)
    assert fits == {} and left_out["ets"] == "20 values before the test part; it needs 24"


def test_step_6_scores_them_like_every_baseline_and_records_the_form(monkeypatch):
    """Steps 5, 6 and 9 on a toy monthly series: the references are baselines, each with the
    form it chose in the results (metrics.json's baselines); one left out gets a note."""
    monkeypatch.setitem(classical.MOST_ROWS, "arima", 50)  # left out: its time budget
    dates = pd.date_range("1990-01-01", periods=MONTHS, freq="MS")
    frame = pd.DataFrame({"Sales": toy_monthly()}, index=dates)
    series = Series(
        frame=frame, target="Sales", inputs=[], date_column="Month", frequency="monthly"
    )
    args = types.SimpleNamespace(
        window=12, test_fraction=0.2, horizon=1, differencing="seasonal", season=None, quick=False
    )
    settings = case8_2_lstm.SETTINGS
    look = forecasting.look(series, args, settings)
    prepared = forecasting.prepare(look, forecasting.choose(look, args, settings), args, settings)
    scaled, origins = prepared.scaled, prepared.origins
    train, validation, _, (test_windows, _) = (
        windows.make_windows(scaled, scaled[:, 0], origins[part], 12)
        for part in ("train", "validation", "check", "test")
    )
    baseline = forecasting.forecast_baselines(
        prepared, (*train, *validation), test_windows, settings
    )
    assert list(baseline.forecasts)[-3:] == ["ets", "theta", "combination"]
    assert "arima" not in baseline.forecasts  # M4's combination: the average of those present
    assert np.allclose(
        baseline.forecasts["combination"],
        (baseline.forecasts["ets"] + baseline.forecasts["theta"]) / 2,
    )
    assert set(baseline.chosen) == {"ets", "theta"} and list(baseline.left_out) == ["arima"]
    printed = str(baseline)
    assert f"ets               RMSE {baseline.scores['ets']:.3f}" in printed
    assert baseline.chosen["ets"] in printed and baseline.chosen["theta"] in printed
    assert "note: arima left out: 98 values before the test part" in printed
    noise = forecasting.noise_check(look)
    predictions = np.zeros(len(origins["test"]))  # the network's scaled forecasts: no change
    evaluation = forecasting.evaluate(predictions, baseline, noise, settings)
    for name in ("ets", "theta"):
        assert evaluation.results[name]["chosen"] == baseline.chosen[name]
        assert set(evaluation.results[name]) == {"rmse", "mae", "dm", "chosen"}
    assert "arima" not in evaluation.results
    # The final forecast: the network and the references, weighted on validation only
    final = evaluation.final
    assert final.kind == "weighted combination"
    assert set(final.weights) == {"LSTM", "ets", "theta", "seasonal_naive"}
    assert np.isclose(sum(weights[0] for weights in final.weights.values()), 1.0)
    expected = sum(
        final.weights[name][0]
        * {"LSTM": evaluation.model_forecasts}.get(name, baseline.forecasts.get(name))
        for name in final.weights
    )
    assert np.allclose(final.forecasts, expected)
    best = min(final.validation, key=final.validation.get)
    assert max(final.weights, key=lambda name: final.weights[name][0]) == best


def test_bates_granger_weights_follow_the_inverse_squared_error():
    actual = np.zeros(4)
    members = {"a": np.array([1.0, -1.0, 1.0, -1.0]), "b": np.array([2.0, -2.0, 2.0, -2.0])}
    filled = np.zeros(4, dtype=bool)
    weights, pooled = forecasting.combination_weights(members, actual, filled, "rmse")
    assert np.allclose(weights["a"], [0.8]) and np.allclose(weights["b"], [0.2])  # RMSE 1 and 2
    assert np.isclose(pooled["a"], 1.0) and np.isclose(pooled["b"], 2.0)
    combined = classical.weighted(members, weights)
    assert np.allclose(combined, 0.8 * members["a"] + 0.2 * members["b"])


def test_several_steps_weights_move_halfway_to_equal_at_each_step():
    actual = np.zeros((4, 2))
    members = {
        "a": np.array([[1.0, 2.0], [-1.0, -2.0], [1.0, 2.0], [-1.0, -2.0]]),  # RMSE 1, then 2
        "b": np.array([[2.0, 2.0], [-2.0, -2.0], [2.0, 2.0], [-2.0, -2.0]]),  # RMSE 2, then 2
    }
    filled = np.zeros((4, 2), dtype=bool)
    weights, pooled = forecasting.combination_weights(members, actual, filled, "rmse")
    # Bates and Granger give a 0.8 and 0.5, b 0.2 and 0.5; halfway to 0.5 each:
    assert forecasting.SEVERAL_STEPS_SHRINK == 0.5
    assert np.allclose(weights["a"], [0.65, 0.5]) and np.allclose(weights["b"], [0.35, 0.5])
    assert np.isclose(pooled["a"], np.sqrt(2.5)) and np.isclose(pooled["b"], 2.0)
    combined = classical.weighted(members, weights)
    assert np.allclose(combined[:, 0], 0.65 * members["a"][:, 0] + 0.35 * members["b"][:, 0])
    filled[0, 0] = True  # a filled target is not scored: a's step-1 error comes from 3 targets
    weights, _ = forecasting.combination_weights(members, actual, filled, "mae")
    assert np.allclose(weights["a"], [0.65, 0.5])


def test_a_member_far_behind_gets_no_equal_share_with_several_steps():
    actual = np.zeros((4, 2))
    signs = np.array([[1.0], [-1.0], [1.0], [-1.0]])
    members = {"a": signs * [1.0, 1.0], "b": signs * [1.0, 1.0], "c": signs * [4.0, 2.0]}
    filled = np.zeros((4, 2), dtype=bool)
    weights, _ = forecasting.combination_weights(members, actual, filled, "rmse")
    # step 1: c's error is 4 times the best (FAR_BEHIND is 3): no equal share for it
    assert forecasting.FAR_BEHIND == 3
    bates_granger = np.array([1, 1, 1 / 16]) / (2 + 1 / 16)
    assert np.allclose([weights[name][0] for name in "abc"], 0.5 * bates_granger + [0.25, 0.25, 0])
    # step 2: c's error is twice the best: every member gets a third of the equal half
    bates_granger = np.array([1, 1, 1 / 4]) / 2.25
    assert np.allclose([weights[name][1] for name in "abc"], 0.5 * bates_granger + 0.5 / 3)
    assert np.allclose(sum(weights.values()), [1.0, 1.0])


def test_seasonal_naive_gets_no_weight_one_step_ahead_only():
    signs = np.array([1.0, -1.0, 1.0, -1.0])
    members = {"a": signs * 1.0, "seasonal_naive": signs * 1.0}
    weights, _ = forecasting.combination_weights(members, np.zeros(4), np.zeros(4, bool), "rmse")
    assert forecasting.ONE_STEP_LEFT_OUT == ("seasonal_naive",)
    assert np.allclose(weights["a"], [1.0]) and np.allclose(weights["seasonal_naive"], [0.0])
    # several steps ahead it is weighed like any member: equal errors, equal weights
    paths = {name: np.column_stack([each, each]) for name, each in members.items()}
    weights, _ = forecasting.combination_weights(
        paths, np.zeros((4, 2)), np.zeros((4, 2), bool), "rmse"
    )
    assert np.allclose(weights["a"], [0.5, 0.5]) and np.allclose(
        weights["seasonal_naive"], [0.5, 0.5]
    )
