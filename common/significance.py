"""Is a forecast's win real? The Diebold-Mariano test, and the one verdict line a run prints.

Two forecasts scored on the same test targets differ a little by chance: a lower RMSE over 32
months may not hold over the next 32. The Diebold-Mariano test asks whether the mean of the
loss differences d_t = loss(model error_t) - loss(baseline error_t) is far enough from 0 given
how much d_t varies:

    DM = mean(d) / sqrt(long-run variance of d / n)

With the Harvey-Leybourne-Newbold small-sample correction (1997) the statistic is multiplied by
sqrt((n + 1 - 2h + h(h - 1) / n) / n) and read against Student's t with n - 1 degrees of
freedom, which keeps the test honest on the short test parts of monthly series. Squared errors
go with RMSE, absolute errors with MAE.

    >>> test = diebold_mariano([1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 1.0, 2.0], loss="squared")
    >>> round(test["statistic"], 4), round(test["p"], 4)   # d = [1, 3, 8, 12]: the model is worse
    (2.4161, 0.0945)
"""

import numpy as np
from scipy import stats
from sklearn.metrics import roc_auc_score

SIGNIFICANCE = 0.05  # a verdict says "beats" or "loses to" only when p < 0.05
# ... and only when the scores differ by at least 0.1 % of the baseline's: a network that kept
# its linear start differs from `linear` by float32 rounding alone, which a test on hundreds of
# targets can still call significant.
SMALLEST_GAP = 0.001
LOSSES = {"squared": np.square, "absolute": np.abs}
LOSS_OF_METRIC = {"rmse": "squared", "mae": "absolute"}


def diebold_mariano(model_errors, baseline_errors, loss="squared", horizon=1):
    """Diebold-Mariano test, HLN-corrected, of two forecasts' errors on the same targets.

    model_errors, baseline_errors: (n,) forecast minus actual, in the same units; or (n, H)
    from n forecast origins, H steps each, compared on each origin's mean loss.
    loss: "squared" (for RMSE) or "absolute" (for MAE). horizon: steps ahead h; the long-run
    variance adds the autocovariances of d up to lag h - 1.
    Returns {"statistic", "p"}: negative statistic = the model's loss is lower; p is two-sided.
    Identical losses give statistic 0 and p 1.
    """
    to_loss = LOSSES[loss]
    # (n,) loss differences
    d = to_loss(np.asarray(model_errors, dtype=float)) - to_loss(
        np.asarray(baseline_errors, dtype=float)
    )
    if d.ndim == 2:  # (origins, H) paths: each origin's loss averaged over its H steps
        d = d.mean(axis=1)
    n = len(d)
    centred = d - d.mean()
    autocovariances = [np.sum(centred[k:] * centred[: n - k]) / n for k in range(horizon)]
    long_run_variance = autocovariances[0] + 2 * sum(autocovariances[1:])
    if long_run_variance <= 0 and horizon > 1:
        # Few origins and many steps can make the plain sum negative; Bartlett's weights
        # (Newey and West) keep the estimate positive.
        long_run_variance = autocovariances[0] + 2 * sum(
            (1 - k / horizon) * autocovariances[k] for k in range(1, horizon)
        )
    if n < 2 or long_run_variance <= 0:
        return {"statistic": 0.0, "p": 1.0}
    statistic = d.mean() / np.sqrt(long_run_variance / n)
    statistic *= np.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)
    p_value = 2 * stats.t.sf(abs(statistic), df=n - 1)
    return {"statistic": float(statistic), "p": float(p_value)}


def meaningful_gap(model_score, baseline_score):
    """Do two scores differ by at least SMALLEST_GAP (0.1 %) of the baseline's?"""
    return abs(model_score - baseline_score) >= SMALLEST_GAP * abs(baseline_score)


def compare_with_baselines(actual, model_forecasts, baseline_forecasts, metric):
    """The Diebold-Mariano test of the model against every baseline, by baseline name.

    actual and the forecasts: (n,) one step ahead, or (origins, H). Paths from consecutive
    origins overlap, so their losses are correlated up to H - 1 origins apart: the test's
    horizon is H.
    """
    actual = np.asarray(actual, dtype=float)
    horizon = actual.shape[1] if actual.ndim == 2 else 1
    model_errors = np.asarray(model_forecasts, dtype=float) - actual
    return {
        name: diebold_mariano(
            model_errors,
            np.asarray(forecast, dtype=float) - actual,
            LOSS_OF_METRIC[metric],
            horizon=horizon,
        )
        for name, forecast in baseline_forecasts.items()
    }


def format_p(p_value):
    """'= 0.003', '= 0.41', or '< 0.001' below a thousandth: the text after 'p '."""
    return "< 0.001" if p_value < 0.001 else f"= {p_value:.2g}"


def verdict(model_name, baseline_name, model_score, baseline_score, test):
    """The run's verdict against its best baseline: outcome and the line that says it.

    outcome: "beats", "loses to" or "no meaningful difference from". Only p < 0.05 and scores
    at least 0.1 % of the baseline's apart earn a "beats" or a "loses to"; which one, the scores
    say (the same pooled loss the test compares, so the two cannot disagree).
    """
    if test["p"] < SIGNIFICANCE and meaningful_gap(model_score, baseline_score):
        outcome = "beats" if model_score < baseline_score else "loses to"
        line = f"verdict: {model_name} {outcome} {baseline_name} (p {format_p(test['p'])})"
    else:
        outcome = "no meaningful difference from"
        line = f"verdict: {outcome} {baseline_name} (p {format_p(test['p'])})"
    return {"baseline": baseline_name, "outcome": outcome, "p": test["p"]}, line


BOOTSTRAP_RESAMPLES = 1000  # test sets drawn with replacement for the AUC interval


def paired_bootstrap_auc_difference(
    labels, probabilities, baseline_probabilities, resamples=BOOTSTRAP_RESAMPLES, seed=0
):
    """95 % interval of ROC AUC(model) - ROC AUC(baseline) on the same test reviews.

    Paired: each resample draws the same reviews (with replacement) for both models, so what
    the two have in common (easy and hard reviews) cancels out. Returns {"difference" (on the
    whole test set), "low", "high"} (the 2.5th and 97.5th percentiles of the resampled
    differences). A verdict says "beats" only when `low` is above 0.
    """
    labels = np.asarray(labels)
    probabilities = np.asarray(probabilities, dtype=float)
    baseline_probabilities = np.asarray(baseline_probabilities, dtype=float)
    rng = np.random.default_rng(seed)
    differences = []
    while len(differences) < resamples:
        drawn = rng.integers(0, len(labels), size=len(labels))  # (test,) indices
        if len(np.unique(labels[drawn])) < 2:
            continue  # an AUC needs both labels
        differences.append(
            roc_auc_score(labels[drawn], probabilities[drawn])
            - roc_auc_score(labels[drawn], baseline_probabilities[drawn])
        )
    low, high = np.percentile(differences, [2.5, 97.5])
    whole = roc_auc_score(labels, probabilities) - roc_auc_score(labels, baseline_probabilities)
    return {"difference": float(whole), "low": float(low), "high": float(high)}
