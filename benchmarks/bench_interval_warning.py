"""How often does the intervals' warning sound when the intervals are right? Three ways of
counting the test part's coverage, on simulated forecast errors whose intervals have exactly
the right width.

    python benchmarks/bench_interval_warning.py                 # 33 origins, 12 steps ahead
    python benchmarks/bench_interval_warning.py --origins 60 --horizon 3

The error of the forecast from origin j, h steps ahead (h = 1..H), is
eps[j + h - 1] + carry * (eps[j] + ... + eps[j + h - 2]): with carry 0 each target date has
its own error, whatever the origin; with carry 1 the errors add up along the path (a random
walk). Each step's half-width is the normal quantile times that error's standard deviation, so
the 80 % and 95 % intervals hold exactly what they promise. A warning that sounds here is a
false alarm. Printed per carry, the share of simulated test parts on which:
  - pairs:    the binomial interval over the (origin, step) pairs leaves out 0.80 or 0.95;
  - steps:    any step's binomial interval over the origins leaves out a level (H tests);
  - origins:  intervals.coverage_check warns (the rule the cases use).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import intervals  # noqa: E402

import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

LEVELS = {"80": 0.80, "95": 0.95}


def simulated_errors(rng, origins, horizon, carry):
    """(origins, H) errors of one simulated test part, and (H,) their standard deviations."""
    eps = rng.normal(size=origins + horizon)
    before = np.concatenate([[0.0], np.cumsum(eps)])  # before[k] = eps[0] + ... + eps[k - 1]
    j, h = np.arange(origins)[:, None], np.arange(horizon)[None, :]
    errors = eps[j + h] + carry * (before[j + h] - before[j])
    return errors, np.sqrt(1 + carry**2 * np.arange(horizon))


def leaves_out(interval, level):
    """Does a [low, high] interval of a coverage leave out the level promised ("80", "95")?"""
    low, high = interval
    return not low <= LEVELS[level] <= high


def false_alarms(rng, origins, horizon, carry, repeats):
    """{rule: share of the `repeats` test parts on which it warns}."""
    alarms = {"pairs": 0, "steps": 0, "origins": 0}
    for _ in range(repeats):
        errors, spread = simulated_errors(rng, origins, horizon, carry)
        half_widths = {level: stats.norm.ppf(0.5 + p / 2) * spread for level, p in LEVELS.items()}
        pairs = intervals.coverage(errors, half_widths)
        alarms["pairs"] += any(
            leaves_out(pairs[level]["coverage_interval"], level) for level in LEVELS
        )
        held = {level: (np.abs(errors) <= half_widths[level]).sum(axis=0) for level in LEVELS}
        alarms["steps"] += any(
            leaves_out(intervals.clopper_pearson(count, origins), level)
            for level in LEVELS
            for count in held[level]  # (H,) origins held at each step
        )
        check = intervals.coverage_check(errors, half_widths)
        alarms["origins"] += any(each["verdict"] for each in check["levels"].values())
    return {rule: count / repeats for rule, count in alarms.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--origins", type=int, default=33, help="test origins (default 33)")
    parser.add_argument("--horizon", type=int, default=12, help="steps ahead (default 12)")
    parser.add_argument("--repeats", type=int, default=2000, help="test parts simulated")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    print(
        f"Warnings on intervals of the right width ({args.origins} origins, {args.horizon} "
        f"steps ahead, {args.repeats} simulated test parts each)"
    )
    print(f"{'carry':>6s}{'pairs':>9s}{'steps':>9s}{'origins':>9s}")
    for carry in (0.0, 0.5, 1.0):
        shares = false_alarms(rng, args.origins, args.horizon, carry, args.repeats)
        print(f"{carry:6.1f}" + "".join(f"{share:9.3f}" for share in shares.values()))


if __name__ == "__main__":
    main()
