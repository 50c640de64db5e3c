"""Benchmark the forecasting cases: wall-clock time and test quality over several seeds.

    python benchmarks/bench_forecasting.py             # speed + quality on the embedded data
    COURSE_DATA_DIR=/path/to/course-files python benchmarks/bench_forecasting.py   # + course files

Each run is a fresh process (`python case8_x.py ...`), so the times include TensorFlow's import,
as a learner experiences them. Prints one line per run and a summary against the targets.
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

    print("\n== Quality, one-step test errors in real units")
    runs = [("case8_2_lstm.py", "embedded electricity", [], "rmse", "seasonal_naive")]
    runs.append(("case8_3_gru.py", "embedded Clemson Tmax", [], "mae", "naive"))
    if course:
        runs.append(
            (
                "case8_2_lstm.py",
                "course milk, window 12",
                ["--data", f"{course}/monthly_milk_production.csv", "--window", "12"],
                "rmse",
                "seasonal_naive",
            )
        )
        runs.append(
            ("case8_3_gru.py", "course data.csv", ["--data", f"{course}/data.csv"], "mae", "mean")
        )
    for script, label, extra, metric, reference in runs:
        for seed in seeds:
            seconds, metrics = run_case(script, *extra, "--seed", str(seed))
            model = metrics["model"][metric]
            base = metrics["baselines"][reference][metric]
            print(
                f"{script:18s} {label:24s} seed {seed}: model {metric} {model:8.3f}   "
                f"{reference} {base:8.3f}   "
                f"ratio {model / base:.3f}   white_noise {metrics['diagnostics']['white_noise']}   "
                f"epochs {metrics['training']['epochs_run']:3d}   {seconds:5.1f} s"
            )


if __name__ == "__main__":
    main()
