"""Case 8-2 against the classical references (ETS, ARIMA, Theta, their average) on monthly and
quarterly files: the generalization table of issue 30, one and twelve steps ahead.

    python benchmarks/references_table.py                      # development and final, seeds 1-3
    python benchmarks/references_table.py --sets final-2       # the second final set
    python benchmarks/references_table.py --sets development --horizons 1 --seeds 1
    python benchmarks/references_table.py --json benchmarks/results/references_after.json
    python benchmarks/references_table.py --from-json benchmarks/results/references_before.json
    python benchmarks/references_table.py --compare benchmarks/results/references_before.json \\
        benchmarks/results/references_after.json

Each run is case8_2_lstm.py in a fresh process, as a learner runs it (`--data FILE
--date-column ... --target ... --seed S`, and `--horizon 12` for twelve steps ahead). The
numbers are the test RMSE in the series' units, read from the run's metrics.json. With
`--horizon 12` every RMSE is the one pooled over all 12 steps (metrics.json's "rmse"; its
"by_horizon" holds each step's, not used here).

- ours: the final forecast (metrics.json's "final", chosen on validation among the network and
  the references) where the run has one, else the network's;
- network: the network alone ("model");
- ETS, ARIMA, Theta, seasonal naive: the baselines of the same name (blank where the run left
  one out);
- average: the M4 combination, the plain average of the ETS, Theta and ARIMA forecasts. It is
  the "combination" baseline where the run has one. A run without it (older code) is run
  through a small hook that averages the three references' test forecasts and scores the
  average on the same test targets; the row says which ("average from"). Where a reference is
  left out, a run without "combination" has no average.

Ratios: ours / average; ours / the best reference (the lowest RMSE of ETS, ARIMA, Theta and
average); twelve steps ahead also ours / seasonal naive. Per set and horizon the summary gives
the median over files of each file's mean ratio over the seeds, and the worst (largest) ratio
over files and seeds.

`--json PATH` saves every run's numbers after each run; started again with the same PATH, it
skips the runs already there (a refused run is tried again). `--jobs N` runs N cases at a time
with the same numbers (benchmarks/side_by_side.py); use 1 on a shared machine.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from bench_forecasting import ROOT, run_case
from public_files import fetch_all
from side_by_side import pinned_environment, run_side_by_side

# The development set is where the forecasting choices are tuned; the final set is looked at
# once, to report.
DEVELOPMENT = [
    "us_electricity_embedded",  # case 8-2's own file (no --data)
    "course_milk",  # COURSE_DATA_DIR/monthly_milk_production.csv, window 12
    "txhousing_austin_sales",
    "us_unemployment_nsa",
    "elnino_sst",
]
FINAL = [
    "txhousing_wichita_falls_sales",
    "us_personal_saving_rate",
    "us_broiler_production",
    "manaus_river_level",
    "us_unemployment_quarterly",
    "us_real_gdp_quarterly",
]
# The second final set: six files added once the first final set had been looked at (from then
# on the first final set counts as tuned on, like the development set). Fixed before any run on
# them; looked at once, to report.
FINAL_2 = [
    "txhousing_san_antonio_sales",
    "txhousing_el_paso_sales",
    "us_pork_production",
    "us_turkey_production",
    "us_real_consumption_quarterly",
    "us_real_investment_quarterly",
]
# The third final set: six more files, added once the second had been looked at and before a
# change to the final forecast's weights for several steps ahead was measured.
FINAL_3 = [
    "txhousing_dallas_sales",
    "txhousing_corpus_christi_sales",
    "txhousing_lubbock_sales",
    "us_beef_production",
    "us_cpi_quarterly",
    "us_money_m1_quarterly",
]
# The fourth final set: six more files, added once the third had been looked at and before any
# change to the one-step forecast was measured on the seen files.
FINAL_4 = [
    "txhousing_houston_sales",
    "txhousing_fort_worth_sales",
    "txhousing_amarillo_sales",
    "us_lamb_production",
    "us_real_government_quarterly",
    "us_real_disposable_income_quarterly",
]
# The fifth final set: six more files, added once the fourth had been looked at and before a
# change to how the final forecast's members are scored on validation was measured.
FINAL_5 = [
    "txhousing_collin_county_sales",
    "txhousing_fort_bend_sales",
    "txhousing_bay_area_sales",
    "us_veal_production",
    "us_unemployed_persons",
    "us_personal_consumption",
]
SETS = {
    "development": DEVELOPMENT,
    "final": FINAL,
    "final-2": FINAL_2,
    "final-3": FINAL_3,
    "final-4": FINAL_4,
    "final-5": FINAL_5,
}
CASE = "case8_2_lstm.py"
THIS_SCRIPT = "benchmarks/references_table.py"  # run_case takes a path from the project root
HOOK_FLAG = "--run-case-with-average"  # the hook mode: this script runs the case in-process
THREE = ("ets", "theta", "arima")
REFERENCES = ("ets", "arima", "theta", "average")  # the candidates for "the best reference"
NUMBERS = ("ours", "network", "ets", "arima", "theta", "average", "seasonal_naive")
RATIOS = {"average": "ratio to average", "best": "ratio to best", "seasonal_naive": "ratio to SN"}
GOALS = (
    "goals (issue 30): one step ahead, ratio to average at most 0.97 at the median and 1.10 on "
    "any file; twelve steps ahead, ratio to seasonal naive at most 1.00 on course milk and the "
    "monthly public files"
)


@dataclass(frozen=True)
class Entry:
    """One file of a set and the case's arguments that read it."""

    name: str
    kind: str  # "monthly" | "quarterly"
    arguments: list


# --- Running the case -------------------------------------------------------------------------


def run_case_with_average(argv):
    """The hook mode (HOOK_FLAG): run case8_2_lstm.main(argv) in this process and add to its
    metrics.json the RMSE of the plain average of its ETS, Theta and ARIMA test forecasts
    ("benchmark_average"), scored on the same test targets as every baseline. The case's own
    numbers are those of `python case8_2_lstm.py ARGV`: nothing in it changes."""
    sys.path.insert(0, str(ROOT))
    import case8_2_lstm
    from common import baselines, forecasting

    made = []  # Step 6's BaselineForecasts record
    original = forecasting.forecast_baselines

    def keep_a_copy(*args, **kwargs):
        record = original(*args, **kwargs)
        made.append(record)
        return record

    with mock.patch.object(forecasting, "forecast_baselines", keep_a_copy):
        case8_2_lstm.main(argv)
    forecasts = made[0].forecasts
    if not all(name in forecasts for name in THREE):
        return  # a reference was left out: no average
    average = sum(forecasts[name] for name in THREE) / len(THREE)  # shaped like the test values
    scores = baselines.score_forecasts(made[0].prepared.test_values, average)
    path = Path(argv[argv.index("--output-dir") + 1]) / "metrics.json"
    metrics = json.loads(path.read_text())
    metrics["benchmark_average"] = {"rmse": float(scores["rmse"]), "of": list(THREE)}
    path.write_text(json.dumps(metrics, indent=1) + "\n")


def numbers(metrics):
    """The table's RMSEs from one run's metrics.json (None: the run has no such forecast)."""
    scores = metrics["baselines"]
    row = {name: scores[name]["rmse"] if name in scores else None for name in NUMBERS[2:]}
    row["network"] = metrics["model"]["rmse"]
    final = metrics.get("final")
    row["ours"] = final["rmse"] if final else row["network"]
    row["final_kind"] = final.get("kind", "?") if final else "network"
    if "combination" in scores:
        row["average"], row["average_from"] = scores["combination"]["rmse"], "combination"
    elif "benchmark_average" in metrics:
        row["average"] = metrics["benchmark_average"]["rmse"]
        row["average_from"] = "hook"
    else:
        row["average_from"] = None
    row["chosen"] = {name: scores[name]["chosen"] for name in THREE if name in scores}
    return row


def run_one(entry, set_name, horizon, seed):
    """One run of the case: its numbers, or {"refused": why} if the case refused the file."""
    arguments = [*entry.arguments, "--seed", str(seed)]
    if horizon > 1:
        arguments += ["--horizon", str(horizon)]
    row = {"set": set_name, "file": entry.name, "kind": entry.kind, "horizon": horizon}
    row.update(seed=seed, commit=commit())
    try:
        seconds, metrics = run_case(
            THIS_SCRIPT, HOOK_FLAG, *arguments, environment=pinned_environment()
        )
    except SystemExit as refused:  # the case refused the file: say why, go on
        return {**row, "refused": str(refused)[-300:]}
    protocol = metrics["protocol"]
    verdict = metrics["verdict"]
    row.update(numbers(metrics))
    row.update(window=protocol["window"], differencing=protocol["differencing"])
    row.update(scored_points=protocol["scored_points"])  # how many test points scored
    row.update(verdict=f"{verdict['outcome']} {verdict['baseline']}", seconds=seconds)
    return row


def commit():
    """The checkout's commit, with "+changes" when files differ from it."""
    git = ["git", "-C", str(ROOT)]
    found = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    changed = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
    )
    return found.stdout.strip() + ("+changes" if changed.stdout.strip() else "")


def entries(names):
    """The Entry of each file name, in order; the course file is skipped without COURSE_DATA_DIR."""
    public = {public_file.name: public_file for public_file in fetch_all()}
    found = []
    for name in names:
        if name == "us_electricity_embedded":
            found.append(Entry(name, "monthly", []))
        elif name == "course_milk":
            course = os.environ.get("COURSE_DATA_DIR")
            path = Path(course or ".") / "monthly_milk_production.csv"
            if not course or not path.exists():
                print(f"(no {path}: set COURSE_DATA_DIR; course_milk is skipped)")
                continue
            columns = ["--date-column", "Date", "--target", "Production"]
            found.append(Entry(name, "monthly", ["--data", str(path), *columns, "--window", "12"]))
        else:
            public_file = public[name]
            columns = public_file.columns
            arguments = ["--data", str(public_file.path), "--date-column", columns["date"]]
            arguments += ["--target", columns["target"]]
            found.append(Entry(name, public_file.kind, arguments))
    return found


# --- Saving and reading the runs --------------------------------------------------------------


def load_runs(path):
    """The runs saved in `path` (a list of rows; none when the file does not exist)."""
    if path is None or not path.exists():
        return []
    return json.loads(path.read_text())["runs"]


def save_runs(path, runs):
    """Write the runs through a temporary file, so a stop never leaves half a JSON."""
    about = "references_table.py: test RMSE per run in the series' units; h=12 pooled over steps"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps({"about": about, "runs": runs}, indent=1) + "\n")
    partial.replace(path)


def key(row):
    return row["file"], row["horizon"], row["seed"]


def run_all(plan, args):
    """Run each (entry, set, horizon, seed) of `plan` not yet in args.json; return every run."""
    saved = [row for row in load_runs(args.json) if "refused" not in row]
    done = {key(row) for row in saved}
    plan = [step for step in plan if (step[0].name, step[2], step[3]) not in done]
    if saved:
        print(f"{len(saved)} runs already in {args.json}: {len(plan)} left to run")
    if args.jobs > 1:
        print(f"{args.jobs} runs at a time: the seconds are shared time, not each run's")

    def label(index):
        entry, set_name, horizon, seed = plan[index]
        return f"{entry.name} h={horizon} seed {seed}"

    calls = [lambda step=step: run_one(*step) for step in plan]
    runs = list(saved)
    for index, row in run_side_by_side(calls, args.jobs, label):
        runs.append(row)
        if args.json:
            save_runs(args.json, runs)
        if "refused" in row:
            print(f"   {label(index)}: REFUSED: {row['refused']}", flush=True)
            continue
        print(
            f"   {label(index)}: ours {row['ours']:.3f}, network {row['network']:.3f}, "
            f"average {cell(row['average'])} ({row['seconds']:.0f} s)",
            flush=True,
        )
    return runs


# --- The tables -------------------------------------------------------------------------------


def ratios(row):
    """{"average", "best", "best_name", "seasonal_naive"}: ours divided by each (None: blank)."""
    references = {name: row[name] for name in REFERENCES if row.get(name) is not None}
    best = min(references, key=references.get) if references else None
    divided = {
        name: row["ours"] / row[name] if row.get(name) else None
        for name in ("average", "seasonal_naive")
    }
    return {**divided, "best": row["ours"] / references[best] if best else None, "best_name": best}


def cell(value, digits=3):
    return "-" if value is None else f"{value:.{digits}f}"


def print_runs(rows, horizon):
    """One set's and horizon's markdown table, a row per run."""
    names = ["ours", "final kind", "network", "ETS", "ARIMA", "Theta", "average", "seasonal naive"]
    names += ["ratio to average", "ratio to best"]
    names += ["ratio to seasonal naive"] if horizon > 1 else []
    print(f"| file | seed | {' | '.join(names)} | s |")
    print("|---" * (len(names) + 3) + "|")
    for row in rows:
        if "refused" in row:
            print(f"| {row['file']} | {row['seed']} | refused: {row['refused'][-120:]} |")
            continue
        found = ratios(row)
        cells = [cell(row["ours"]), row["final_kind"]]
        cells += [cell(row[name]) for name in NUMBERS[1:]]
        cells += [cell(found["average"]), f"{cell(found['best'])} ({found['best_name']})"]
        cells += [cell(found["seasonal_naive"])] if horizon > 1 else []
        print(f"| {row['file']} | {row['seed']} | {' | '.join(cells)} | {row['seconds']:.0f} |")
    hooked = sum(row.get("average_from") == "hook" for row in rows)
    if hooked:
        print(
            f"({hooked} of {len(rows)} runs have no `combination` baseline: their average is the "
            "mean of their ETS, Theta and ARIMA test forecasts, scored here)"
        )


def summary(rows, which):
    """The median over files of each file's mean ratio over seeds, and the worst run's ratio:
    {"median", "files", "worst", "where"}, or None when no run has this ratio."""
    per_run = [(row, ratios(row)[which]) for row in rows if "refused" not in row]
    per_run = [(row, value) for row, value in per_run if value is not None]
    if not per_run:
        return None
    by_file = {}
    for row, value in per_run:
        by_file.setdefault(row["file"], []).append(value)
    worst_row, worst = max(per_run, key=lambda pair: pair[1])
    return {
        "median": statistics.median(statistics.mean(values) for values in by_file.values()),
        "files": len(by_file),
        "worst": worst,
        "where": f"{worst_row['file']} seed {worst_row['seed']}",
    }


def groups(runs, sets, horizons):
    """[(set, horizon, rows)] in the tables' order, rows by file order then seed."""
    found = []
    for set_name in sets:
        order = {name: index for index, name in enumerate(SETS[set_name])}
        for horizon in horizons:
            rows = [row for row in runs if row["set"] == set_name and row["horizon"] == horizon]
            rows.sort(key=lambda row: (order.get(row["file"], len(order)), row["seed"]))
            if rows:
                found.append((set_name, horizon, rows))
    return found


def which_ratios(horizon):
    return ["average", "best", "seasonal_naive"] if horizon > 1 else ["average", "best"]


def print_tables(runs, sets, horizons):
    """Each set's and horizon's table of runs, then one table of the medians and worst ratios."""
    found = groups(runs, sets, horizons)
    for set_name, horizon, rows in found:
        steps = "one step" if horizon == 1 else f"{horizon} steps"
        print(f"\n== {set_name} set, {steps} ahead: test RMSE in each series' units")
        print_runs(rows, horizon)
    print("\n== Median (over files, of the mean over seeds) and worst ratio (over runs)")
    print("| set | h | ratio | median | files | worst | where |")
    print("|---|---|---|---|---|---|---|")
    for set_name, horizon, rows in found:
        for which in which_ratios(horizon):
            result = summary(rows, which)
            if result is None:
                print(f"| {set_name} | {horizon} | {RATIOS[which]} | - | 0 | - | |")
                continue
            print(
                f"| {set_name} | {horizon} | {RATIOS[which]} | {result['median']:.3f} | "
                f"{result['files']} | {result['worst']:.3f} | {result['where']} |"
            )
    print(f"\n{GOALS}")


def print_comparison(before_path, after_path, sets, horizons):
    """The median and worst ratios of two saved benchmarks side by side."""
    before = groups(load_runs(before_path), sets, horizons)
    after = {
        (set_name, horizon): rows
        for set_name, horizon, rows in groups(load_runs(after_path), sets, horizons)
    }
    print(f"== Before: {before_path}; after: {after_path}")
    print("| set | h | ratio | median before | median after | worst before | worst after |")
    print("|---|---|---|---|---|---|---|")
    for set_name, horizon, rows in before:
        for which in which_ratios(horizon):
            old = summary(rows, which) or {}
            new = summary(after.get((set_name, horizon), []), which) or {}
            print(
                f"| {set_name} | {horizon} | {RATIOS[which]} | {cell(old.get('median'))} | "
                f"{cell(new.get('median'))} | {cell(old.get('worst'))} | "
                f"{cell(new.get('worst'))} |"
            )
    print(f"\n{GOALS}")


# --- The command line -------------------------------------------------------------------------


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds (default: 1,2,3)")
    parser.add_argument("--horizons", default="1,12", help="steps ahead (default: 1,12)")
    parser.add_argument(
        "--sets",
        default="development,final",
        help="development, final, final-2, ..., final-5 (comma-separated)",
    )
    parser.add_argument("--only", help="comma-separated file names of the sets (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="case processes at a time (default: 1)")
    parser.add_argument("--json", type=Path, help="save every run here; skip the runs already in")
    parser.add_argument("--from-json", type=Path, help="print the tables of saved runs; run none")
    parser.add_argument(
        "--compare",
        type=Path,
        nargs=2,
        metavar=("BEFORE", "AFTER"),
        help="print two saved benchmarks' median and worst ratios side by side",
    )
    return parser


def numbers_list(parser, text, name):
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        parser.error(f"argument --{name}: expected comma-separated whole numbers, got {text!r}")
    if any(value < 1 for value in values):
        parser.error(f"argument --{name}: every value must be at least 1, got {text!r}")
    return values


def chosen_sets(parser, text):
    """--sets' comma-separated names, each a key of SETS (else the parser's error)."""
    sets = text.split(",")
    if any(name not in SETS for name in sets):
        parser.error(f"argument --sets: choose from {', '.join(SETS)}, got {text!r}")
    return sets


def tuned_files_arguments(description, keep=False):
    """`--horizons`, `--sets` and `--only` (with `keep`, also `--keep DIR`) for a script that
    reads the tuned files (by default the development set and the first final set): (horizons,
    file names, the --keep folder or None)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--horizons", default="1,12", help="steps ahead (default: 1,12)")
    parser.add_argument("--sets", default="development,final", help="sets (comma-separated)")
    parser.add_argument("--only", help="comma-separated file names (default: every file of --sets)")
    if keep:
        parser.add_argument("--keep", type=Path, help="a folder where each run's results are kept")
    args = parser.parse_args()
    sets = chosen_sets(parser, args.sets)
    names = args.only.split(",") if args.only else [name for each in sets for name in SETS[each]]
    return numbers_list(parser, args.horizons, "horizons"), names, getattr(args, "keep", None)


def main():
    parser = build_parser()
    args = parser.parse_args()
    seeds = numbers_list(parser, args.seeds, "seeds")
    horizons = numbers_list(parser, args.horizons, "horizons")
    sets = chosen_sets(parser, args.sets)
    if args.jobs < 1:
        parser.error("argument --jobs: at least 1")
    for path in [*(args.compare or []), *([args.from_json] if args.from_json else [])]:
        if not path.is_file():
            parser.error(f"no such file: {path}")
    if args.compare:
        return print_comparison(*args.compare, sets, horizons)
    if args.from_json:
        return print_tables(load_runs(args.from_json), sets, horizons)
    names = [name for set_name in sets for name in SETS[set_name]]
    if args.only:
        wanted = args.only.split(",")
        unknown = [name for name in wanted if name not in names]
        if unknown:
            parser.error(f"argument --only: not in the sets: {', '.join(unknown)}")
        names = [name for name in names if name in wanted]
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
    by_name = {entry.name: entry for entry in entries(names)}
    plan = [
        (by_name[name], set_name, horizon, seed)
        for set_name in sets
        for horizon in horizons
        for name in SETS[set_name]
        if name in by_name
        for seed in seeds
    ]
    runs = run_all(plan, args)
    print_tables(runs, sets, horizons)


if __name__ == "__main__":
    if sys.argv[1:2] == [HOOK_FLAG]:
        run_case_with_average(sys.argv[2:])
    else:
        main()
