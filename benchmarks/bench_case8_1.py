"""Time case 8-1 from the command line, the way a learner runs it (TensorFlow import included).

    python benchmarks/bench_case8_1.py  # default run and --quick, on the embedded sample
    COURSE_DATA_DIR=/path/to/course-files python benchmarks/bench_case8_1.py --seeds 1,2,3

Each run is a fresh process timed by the wall clock; its test scores come from its metrics.json.
Targets: default run under 60 s, --quick under 20 s on a 2-core CPU;
on the course's file a SimpleRNN test ROC AUC of at least 0.91.
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
SCRIPT = ROOT / "case8_1_rnn.py"


def timed_run(arguments, output_dir):
    """Run the script in a fresh process; return (wall-clock seconds, metrics.json as a dict)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--output-dir", str(output_dir), *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(
            f"{' '.join(arguments) or 'default run'} failed ({result.returncode}):\n"
            f"{result.stderr[-2000:]}"
        )
    return seconds, json.loads((Path(output_dir) / "metrics.json").read_text())


def describe(name, seconds, metrics, target=None):
    model, tfidf, majority = (
        metrics["model"],
        metrics["baselines"]["tfidf_logreg"],
        metrics["baselines"]["majority"],
    )
    verdict = (
        ""
        if target is None
        else (f" (target < {target:d} s: {'met' if seconds < target else 'MISSED'})")
    )
    print(f"{name:34s} {seconds:6.1f} s{verdict}")
    print(
        f"{'':34s} SimpleRNN accuracy {model['accuracy']:.3f}, ROC AUC {model['roc_auc']:.3f}; "
        f"majority accuracy {majority['accuracy']:.3f}; "
        f"TF-IDF+LR accuracy {tfidf['accuracy']:.3f}, "
        f"ROC AUC {tfidf['roc_auc']:.3f}; {metrics['training']['epochs_run']} epochs"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", default="42", help="comma-separated seeds for the course-file runs"
    )
    parser.add_argument("--skip-embedded", action="store_true", help="only time the course's file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        if not args.skip_embedded:
            describe("embedded sample, default run", *timed_run([], folder / "default"), target=60)
            describe(
                "embedded sample, --quick", *timed_run(["--quick"], folder / "quick"), target=20
            )
        course_dir = os.environ.get("COURSE_DATA_DIR")
        if not course_dir:
            print(
                "course file: skipped "
                "(set COURSE_DATA_DIR to the folder holding Clothing-Review.csv)"
            )
            return
        course_file = Path(course_dir) / "Clothing-Review.csv"
        areas = []
        for seed in [int(seed) for seed in args.seeds.split(",")]:
            seconds, metrics = timed_run(
                ["--data", str(course_file), "--seed", str(seed)], folder / f"course-{seed}"
            )
            describe(f"course file, seed {seed}", seconds, metrics)
            areas.append(metrics["model"]["roc_auc"])
        print(
            f"course file: SimpleRNN ROC AUC {min(areas):.3f} to {max(areas):.3f} "
            f"over seeds {args.seeds} "
            f"(target >= 0.91: {'met' if min(areas) >= 0.91 else 'MISSED'})"
        )


if __name__ == "__main__":
    main()
