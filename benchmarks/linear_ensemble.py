"""Would an average of the best few linear paths forecast better than the single best one?
A validation-only check, on the files the final forecast's rule was tuned on.

    python benchmarks/linear_ensemble.py                 # development and first final set
    python benchmarks/linear_ensemble.py --only course_milk --horizons 1

Step 4 of case 8-2 scores every (window, differencing, scale) candidate by a ridge (the linear
path the network starts from) on three rolling validation blocks before the test part
(`selection.candidate_scores`), and keeps the best. N-BEATS averages models over windows; does
that help here? This script asks it on validation alone, never on the test part: it ranks the
candidates on the first two blocks and scores, on the third block, the best candidate against
the plain average of the best 2, 3 and 5 (the average of forecasts: every candidate forecasts
the same targets, so its error is the average of their errors). "oracle" is the best single
candidate on the third block itself, the limit of choosing one.

The candidates and their errors are those the case computes: the case runs in this process up
to Step 4 (`case8_2_lstm.main`, with Step 5 replaced by a stop), and each candidate's errors are
recorded as `selection.rolling_errors` returns them. Files whose candidates have fewer than three
blocks are left out. Prints one row per file and horizon (ratios to the best candidate on the
first two blocks) and the median, mean and worst ratio per horizon.
"""

import argparse
import contextlib
import io
import statistics
import sys
from unittest import mock

import numpy as np
from bench_forecasting import ROOT
from references_table import DEVELOPMENT, FINAL, entries

sys.path.insert(0, str(ROOT))
import case8_2_lstm  # noqa: E402  (the project root is on the path only now)
from common import forecasting, selection  # noqa: E402

SIZES = (2, 3, 5)  # how many of the best candidates are averaged


class Stop(Exception):
    """Raised in place of Step 5: the candidates are scored by then."""


def candidate_errors(arguments, horizon, output_dir):
    """{(window, scale, lags): [errors of block 1, 2, 3]}: each candidate's validation errors in
    real units, as Step 4 of `python case8_2_lstm.py ARGUMENTS --horizon H` computes them."""
    found = {}
    original = selection.rolling_errors

    def record(frame, recipe, *rest):
        errors = original(frame, recipe, *rest)
        scale = recipe.columns.target_scale
        found[(recipe.window, scale, tuple(recipe.differencing_lags))] = errors
        return errors

    def stop(*args, **kwargs):
        raise Stop

    argv = [*arguments, "--horizon", str(horizon), "--output-dir", output_dir]
    with (
        mock.patch.object(selection, "rolling_errors", record),
        mock.patch.object(forecasting, "prepare", stop),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.suppress(Stop),
    ):
        case8_2_lstm.main(argv)
    return {name: errors for name, errors in found.items() if len(errors) == 3}


def rmse(errors):
    return float(np.sqrt(np.mean(np.square(errors))))


def ratios(found):
    """{"top2": ..., "oracle": ...}: the third block's RMSE of each way over the best single
    candidate's (the best on the first two blocks), and that candidate."""
    ranked = sorted(found, key=lambda name: rmse(np.concatenate(found[name][:2])))
    third = {name: found[name][2] for name in ranked}
    best = rmse(third[ranked[0]])
    row = {
        f"top{k}": rmse(np.mean([third[name] for name in ranked[:k]], axis=0)) / best for k in SIZES
    }
    row["oracle"] = min(rmse(errors) for errors in third.values()) / best
    return row, ranked[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizons", default="1,12", help="steps ahead (default: 1,12)")
    parser.add_argument("--only", help="comma-separated file names (default: every tuned file)")
    parser.add_argument("--output-dir", default="/tmp/linear_ensemble", help="the case's folder")
    args = parser.parse_args()
    horizons = [int(each) for each in args.horizons.split(",")]
    names = args.only.split(",") if args.only else DEVELOPMENT + FINAL
    columns = [f"top{k}" for k in SIZES] + ["oracle"]
    print("| file | h | candidates | best on blocks 1-2 | " + " | ".join(columns) + " |")
    print("|---" * (4 + len(columns)) + "|")
    by_horizon = {horizon: [] for horizon in horizons}
    for entry in entries(names):
        for horizon in horizons:
            found = candidate_errors(entry.arguments, horizon, args.output_dir)
            if not found:
                print(f"| {entry.name} | {horizon} | fewer than three blocks |")
                continue
            row, best = ratios(found)
            by_horizon[horizon].append(row)
            shown = " | ".join(f"{row[column]:.3f}" for column in columns)
            print(f"| {entry.name} | {horizon} | {len(found)} | {best} | {shown} |", flush=True)
    for horizon, rows in by_horizon.items():
        for column in columns:
            values = [row[column] for row in rows]
            if values:
                print(
                    f"h={horizon} {column}: median {statistics.median(values):.3f}, "
                    f"mean {statistics.mean(values):.3f}, worst {max(values):.3f}"
                )


if __name__ == "__main__":
    main()
