"""Benchmark the forecasting cases: wall-clock time and test quality over several seeds.

    python benchmarks/bench_forecasting.py             # speed + quality on the embedded data
    COURSE_DATA_DIR=/path/to/course-files python benchmarks/bench_forecasting.py   # + course files

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


def run_case(script, *args):
    """Run a case in a fresh process; return (seconds, metrics dict)."""
    with tempfile.TemporaryDirectory() as output_dir:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(ROOT / script), *args, "--output-dir", output_dir],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"{script} {' '.join(args)} failed:\n{result.stderr[-2000:]}")
        return seconds, json.loads((Path(output_dir) / "metrics.json").read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3", help="seeds for the quality runs")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    course = os.environ.get("COURSE_DATA_DIR")

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
            summary.append((label, seed, metric, metrics))
    print("\n== Summary (markdown, for the README)")
    print("| series | seed | network | best baseline | DM p | verdict |")
    print("|---|---|---|---|---|---|")
    for label, seed, metric, metrics in summary:
        verdict = metrics["verdict"]
        best = metrics["baselines"][verdict["baseline"]]
        print(
            f"| {label} | {seed} | {metric.upper()} {metrics['model'][metric]:.3f} | "
            f"{verdict['baseline']} {best[metric]:.3f} | {verdict['p']:.2g} | "
            f"{verdict['outcome']} |"
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
