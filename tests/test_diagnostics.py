from common.diagnostics import autocorrelation, ljung_box, noise_check

import numpy as np
import pytest


def test_white_noise_is_recognised():
    noise = 25 + 5 * np.random.default_rng(42).normal(size=6000)
    result = noise_check(noise)
    assert result["white_noise"] is True
    assert result["ljung_box_p"] >= 0.05
    assert len(result["acf"]) == 20 and max(abs(r) for r in result["acf"]) < 0.06


def test_a_seasonal_series_is_not_white_noise():
    rng = np.random.default_rng(0)
    months = np.arange(200)
    seasonal = 100 + 0.5 * months + 10 * np.sin(2 * np.pi * months / 12) + rng.normal(size=200)
    result = noise_check(seasonal)
    assert result["white_noise"] is False
    assert result["ljung_box_p"] < 1e-10


def test_autocorrelation_of_an_alternating_series():
    values = np.tile([1.0, -1.0], 50)
    r = autocorrelation(values, lags=2)
    assert r[0] == pytest.approx(-0.99)  # (n - 1) / n
    assert r[1] == pytest.approx(0.98)


def test_matches_statsmodels_when_available():
    statsmodels = pytest.importorskip("statsmodels.stats.diagnostic")
    values = np.cumsum(np.random.default_rng(3).normal(size=300))
    q, p = ljung_box(values, 20)
    expected = statsmodels.acorr_ljungbox(values, lags=[20])
    assert q == pytest.approx(float(expected["lb_stat"].iloc[0]))
    assert p == pytest.approx(float(expected["lb_pvalue"].iloc[0]), abs=1e-12)
