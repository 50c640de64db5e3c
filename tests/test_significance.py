"""common/significance.py: the Diebold-Mariano test with the HLN correction, and the verdict."""

from common.significance import (
    compare_with_baselines,
    diebold_mariano,
    paired_bootstrap_auc_difference,
    verdict,
)

import numpy as np
import pytest
from scipy import stats


def test_diebold_mariano_by_hand():
    # Model errors 1, 2, 3, 4 against 0, 1, 1, 2: squared-loss differences d = 1, 3, 8, 12.
    # mean(d) = 6; variance of d (divided by n) = (25 + 9 + 4 + 36) / 4 = 18.5;
    # DM = 6 / sqrt(18.5 / 4) = 2.78995; HLN factor sqrt((4 + 1 - 2) / 4) = 0.866025;
    # statistic = 2.41616; two-sided p from Student's t with 3 degrees of freedom = 0.0945.
    test = diebold_mariano([1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 1.0, 2.0], loss="squared")
    assert test["statistic"] == pytest.approx(2.41616, abs=1e-5)
    assert test["p"] == pytest.approx(0.0945, abs=1e-4)
    assert test["p"] == pytest.approx(2 * stats.t.sf(2.41616, df=3), abs=1e-5)


def test_absolute_loss_and_the_sign_of_the_statistic():
    # |errors|: d = 0 - 1, 1 - 1, 1 - 3, 2 - 3 = -1, 0, -2, -1 (the model is better).
    test = diebold_mariano([0.0, -1.0, 1.0, 2.0], [1.0, 1.0, -3.0, 3.0], loss="absolute")
    d = np.array([-1.0, 0.0, -2.0, -1.0])
    expected = d.mean() / np.sqrt(np.var(d) / 4) * np.sqrt(3 / 4)
    assert test["statistic"] == pytest.approx(expected) and test["statistic"] < 0


@pytest.mark.parametrize("horizon", [1, 2, 4])
@pytest.mark.parametrize("loss", ["squared", "absolute"])
def test_an_independent_implementation_agrees(horizon, loss):
    """The `dieboldmariano` package (a dev dependency) on the same errors: same statistic,
    same p, at one and several steps ahead, for both losses."""
    dieboldmariano = pytest.importorskip("dieboldmariano")
    rng = np.random.default_rng(3)
    actual = rng.normal(size=60)
    model, baseline = actual + rng.normal(size=60), actual + 1.3 * rng.normal(size=60)
    charge = {"squared": lambda u, v: (u - v) ** 2, "absolute": lambda u, v: abs(u - v)}[loss]
    statistic, p = dieboldmariano.dm_test(actual, model, baseline, loss=charge, h=horizon)
    test = diebold_mariano(model - actual, baseline - actual, loss=loss, horizon=horizon)
    assert test["statistic"] == pytest.approx(statistic, rel=1e-9)
    assert test["p"] == pytest.approx(p, rel=1e-6)


def test_bartletts_weights_take_over_when_the_plain_long_run_variance_is_not_positive():
    """Loss differences that alternate in sign have a strongly negative lag-1 autocovariance:
    the plain sum gamma_0 + 2 gamma_1 is negative, so the estimate falls back to Bartlett's
    weights, gamma_0 + 2 (1 - 1/2) gamma_1, as the independent implementation computes it."""
    dieboldmariano = pytest.importorskip("dieboldmariano")
    rng = np.random.default_rng(7)
    n = 40
    swing = np.where(np.arange(n) % 2 == 0, 1.0, -1.0) * (2.0 + 0.3 * rng.random(n))
    actual = np.zeros(n)
    baseline = np.ones(n)  # squared loss 1 at every target
    model = np.sqrt(np.clip(1.0 + swing + 0.2, 0.0, None))  # squared loss 1 + d
    d = model**2 - baseline**2
    centred = d - d.mean()
    gamma_0, gamma_1 = np.mean(centred**2), np.sum(centred[1:] * centred[:-1]) / n
    assert gamma_0 + 2 * gamma_1 < 0 < gamma_0 + gamma_1  # the case the branch is for
    with pytest.raises(dieboldmariano.NegativeVarianceException):
        dieboldmariano.dm_test(actual, model, baseline, h=2)
    statistic, p = dieboldmariano.dm_test(
        actual, model, baseline, h=2, variance_estimator="bartlett"
    )
    test = diebold_mariano(model - actual, baseline - actual, horizon=2)
    assert test["statistic"] == pytest.approx(statistic, rel=1e-9)
    assert test["p"] == pytest.approx(p, rel=1e-6)


def test_identical_forecasts_are_no_difference():
    assert diebold_mariano([1.0, -2.0, 3.0], [1.0, -2.0, 3.0]) == {"statistic": 0.0, "p": 1.0}


def test_a_clear_win_a_clear_loss_and_a_tie_read_as_verdicts():
    rng = np.random.default_rng(0)
    actual = rng.normal(size=200)
    close = actual + 0.1 * rng.normal(size=200)
    far = actual + 1.0 * rng.normal(size=200)
    tests = compare_with_baselines(actual, close, {"far": far}, "rmse")
    outcome, line = verdict("LSTM", "far", 0.1, 1.0, tests["far"])
    assert outcome["outcome"] == "beats" and line.startswith("verdict: LSTM beats far (p ")
    tests = compare_with_baselines(actual, far, {"close": close}, "mae")
    outcome, line = verdict("GRU", "close", 1.0, 0.1, tests["close"])
    assert outcome["outcome"] == "loses to" and line == "verdict: GRU loses to close (p < 0.001)"
    # Two forecasts of white noise that are both the mean: a tie, whatever the last digits say.
    mean_a, mean_b = np.full(200, 0.001), np.full(200, -0.001) + 0.0005 * rng.normal(size=200)
    tests = compare_with_baselines(actual, mean_a, {"mean": mean_b}, "mae")
    outcome, line = verdict("GRU", "mean", 0.7999, 0.8001, tests["mean"])
    assert outcome["outcome"] == "no meaningful difference from" and tests["mean"]["p"] > 0.05
    assert line.startswith("verdict: no meaningful difference from mean (p = ")


def test_paired_bootstrap_interval_of_an_auc_difference():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, size=600)
    informative = labels + rng.normal(scale=0.6, size=600)  # AUC about 0.88
    weaker = labels + rng.normal(scale=1.5, size=600)  # AUC about 0.68
    better = paired_bootstrap_auc_difference(labels, informative, weaker, resamples=300)
    assert 0 < better["low"] < better["difference"] < better["high"]
    same = paired_bootstrap_auc_difference(labels, informative, informative + 1e-9, resamples=50)
    assert same["low"] <= 0 <= same["high"] and abs(same["difference"]) < 1e-9
    worse = paired_bootstrap_auc_difference(labels, weaker, informative, resamples=300)
    assert worse["high"] < 0
