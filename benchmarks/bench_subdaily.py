"""Where the record is long, does the network pay? The sub-daily public files, before and after.

    python benchmarks/bench_subdaily.py                 # every sub-daily file, seed 1
    python benchmarks/bench_subdaily.py --only capital_bikeshare_hourly,beijing_weather_hourly
    python benchmarks/bench_subdaily.py --no-before     # this code only, not without the calendar
    python benchmarks/bench_subdaily.py --choice-checkout ../old   # the choice's time there too
    python benchmarks/bench_subdaily.py --choice-checkout ../old --choice-only   # only that

Every public file with a step below a day (benchmarks/public_files.py: minutes, hourly and the
hourly records with other measured columns) runs through case8_3_gru.py as a learner runs it: a
fresh process, default threads, `--inputs all` where the file has other columns. For each run the
table gives the GRU's test MAE (the network's own, metrics.json's `model`: the linear path
alone when the correction is dropped), the `linear` baseline's (a ridge on the same windows),
the Diebold-Mariano p between them (metrics.json), whether training's correction was kept, and
how long Step 4's choice of the window and differencing took.

Before and after, without a second checkout of the project:
- calendar inputs: "before" is the same code with the calendar cycles of the step's table
  (none for hours and minutes, what main read before the sub-daily calendar inputs), switched
  in the driver below, not in the project;
- the choice's time: `--choice-checkout PATH` also times Step 4 alone in another checkout (the
  commit before the choice ran on one BLAS thread) and in this one, one after the other on
  each file, so that both see the same load on the machine.

Goals (issue "a practitioner would keep", item 4): on long sub-daily records with measured
inputs, the GRU at least 3 % below `linear` with p < 0.05; no sub-daily file ends "loses to
`linear`"; choosing on an hourly record of 17,520 rows within 20 s.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import generalization
from public_files import SUB_DAILY, fetch_all

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "case8_3_gru.py"

# Runs the case as `python case8_3_gru.py ...` would, with Step 4 timed (its seconds written to
# BENCH_CHOICE_SECONDS) and, with BENCH_NO_CALENDAR, the step's table's calendar cycles instead of
# the sub-daily ones; with BENCH_CHOICE_ONLY it stops after Step 4.
DRIVER = """
import os, runpy, sys, time
from pathlib import Path
from common import forecasting
from common.machinery import frequencies
if os.environ.get("BENCH_NO_CALENDAR"):
    frequencies.calendar_cycles = lambda step, training_steps: tuple(step.calendar)
choose = forecasting.choose
def timed_choose(*args, **kwargs):
    started = time.perf_counter()
    choice = choose(*args, **kwargs)
    Path(os.environ["BENCH_CHOICE_SECONDS"]).write_text(str(time.perf_counter() - started))
    if os.environ.get("BENCH_CHOICE_ONLY"):
        raise SystemExit(0)
    return choice
forecasting.choose = timed_choose
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run_driven(arguments, root=ROOT, calendar=True, choice_only=False):
    """Run the case through DRIVER in `root`; return (seconds, choice seconds, metrics or None)."""
    with tempfile.TemporaryDirectory() as output_dir:
        seconds_file = Path(output_dir) / "choice_seconds"
        environment = {**os.environ, "BENCH_CHOICE_SECONDS": str(seconds_file)}
        if not calendar:
            environment["BENCH_NO_CALENDAR"] = "1"
        if choice_only:
            environment["BENCH_CHOICE_ONLY"] = "1"
        command = [sys.executable, "-c", DRIVER, SCRIPT, *arguments, "--output-dir", output_dir]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, cwd=root, env=environment)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"{SCRIPT} {' '.join(arguments)} failed:\n{result.stderr[-2000:]}")
        choice_seconds = float(seconds_file.read_text())
        metrics_file = Path(output_dir) / "metrics.json"
        metrics = json.loads(metrics_file.read_text()) if metrics_file.exists() else None
        return seconds, choice_seconds, metrics


def case_arguments(public_file, seed):
    """generalization.py's command line, with --inputs all where the file has other columns."""
    inputs = "all" if "inputs" in public_file.columns else None
    return generalization.case_arguments(public_file, seed, inputs)


def row_of(public_file, seed, calendar):
    """One run of the case on a sub-daily file: the table's row."""
    arguments = case_arguments(public_file, seed)
    seconds, choice_seconds, metrics = run_driven(arguments, calendar=calendar)
    linear = metrics["baselines"]["linear"]
    verdict = metrics["verdict"]
    return {
        "file": public_file.name,
        "rows": metrics["data"]["rows"],
        "inputs": "inputs" in public_file.columns,
        "calendar": calendar,
        "seed": seed,
        "window": f"{metrics['protocol']['window']}, {metrics['protocol']['differencing']}",
        "gru": metrics["model"]["mae"],
        "linear": linear["mae"],
        "p": linear["dm"]["p"],
        "kept": not metrics["training"]["kept_start"],
        "kept_by_earlier_rule": metrics["training"]["kept_by_earlier_rule"],
        "verdict": f"{verdict['outcome']} {verdict['baseline']}",
        "choice_seconds": choice_seconds,
        "seconds": seconds,
    }


def kept_words(row):
    """The correction kept or not, by the current rule and (in brackets) the earlier one."""
    earlier = row["kept_by_earlier_rule"]
    shown = "not judged" if earlier is None else ("yes" if earlier else "no")
    return f"{'yes' if row['kept'] else 'no'} ({shown})"


def print_runs(rows):
    print(
        "\n| file | rows | inputs | calendar inputs | seed | window, differencing | GRU MAE | "
        "linear MAE | GRU / linear | DM p | correction kept (earlier rule) | verdict | choice | "
        "run |"
    )
    print("|---" * 14 + "|")
    for row in rows:
        print(
            f"| {row['file']} | {row['rows']} | {'all' if row['inputs'] else 'none'} | "
            f"{'yes' if row['calendar'] else 'no (before)'} | {row['seed']} | {row['window']} | "
            f"{row['gru']:.4g} | {row['linear']:.4g} | {row['gru'] / row['linear']:.3f} | "
            f"{row['p']:.2g} | {kept_words(row)} | {row['verdict']} | "
            f"{row['choice_seconds']:.0f} s | {row['seconds']:.0f} s |"
        )


def print_before_after(rows):
    """The calendar inputs before and after: one line per file and seed."""
    before = {(row["file"], row["seed"]): row for row in rows if not row["calendar"]}
    pairs = [(before.get((row["file"], row["seed"])), row) for row in rows if row["calendar"]]
    pairs = [pair for pair in pairs if pair[0] is not None]
    if not pairs:
        return
    print("\n== Calendar inputs before and after (GRU MAE; GRU / linear; verdict)")
    print("| file | seed | before: GRU | before: GRU / linear | after: GRU | after: GRU / linear |")
    print("|---|---|---|---|---|---|")
    for old, new in pairs:
        print(
            f"| {new['file']} | {new['seed']} | {old['gru']:.4g} | {old['gru'] / old['linear']:.3f}"
            f" ({old['verdict']}) | {new['gru']:.4g} | {new['gru'] / new['linear']:.3f} "
            f"({new['verdict']}) |"
        )


def print_choice_times(files, seed, checkout):
    """Step 4 alone, in `checkout` and in this one, one after the other on each file."""
    against = f"{checkout} against this checkout" if checkout else "this checkout"
    print(f"\n== The choice's time (Step 4 alone): {against} (seed {seed})")
    print("| file | rows | before | after |")
    print("|---|---|---|---|")
    for public_file in files:
        arguments = case_arguments(public_file, seed)
        before = "-"  # without --choice-checkout: this checkout alone
        if checkout:
            before = f"{run_driven(arguments, root=checkout, choice_only=True)[1]:.1f} s"
        _, after, _ = run_driven(arguments, choice_only=True)
        print(f"| {public_file.name} | {public_file.rows} | {before} | {after:.1f} s |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1", help="comma-separated seeds (default: 1)")
    parser.add_argument("--only", help="comma-separated file names (default: every sub-daily)")
    parser.add_argument("--no-before", action="store_true", help="skip the runs without calendar")
    parser.add_argument("--choice-checkout", type=Path, help="also time Step 4 in this checkout")
    parser.add_argument(
        "--choice-only",
        action="store_true",
        help="only time Step 4 (no runs; with --choice-checkout also there)",
    )
    parser.add_argument("--json", type=Path, help="also write every row to this JSON file")
    args = parser.parse_args()
    files = [each for each in fetch_all() if each.kind in SUB_DAILY]
    if args.only:
        wanted = args.only.split(",")
        files = [each for each in files if each.name in wanted]
    rows = []
    for public_file in [] if args.choice_only else files:
        for seed in [int(each) for each in args.seeds.split(",")]:
            for calendar in [True] if args.no_before else [True, False]:
                row = row_of(public_file, seed, calendar)
                rows.append(row)
                print(
                    f"   {row['file']} seed {seed} calendar {calendar}: GRU {row['gru']:.4g}, "
                    f"linear {row['linear']:.4g}, p {row['p']:.2g}, kept {row['kept']}, "
                    f"{row['verdict']} (choice {row['choice_seconds']:.0f} s, "
                    f"run {row['seconds']:.0f} s)",
                    flush=True,
                )
    if rows:
        print_runs(rows)
        print_before_after(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    if args.choice_checkout or args.choice_only:
        print_choice_times(files, int(args.seeds.split(",")[0]), args.choice_checkout)


if __name__ == "__main__":
    main()
