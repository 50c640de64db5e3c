"""Prediction intervals by split conformal prediction, and their coverage.

The idea (Vovk et al.; Angelopoulos and Bates' "gentle introduction"): forecast a part of the
data the model was not fitted on, and look at how far off it was. If 95 % of those absolute
errors are below 9.1, then "forecast +- 9.1" is a 95 % interval for a new forecast, provided
the new errors behave like the old ones. Nothing about the model is assumed: it works for a
network as for a baseline.

Here the held-out errors are those of the validation origins, step by step (an error three
steps ahead is larger than one step ahead). Early stopping has seen those origins, so the
intervals may be a little too narrow: the test part's coverage, printed by every run, says how
much. With few origins, a per-step 95 % quantile is not defined (19 origins are needed: the
conformal quantile is the ceil((n + 1) * 0.95)-th smallest of n errors), so the steps are
pooled: each step's errors are divided by that step's scale (their root mean square, never
smaller than an earlier step's), one quantile is taken over all of them, and each step gets
that quantile times its scale.

    half_widths, method = calibrate(validation_errors)   # errors (origins, H), real units
    half_widths["95"]                                   # (H,) real units
    coverage(test_errors, half_widths)                  # {"80": {"coverage", "by_horizon"}, ...}
"""

import math

import numpy as np

LEVELS = (80, 95)  # percent


def conformal_quantile(absolute_errors, level):
    """The ceil((n + 1) * level / 100)-th smallest of n absolute errors; None when n is too
    small for that (the level cannot be guaranteed by n errors)."""
    errors = np.sort(np.asarray(absolute_errors, dtype=float).reshape(-1))
    rank = math.ceil((len(errors) + 1) * level / 100)
    return float(errors[rank - 1]) if rank <= len(errors) else None


def calibrate(errors, levels=LEVELS):
    """Half-widths of the intervals at each step, from held-out forecast errors.

    errors: (origins, H) forecast minus actual in real units (NaN where a target is not scored).
    Returns ({"80": [H half-widths], "95": [...]}, method), method being "per step" (each
    step's own conformal quantile) or "pooled over steps with a per-step scale".
    """
    errors = np.abs(np.asarray(errors, dtype=float))
    errors = errors.reshape(len(errors), -1)
    columns = [column[~np.isnan(column)] for column in errors.T]
    per_step = {
        str(level): [conformal_quantile(column, level) for column in columns] for level in levels
    }
    if all(width is not None for widths in per_step.values() for width in widths):
        return per_step, "per step"
    # Pooled: each step's errors in units of its root mean square error, made non-decreasing
    # with the step (a forecast further ahead is not more certain), then one quantile for all.
    scale = np.maximum.accumulate([np.sqrt(np.mean(column**2)) for column in columns])
    scale = np.where(scale > 0, scale, 1.0)
    pooled = np.concatenate([column / s for column, s in zip(columns, scale, strict=True)])
    half_widths = {}
    for level in levels:
        quantile = conformal_quantile(pooled, level)
        if quantile is None:  # too few errors in all: the largest seen, which may be too narrow
            quantile = float(pooled.max())
        half_widths[str(level)] = (quantile * scale).tolist()
    return half_widths, "pooled over steps with a per-step scale"


def coverage(errors, half_widths):
    """Share of errors within the half-widths, per step and pooled, for each level.

    errors: (origins, H) forecast minus actual, NaN where not scored.
    Returns {"80": {"coverage": 0.81, "by_horizon": [0.84, ...]}, "95": {...}}, fractions.
    """
    errors = np.abs(np.asarray(errors, dtype=float))
    errors = errors.reshape(len(errors), -1)
    scored = ~np.isnan(errors)
    result = {}
    for level, widths in half_widths.items():
        inside = (errors <= np.asarray(widths)[None, :]) & scored
        by_step = inside.sum(axis=0) / np.maximum(scored.sum(axis=0), 1)
        result[level] = {
            "coverage": float(inside.sum() / max(scored.sum(), 1)),
            "by_horizon": [float(share) for share in by_step],
        }
    return result
