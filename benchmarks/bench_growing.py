"""Intervals on a series whose swings grow with its level: do they hold what they promise?

    python benchmarks/bench_growing.py                 # seed 42, one and twelve steps ahead
    python benchmarks/bench_growing.py --seeds 1,2,3

The series is simulated (monthly, 1990-2019), so anyone can rebuild it:

    level = 100 * exp(0.006 * t)                  # about 8.7 times larger after 30 years
    season = 1 + 0.3 * sin(2 * pi * t / 12)       # swings of 30 % of the level
    values = level * season * exp(0.04 * noise)   # noise of 4 % of the level (seed 7)

Case 8-2 runs on it in a fresh process, one and twelve steps ahead. Printed per run: the scale
the run chose (levels or log), the final forecast, the share of test (origin, step) pairs
inside the 80 % and 95 % intervals with the binomial 95 % interval over origins, and the
warning line, if any. Goal (issue "forecasts a practitioner would keep"): with the log scale
chosen, 80 % intervals hold 0.65-0.92 and 95 % ones 0.85-1.0, one and twelve steps ahead.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from bench_forecasting import run_case
from side_by_side import pinned_environment

GOALS = {"80": (0.65, 0.92), "95": (0.85, 1.0)}


def growing_swings(path):
    """Write the simulated series to `path` (columns Month, Sales) and return the path."""
    rng = np.random.default_rng(7)
    t = np.arange(360)
    level = 100 * np.exp(0.006 * t)
    season = 1 + 0.3 * np.sin(2 * np.pi * t / 12)
    values = level * season * np.exp(0.04 * rng.normal(size=360))
    months = pd.date_range("1990-01-01", periods=360, freq="MS").strftime("%Y-%m")
    pd.DataFrame({"Month": months, "Sales": np.round(values, 2)}).to_csv(path, index=False)
    return path


def row(horizon, seed, metrics):
    """One markdown row of a run's scale, final forecast and coverage."""
    intervals, held = metrics["intervals"], []
    for level in ("80", "95"):
        low, high = intervals[level]["coverage_interval"]
        low_goal, high_goal = GOALS[level]
        met = "yes" if low_goal <= intervals[level]["coverage"] <= high_goal else "no"
        held.append(f"{intervals[level]['coverage']:.3f} ({low:.2f}-{high:.2f}) {met}")
    final = metrics["final"]
    return (
        f"| {horizon} | {seed} | {metrics['protocol']['target_scale']} | {final['kind']} | "
        f"{final['rmse']:.2f} | {held[0]} | {held[1]} | {intervals['warning'] or 'none'} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="42", help="comma-separated seeds")
    parser.add_argument("--horizons", default="1,12", help="comma-separated horizons")
    parser.add_argument(
        "--scale", choices=("levels", "log"), help="force the scale (default: chosen)"
    )
    args = parser.parse_args()
    print(
        "| H | seed | scale | final | RMSE | 80 % held (CI), goal met | 95 % held (CI), goal met "
        "| warning |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        data = growing_swings(Path(folder) / "growing_swings.csv")
        for horizon in args.horizons.split(","):
            for seed in args.seeds.split(","):
                arguments = ["--data", str(data), "--seed", seed, "--horizon", horizon]
                arguments += ["--scale", args.scale] if args.scale else []
                _, metrics = run_case(
                    "case8_2_lstm.py", *arguments, environment=pinned_environment()
                )
                print(row(horizon, seed, metrics), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
