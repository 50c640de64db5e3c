"""Do the cases' settings hold on real files the project was never tuned on?

    python benchmarks/generalization.py                 # every file, seed 1
    python benchmarks/generalization.py --seeds 1,2,3   # the goal figures
    python benchmarks/generalization.py --only fulda_temperature,rotten_tomatoes_1k
    python benchmarks/generalization.py --jobs 4       # four runs at a time, the same numbers

The files come from packages on PyPI (benchmarks/public_files.py says which, and why none of
them is a copy of a collection used elsewhere to check the project). Each one runs through its
case exactly as a learner would run it, a fresh process with `--data`:

- weekly, monthly, quarterly and yearly series: case8_2_lstm.py, scored by RMSE;
- daily, business-day, hourly and minute records: case8_3_gru.py, scored by MAE;
- labelled texts: case8_1_rnn.py, scored by test ROC AUC against TF-IDF + logistic regression.

A multivariate record (kind hourly_multivariate) runs twice, on the target alone and with
`--inputs all`, and a last table shows what its other measured columns add.

For a series the table gives the network's error, every baseline's, and the ratio of the
network's error to the best *simple* baseline's (naive, seasonal naive, last month plus last
year's change, climatology, mean: the forecasts with nothing fitted); the `linear` baseline is
shown beside it. Goals (issue "a learner's own file"): every ratio at most 1.02, their median at
most 0.95; every text file's SimpleRNN AUC within 0.08 of TF-IDF + LR.
"""

import argparse
import json
import statistics
from pathlib import Path

from bench_forecasting import run_case
from public_files import fetch_all
from side_by_side import pinned_environment, run_side_by_side

SIMPLE = ["naive", "seasonal_naive", "last_year_change", "climatology", "mean"]
LSTM_RMSE = ("case8_2_lstm.py", "rmse")
GRU_MAE = ("case8_3_gru.py", "mae")
CASES = {
    "yearly": LSTM_RMSE,
    "quarterly": LSTM_RMSE,
    "monthly": LSTM_RMSE,
    "weekly": LSTM_RMSE,
    "daily": GRU_MAE,
    "business_days": GRU_MAE,
    "hourly": GRU_MAE,
    "minutes": GRU_MAE,
    "hourly_multivariate": GRU_MAE,
}


def case_arguments(public_file, seed, inputs=None):
    """The command line a learner would give the file's case; inputs="all" feeds every other
    column beside the target."""
    columns = public_file.columns
    arguments = ["--data", str(public_file.path), "--date-column", columns["date"]]
    arguments += ["--target", columns["target"], "--seed", str(seed)]
    return arguments + (["--inputs", inputs] if inputs else [])


def run_public_case(public_file, seed, inputs=None):
    """One run of the file's case in a fresh process: (seconds, metrics.json, metric name)."""
    script, metric = CASES[public_file.kind]
    arguments = case_arguments(public_file, seed, inputs)
    seconds, metrics = run_case(script, *arguments, environment=pinned_environment())
    return seconds, metrics, metric


def forecasting_row(public_file, seed, inputs=None):
    """One run of a series' case; inputs="all" feeds every other column beside the target."""
    seconds, metrics, metric = run_public_case(public_file, seed, inputs)
    scores = {name: block[metric] for name, block in metrics["baselines"].items()}
    simple = {name: score for name, score in scores.items() if name in SIMPLE}
    best = min(simple, key=simple.get)
    return {
        "file": public_file.name,
        "kind": public_file.kind,
        "rows": metrics["data"]["rows"],
        "seed": seed,
        "metric": metric,
        "network": metrics["model"][metric],
        "baselines": scores,
        "best_simple": best,
        "ratio": metrics["model"][metric] / simple[best],
        "linear_ratio": scores["linear"] / simple[best],
        "differencing": metrics["protocol"]["differencing"],
        "window": metrics["protocol"]["window"],
        "verdict": f"{metrics['verdict']['outcome']} {metrics['verdict']['baseline']}",
        "epochs": metrics["training"]["epochs_run"],
        "seconds": seconds,
        "inputs": inputs,
    }


def text_row(public_file, seed):
    arguments = ["--data", str(public_file.path), "--text-columns", public_file.columns["text"]]
    arguments += ["--label-column", public_file.columns["label"], "--seed", str(seed)]
    seconds, metrics = run_case("case8_1_rnn.py", *arguments, environment=pinned_environment())
    network = metrics["model"]["roc_auc"]
    tfidf = metrics["baselines"]["tfidf_logreg"]["roc_auc"]
    return {
        "file": public_file.name,
        "kind": "text",
        "rows": metrics["data"]["rows"],
        "seed": seed,
        "metric": "roc_auc",
        "network": network,
        "tfidf_logreg": tfidf,
        "gap": tfidf - network,
        "epochs": metrics["training"]["epochs_run"],
        "seconds": seconds,
    }


def print_tables(rows):
    # The runs with --inputs all are compared in their own table, not counted in the goals.
    series_rows = [row for row in rows if row["kind"] != "text" and not row["inputs"]]
    names = [
        name for name in [*SIMPLE, "linear"] if any(name in r["baselines"] for r in series_rows)
    ]
    print(
        "\n== Forecasting files: test error in the series' units "
        "(RMSE weekly to yearly, MAE daily and finer)"
    )
    print(
        "| file | rows | seed | window, differencing | network | "
        + " | ".join(names)
        + " | ratio to best simple | linear's ratio | verdict | s |"
    )
    print("|---" * (len(names) + 9) + "|")
    for row in series_rows:
        cells = [
            f"{row['baselines'][name]:.3f}" if name in row["baselines"] else "-" for name in names
        ]
        print(
            f"| {row['file']} ({row['kind']}) | {row['rows']} | {row['seed']} | "
            f"{row['window']}, {row['differencing']} | {row['network']:.3f} | "
            f"{' | '.join(cells)} | "
            f"**{row['ratio']:.3f}** ({row['best_simple']}) | {row['linear_ratio']:.3f} | "
            f"{row['verdict']} | {row['seconds']:.0f} |"
        )
    if series_rows:
        ratios = [row["ratio"] for row in series_rows]
        worst = max(series_rows, key=lambda row: row["ratio"])
        print(
            f"\nratio to the best simple baseline: median {statistics.median(ratios):.3f} "
            f"(goal <= 0.95), worst {worst['ratio']:.3f} on {worst['file']} seed {worst['seed']} "
            f"(goal <= 1.02); {sum(r > 1.02 for r in ratios)} of {len(ratios)} runs above 1.02"
        )
    print_inputs_table(rows)
    text_rows = [row for row in rows if row["kind"] == "text"]
    if text_rows:
        print("\n== Text files: test ROC AUC")
        print("| file | rows | seed | SimpleRNN | TF-IDF + LR | gap | epochs | s |")
        print("|---|---|---|---|---|---|---|---|")
        for row in text_rows:
            print(
                f"| {row['file']} | {row['rows']} | {row['seed']} | {row['network']:.4f} | "
                f"{row['tfidf_logreg']:.4f} | {row['gap']:+.4f} | {row['epochs']} | "
                f"{row['seconds']:.0f} |"
            )
        worst = max(text_rows, key=lambda row: row["gap"])
        print(
            f"\nlargest gap to TF-IDF + LR: {worst['gap']:.4f} on {worst['file']} seed "
            f"{worst['seed']} (goal <= 0.08)"
        )


def print_inputs_table(rows):
    """The multivariate records: the target alone against every column (--inputs all)."""
    with_inputs = [row for row in rows if row.get("inputs")]
    if not with_inputs:
        return
    alone = {(row["file"], row["seed"]): row for row in rows if row.get("inputs") is None}
    print("\n== Other measured columns: the target alone against --inputs all")
    print(
        "| file | seed | metric | target alone | --inputs all | change | ratio alone | ratio all |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in with_inputs:
        base = alone[(row["file"], row["seed"])]
        change = row["network"] / base["network"] - 1
        print(
            f"| {row['file']} | {row['seed']} | {row['metric']} | {base['network']:.3f} | "
            f"{row['network']:.3f} | {change:+.1%} | {base['ratio']:.3f} | {row['ratio']:.3f} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1", help="comma-separated seeds (default: 1)")
    parser.add_argument("--only", help="comma-separated file names (default: all)")
    parser.add_argument("--json", type=Path, help="also write every row to this JSON file")
    parser.add_argument("--jobs", type=int, default=1, help="case processes at a time (default: 1)")
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    files = fetch_all()
    if args.only:
        wanted = set(args.only.split(","))
        files = [public_file for public_file in files if public_file.name in wanted]
    # Every run of the benchmark, in the tables' order; --jobs N runs N of them at a time.
    plan = []
    for public_file in files:
        for seed in seeds:
            plan.append((public_file, seed, None))
            if public_file.kind != "text" and "inputs" in public_file.columns:
                plan.append((public_file, seed, "all"))

    def call(public_file, seed, inputs):
        def run():
            try:
                if public_file.kind == "text":
                    return text_row(public_file, seed)
                return forecasting_row(public_file, seed, inputs=inputs)
            except SystemExit as refused:  # the case refused the file: say why, go on
                return {"refused": str(refused)[-300:]}

        return run

    def label(index):
        public_file, seed, inputs = plan[index]
        return f"{public_file.name}{' --inputs all' if inputs else ''} seed {seed}"

    if args.jobs > 1:
        print(f"{args.jobs} runs at a time: the seconds columns are shared time, not each run's")
    found = {}
    for index, row in run_side_by_side([call(*planned) for planned in plan], args.jobs, label):
        found[index] = row
        if "refused" in row:
            print(f"   {label(index)}: REFUSED: {row['refused']}", flush=True)
            continue
        shown = {key: row[key] for key in ("network", "ratio", "gap") if key in row}
        print(
            f"   {label(index)}: "
            + ", ".join(f"{key} {value:.3f}" for key, value in shown.items())
            + f" ({row['seconds']:.0f} s)",
            flush=True,
        )
    rows = [found[index] for index in range(len(plan)) if "refused" not in found[index]]
    print_tables(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
