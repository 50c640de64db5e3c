"""Do the intervals hold what they promise? Coverage on the test part, one and several steps ahead.

    python benchmarks/bench_coverage.py                        # embedded files, seeds 1, 2, 3, 42
    COURSE_DATA_DIR=/path/to/course-files python benchmarks/bench_coverage.py   # + course milk
    python benchmarks/bench_coverage.py --seeds 42 --runs electricity-1
    python benchmarks/bench_coverage.py --jobs 4               # four runs at a time

Runs each forecasting case in a fresh process and reads its metrics.json: the share of test
(origin, step) pairs inside the 80 % and 95 % intervals, pooled and per step, with a binomial
95 % interval for the pooled share (Clopper-Pearson; with several steps ahead the pairs of one
origin are not independent, so it is a little too narrow there), the network's error against
`linear` and the verdict. Prints one block per run and a markdown summary against the goals:
80 % intervals holding 0.72-0.88, 95 % ones 0.90-0.99 (course milk 12 months ahead, 21 origins:
0.65-0.92 and 0.85-1.0), each step within 0.15 of nominal where the test part has 60 origins.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scipy import stats
from side_by_side import pinned_environment, run_side_by_side

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"80": (0.72, 0.88), "95": (0.90, 0.99)}
SHORT_GOALS = {"80": (0.65, 0.92), "95": (0.85, 1.0)}  # course milk, 21 origins
NOMINAL = {"80": 0.80, "95": 0.95}


def runs(course_data):
    """(name, script, arguments, goals) of every configuration measured."""
    chosen = [
        ("electricity-1", "case8_2_lstm.py", [], GOALS),
        ("electricity-12", "case8_2_lstm.py", ["--horizon", "12"], GOALS),
        ("clemson-1", "case8_3_gru.py", [], GOALS),
        ("clemson-7", "case8_3_gru.py", ["--horizon", "7"], GOALS),
    ]
    if course_data:
        milk = str(Path(course_data) / "monthly_milk_production.csv")
        arguments = ["--data", milk, "--window", "12", "--horizon", "12"]
        chosen.append(("milk-12", "case8_2_lstm.py", arguments, SHORT_GOALS))
    return chosen


def run_case(root, script, arguments):
    """Run a case in a fresh process; return (seconds, metrics dict)."""
    with tempfile.TemporaryDirectory() as output_dir:
        started = time.perf_counter()
        command = [sys.executable, str(Path(root) / script), *arguments, "--output-dir", output_dir]
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=root, env=pinned_environment()
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"{script} {' '.join(arguments)} failed:\n{result.stderr[-2000:]}")
        return seconds, json.loads((Path(output_dir) / "metrics.json").read_text())


def pairs_scored(metrics):
    """How many (origin, step) pairs the coverage counts: origins x steps (one step ahead: the
    scored test targets)."""
    protocol = metrics["protocol"]
    steps = len(metrics["intervals"]["80"]["by_horizon"])
    return protocol.get("origins", protocol.get("scored_points", protocol["test_points"])) * steps


def binomial_interval(share, pairs):
    """Clopper-Pearson 95 % interval of a share measured on `pairs` pairs."""
    inside = round(share * pairs)
    interval = stats.binomtest(inside, pairs).proportion_ci(0.95, method="exact")
    return interval.low, interval.high


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3,42", help="seeds of the runs")
    parser.add_argument("--runs", default="", help="names of the runs to do (default: all)")
    parser.add_argument("--root", default=str(ROOT), help="the checkout whose cases run")
    parser.add_argument("--save", default="", help="write every run's metrics to this JSON file")
    parser.add_argument("--jobs", type=int, default=1, help="case processes at a time (default: 1)")
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    chosen = runs(os.environ.get("COURSE_DATA_DIR"))
    if args.runs:
        chosen = [run for run in chosen if run[0] in args.runs.split(",")]
    summary, saved = [], {}
    plan = [(run, seed) for run in chosen for seed in seeds]

    def call(run, seed):
        _, script, arguments, _ = run
        return lambda: run_case(args.root, script, [*arguments, "--seed", str(seed)])

    def label(index):
        return f"{plan[index][0][0]}, seed {plan[index][1]}"

    if args.jobs > 1:
        print(f"{args.jobs} runs at a time: the times are shared time, not each run's")
    found = dict(run_side_by_side([call(*planned) for planned in plan], args.jobs, label))
    for index, ((name, _, _, goals), seed) in enumerate(plan):
        seconds, metrics = found[index]
        saved[f"{name}/{seed}"] = {"seconds": seconds, "metrics": metrics}
        pairs = pairs_scored(metrics)
        print(f"\n{name}, seed {seed}: {seconds:.0f} s, {pairs} (origin, step) pairs")
        print(f"   intervals: {metrics['protocol'].get('interval_method', '')}")
        for level in ("80", "95"):
            block = metrics["intervals"][level]
            low, high = binomial_interval(block["coverage"], pairs)
            steps = " ".join(f"{share:.2f}" for share in block["by_horizon"])
            print(
                f"   {level} %: pooled {block['coverage']:.3f} [{low:.3f}, {high:.3f}]"
                f"   by step {steps}"
            )
        summary.append((name, seed, goals, metrics, pairs, seconds))
    print("\n== Summary (markdown)")
    print(
        "| run | seed | 80 % held [binomial 95 %] | 95 % held [binomial 95 %] | worst step "
        "gap | network / linear | verdict | time |"
    )
    print("|---|---|---|---|---|---|---|---|")
    missed = []
    for name, seed, goals, metrics, pairs, seconds in summary:
        cells, gaps = [], []
        for level in ("80", "95"):
            block = metrics["intervals"][level]
            low, high = binomial_interval(block["coverage"], pairs)
            cells.append(f"{block['coverage']:.3f} [{low:.2f}, {high:.2f}]")
            gaps += [abs(share - NOMINAL[level]) for share in block["by_horizon"]]
            lowest, highest = goals[level]
            if not lowest <= block["coverage"] <= highest:
                missed.append(f"{name} seed {seed}: {level} % held {block['coverage']:.3f}")
        metric = "rmse" if "rmse" in metrics["model"] else "mae"
        ratio = metrics["model"][metric] / metrics["baselines"]["linear"][metric]
        verdict = metrics["verdict"]
        if verdict["outcome"] == "loses to" and verdict["baseline"] == "linear":
            missed.append(f"{name} seed {seed}: loses to linear")
        print(
            f"| {name} | {seed} | {cells[0]} | {cells[1]} | {max(gaps):.2f} | {ratio:.4f} | "
            f"{verdict['outcome']} {verdict['baseline']} (p = {verdict['p']:.2g}) | "
            f"{seconds:.0f} s |"
        )
    print("\n== Goals missed: " + ("none" if not missed else "; ".join(missed)))
    if args.save:
        Path(args.save).write_text(json.dumps(saved, indent=1))


if __name__ == "__main__":
    main()
