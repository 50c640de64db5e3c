"""Time case 8-1 from the command line, the way a learner runs it, and score it over seeds.

    python benchmarks/bench_case8_1.py                  # seeds 1, 2, 3 and --quick
    python benchmarks/bench_case8_1.py --seeds 42

The default data is the course's reviews (data/clothing_reviews.csv), so every run follows the
course's split. Each run is a fresh process timed by the wall clock (TensorFlow's import
included); its test scores and challenge-set accuracies come from its metrics.json.
Targets: default run under 60 s, --quick under 20 s on a 2-core CPU; SimpleRNN test ROC AUC of
at least 0.925 on average over seeds 1, 2, 3 and at least 0.915 on each.
"""

import argparse
import json
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


def describe(name, seconds, metrics, target):
    model, tfidf = metrics["model"], metrics["baselines"]["tfidf_logreg"]
    met = "met" if seconds < target else "MISSED"
    print(
        f"{name:24s} {seconds:6.1f} s (target < {target} s: {met}), "
        f"{metrics['training']['epochs_run']} epochs"
    )
    print(
        f"{'':24s} SimpleRNN accuracy {model['accuracy']:.3f}, ROC AUC {model['roc_auc']:.4f}; "
        f"TF-IDF+LR accuracy {tfidf['accuracy']:.3f}, ROC AUC {tfidf['roc_auc']:.4f}; "
        f"majority accuracy {metrics['baselines']['majority']['accuracy']:.3f}"
    )


def challenge_rows(runs):
    """Markdown rows: challenge accuracy per category, per seed, for both models."""
    categories = list(runs[0][1]["challenge"]["model"]["by_category"])
    print("\n| model | seed | " + " | ".join([*categories, "overall"]) + " |")
    print("|" + "---|" * (len(categories) + 3))
    for seed, metrics in runs:
        for name, key in [("SimpleRNN", "model"), ("TF-IDF + LR", "tfidf_logreg")]:
            scores = metrics["challenge"][key]
            values = [scores["by_category"][c] for c in categories] + [scores["overall"]]
            print(f"| {name} | {seed} | " + " | ".join(f"{v:.3f}" for v in values) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds (default 1,2,3)")
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        describe("--quick", *timed_run(["--quick"], folder / "quick"), target=20)
        runs = []
        for seed in seeds:
            seconds, metrics = timed_run(["--seed", str(seed)], folder / f"seed-{seed}")
            describe(f"default run, seed {seed}", seconds, metrics, target=60)
            runs.append((seed, metrics))
    areas = [metrics["model"]["roc_auc"] for _, metrics in runs]
    mean = sum(areas) / len(areas)
    print(
        f"\nSimpleRNN ROC AUC {', '.join(f'{a:.4f}' for a in areas)} (mean {mean:.4f}) over "
        f"seeds {args.seeds}: mean >= 0.925 {'met' if mean >= 0.925 else 'MISSED'}, "
        f"each >= 0.915 {'met' if min(areas) >= 0.915 else 'MISSED'}"
    )
    challenge_rows(runs)


if __name__ == "__main__":
    main()
