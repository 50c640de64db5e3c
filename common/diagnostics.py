"""The noise check: does a series hold anything to learn from its own past?

White noise has no autocorrelation at any lag; then the best forecast is the mean, and no
recurrent network can do better. The Ljung-Box test asks whether the first `lags`
autocorrelations are jointly larger than chance would give.
"""

import numpy as np
from scipy import stats

NOISE_LAGS = 20  # docs/PROTOCOL.md: Ljung-Box over lags 1-20
NOISE_LEVEL = 0.05  # white noise when p >= 0.05


def autocorrelation(values, lags=NOISE_LAGS):
    """Sample autocorrelations r_1..r_lags (shape (lags,)), as statsmodels' `acf` computes them;
    NaN for a series that never changes (nothing to correlate: the check says "cannot tell")."""
    values = np.asarray(values, dtype=float)
    centred = values - values.mean()
    denominator = np.sum(centred**2)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 is the NaN meant here
        return np.array(
            [np.sum(centred[lag:] * centred[:-lag]) / denominator for lag in range(1, lags + 1)]
        )


def ljung_box(values, lags=NOISE_LAGS):
    """Ljung-Box Q statistic and p-value: Q = n(n+2) * sum_k r_k^2 / (n-k),
    chi-square with `lags` d.o.f."""
    n = len(values)
    r = autocorrelation(values, lags)
    q = n * (n + 2) * np.sum(r**2 / (n - np.arange(1, lags + 1)))
    return float(q), float(stats.chi2.sf(q, lags))


def noise_check(training_values, lags=NOISE_LAGS):
    """The `diagnostics` block of metrics.json for the training part of a series."""
    _, p_value = ljung_box(training_values, lags)
    return {
        "white_noise": bool(p_value >= NOISE_LEVEL),
        "ljung_box_p": p_value,
        "acf": [float(r) for r in autocorrelation(training_values, lags)],
    }


def white_noise_band(samples):
    """Half-width of the 95% band in which white noise's autocorrelations fall: 1.96 / sqrt(n)."""
    return 1.96 / np.sqrt(samples)


def format_p_value(p_value):
    """'p = 0.65', or 'p < 1e-10' where the float underflows to 0."""
    return "p < 1e-10" if p_value < 1e-10 else f"p = {p_value:.3g}"


def explain(block, lag_season):
    """Plain-words lines on the noise check, for the script's output (lag_season: the season's
    autocorrelation is shown too when it is within the lags; None: no season)."""
    lines = [
        f"Ljung-Box over lags 1-{len(block['acf'])} on the training part: "
        f"{format_p_value(block['ljung_box_p'])}; "
        f"autocorrelation at lag 1 = {block['acf'][0]:.2f}"
        + (
            f", lag {lag_season} = {block['acf'][lag_season - 1]:.2f}"
            if lag_season and lag_season <= len(block["acf"])
            else ""
        )
    ]
    if np.isnan(block["ljung_box_p"]):
        lines.append(
            "Cannot tell whether this series is white noise: the Ljung-Box test gave no p-value "
            "(nan), as happens when the training part never changes."
        )
    elif block["white_noise"]:
        lines.append(
            "This series looks like white noise: its past says nothing about its next value, "
            "so no model (recurrent or not) can forecast it better than its mean. "
            "Training goes on to show exactly that."
        )
    else:
        lines.append(
            "Not white noise: the past holds information about the next value, "
            "so a model can beat the mean."
        )
    return lines


def explain_learned(block, description):
    """One line on the noise check of the series the network learns (after any differencing).

    description: what that series is, e.g. "the seasonally and first-differenced series".
    Differencing can leave white noise behind: then the differences hold nothing to learn and
    the best forecast is the one a change of 0 gives (for [12, 1], last_year_change).
    """
    verdict = (
        "cannot tell whether it is white noise (no p-value)"
        if np.isnan(block["ljung_box_p"])
        else "white noise: nothing left for the network to learn beyond the differencing itself"
        if block["white_noise"]
        else "not white noise: there is something left to learn"
    )
    return (
        f"{description}: Ljung-Box {format_p_value(block['ljung_box_p'])}, "
        f"lag-1 autocorrelation {block['acf'][0]:.2f}; {verdict}"
    )
