"""Benchmark the forecasting cases: wall-clock time and test quality over several seeds.

    python benchmarks/bench_forecasting.py             # speed + quality on the embedded data
    COURSE_DATA_DIR=/path/to/course-files python benchmarks/bench_forecasting.py   # + course files
    python benchmarks/bench_forecasting.py --several-steps   # --horizon runs: per-step errors,
                                                             # interval coverage, wall clock

Each run is a fresh process (`python case8_x.py ...`), so the times include TensorFlow's import,
as a learner experiences them. Prints each run's results table (the network against every
baseline, with the Diebold-Mariano p-value of each) and verdict, then a markdown summary.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_case(script, *args, environment=None):
    """Run a case in a fresh process; return (seconds, metrics dict).

    environment: the process's environment variables (default: this one's).
    """
    with tempfile.TemporaryDirectory() as output_dir:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(ROOT / script), *args, "--output-dir", output_dir],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=environment,
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"{script} {' '.join(args)} failed:\n{result.stderr[-2000:]}")
        return seconds, json.loads((Path(output_dir) / "metrics.json").read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3", help="seeds for the quality runs")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument(
        "--several-steps",
        action="store_true",
        help="instead: course milk and electricity 12 months ahead, Clemson 7 days ahead "
        "(per-step errors, interval coverage, speed)",
    )
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    course = os.environ.get("COURSE_DATA_DIR")
    if args.several_steps:
        return several_steps(seeds, course)

    if not args.skip_speed:
        print("== Speed (wall clock, TensorFlow import included)")
        for script, target in [("case8_2_lstm.py", 60), ("case8_3_gru.py", 90)]:
            seconds, _ = run_case(script)
            quick, _ = run_case(script, "--quick")
            print(
                f"{script:18s} default {seconds:6.1f} s (target < {target} s)   "
                f"--quick {quick:5.1f} s (target < 20 s)"
            )

    print("\n== Quality: one-step test errors in real units, and the verdicts behind them")
    runs = [("case8_2_lstm.py", "embedded electricity", [], "rmse")]
    runs.append(("case8_3_gru.py", "embedded Clemson Tmax", [], "mae"))
    if course:
        milk = ["--data", f"{course}/monthly_milk_production.csv", "--window", "12"]
        runs.append(("case8_2_lstm.py", "course milk, window 12", milk, "rmse"))
        runs.append(("case8_3_gru.py", "course data.csv", ["--data", f"{course}/data.csv"], "mae"))
    else:
        print("(COURSE_DATA_DIR is not set: the course milk and data.csv rows are skipped)")
    summary = []
    for script, label, extra, metric in runs:
        for seed in seeds:
            seconds, metrics = run_case(script, *extra, "--seed", str(seed))
            print_results(script, label, seed, metric, metrics, seconds)
            summary.append((label, seed, metric, metrics, seconds))
    print("\n== Summary (markdown, for the README)")
    print(
        "| series | seed | window, differencing | network | best baseline | DM p | verdict "
        "| kept start | fit s | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, seed, metric, metrics, seconds in summary:
        verdict = metrics["verdict"]
        best = metrics["baselines"][verdict["baseline"]]
        protocol, training = metrics["protocol"], metrics["training"]
        print(
            f"| {label} | {seed} | {protocol['window']}, {protocol['differencing']} | "
            f"{metric.upper()} {metrics['model'][metric]:.3f} | "
            f"{verdict['baseline']} {best[metric]:.3f} | {verdict['p']:.2g} | "
            f"{verdict['outcome']} | {training['kept_start']} | {training['seconds']:.1f} | "
            f"{seconds:.1f} |"
        )


COVERAGE_GOALS = {"80": (0.70, 0.90), "95": (0.88, 0.99)}  # pooled over the steps


def several_steps(seeds, course):
    """--several-steps: the forecasting cases' --horizon runs, each seed a fresh process."""
    runs = [("case8_2_lstm.py", "embedded electricity, 12 months", ["--horizon", "12"], "rmse")]
    runs.append(("case8_3_gru.py", "embedded Clemson Tmax, 7 days", ["--horizon", "7"], "mae"))
    if course:
        milk = ["--data", f"{course}/monthly_milk_production.csv", "--window", "12"]
        runs.insert(
            0,
            (
                "case8_2_lstm.py",
                "course milk, window 12, 12 months",
                [*milk, "--horizon", "12"],
                "rmse",
            ),
        )
    else:
        print("(COURSE_DATA_DIR is not set: the course milk rows are skipped)")
    summary = []
    for script, label, extra, metric in runs:
        for seed in seeds:
            seconds, metrics = run_case(script, *extra, "--seed", str(seed))
            print(
                f"\n{script} on {label}, seed {seed} ({seconds:.1f} s wall clock, "
                f"{metrics['protocol']['origins']} test origins, differencing "
                f"{metrics['protocol']['differencing']}, intervals "
                f"{metrics['protocol']['interval_method']})"
            )
            rows = {"network": metrics["model"], **metrics["baselines"]}
            steps = len(metrics["model"]["by_horizon"])
            print(
                f"  {metric} by step  "
                + "".join(f"{f'h={h}':>8s}" for h in range(1, steps + 1))
                + f"{'mean':>9s}{'DM p':>9s}"
            )
            for name, scores in rows.items():
                cells = "".join(f"{step[metric]:8.3f}" for step in scores["by_horizon"])
                p = f"{scores['dm']['p']:9.2g}" if "dm" in scores else ""
                print(f"  {name:17s}{cells}{scores[metric]:9.3f}{p}")
            for level in ("80", "95"):  # `intervals` also holds "method", "warning", ...
                result = metrics["intervals"][level]
                cells = "".join(f"{share:8.3f}" for share in result["by_horizon"])
                print(f"  {level}% covered    {cells}{result['coverage']:9.3f}")
            verdict = metrics["verdict"]
            print(f"  verdict: {verdict['outcome']} {verdict['baseline']} (p = {verdict['p']:.2g})")
            summary.append((label, seed, metric, metrics, seconds))
    print("\n== Summary (markdown, for the README)")
    print(
        "| series | seed | network | best baseline | verdict (DM p) | 80 % covered | "
        "95 % covered | wall clock |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, seed, metric, metrics, seconds in summary:
        verdict = metrics["verdict"]
        simple = metrics["baselines"]
        best = min(simple, key=lambda name: simple[name][metric])
        coverage = {level: metrics["intervals"][level]["coverage"] for level in COVERAGE_GOALS}
        print(
            f"| {label} | {seed} | {metric.upper()} {metrics['model'][metric]:.3f} | "
            f"{best} {simple[best][metric]:.3f} | {verdict['outcome']} ({verdict['p']:.2g}) | "
            f"{coverage['80']:.3f} | {coverage['95']:.3f} | {seconds:.0f} s |"
        )
    print("\n== Goals (each seed): error pooled over the steps below every baseline's; pooled")
    print("   coverage 0.70-0.90 (80 %) and 0.88-0.99 (95 %); under 90 s")
    for label, seed, metric, metrics, seconds in summary:
        below = all(
            metrics["model"][metric] < scores[metric] for scores in metrics["baselines"].values()
        )
        covered = all(
            low <= metrics["intervals"][level]["coverage"] <= high
            for level, (low, high) in COVERAGE_GOALS.items()
        )
        print(
            f"   {label}, seed {seed}: below every baseline {'met' if below else 'MISSED'}; "
            f"coverage {'met' if covered else 'MISSED'}; time {'met' if seconds < 90 else 'MISSED'}"
        )


def print_results(script, label, seed, metric, metrics, seconds):
    """One run's results table: the network and every baseline, with each baseline's
    Diebold-Mariano p-value against the network, and the run's verdict."""
    other = "mae" if metric == "rmse" else "rmse"
    print(
        f"\n{script} on {label}, seed {seed} ({seconds:.1f} s, "
        f"{metrics['training']['epochs_run']} epochs, "
        f"{metrics['protocol']['scored_points']} test targets)"
    )
    print(f"  {'':18s}{metric:>9s}{other:>9s}{'DM p':>10s}")
    print(f"  {'network':18s}{metrics['model'][metric]:9.3f}{metrics['model'][other]:9.3f}")
    for name, scores in metrics["baselines"].items():
        print(f"  {name:18s}{scores[metric]:9.3f}{scores[other]:9.3f}{scores['dm']['p']:10.3g}")
    verdict = metrics["verdict"]
    print(f"  verdict: {verdict['outcome']} {verdict['baseline']} (p = {verdict['p']:.2g})")
    learned = metrics["diagnostics"]["learned"]
    print(
        f"  noise check: raw series p = {metrics['diagnostics']['ljung_box_p']:.3g}, "
        f"learned series p = {learned['ljung_box_p']:.3g}"
    )


if __name__ == "__main__":
    main()
