"""Prediction intervals: conformal prediction calibrated on errors that no fit saw, adapted along
the test part (adaptive conformal inference), and their coverage.

The idea (Vovk et al.; Angelopoulos and Bates' "gentle introduction"): forecast a part of the
data the model was not fitted on, and look at how far off it was. If 95 % of those absolute
errors are below 9.1, then "forecast +- 9.1" is a 95 % interval for a new forecast, provided
the new errors behave like the old ones. Nothing about the model is assumed.

The calibration errors must be honest. Errors on the validation part are too small by
construction: early stopping and the ridge's penalty were chosen on it. Intervals built on them
hold less than they promise. So the forecasting cases take the errors from rolling-origin folds
before the test part. Each fold is forecast by the linear path, refitted on the origins before
the fold, so no fit saw those errors. They are not fully out of sample, though: the window, the
differencing and the ridge's penalty were chosen on validation origins that lie inside these
folds. So the intervals may start a little too narrow; the adaptive walk below widens them when
the test part shows misses.

New errors do not always behave like the old ones (a series grows, gets noisier). Adaptive
conformal inference (Gibbs and Candes, 2021) corrects the level as the test part is walked
origin by origin: after each miss that is already known at an origin (its target's date has
passed), the next intervals are asked for a higher level, after each hit for a slightly lower
one: level_next = level - STEP * (nominal miss rate - miss). Over a long walk the share of
misses comes close to the nominal one, whatever the errors do.

    walk = adaptive_walk(calibration_errors, test_errors, test_origins)   # (n, H), (origins, H)
    walk["half_widths"]["95"]     # (origins, H): the half-width used at each test origin
    walk["final"]["95"]           # (H,): for the forecasts after the file's last date
    coverage(test_errors, walk["half_widths"])  # {"80": {"coverage", "coverage_interval", ...}}
    coverage_check(test_errors, walk["half_widths"])  # {"origins": 33, "levels": {"80": ...}}

Do the intervals keep their promise on the test part? `coverage_check` counts the evidence over
forecast origins, not over (origin, step) pairs: the H values of one origin come from one window
and one forecast path, and miss together. Each origin gives one number, the share of its steps
inside; their sum is the "held" count of a binomial over the origins (a fraction when H > 1),
and its Clopper-Pearson 95 % interval says which coverages the test part cannot rule out. When
that interval leaves out the promised level (0.80 or 0.95), the run prints a warning.
"""

import math

import numpy as np
from scipy import stats

LEVELS = (80, 95)  # percent
STEP = 0.05  # adaptive conformal inference's learning rate (gamma): Gibbs and Candes used 0.005
# on thousands of points; the test parts here hold 30 to a few hundred origins, and a step ten
# times larger corrects a wrong width within a few dozen of them.


def conformal_rank(count, level):
    """Which of `count` sorted scores is the conformal quantile at `level` (a fraction): the
    ceil((count + 1) * level)-th smallest. Above `count`, the level cannot be guaranteed by
    that many scores (19 are needed for 0.95)."""
    return math.ceil((count + 1) * level)


def conformal_quantile(absolute_errors, level):
    """The ceil((n + 1) * level / 100)-th smallest of n absolute errors; None when n is too
    small for that (the level cannot be guaranteed by n errors)."""
    errors = np.sort(np.asarray(absolute_errors, dtype=float).reshape(-1))
    rank = conformal_rank(len(errors), level / 100)
    return float(errors[rank - 1]) if rank <= len(errors) else None


def per_step_scale(errors):
    """(H,) root mean square error of each step, never smaller than an earlier step's (a
    forecast further ahead is not more certain); 1 where a step has no error."""
    errors = np.asarray(errors, dtype=float).reshape(len(errors), -1)
    scale = np.sqrt(np.nanmean(errors**2, axis=0))
    scale = np.maximum.accumulate(np.nan_to_num(scale))
    return np.where(scale > 0, scale, 1.0)


def scores(errors, scale_errors=None, levels=LEVELS):
    """The sorted conformity scores of each step, and the unit each step's half-width is in.

    errors: (n, H) out-of-sample forecast errors (NaN where not scored). Per step when every
    step has enough errors for every level (19 for 95 %); else pooled over the steps, each
    step's errors divided by its scale, the scale measured on `scale_errors` (other errors of
    the same forecasts, e.g. the training fit's), never on the errors calibrated themselves: a
    scale fitted to the same errors fits their tails too, and the intervals come out narrow.
    Returns (sorted_scores, unit, method): sorted_scores a list of H sorted arrays (the same
    array H times when pooled), unit (H,) what a score of 1 is in real units at each step.
    """
    errors = np.abs(np.asarray(errors, dtype=float))
    errors = errors.reshape(len(errors), -1)
    columns = [np.sort(column[~np.isnan(column)]) for column in errors.T]
    if all(conformal_rank(len(column), max(levels) / 100) <= len(column) for column in columns):
        return columns, np.ones(len(columns)), "per step"
    scale = per_step_scale(errors if scale_errors is None else scale_errors)
    pooled = np.sort(np.concatenate([column / s for column, s in zip(columns, scale, strict=True)]))
    return [pooled] * len(columns), scale, "pooled over steps with a per-step scale"


def quantile_of_sorted(sorted_scores, level):
    """The conformal quantile at `level` (a fraction) of sorted scores: the ceil((n + 1) *
    level)-th smallest. A level above n / (n + 1) asks for more than n errors can say (an
    infinite interval in theory): the largest score is used. A level at or below 0: 0."""
    if level <= 0 or len(sorted_scores) == 0:
        return 0.0
    rank = min(conformal_rank(len(sorted_scores), level), len(sorted_scores))
    return float(sorted_scores[rank - 1])


def calibrate(errors, levels=LEVELS, scale_errors=None):
    """Half-widths of the intervals at each step, from out-of-sample forecast errors (split
    conformal, no adaptation).

    errors: (n, H) forecast minus actual in real units (NaN where a target is not scored).
    Returns ({"80": [H half-widths], "95": [...]}, method).
    """
    sorted_scores, unit, method = scores(errors, scale_errors, levels)
    half_widths = {
        str(level): [
            quantile_of_sorted(column, level / 100) * u
            for column, u in zip(sorted_scores, unit, strict=True)
        ]
        for level in levels
    }
    return half_widths, method


def adaptive_walk(
    calibration_errors, test_errors, test_origins, levels=LEVELS, step=STEP, scale_errors=None
):
    """Walk the test part origin by origin, each interval's level adapted to the misses known
    at that origin (adaptive conformal inference, one level per step ahead and per nominal
    level).

    calibration_errors: (n, H) out-of-sample errors; test_errors: (origins, H) the model's test
    forecasts minus the actual values (NaN where not scored), real units; test_origins:
    (origins,) the position of each origin's first target, increasing. The target of origin j
    at step h (0-based) lies at test_origins[j] + h and is known from origin test_origins[j] + h
    + 1 on: only then does its miss move the level.
    Returns {"half_widths": {level: (origins, H)}, "final": {level: [H]} (every test target
    known: for the forecasts after the file), "method": ..., "calibration_errors": n per step}.
    """
    test_origins = np.asarray(test_origins)
    test_errors = np.abs(np.asarray(test_errors, dtype=float)).reshape(len(test_origins), -1)
    sorted_scores, unit, method = scores(calibration_errors, scale_errors, levels)
    horizon = test_errors.shape[1]
    half_widths, final = {}, {}
    for level in levels:
        nominal_miss = 1 - level / 100
        miss_rate = np.full(horizon, nominal_miss)  # the level asked for is 1 - miss_rate
        widths = np.zeros_like(test_errors)
        known = np.zeros(horizon, dtype=int)  # per step: how many origins' targets are known
        # What each miss (1) or hit (0) will change once its target is known; 0 if not scored.
        changes = np.zeros_like(test_errors)
        asked = np.zeros_like(test_errors)  # the miss rate asked for at each origin and step
        for j, origin in enumerate(test_origins):
            for h in range(horizon):
                while known[h] < j and test_origins[known[h]] + h < origin:
                    miss_rate[h] += changes[known[h], h]
                    known[h] += 1
                asked[j, h] = miss_rate[h]
                widths[j, h] = quantile_of_sorted(sorted_scores[h], 1 - miss_rate[h]) * unit[h]
                if not np.isnan(test_errors[j, h]):
                    miss = float(test_errors[j, h] > widths[j, h])
                    changes[j, h] = step * (nominal_miss - miss)
        half_widths[str(level)] = widths
        # After the file: the level the walk asked for on average (one level, whichever way the
        # last few misses happened to move it), on the same calibration errors.
        final[str(level)] = [
            quantile_of_sorted(sorted_scores[h], 1 - asked[:, h].mean()) * unit[h]
            for h in range(horizon)
        ]
    calibration = np.asarray(calibration_errors, dtype=float).reshape(len(calibration_errors), -1)
    return {
        "half_widths": half_widths,
        "final": final,
        "method": method,
        "calibration_errors": int((~np.isnan(calibration)).sum(axis=0).min()),
    }


def coverage(errors, half_widths):
    """Share of errors within the half-widths, per step and pooled, for each level, with a
    binomial 95 % interval for the pooled share (Clopper-Pearson; indicative with several
    steps ahead, whose pairs of one origin are not independent).

    errors: (origins, H) forecast minus actual, NaN where not scored; half_widths: per level,
    (H,) or (origins, H). Returns {"80": {"coverage": 0.81, "coverage_interval": [0.72, 0.88],
    "by_horizon": [0.84, ...]}, "95": {...}}, fractions.
    """
    errors = np.abs(np.asarray(errors, dtype=float))
    errors = errors.reshape(len(errors), -1)
    scored = ~np.isnan(errors)
    result = {}
    for level, widths in half_widths.items():
        widths = np.broadcast_to(np.asarray(widths, dtype=float), errors.shape)
        inside = (errors <= widths) & scored
        by_step = inside.sum(axis=0) / np.maximum(scored.sum(axis=0), 1)
        pairs, held = int(scored.sum()), int(inside.sum())
        interval = stats.binomtest(held, max(pairs, 1)).proportion_ci(0.95, method="exact")
        result[level] = {
            "coverage": float(held / max(pairs, 1)),
            "coverage_interval": [float(interval.low), float(interval.high)],
            "by_horizon": [float(share) for share in by_step],
        }
    return result


def clopper_pearson(held, count, confidence=0.95):
    """The Clopper-Pearson interval [low, high] of a share `held / count`, as fractions.

    The exact binomial interval, written with the beta distribution so that `held` may be a
    fraction (a sum of per-origin shares): low is the (1 - confidence) / 2 quantile of
    Beta(held, count - held + 1), high the upper one of Beta(held + 1, count - held); 0 and 1
    at the ends. With a whole `held` it is scipy's binomtest(held, count).proportion_ci().
    Example: 11 of 21 -> [0.298, 0.743].
    """
    tail = (1 - confidence) / 2
    low = stats.beta.ppf(tail, held, count - held + 1) if held > 0 else 0.0
    high = stats.beta.ppf(1 - tail, held + 1, count - held) if held < count else 1.0
    return [float(low), float(high)]


def coverage_check(errors, half_widths, confidence=0.95):
    """Is the test part's coverage of each level consistent with the level promised? Counted
    over origins: each origin's share of its scored steps inside, summed, is the held count of
    a binomial over the origins (`clopper_pearson`).

    Why origins, not (origin, step) pairs: the H errors of one origin share a window and a
    path, and miss together; an interval over the pairs claims far more evidence than the
    test part holds. Why one pooled share, not one test per step: H tests give H chances of a
    false alarm. On simulated test parts of 33 origins and 12 steps whose intervals have
    exactly the right width (benchmarks/bench_interval_warning.py), a count over the pairs
    warns on 75-85 % of them, one test per step on 10-63 %, this count on 3 % when each
    target date has its own error, 11 % when errors partly carry along the path, and 17 % when
    they add up step by step (a random walk): consecutive origins still share H - 1 target
    dates. One step ahead every count is the same exact binomial one (4-5 % of warnings).

    errors: (origins, H) forecast minus actual, NaN where not scored; half_widths: per level,
    (H,) or (origins, H). Returns {"origins": 33, "levels": {"80": {"held": 0.55, "interval":
    [0.37, 0.72], "verdict": "too narrow"}, "95": {..., "verdict": None}}}: `held` the mean of
    the origins' shares (the pooled coverage when every step is scored); `verdict` "too narrow"
    when the interval lies below the level, "too wide" above it, None when it holds the level.
    """
    errors = np.abs(np.asarray(errors, dtype=float))
    errors = errors.reshape(len(errors), -1)
    scored = ~np.isnan(errors)
    counted = scored.any(axis=1)  # origins with at least one scored step
    origins = int(counted.sum())
    levels = {}
    for level, widths in half_widths.items():
        widths = np.broadcast_to(np.asarray(widths, dtype=float), errors.shape)
        inside = (errors <= widths) & scored
        shares = inside[counted].sum(axis=1) / scored[counted].sum(axis=1)  # (origins,)
        held = float(shares.sum())
        low, high = clopper_pearson(held, origins, confidence) if origins else (0.0, 1.0)
        promised = int(level) / 100
        verdict = "too narrow" if high < promised else "too wide" if low > promised else None
        levels[level] = {
            "held": held / max(origins, 1),
            "interval": [low, high],
            "verdict": verdict,
        }
    return {"origins": origins, "levels": levels}
