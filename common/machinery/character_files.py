"""next_character.py's records and files: the budget, the evaluation, and what a run writes.

data.png, history.png, cells.png, model.keras, characters.json (the characters of the ids, for
--generate), history.csv and metrics.json (its fields: docs/PROTOCOL.md). Every file is written
atomically. A learner never needs to step in here.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

from common import character_plots, characters, plots, significance, training
from common.machinery.artifacts import save_model, write_history, write_json
from common.machinery.errors import UsageError

import keras
import numpy as np

NETWORK_NAMES = {"simple": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
PLOTS = ["data.png", "history.png", "cells.png"]


def budget(args, settings):
    """The training plan: {"updates", "batch_size", "sequence_length", "steps_per_epoch"
    (updates between two validation checks), "epochs" (checks), "patience" (checks),
    "verbose"}. settings: {"updates", "check_every", "patience", "batch_size",
    "sequence_length"}, and "quick": the same with --quick's sizes. --epochs sets the checks,
    --batch-size the windows per update."""
    chosen = {**settings, **settings["quick"]} if args.quick else settings
    epochs = args.epochs or max(1, chosen["updates"] // chosen["check_every"])
    return {
        "updates": epochs * chosen["check_every"],
        "batch_size": args.batch_size or chosen["batch_size"],
        "sequence_length": chosen["sequence_length"],
        "steps_per_epoch": chosen["check_every"],
        "epochs": epochs,
        "patience": chosen["patience"],
        "verbose": training.progress_verbosity(),
    }


@dataclass(frozen=True)
class Trained:
    """Step 6: what training did."""

    history: object  # Keras' History: loss and val_loss after each check
    plan: dict
    seconds: float  # fit()'s wall-clock time
    params: int

    @property
    def checks_run(self):
        return len(self.history.history["loss"])

    @property
    def kept_check(self):
        """The check whose weights early stopping kept (1, 2, ...): the lowest validation loss."""
        return int(np.argmin(self.history.history["val_loss"])) + 1

    @property
    def validation_bits(self):
        """The kept check's validation loss in bits per character (Keras' loss is in nats)."""
        return float(min(self.history.history["val_loss"]) / np.log(2))


@dataclass(frozen=True)
class Evaluation:
    """Step 7: bits per character of the network and the baselines on the test reviews."""

    network: str  # "LSTM", "GRU" or "SimpleRNN"
    results: dict  # {name: {"bits_per_character", "perplexity"}}, the network's first
    review_means: dict  # {name: (reviews,) each test review's mean bits per character}
    tests: dict  # {baseline: {"statistic", "p"}}: the paired t-test of the network against it
    verdict: dict  # {"baseline", "outcome", "p", "review_mean_bits": {network, baseline}}
    verdict_line: str  # "verdict: LSTM loses to ngram (p < 0.001)"
    order: int  # the n-gram's order


def evaluate(cell, model_probabilities, baseline_probabilities, test_reviews, order):
    """The Evaluation. model_probabilities and each baseline's: (test characters,) P of each
    test character. The verdict is against the best baseline (the lowest bits per character):
    a paired t-test over the test reviews of their mean bits per character, and the same
    per-review means decide the direction, so the two cannot disagree."""
    network = NETWORK_NAMES[cell]
    every = {network: model_probabilities, **baseline_probabilities}
    bits = {name: characters.bits(p) for name, p in every.items()}
    results = {name: characters.scores(values) for name, values in bits.items()}
    means = {
        name: characters.review_means(values, test_reviews.reviews) for name, values in bits.items()
    }
    tests = {
        name: characters.paired_test(means[network], means[name]) for name in baseline_probabilities
    }
    best = min(baseline_probabilities, key=lambda name: results[name]["bits_per_character"])
    averaged = {name: float(np.mean(means[name])) for name in (network, best)}
    verdict, line = significance.verdict(
        network, best, averaged[network], averaged[best], tests[best]
    )
    verdict = {**verdict, "statistic": tests[best]["statistic"], "review_mean_bits": averaged}
    return Evaluation(network, results, means, tests, verdict, line, order)


@dataclass(frozen=True)
class Run:
    """Everything a run saves."""

    texts: characters.Texts
    vocabulary: characters.Characters
    trained: Trained
    evaluation: Evaluation
    samples: dict  # {temperature: text}
    picture: characters.CellPicture
    validation_by_order: dict  # {order: the n-gram's validation bits per character}


def metrics(run, start):
    """The metrics.json dict (docs/PROTOCOL.md)."""
    evaluation, trained = run.evaluation, run.trained
    results = evaluation.results
    ngram_block = {
        "order": evaluation.order,
        **results["ngram"],
        "validation_bits_per_character": {str(k): v for k, v in run.validation_by_order.items()},
        "paired_t": evaluation.tests["ngram"],
    }
    return {
        "schema": 2,
        "case": "next_character",
        "data": {
            "path": str(run.texts.path),
            "rows": len(run.texts.texts),
            "characters": run.texts.characters,
            "embedded": run.texts.embedded,
            "text_columns": run.texts.text_columns,
        },
        "protocol": {
            "split": [0.8, 0.1, 0.1],
            "test_reviews": len(evaluation.review_means["ngram"]),
            "vocabulary_size": run.vocabulary.size,
            "sequence_length": trained.plan["sequence_length"],
            "ngram_orders_tried": [int(k) for k in run.validation_by_order],
        },
        "model": {**results[evaluation.network], "cell": evaluation.network},
        "baselines": {
            "unigram": {**results["unigram"], "paired_t": evaluation.tests["unigram"]},
            "ngram": ngram_block,
        },
        "verdict": evaluation.verdict,
        "samples": [{"temperature": t, "text": text} for t, text in run.samples.items()],
        "cells": cells_block(run.picture),
        "training": training_block(trained, start),
        "environment": start.environment,
    }


def cells_block(picture):
    """metrics.json's `cells`: per feature, the trained network's best unit and r, and the
    untrained network's best r; `found` when the trained one is stronger."""
    named = picture.named()
    block = {}
    for name, found in picture.trained.items():
        untrained = picture.untrained[name]
        block[name] = {
            "unit": found[0] if found else None,
            "r": found[1] if found else None,
            "untrained_r": untrained[1] if untrained else None,
            "found": name in named,
        }
    return block


def training_block(trained, start):
    return {
        "updates_run": trained.checks_run * trained.plan["steps_per_epoch"],
        "max_updates": trained.plan["updates"],
        "batch_size": trained.plan["batch_size"],
        "checks_run": trained.checks_run,
        "kept_check": trained.kept_check,
        "validation_bits_per_character": trained.validation_bits,
        "seconds": round(trained.seconds, 2),
        "total_seconds": round(time.time() - start.started, 2),
        "params": trained.params,
        "seed": start.seed,
    }


def save(start, model, run):
    """Step 10: the plots, model.keras, characters.json, history.csv and metrics.json.
    Returns (the metrics.json dict, the names of the files written)."""
    output_dir = Path(start.output_dir)
    character_plots.data_overview(run.texts.texts, output_dir / "data.png")
    plots.history(
        run.trained.history, output_dir / "history.png", kept_epoch=run.trained.kept_check
    )
    character_plots.cell_picture(run.picture, output_dir / "cells.png")
    block = metrics(run, start)
    save_model(output_dir / "model.keras", model)
    write_json(output_dir / "characters.json", {"symbols": run.vocabulary.symbols})
    write_history(output_dir / "history.csv", run.trained.history)
    write_json(output_dir / "metrics.json", block)
    return block, [*PLOTS, "model.keras", "characters.json", "history.csv", "metrics.json"]


def load(output_dir):
    """--generate: (the saved model, its Characters) from `output_dir`; UsageError when a run
    has not saved them there."""
    output_dir = Path(output_dir)
    model_path, symbols_path = output_dir / "model.keras", output_dir / "characters.json"
    if not (model_path.exists() and symbols_path.exists()):
        raise UsageError(
            f"no trained model in {output_dir}: train first with `python next_character.py "
            f"--output-dir {output_dir}` (without --generate), then ask again"
        )
    symbols = json.loads(symbols_path.read_text(encoding="utf-8"))["symbols"]
    codes = np.array([ord(symbol) for symbol in symbols[1:]], dtype=np.int64)
    vocabulary = characters.Characters(symbols, codes, np.arange(1, len(symbols)))
    return keras.saving.load_model(model_path), vocabulary
