"""What case 8-1 writes into its output folder, made from its run record (common/text.py's Run).

history.png, confusion_matrix.png, roc.png, model.keras, history.csv and metrics.json (its
fields: docs/PROTOCOL.md, schema 1). data.png is drawn in Step 2. Every file is written
atomically. A learner never needs to step in here.
"""

from pathlib import Path

from common import plots
from common.machinery.artifacts import save_model, write_history, write_json

from sklearn.metrics import confusion_matrix

PLOTS = ["history.png", "confusion_matrix.png", "roc.png"]  # drawn at the end, in this order


def save_plots(output_dir, run):
    """history.png (the kept epoch marked), confusion_matrix.png and roc.png in `output_dir`."""
    output_dir = Path(output_dir)
    trained, evaluation = run.trained, run.evaluation
    test_labels, test_probabilities = evaluation.test_labels, evaluation.test_probabilities
    plots.history(
        trained.history, output_dir / "history.png", metric="auc", kept_epoch=trained.kept_epoch
    )
    predicted = (test_probabilities >= 0.5).astype(int)  # (test,) 0/1
    plots.confusion(
        confusion_matrix(test_labels, predicted, labels=[0, 1]),
        ["negative", "positive"],
        output_dir / "confusion_matrix.png",
    )
    tfidf_probabilities = evaluation.baselines.probabilities["tfidf_logreg"]
    curves = {
        evaluation.network: test_probabilities,
        "TF-IDF + logistic regression": tfidf_probabilities,
    }
    plots.roc(test_labels, curves, output_dir / "roc.png")


def metrics(run, start):
    """The metrics.json dict (docs/PROTOCOL.md, schema 1), from the run record and the Start
    record (its seed and its environment)."""
    reviews, results = run.reviews, run.evaluation.results
    network = run.evaluation.network
    block = {
        "schema": 1,
        "case": run.case,
        "data": {
            "path": str(reviews.source.path),
            "rows": len(reviews.texts),
            "embedded": reviews.source.embedded,
            "text_columns": reviews.text_columns,
            "label": f"{reviews.label_column} ({reviews.label_rule})",
        },
        "protocol": {
            "test_fraction": run.prepared.test_fraction,
            "test_points": len(run.evaluation.test_labels),
            "sequence_length": run.prepared.sequence_length,
            "vocabulary_size": run.prepared.vocabulary_size,
        },
        "model": results[network],
        "baselines": {name: scores for name, scores in results.items() if name != network},
        "training": training_block(run.trained, start.seed),
        "environment": start.environment,
    }
    if run.challenge is not None:
        block["challenge"] = {
            "file": str(run.challenge.path),
            "model": run.challenge.scores[network],
            "tfidf_logreg": run.challenge.scores["tfidf_logreg"],
        }
    return block


def training_block(trained, seed):
    """metrics.json's `training` block. trained: the Trained record; seed: --seed."""
    return {
        "epochs_run": trained.epochs_run,
        "batch_size": trained.plan["batch_size"],
        "max_epochs": trained.plan["epochs"],
        "seconds": round(trained.seconds, 2),
        "params": trained.params,
        "seed": seed,
    }


def save(start, end_to_end, run):
    """Step 10: the plots, model.keras (the vectoriser inside), history.csv and metrics.json.

    start: the Start record (the output folder, the seed); end_to_end: the model that reads raw
    review strings. Returns (the metrics.json dict, the names of the files written in this step).
    """
    output_dir = Path(start.output_dir)
    save_plots(output_dir, run)
    block = metrics(run, start)
    save_model(output_dir / "model.keras", end_to_end)
    write_history(output_dir / "history.csv", run.trained.history)
    write_json(output_dir / "metrics.json", block)
    return block, [*PLOTS, "model.keras", "history.csv", "metrics.json"]
