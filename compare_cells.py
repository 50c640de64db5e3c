"""SimpleRNN vs LSTM vs GRU on the same data: the course's comparison table, measured.

The course's slides end with a table: LSTM has 3 gates and a cell state, GRU 2 gates and none;
GRU "trains faster" and has a "lower computational load"; LSTM is "often better" on long-term
memory. This script trains models that differ only in the recurrent cell (same units, layers,
optimiser, seed, data, epoch budget and early stopping) on the tasks of the cases, and measures
each claim:

    python compare_cells.py                     # all tasks and cells, three seeds (about 30 min)
    python compare_cells.py --quick             # one seed, small budgets
    python compare_cells.py --tasks daily --cells lstm,gru --seeds 5

Every fit (task x cell x seed) is independent: `--jobs N` trains N at once in worker processes,
with the same numbers as `--jobs 1`. Each fit's result is saved as it finishes, in
--output-dir/fits/ (one JSON file per fit, named by task, cell, seed and a hash of the settings
that change it); a rerun skips the fits already there, so an interrupted run resumes, and fits
trained elsewhere (`--shard K/N` on several machines, or a Dask cluster with `--cluster`) merge
into one comparison when their files are put in one folder:

    python compare_cells.py --tasks daily,monthly --seeds 2 --jobs 2
    python compare_cells.py --shard 1/4 --output-dir shared/run   # machine 1 of 4, then merge

Writes comparison.md, comparison.json and comparison.png to --output-dir. Several seeds give a
mean and a spread (sample standard deviation); a difference smaller than the spread is reported
as no difference. Each row's verdict against the task's best baseline follows the cases' rule:
the Diebold-Mariano test for forecasts, and for the reviews a paired bootstrap 95 % interval of
the ROC AUC difference to TF-IDF + logistic regression, "beats" only when it lies above 0 for
every seed. The text task adds a bidirectional GRU and a wide-and-deep model (case 8-1's
SimpleRNN path plus a bag-of-words path), and scores every model on the challenge set. The
multistep task is case 8-2's 12 months ahead (`--horizon 12`), scored by the mean RMSE over
the 12 steps from every test origin.

Good places for a breakpoint: in `train_once`, on `history = model.fit(...)` (the task's arrays
and the model with the cell swapped in), and on `rows.append(...)` in main (one measured row).
"""

import argparse
import hashlib
import importlib.util
import json
import platform
import statistics
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace

import case8_2_lstm
import case8_3_gru
from common import (
    cli,
    forecasting,
    models,
    plots,
    report,
    significance,
    training,
    windows,
)
from common.cells import parameter_count
from common.machinery import parallel
from common.machinery.artifacts import prepare_output_dir, write_json, write_text

# `common` comes first: it keeps TensorFlow's start-up log quiet, which must happen before
# TensorFlow (and so Keras) is imported.
import keras
import numpy as np

SCRIPT = "compare_cells"
CELLS = ["simple_rnn", "lstm", "gru"]
EXTRA_CELLS = ["bidirectional_gru", "wide_and_deep"]  # text task only
BAG_SIZE = 20000  # words and word pairs in the wide-and-deep model's bag
WIDE_L2 = 1e-5  # weight decay of the wide path's weights, one per word or word pair
TEXT_EPOCHS = 6  # the text task's epoch budget (the case's own is 15; early stopping ends sooner)
ROOT = Path(__file__).resolve().parent


@dataclass
class Task:
    """One task's data, budget and metric; every cell trains on exactly this."""

    name: str
    description: str
    metric: str  # "rmse", "mae" or "roc_auc"
    lower_is_better: bool
    units: int  # recurrent units, the same for every cell
    input_features: int
    train: tuple  # (inputs, targets)
    validation: tuple
    epochs: int
    batch_size: int
    patience: int
    # build(cell) -> uncompiled keras.Model with its recurrent layer named "recurrent"
    build: object
    # evaluate(model) -> (the task's metric on the test part, details: {"dm": the Diebold-Mariano
    # test against the best baseline} for forecasts, {"bootstrap", "challenge"} for the text)
    evaluate: object
    learning_rate: float = 1e-3
    weight_decay: float = None  # AdamW's, where the case uses it
    loss: str = "mse"  # the case's own loss
    keep_start: bool = False  # early stopping may keep the weights training started from
    check: tuple = None  # (windows, targets) after validation: judges training (forecasting)
    monitor: str = "val_loss"
    mode: str = "min"
    keras_metrics: list = field(default_factory=list)
    baseline: dict = field(default_factory=dict)  # {"name": ..., "value": ...}: the best baseline
    # inputs(cell, inputs) -> what that cell's model reads (the wide-and-deep model reads more)
    inputs: object = None

    def __post_init__(self):
        if self.inputs is None:  # every cell reads the same arrays
            self.inputs = lambda cell, inputs: inputs


def forecasting_task(name, description, case, quick, horizon=1):
    """A forecasting task prepared exactly as its case prepares it: the case's parser, settings
    and the shared steps of common/forecasting.py (the same window and differencing chosen on
    validation, the same windows, baselines and scored test targets), its loss and its budget of
    optimizer updates; every cell trains the case's own `build_model` with that cell swapped in.

    case: the case's module (case8_2_lstm or case8_3_gru); quick: the case's --quick (its small
    slice and few epochs); horizon: the case's --horizon (with H > 1 the metric is over the H
    steps from every test origin).
    """
    settings = case.SETTINGS
    args = case.build_parser().parse_args(["--quick"] * quick + ["--horizon", str(horizon)])
    look = forecasting.look(forecasting.load(args, settings), args, settings)
    noise = forecasting.noise_check(look)
    prepared = forecasting.prepare(look, forecasting.choose(look, args, settings), args, settings)
    scaled, recipe, origins = prepared.scaled, prepared.recipe, prepared.origins
    window, targets = recipe.window, scaled[:, 0]
    train, validation, check, (test_windows, _) = (
        windows.make_windows(scaled, targets, origins[part], window, horizon)
        for part in ("train", "validation", "check", "test")
    )
    baseline = forecasting.forecast_baselines(
        prepared, (*train, *validation), test_windows, settings
    )
    best = min(baseline.scores, key=baseline.scores.get)
    metric = settings.metric

    def evaluate(model):
        """The test metric, and the Diebold-Mariano test against the best baseline: the case's
        own Step 9."""
        predictions = model.predict(test_windows, verbose=0)  # (origins, H) scaled
        results = forecasting.evaluate(predictions, baseline, noise, settings).results
        return results[settings.cell][metric], {"dm": results[best]["dm"]}

    plan = training.budget(
        len(train[0]),
        settings.budget.max_updates,
        settings.budget.patience_updates,
        epochs=args.epochs or (settings.budget.quick_epochs if quick else None),
    )
    features_count = scaled.shape[1]
    return Task(
        name=name,
        description=description,
        metric=metric,
        lower_is_better=True,
        units=case.SETTINGS.size,
        input_features=features_count,
        train=train,
        validation=validation,
        check=check,
        epochs=plan["epochs"],
        batch_size=plan["batch_size"],
        patience=plan["patience"],
        learning_rate=case.LEARNING_RATE,
        weight_decay=case.WEIGHT_DECAY,
        loss=case.LOSS,
        keep_start=True,
        build=lambda cell: case.build_model(
            window,
            features_count,
            models.recurrent_layer(cell, case.SETTINGS.size),
            horizon=horizon,
            linear_weights=baseline.linear_weights,  # as the cases: from the linear fit
        ),
        evaluate=evaluate,
        baseline={"name": best, "value": baseline.scores[best]},
    )


# Each forecasting task is its case's run, with the case's budget (--quick: the case's --quick).
def monthly_task(quick):
    """Case 8-2's task: US electricity, one month ahead; RMSE in billion kWh."""
    return forecasting_task(
        "monthly",
        "case 8-2: US electricity, one month ahead (RMSE, billion kWh)",
        case8_2_lstm,
        quick,
    )


def daily_task(quick):
    """Case 8-3's task: Clemson Tmax from Tmax, Tmin and the day of the year (the window chosen
    on validation). Scored by MAE in degrees C."""
    return forecasting_task(
        "daily",
        "case 8-3: Clemson daily Tmax, one day ahead (MAE, degrees C)",
        case8_3_gru,
        quick,
    )


def build_wide_and_deep(case, vocabulary_size, sequence_length, bag_vectorizer):
    """Reading order and a bag of words in one model: case 8-1's SimpleRNN path beside a
    bag-of-words path.

    Deep path: token ids -> Embedding -> recurrent layer -> one logit (what reading order says).
    Wide path: the raw review -> TF-IDF of words and word pairs (`bag_vectorizer`, a
    TextVectorization adapted on the training reviews) -> one logit (what the words say).
    The two logits add up before the sigmoid, so each path learns what the other misses.
    case: the case8_1_rnn module (its embedding, dropout and SimpleRNN sizes).
    Inputs: {"token_ids": (reviews, sequence_length) ids, "review": (reviews, 1) strings}.
    """
    token_ids = keras.Input(shape=(sequence_length,), dtype="int64", name="token_ids")
    review = keras.Input(shape=(1,), dtype="string", name="review")
    word_vectors = keras.layers.Embedding(
        vocabulary_size, case.EMBEDDING_DIM, mask_zero=True, name="embedding"
    )(token_ids)  # (reviews, sequence_length, case.EMBEDDING_DIM)
    word_vectors = keras.layers.Dropout(case.EMBEDDING_DROPOUT, name="embedding_dropout")(
        word_vectors
    )
    recurrent_layer = keras.layers.SimpleRNN(
        case.RNN_SIZE, return_sequences=True, name="simple_rnn"
    )
    states = recurrent_layer(word_vectors)  # (reviews, sequence_length, case.RNN_SIZE)
    average = keras.layers.GlobalAveragePooling1D(name="average_state")(states)
    deep_logit = keras.layers.Dense(1, name="deep_logit")(average)
    bag = bag_vectorizer(review)  # (reviews, bag size) TF-IDF weights
    # Each review's weights scaled to unit length, as scikit-learn's TfidfVectorizer does: a long
    # review does not get larger inputs than a short one.
    bag = keras.layers.UnitNormalization(name="bag_unit_length")(bag)
    wide_logit = keras.layers.Dense(
        1, kernel_regularizer=keras.regularizers.L2(WIDE_L2), name="wide_logit"
    )(bag)
    logit = keras.layers.Add(name="logit")([deep_logit, wide_logit])
    probability = keras.layers.Activation("sigmoid", name="positive_probability")(logit)
    return keras.Model(
        {"token_ids": token_ids, "review": review},
        probability,
        name=f"wide_and_deep_{recurrent_layer.name}",
    )


def text_task(quick, data_path=None, cells=()):
    """Case 8-1's task: review sentiment (rating > 3) with the course's split; test ROC AUC.

    data_path: a reviews CSV (default: the case's embedded file, the course's reviews).
    Every model is also scored on the challenge set, per category, and its AUC is compared with
    TF-IDF + logistic regression's by a paired bootstrap on the test reviews.
    """
    # The text task needs TensorFlow (TextVectorization, tf.strings): imported here, so that the
    # forecasting tasks also run where Keras uses JAX or PyTorch and TensorFlow is absent.
    import case8_1_rnn as case
    from common import text

    reviews = text.load_reviews(data_path or case.EMBEDDED_DATA)
    train_texts, validation_texts, test_texts, train_labels, validation_labels, test_labels = (
        text.course_split(
            reviews.texts,
            reviews.labels,
            test_fraction=0.25,
            validation_fraction=case.VALIDATION_FRACTION,
            seed=42,
            split_seed=case.SPLIT_SEED,
        )
    )
    if quick:  # a smoke run: small parts, numbers that mean nothing
        train_texts = train_texts[: case.QUICK_TRAIN_REVIEWS]
        train_labels = train_labels[: case.QUICK_TRAIN_REVIEWS]
        validation_texts, validation_labels = validation_texts[:500], validation_labels[:500]
        test_texts, test_labels = test_texts[:1000], test_labels[:1000]
    sequence_length = min(
        case.MAX_SEQUENCE_LENGTH, text.sequence_length_for(train_texts, case.LENGTH_PERCENTILE)
    )
    vectorizer = text.make_vectorizer(train_texts, case.MAX_TOKENS, sequence_length)  # train only
    vocabulary_size = len(vectorizer.get_vocabulary())
    # The wide-and-deep model's bag of words and word pairs, adapted on the training part only.
    bag_vectorizer = (
        text.make_bag_vectorizer(train_texts, BAG_SIZE) if "wide_and_deep" in cells else None
    )
    challenge = text.load_challenge(case.CHALLENGE_DATA)

    def model_inputs(texts):
        """Both inputs of every model: token ids, and the raw reviews for the wide path."""
        return {"token_ids": text.vectorize(vectorizer, texts), "review": text.as_text_input(texts)}

    test_inputs = model_inputs(test_texts)
    challenge_inputs = model_inputs(challenge["text"].tolist())
    tfidf_logreg = text.TfidfLogreg().fit(train_texts, train_labels)
    tfidf = tfidf_logreg.positive_probability(test_texts)
    tfidf_auc = text.classification_scores(test_labels, tfidf)["roc_auc"]
    tfidf_challenge = text.challenge_scores(
        challenge, tfidf_logreg.positive_probability(challenge["text"].tolist())
    )

    def inputs(cell, both):
        return both if cell == "wide_and_deep" else both["token_ids"]

    def evaluate(model):
        """Test ROC AUC; the paired bootstrap interval of its difference to TF-IDF + LR's; the
        challenge set's accuracy per category."""
        cell = "wide_and_deep" if model.name.startswith("wide_and_deep") else "other"
        probabilities = model.predict(inputs(cell, test_inputs), batch_size=256, verbose=0)[:, 0]
        challenge_probabilities = model.predict(inputs(cell, challenge_inputs), verbose=0)[:, 0]
        details = {
            "bootstrap": significance.paired_bootstrap_auc_difference(
                test_labels, probabilities, tfidf, resamples=200 if quick else 1000
            ),
            "challenge": text.challenge_scores(challenge, challenge_probabilities),
        }
        return text.classification_scores(test_labels, probabilities)["roc_auc"], details

    def build(cell):
        if cell == "wide_and_deep":  # the case's SimpleRNN path, plus a bag-of-words path
            return build_wide_and_deep(case, vocabulary_size, sequence_length, bag_vectorizer)
        return case.build_model(
            vocabulary_size,
            sequence_length,
            models.recurrent_layer(cell, case.RNN_SIZE, return_sequences=True),
        )

    source = "the course's reviews" if data_path is None else Path(data_path).name
    return Task(
        name="text",
        description=f"case 8-1: review sentiment on {source} (ROC AUC)",
        metric="roc_auc",
        lower_is_better=False,
        units=case.RNN_SIZE,
        input_features=case.EMBEDDING_DIM,  # the recurrent layer reads word vectors
        train=(model_inputs(train_texts), train_labels),
        validation=(model_inputs(validation_texts), validation_labels),
        epochs=1 if quick else TEXT_EPOCHS,
        batch_size=training.batch_size_for(len(train_labels)),
        patience=3,
        learning_rate=case.LEARNING_RATE,
        build=build,
        evaluate=evaluate,
        loss="binary_crossentropy",
        monitor="val_auc",
        mode="max",
        keras_metrics=[keras.metrics.AUC(name="auc")],
        baseline={"name": "tfidf_logreg", "value": tfidf_auc, "challenge": tfidf_challenge},
        inputs=inputs,
    )


def multistep_task(quick):
    """Case 8-2's task twelve months ahead (`--horizon 12`): RMSE over the 12 steps."""
    return forecasting_task(
        "multistep",
        "case 8-2: US electricity, 1 to 12 months ahead (RMSE over the steps, billion kWh)",
        case8_2_lstm,
        quick,
        horizon=12,
    )


TASK_BUILDERS = {
    "monthly": monthly_task,
    "daily": daily_task,
    "multistep": multistep_task,
    "text": text_task,
}


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of each epoch (the first includes graph tracing)."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.started)


def train_once(task, cell, seed, clipnorm=None, eager=False, tensorboard_dir=None):
    """Train one cell on one task with one seed; return the measured row fields.

    tensorboard_dir: where Keras' TensorBoard callback writes this run's logs (default: none).
    """
    training.seed_everything(seed)
    model = task.build(cell)
    model.compile(
        optimizer=training.optimizer(task.learning_rate, clipnorm, task.weight_decay),
        loss=task.loss,
        metrics=task.keras_metrics,
        run_eagerly=eager,
    )
    start_loss = None
    if task.keep_start:  # the forecasting cases' rule: an epoch must beat the starting point
        validation_inputs = task.inputs(cell, task.validation[0])
        start_loss = float(model.evaluate(validation_inputs, task.validation[1], verbose=0))
    timer = EpochTimer()
    callbacks = training.callbacks(
        task.monitor, task.mode, task.patience, tensorboard_dir, start_loss
    )
    started = time.perf_counter()
    history = model.fit(
        task.inputs(cell, task.train[0]),
        task.train[1],
        validation_data=(task.inputs(cell, task.validation[0]), task.validation[1]),
        epochs=task.epochs,
        batch_size=task.batch_size,
        callbacks=[timer, *callbacks],
        verbose=0,
    )
    if task.keep_start:  # as the cases: keep training's weights only if every block agrees
        validation_inputs = task.inputs(cell, task.validation[0])
        check = (task.inputs(cell, task.check[0]), task.check[1])
        plan = SimpleNamespace(callbacks=callbacks, start_loss=start_loss)  # the case's Plan
        blocks = (validation_inputs, task.validation[1]), check
        kept = training.keep_if_it_helps(model, history, plan, blocks, task.loss)
        model.set_weights(kept.weights)
    train_seconds = time.perf_counter() - started
    # leave out the first epoch's tracing when there are others
    steady = timer.seconds[1:] or timer.seconds
    metric_value, details = task.evaluate(model)
    return {
        "metric_value": float(metric_value),
        "details": details,
        "seconds_per_epoch": float(statistics.median(steady)),
        "epochs_run": len(history.history["loss"]),
        "train_seconds": train_seconds,
        "total_params": int(model.count_params()),
        "recurrent_params": models.recurrent_params(model),
    }


# The code a fit runs: an edit to any of these files (a case's settings, a shared step) makes
# the fits saved before it count as other settings', so they are trained again, not reused.
FIT_CODE = [
    "compare_cells.py",
    "case8_1_rnn.py",
    "case8_2_lstm.py",
    "case8_3_gru.py",
    "common/**/*.py",
]
TIMING_KEYS = ("seconds_per_epoch", "train_seconds")  # the only results that vary run to run

_TASKS = {}  # the tasks this process has built, by (name, quick, data, cells)


def task_for(name, quick, data=None, cells=None):
    """The task `name`, built once per process (each worker builds its own from these plain
    arguments: a Task holds Keras objects and closures, which do not travel between processes)."""
    key = (name, quick, data, tuple(cells or ()))
    if key not in _TASKS:
        if name == "text":
            _TASKS[key] = text_task(quick, data, cells_for("text", cells))
        else:
            _TASKS[key] = TASK_BUILDERS[name](quick)
    return _TASKS[key]


def fit(arguments):
    """One fit from plain arguments: what each worker process runs (and --jobs 1, in turn).

    arguments: {"task", "cell", "seed", "quick", "data", "cells", "epochs", "batch_size",
    "clipnorm", "eager", "tensorboard_dir"}, as `fit_plan` makes them.
    Returns {"result": train_once's fields, "task_facts": the task's facts that the table shows,
    "device": where it trained}: plain data, saved as JSON.
    """
    task = task_for(arguments["task"], arguments["quick"], arguments["data"], arguments["cells"])
    task = replace(  # --epochs and --batch-size override the task's own budget
        task,
        epochs=arguments["epochs"] or task.epochs,
        batch_size=arguments["batch_size"] or task.batch_size,
    )
    result = train_once(
        task,
        arguments["cell"],
        arguments["seed"],
        arguments["clipnorm"],
        arguments["eager"],
        arguments["tensorboard_dir"],
    )
    facts = {
        "description": task.description,
        "metric": task.metric,
        "lower_is_better": task.lower_is_better,
        "units": task.units,
        "input_features": task.input_features,
        "training_samples": len(task.train[1]),
        "baseline": task.baseline,
    }
    return {"result": result, "task_facts": facts, "device": device_name()}


def fit_settings(task_name, args):
    """Every setting that changes a fit's numbers, beside its task, cell and seed.

    Two fits with the same task, cell, seed and settings give the same numbers (on the same kind
    of device), so a saved one can stand in for the other. The reviews file is identified by its
    content, so an edited file with the same name is trained again.
    """
    settings = {
        "code_sha256": code_hash(),
        "quick": args.quick,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "clipnorm": args.clipnorm,
        "eager": args.eager,
        "threads": parallel.FIT_THREADS,
        "keras_backend": keras.backend.backend(),
        "keras": keras.__version__,
        "backend_version": backend_version(),
    }
    if task_name == "text":
        reviews = Path(args.data) if args.data else ROOT / "data" / "clothing_reviews.csv"
        if not reviews.is_file():
            raise cli.UsageError(f"file not found: {reviews} (check the path given to --data)")
        settings["data_sha256"] = hashlib.sha256(reviews.read_bytes()).hexdigest()
    return settings


def code_hash():
    """SHA-256 of the code files in FIT_CODE (line endings made alike: a Windows checkout and a
    Linux one of the same commit give the same hash)."""
    digest = hashlib.sha256()
    for pattern in FIT_CODE:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def backend_version():
    """The version of the library under Keras (TensorFlow, JAX or PyTorch)."""
    name = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(keras.backend.backend())
    try:
        return __import__(name).__version__ if name else None
    except ImportError:
        return None


def fit_key(settings):
    """A short hash of the settings: the part of a fit file's name that changes with them."""
    text = json.dumps(settings, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def fit_plan(args, seeds, output_dir):
    """Every fit of this comparison, as (arguments for `fit`, the path of its result file)."""
    plan = []
    for task_name in args.tasks:
        settings = fit_settings(task_name, args)
        key = fit_key(settings)
        for cell in cells_for(task_name, args.cells):
            for seed in seeds:
                run_logs = output_dir / "logs" / f"{task_name}_{cell}_seed{seed}"
                arguments = {
                    "task": task_name,
                    "cell": cell,
                    "seed": seed,
                    "quick": args.quick,
                    "data": str(Path(args.data).resolve()) if args.data else None,
                    "cells": args.cells,
                    "epochs": args.epochs,
                    "batch_size": args.batch_size,
                    "clipnorm": args.clipnorm,
                    "eager": args.eager,
                    "tensorboard_dir": str(run_logs) if args.tensorboard else None,
                    "settings": settings,
                }
                path = output_dir / "fits" / f"{task_name}_{cell}_seed{seed}_{key}.json"
                plan.append((arguments, path))
    return plan


def read_fit(path):
    """A saved fit's record (see `fit` and main's Step 2)."""
    return json.loads(Path(path).read_text())


def table_row(task_name, cell, records):
    """One row of the table: a task and cell's saved fits (one per seed), summarised."""
    facts = records[0]["task_facts"]
    runs = [record["result"] for record in records]
    mean, spread = mean_and_spread([run["metric_value"] for run in runs])
    per_epoch, per_epoch_spread = mean_and_spread([run["seconds_per_epoch"] for run in runs])
    return {
        "task": task_name,
        "cell": cell,
        "units": facts["units"],
        "input_features": facts["input_features"],
        "recurrent_params": runs[0]["recurrent_params"],
        "formula_params": formula_params(cell, facts["units"], facts["input_features"]),
        "total_params": runs[0]["total_params"],
        "seconds_per_epoch": per_epoch,
        "seconds_per_epoch_spread": per_epoch_spread,
        # the speed columns mean something only for fits that had the machine to themselves
        "timed_alone": all(record["fits_at_once"] == 1 for record in records),
        "epochs_run": float(np.mean([run["epochs_run"] for run in runs])),
        "train_seconds": float(np.mean([run["train_seconds"] for run in runs])),
        "metric": facts["metric"],
        "lower_is_better": facts["lower_is_better"],
        "mean": mean,
        "spread": spread,
        "seeds": [
            {"seed": record["seed"], "value": run["metric_value"], **run["details"]}
            for record, run in zip(records, runs, strict=True)
        ],
        "baseline": facts["baseline"],
        "verdict": row_verdict(runs, SimpleNamespace(baseline=facts["baseline"])),
    }


def cells_for(task_name, requested):
    """The cells a task trains: --cells, else every cell (the extra ones on the text task only)."""
    cells = requested or CELLS + EXTRA_CELLS
    return [cell for cell in cells if cell not in EXTRA_CELLS or task_name == "text"]


class Progress:
    """Which fit of how many a long run is on, and an estimate of the time left."""

    def __init__(self, total):
        self.total, self.count, self.started = total, 0, time.perf_counter()

    def done(self, label):
        self.count += 1
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.count * (self.total - self.count)
        return (
            f"fit {self.count} of {self.total} done ({label}); {elapsed / 60:.1f} min so far, "
            f"about {left / 60:.1f} min left"
        )


def row_verdict(runs, task):
    """The cases' rule, over seeds. Forecasts: a cell "beats" (or "loses to") the task's best
    baseline only when the Diebold-Mariano test says so (p < 0.05, and the scores 0.1 % apart)
    for every seed. Text: only
    when the paired bootstrap's 95 % interval of the AUC difference to TF-IDF + LR lies above
    (or below) 0 for every seed. Else "no meaningful difference from"."""
    details = [run["details"] for run in runs]
    if all("dm" in detail for detail in details):
        better = [run["metric_value"] < task.baseline["value"] for run in runs]
        significant = [
            detail["dm"]["p"] < significance.SIGNIFICANCE
            and significance.meaningful_gap(run["metric_value"], task.baseline["value"])
            for run, detail in zip(runs, details, strict=True)
        ]
        wins = [s and b for s, b in zip(significant, better, strict=True)]
        losses = [s and not b for s, b in zip(significant, better, strict=True)]
        evidence = {"p": [detail["dm"]["p"] for detail in details]}
    else:
        intervals = [detail["bootstrap"] for detail in details]
        wins = [interval["low"] > 0 for interval in intervals]
        losses = [interval["high"] < 0 for interval in intervals]
        evidence = {"intervals": [[interval["low"], interval["high"]] for interval in intervals]}
    if all(wins):
        outcome = "beats"
    elif all(losses):
        outcome = "loses to"
    else:
        outcome = "no meaningful difference from"
    return {"baseline": task.baseline["name"], "outcome": outcome, **evidence}


def describe_verdict(verdict):
    """'beats last_year_change (p = 0.003, 0.01 over the seeds)', or with the AUC difference's
    intervals: 'beats tfidf_logreg (AUC difference in [+0.002, +0.009] over the seeds)'."""
    if "p" in verdict:
        evidence = "p = " + ", ".join(f"{p:.2g}" for p in verdict["p"])
    else:
        evidence = "AUC difference in " + ", ".join(
            f"[{low:+.4f}, {high:+.4f}]" for low, high in verdict["intervals"]
        )
    return f"{verdict['outcome']} {verdict['baseline']} ({evidence} over the seeds)"


def formula_params(cell, units, features):
    """The course's parameter formula for the cell (a bidirectional layer holds two of them)."""
    if cell == "bidirectional_gru":
        return 2 * parameter_count("gru", units, features)
    if cell == "wide_and_deep":  # its recurrent path is case 8-1's SimpleRNN
        return parameter_count("simple_rnn", units, features)
    return parameter_count(cell, units, features)


def device_name():
    """The GPU's name when Keras sees one, else the CPU model."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            return tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip() + f" (CPU, {keras.backend.backend()} backend)"
    except OSError:
        pass
    return (
        platform.processor() or platform.machine()
    ) + f" (CPU, {keras.backend.backend()} backend)"


def mean_and_spread(values):
    """Mean, and the sample standard deviation across seeds (0 for one seed)."""
    return float(np.mean(values)), float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


def differs(a, b, key="mean", spread_key="spread"):
    """Is row a's value different from row b's by more than the larger of their spreads?

    With one seed there is no spread to judge by, and nothing is called a difference.
    """
    if len(a["seeds"]) < 2:
        return False
    return abs(a[key] - b[key]) > max(a[spread_key], b[spread_key])


def verdicts(rows):
    """Plain-words verdicts on each claim of the course's table, from the measured rows."""
    lines = []
    for task in dict.fromkeys(row["task"] for row in rows):
        by_cell = {row["cell"]: row for row in rows if row["task"] == task}
        lstm, gru = by_cell.get("lstm"), by_cell.get("gru")
        if not (lstm and gru):
            continue
        ratio = lstm["recurrent_params"] / gru["recurrent_params"]
        lines.append(
            f"[{task}] 'LSTM 3 gates + cell state, GRU 2 gates': "
            f"the LSTM layer has {lstm['recurrent_params']} recurrent parameters, "
            f"the GRU {gru['recurrent_params']} ({ratio:.2f}x): "
            "agrees (4 weight blocks against 3)."
        )
        time_lstm, time_gru = lstm["seconds_per_epoch"], gru["seconds_per_epoch"]
        faster = (time_lstm - time_gru) / time_lstm * 100
        one_seed = len(lstm["seeds"]) < 2
        if not (lstm["timed_alone"] and gru["timed_alone"]):
            word = "not judged: timed with other fits running beside them (run with --jobs 1)"
        elif one_seed:
            word = "one seed only, run with --seeds 3 to judge"
        elif not differs(lstm, gru, "seconds_per_epoch", "seconds_per_epoch_spread"):
            word = "no difference beyond the seeds' spread, on this machine"
        else:
            word = ("agrees" if time_gru < time_lstm else "disagrees") + ", on this machine"
        lines.append(
            f"[{task}] 'GRU trains faster': {time_gru:.3f} s/epoch "
            f"against the LSTM's {time_lstm:.3f} "
            f"(GRU {faster:+.0f}% faster): {word}."
        )
        better_lstm = (
            lstm["mean"] < gru["mean"] if lstm["lower_is_better"] else lstm["mean"] > gru["mean"]
        )
        if one_seed:
            claim = "one seed only, run with --seeds 3 to judge"
        elif not differs(lstm, gru):
            claim = "no difference beyond the seeds' spread on this task"
        else:
            claim = "the LSTM is better here" if better_lstm else "the GRU is better here"
        lines.append(
            f"[{task}] 'LSTM often better': "
            f"{lstm['metric']} LSTM {lstm['mean']:.4g} ± {lstm['spread']:.2g}, "
            f"GRU {gru['mean']:.4g} ± {gru['spread']:.2g}: {claim}."
        )
    return lines


def markdown_table(rows, device, verdict_lines):
    """comparison.md: one row per task and cell, then the verdicts."""
    columns = [
        "task",
        "cell",
        "gates",
        "cell state",
        "recurrent params (formula)",
        "total params",
        "s/epoch",
        "epochs run",
        "train s",
        "metric",
        "mean ± spread",
        "seeds",
        "best baseline",
        "verdict (Diebold-Mariano, every seed)",
    ]
    lines = [
        "# SimpleRNN vs LSTM vs GRU, measured",
        "",
        f"Device: {device}",
        "",
    ]
    if not all(row["timed_alone"] for row in rows):
        lines += [
            "The s/epoch and train s columns were measured with other fits running beside them "
            "(--jobs above 1, or a cluster): they say nothing about the cells' speed. Only a "
            "--jobs 1 run measures it.",
            "",
        ]
    lines += [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in rows:
        facts = models.CELL_FACTS[row["cell"]]
        cell_state = "yes" if facts["cell_state"] else "no"
        baseline = row["baseline"]
        lines.append(
            f"| {row['task']} | {row['cell']} | {facts['gates']} | {cell_state} | "
            f"{row['recurrent_params']} ({facts['formula']}, "
            f"n={row['units']}, m={row['input_features']}) | {row['total_params']} | "
            f"{row['seconds_per_epoch']:.3f} | {row['epochs_run']:.1f} | "
            f"{row['train_seconds']:.1f} | {row['metric']} | "
            f"{row['mean']:.4g} ± {row['spread']:.2g} | {len(row['seeds'])} | "
            f"{baseline['name']} {baseline['value']:.4g} | "
            f"{describe_verdict(row['verdict']) if row['verdict'] else 'n/a (AUC)'} |"
        )
    lines += challenge_table(rows)
    lines += (
        ["", "## The course's table, checked", ""] + [f"- {line}" for line in verdict_lines] + [""]
    )
    return "\n".join(lines)


def challenge_table(rows):
    """Markdown lines: the challenge set's accuracy per category, mean over seeds, per model."""
    text_rows = [row for row in rows if row["task"] == "text"]
    if not text_rows:
        return []
    categories = list(text_rows[0]["seeds"][0]["challenge"]["by_category"])
    lines = ["", "## The challenge set: accuracy per category (mean over seeds)", ""]
    lines += ["| model | " + " | ".join([*categories, "overall"]) + " |"]
    lines += ["|" + "---|" * (len(categories) + 2)]
    for row in text_rows:
        scores = [seed["challenge"] for seed in row["seeds"]]
        means = [np.mean([score["by_category"][name] for score in scores]) for name in categories]
        overall = np.mean([score["overall"] for score in scores])
        lines.append(
            f"| {row['cell']} | " + " | ".join(f"{v:.3f}" for v in [*means, overall]) + " |"
        )
    baseline = text_rows[0]["baseline"]["challenge"]
    values = [baseline["by_category"][name] for name in categories] + [baseline["overall"]]
    lines.append("| tfidf_logreg | " + " | ".join(f"{v:.3f}" for v in values) + " |")
    return lines


def plot_comparison(rows, path):
    """comparison.png: the test metric and the seconds per epoch of each cell, per task."""
    plt = plots.pyplot()
    tasks = list(dict.fromkeys(row["task"] for row in rows))
    figure, axes = plt.subplots(2, len(tasks), figsize=(4.5 * len(tasks), 7), squeeze=False)
    for column, task in enumerate(tasks):
        task_rows = [row for row in rows if row["task"] == task]
        names = [row["cell"] for row in task_rows]
        metric_axis, time_axis = axes[0][column], axes[1][column]
        metric_axis.bar(
            names,
            [row["mean"] for row in task_rows],
            yerr=[row["spread"] for row in task_rows],
            capsize=4,
        )
        metric_axis.axhline(
            task_rows[0]["baseline"]["value"],
            color="grey",
            linestyle="--",
            label=f"best baseline ({task_rows[0]['baseline']['name']})",
        )
        metric_axis.set(
            title=f"{task}: test {task_rows[0]['metric']}", ylabel=task_rows[0]["metric"]
        )
        metric_axis.legend(fontsize=8)
        time_axis.bar(
            names,
            [row["seconds_per_epoch"] for row in task_rows],
            yerr=[row["seconds_per_epoch_spread"] for row in task_rows],
            capsize=4,
            color="tab:orange",
        )
        time_axis.set(title=f"{task}: seconds per epoch", ylabel="s / epoch")
    return plots.save(figure, path)


def build_parser():
    helps = {
        "data": (
            "reviews CSV for the text task, e.g. the course's Clothing-Review.csv "
            "(default: the embedded sample); the forecasting tasks use their embedded data"
        ),
        "epochs": "most epochs for every task (default: each task's own budget)",
        "batch_size": "batch size for every task (default: each task's own)",
        "seed": "first seed; --seeds N uses seed, seed+1, ... (default: %(default)s)",
        "trace": "not used by this script",
    }
    parser = cli.base_parser(__doc__, SCRIPT, epochs=None, batch_size=None, helps=helps)
    parser.add_argument(
        "--tasks",
        type=cli.column_list,
        default=list(TASK_BUILDERS),
        help=f"tasks to run, from {', '.join(TASK_BUILDERS)} (default: all)",
    )
    parser.add_argument(
        "--cells",
        type=cli.column_list,
        default=None,
        help=(
            "cells to compare, from simple_rnn, lstm, gru, and on the text task only "
            "bidirectional_gru and wide_and_deep (default: all of them)"
        ),
    )
    parser.add_argument(
        "--seeds",
        type=cli.positive_int,
        default=3,
        help="seeds per task and cell (default: %(default)s)",
    )
    parser.add_argument(
        "--jobs",
        type=cli.positive_int,
        default=1,
        help=(
            "fits trained at once, each in its own worker process with the same numbers as "
            "--jobs 1 (default: %(default)s; the s/epoch column is only measured with 1)"
        ),
    )
    parser.add_argument(
        "--shard",
        type=shard,
        default=None,
        metavar="K/N",
        help="train only every N-th fit from the K-th (machine K of N); merge: see above",
    )
    parser.add_argument(
        "--cluster",
        default=None,
        metavar="ADDRESS",
        help=(
            "train the fits on a Dask cluster, e.g. tcp://host:8786 (workers started with "
            "--nthreads 1 in this folder; needs dask[distributed])"
        ),
    )
    return parser


def shard(text):
    """--shard K/N: (K, N) with 1 <= K <= N."""
    try:
        number, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected K/N such as 1/4, got {text!r}") from None
    if not 1 <= number <= count:
        raise argparse.ArgumentTypeError(f"K/N needs 1 <= K <= N, got {text!r}")
    return number, count


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    plots.configure(args.show)
    unknown = [name for name in args.tasks if name not in TASK_BUILDERS]
    if unknown:
        raise cli.UsageError(f"unknown task {unknown[0]!r}: choose from {', '.join(TASK_BUILDERS)}")
    unknown = [name for name in args.cells or [] if name not in models.CELL_FACTS]
    if unknown:
        raise cli.UsageError(
            f"unknown cell {unknown[0]!r}: choose from {', '.join(models.CELL_FACTS)}"
        )
    training.check_tensorboard(args.tensorboard)
    if args.cluster and importlib.util.find_spec("distributed") is None:
        raise cli.UsageError(
            '--cluster needs Dask\'s distributed scheduler: pip install "dask[distributed]"'
        )
    output_dir = prepare_output_dir(args.output_dir)
    seeds = [args.seed] if args.quick else list(range(args.seed, args.seed + args.seeds))
    device = device_name()

    report.step(1, "List the fits, and find those already saved with the same settings")
    plan = fit_plan(args, seeds, output_dir)
    mine = plan  # with --shard K/N: every N-th fit from the K-th, the rest for other machines
    if args.shard:
        number, count = args.shard
        mine = [planned for index, planned in enumerate(plan) if index % count == number - 1]
    todo = [(arguments, path) for arguments, path in mine if not path.exists()]
    where = (
        f"on the Dask cluster at {args.cluster}"
        if args.cluster
        else f"{args.jobs} at a time in worker processes"
        if args.jobs > 1
        else "one after another in this process"
    )
    print(
        f"   {len(plan)} fits (tasks x cells x {len(seeds)} seed(s))"
        + (f"; shard {args.shard[0]} of {args.shard[1]}: {len(mine)}" if args.shard else "")
        + f"; {len(mine) - len(todo)} already in {output_dir / 'fits'} (kept: delete a file "
        f"there to train its fit again); {len(todo)} to train"
    )

    report.step(2, f"Train {len(todo)} fit(s) {where}, on {device}")
    (output_dir / "fits").mkdir(exist_ok=True)
    paths = {(a["task"], a["cell"], a["seed"]): path for a, path in todo}
    progress = Progress(len(todo))
    fits_at_once = "cluster" if args.cluster else args.jobs
    for arguments, outcome in parallel.run(
        fit, [arguments for arguments, _ in todo], args.jobs, args.cluster
    ):
        record = {
            "task": arguments["task"],
            "cell": arguments["cell"],
            "seed": arguments["seed"],
            "settings": arguments["settings"],
            "fits_at_once": fits_at_once,  # 1: the seconds per epoch were measured alone
            **outcome,
        }
        # Saved as each fit finishes (atomically): a crash or Ctrl-C loses only the fits running.
        write_json(paths[arguments["task"], arguments["cell"], arguments["seed"]], record)
        label = f"{arguments['task']} {arguments['cell']} seed {arguments['seed']}"
        print(f"   {progress.done(label)}", flush=True)

    missing = [path for _, path in plan if not path.exists()]
    if missing:
        print(
            f"   {len(missing)} of {len(plan)} fits are not in {output_dir / 'fits'} yet (other "
            "shards'); once every shard is done, put their fits/ files in one folder and run the "
            "same command there without --shard: it trains nothing and writes the comparison."
        )
        return {"device": device, "rows": None, "missing": len(missing)}

    report.step(3, "One row per task and cell, from the saved fits")
    records = [read_fit(path) for _, path in plan]
    rows = []
    for task_name in args.tasks:
        task_records = [record for record in records if record["task"] == task_name]
        facts = task_records[0]["task_facts"]
        print(
            f"   {task_name}: {facts['description']}; {facts['training_samples']} training "
            f"samples; best baseline {facts['baseline']['name']} = "
            f"{facts['baseline']['value']:.4g}"
        )
        for cell in cells_for(task_name, args.cells):
            cell_records = [record for record in task_records if record["cell"] == cell]
            rows.append(table_row(task_name, cell, cell_records))
            row = rows[-1]
            print(
                f"   {task_name:8s} {cell:18s} {row['metric']} {row['mean']:.4g} ± "
                f"{row['spread']:.2g}   {row['seconds_per_epoch']:.3f} s/epoch   "
                f"{row['epochs_run']:.0f} epochs   {row['recurrent_params']} recurrent params"
            )
            if row["verdict"]:
                print(f"   {'':27s} {describe_verdict(row['verdict'])}")
    devices = sorted({record["device"] for record in records})
    device = "; ".join(devices)

    report.step(4, "Check the course's table against the measurements")
    verdict_lines = verdicts(rows)
    for line in verdict_lines:
        print(f"   {line}")

    report.step(5, "Save comparison.md, comparison.json and comparison.png")
    written = [
        write_text(output_dir / "comparison.md", markdown_table(rows, device, verdict_lines)),
        write_json(
            output_dir / "comparison.json",
            {
                "device": device,
                "keras_backend": keras.backend.backend(),
                "rows": rows,
                "verdicts": verdict_lines,
            },
        ),
        plot_comparison(rows, output_dir / "comparison.png"),
    ]
    for path in written:
        print(f"   wrote {path}")
    plots.show(args.show)
    return {"device": device, "rows": rows}


if __name__ == "__main__":
    main()
