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

The candidates and their errors are those the case computes: this process runs the case's Steps
1, 2 and 4 as its `main` does, and records each candidate's errors as `selection.rolling_errors`
returns them. Files whose candidates have fewer than three
blocks are left out. Prints one row per file and horizon (ratios to the best candidate on the
first two blocks) and the median, mean and worst ratio per horizon.
"""

import statistics
import sys
from unittest import mock

import numpy as np
from bench_forecasting import ROOT
from references_table import entries, tuned_files_arguments

sys.path.insert(0, str(ROOT))
import case8_2_lstm  # noqa: E402  (the project root is on the path only now)
from common import forecasting, selection  # noqa: E402

SIZES = (2, 3, 5)  # how many of the best candidates are averaged


def candidate_errors(arguments, horizon):
    """{(window, scale, lags): [errors of block 1, 2, 3]}: each candidate's validation errors in
    real units, as Step 4 of `python case8_2_lstm.py ARGUMENTS --horizon H` computes them (Steps
    1, 2 and 4 of the case, called as its main calls them; nothing is printed or written)."""
    found = {}
    original = selection.rolling_errors

    def record(frame, recipe, *rest):
        errors = original(frame, recipe, *rest)
        scale = recipe.columns.target_scale
        found[(recipe.window, scale, tuple(recipe.differencing_lags))] = errors
        return errors

    settings = case8_2_lstm.SETTINGS
    args = case8_2_lstm.build_parser().parse_args([*arguments, "--horizon", str(horizon)])
    look = forecasting.look(forecasting.load(args, settings), args, settings)
    with mock.patch.object(selection, "rolling_errors", record):
        forecasting.choose(look, args, settings)
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
    horizons, names, _ = tuned_files_arguments(__doc__.splitlines()[0])
    columns = [f"top{k}" for k in SIZES] + ["oracle"]
    print("| file | h | candidates | best on blocks 1-2 | " + " | ".join(columns) + " |")
    print("|---" * (4 + len(columns)) + "|")
    by_horizon = {horizon: [] for horizon in horizons}
    for entry in entries(names):
        for horizon in horizons:
            found = candidate_errors(entry.arguments, horizon)
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
