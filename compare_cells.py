"""SimpleRNN vs LSTM vs GRU on the same data: the course's comparison table, measured.

The course's slides end with a table: LSTM has 3 gates and a cell state, GRU has 2 gates and
none; GRU "trains faster" and has a "lower computational load"; LSTM is "often better" on
long-term memory. This script checks each claim. On each task of the cases it trains models that
differ only in the recurrent cell: the same units, layers, optimizer, seed, data, epoch budget and
early stopping. The text task adds a bidirectional GRU and a wide-and-deep model (case 8-1's
SimpleRNN path plus a bag-of-words path). The multistep task is case 8-2 twelve months ahead.
The next_character task (asked for by name) is next_character.py's: each cell with about the
LSTM's weights, in bits per character against the n-gram (a paired t-test over test reviews).

    python compare_cells.py                     # the cases' tasks, every cell, three seeds
    python compare_cells.py --tasks next_character    # the next character (7 min a seed)
    python compare_cells.py --quick             # one seed, small budgets
    python compare_cells.py --tasks daily --cells lstm,gru --seeds 5
    python compare_cells.py --tasks daily,monthly --seeds 2 --jobs 2
    python compare_cells.py --shard 1/4 --output-dir shared/run   # machine 1 of 4, then merge

Each fit (task x cell x seed) is saved in --output-dir/fits/ as soon as it finishes, and a rerun
skips the fits already there. `--jobs N` trains N fits at once, with the same numbers as
`--jobs 1`; `--shard` and `--cluster` train on several machines (common/machinery/runner.py).

Writes comparison.md, comparison.json and comparison.png to --output-dir. Several seeds give a
mean and a spread (the sample standard deviation). A difference smaller than the spread is
reported as no difference. Each row's verdict against the task's best baseline follows the cases'
rule, and needs every seed to agree: the Diebold-Mariano test for forecasts, and for the reviews
a paired bootstrap 95 % interval of the ROC AUC difference to TF-IDF + logistic regression.

Good places for a breakpoint: in `train_once`, on `history = model.fit(...)` (the task's arrays
and the model with the cell swapped in), and after `rows = [...]` in main (a row per task, cell).
"""

import functools
import statistics
import time
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

from common import cli  # reads the command line; loads neither TensorFlow nor Keras

SCRIPT = "compare_cells"
TASKS = ["monthly", "daily", "multistep", "text", "next_character"]  # FORECASTING_TASKS first
DEFAULT_TASKS = TASKS[:4]  # next_character takes about 7 minutes a seed on 2 cores: ask for it
CELLS = ["simple_rnn", "lstm", "gru"]
EXTRA_CELLS = ["bidirectional_gru", "wide_and_deep"]  # text task only


def build_parser():
    return cli.comparison_parser(__doc__, SCRIPT, TASKS, DEFAULT_TASKS)


def check_flags(args):
    """The mistakes the flags alone show (an unknown task or cell), found before TensorFlow
    loads."""
    cli.check_names(args, TASKS, CELLS + EXTRA_CELLS)


if __name__ == "__main__":
    # TensorFlow takes seconds to load: read the command line first, so that `--help` and a
    # mistyped flag answer at once. `main` reads it again to run.
    cli.read_arguments_first(build_parser, check_flags)

# `common` comes before Keras: it keeps TensorFlow's start-up log quiet, which must be set up
# before TensorFlow (and so Keras) is imported.
import case8_2_lstm  # noqa: E402
import case8_3_gru  # noqa: E402
import next_character  # noqa: E402
from common import forecasting, models, plots, report, significance, training, windows  # noqa: E402
from common.cells import parameter_count  # noqa: E402
from common.machinery import parallel, runner  # noqa: E402
from common.machinery.artifacts import prepare_output_dir, write_json, write_text  # noqa: E402
from common.report import comparison  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

BAG_SIZE = 20000  # words and word pairs in the wide-and-deep model's bag
TEXT_EPOCHS = 6  # the text task's epoch budget (case 8-1 allows 15; early stopping ends sooner)
REVIEWS = Path(__file__).resolve().parent / "data" / "clothing_reviews.csv"  # the text task's


def same_inputs(cell, arrays):
    """What a cell's model reads: the task's arrays, for every cell but the wide-and-deep one."""
    return arrays


@dataclass(frozen=True)
class Fitting:
    """How every cell of a task is compiled and trained: as the task's case does it."""

    loss: str  # "mse", "mae" or "binary_crossentropy"
    optimizer: dict  # {"learning_rate": ..., "weight_decay": ... (AdamW's, or None)}
    budget: dict  # {"epochs": ..., "batch_size": ..., "patience": ...}
    watch: tuple = ("val_loss", "min")  # what early stopping watches, and which way is better
    keep_start: bool = False  # the forecasting cases: the starting weights may be kept
    keras_metrics: tuple = ()


@dataclass(frozen=True)
class Task:
    """One task: every cell trains on exactly these data, in the same way, scored the same way."""

    name: str
    # what the table shows: {"description", "metric", "lower_is_better", "units" (recurrent
    # units, the same for every cell), "input_features" (numbers the recurrent layer reads at
    # each step), "training_samples", "baseline": {"name", "value"} (the best baseline)}
    facts: dict
    # {"train": (inputs, targets), "validation": ..., and for forecasts "check": the windows
    # after validation, which judge whether training helped}
    data: dict
    build: object  # build(cell) -> an uncompiled keras.Model with that recurrent layer
    fitting: Fitting
    # evaluate(model) -> (the metric on the test part, details: {"dm": the Diebold-Mariano test
    # against the best baseline} for forecasts, {"bootstrap", "challenge"} for the reviews)
    evaluate: object
    inputs: object = same_inputs  # inputs(cell, arrays) -> what that cell's model reads


def case_steps(case, quick, horizon):
    """Steps 1-6 of a forecasting case, through its own step functions: (args, the noise
    check, the windows (train, validation, check, test windows), the baselines)."""
    settings = case.SETTINGS
    args = case.build_parser().parse_args(["--quick"] * quick + ["--horizon", str(horizon)])
    look = forecasting.look(forecasting.load(args, settings), args, settings)
    noise = forecasting.noise_check(look)
    prepared = forecasting.prepare(look, forecasting.choose(look, args, settings), args, settings)
    scaled, origins, window = prepared.scaled, prepared.origins, prepared.recipe.window
    train, validation, check, (test_windows, _) = (
        windows.make_windows(scaled, scaled[:, 0], origins[part], window, horizon)
        for part in ("train", "validation", "check", "test")
    )
    fitted = (*train, *validation)
    baseline = forecasting.forecast_baselines(prepared, fitted, test_windows, settings)
    return args, noise, (train, validation, check, test_windows), baseline


def forecasting_task(name, description, case, quick, horizon=1):
    """A forecasting task prepared exactly as its case prepares it: the case's parser, settings
    and the shared steps of common/forecasting.py (the same window and differencing chosen on
    validation, the same windows, baselines and scored test targets), its loss and its budget of
    optimizer updates; every cell trains the case's own `build_model` with that cell swapped in.

    case: the case's module (case8_2_lstm or case8_3_gru); quick: the case's --quick (its small
    slice and few epochs); horizon: the case's --horizon (with H > 1 the metric is over the H
    steps from every test origin).
    """
    settings, metric = case.SETTINGS, case.SETTINGS.metric
    args, noise, parts, baseline = case_steps(case, quick, horizon)
    train, validation, check, test_windows = parts
    best = min(baseline.scores, key=baseline.scores.get)

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
    window, features_count = train[0].shape[1:]
    return Task(
        name=name,
        facts={
            "description": description,
            "metric": metric,
            "lower_is_better": True,
            "units": case.SETTINGS.size,
            "input_features": features_count,
            "training_samples": len(train[1]),
            "baseline": {"name": best, "value": baseline.scores[best]},
        },
        data={"train": train, "validation": validation, "check": check},
        build=lambda cell: case.build_model(
            window,
            features_count,
            models.recurrent_layer(cell, case.SETTINGS.size),
            horizon=horizon,
            linear_weights=baseline.linear_weights,  # as the cases: from the linear fit
        ),
        fitting=Fitting(
            loss=case.LOSS,
            optimizer={"learning_rate": case.LEARNING_RATE, "weight_decay": case.WEIGHT_DECAY},
            budget=plan,
            keep_start=True,
        ),
        evaluate=evaluate,
    )


# Each forecasting task is its case's run, with the case's budget (--quick: the case's --quick):
# (the case, its --horizon, what the task is). With --horizon 12 the metric is over the 12 steps.
FORECASTING_TASKS = {
    "monthly": (case8_2_lstm, 1, "case 8-2: US electricity, one month ahead (RMSE, billion kWh)"),
    "daily": (case8_3_gru, 1, "case 8-3: Clemson daily Tmax, one day ahead (MAE, degrees C)"),
    "multistep": (
        case8_2_lstm,
        12,
        "case 8-2: US electricity, 1 to 12 months ahead (RMSE over the steps, billion kWh)",
    ),
}


def review_parts(case, quick, data_path=None):
    """The reviews, split as case 8-1 splits them: {"train", "validation", "test"}, each a pair
    (texts, labels). With --quick the parts are small: a smoke run whose numbers mean nothing."""
    from common import text  # needs TensorFlow: see text_task

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
    parts = {
        "train": (train_texts, train_labels),
        "validation": (validation_texts, validation_labels),
        "test": (test_texts, test_labels),
    }
    if not quick:
        return parts
    sizes = {"train": case.QUICK_TRAIN_REVIEWS, "validation": 500, "test": 1000}
    return {
        name: (texts[: sizes[name]], labels[: sizes[name]])
        for name, (texts, labels) in parts.items()
    }


def review_inputs(vectorizer, texts):
    """Both inputs of every review model: token ids, and the raw reviews for the wide path."""
    from common import text  # needs TensorFlow: see text_task

    return {"token_ids": text.vectorize(vectorizer, texts), "review": text.as_text_input(texts)}


def wide_and_deep_inputs(cell, both):
    """The wide-and-deep model reads the token ids and the raw reviews; the others the ids."""
    return both if cell == "wide_and_deep" else both["token_ids"]


def review_scoring(case, parts, vectorizer, quick):
    """How the text task scores a model, and its best baseline: TF-IDF + logistic regression,
    fitted on the training part.

    Returns (evaluate, baseline). evaluate(model) -> (test ROC AUC, {"bootstrap": the paired
    bootstrap interval of its difference to TF-IDF + LR's, "challenge": the challenge set's
    accuracy per category}). baseline: {"name", "value": TF-IDF + LR's test ROC AUC,
    "challenge": its challenge set scores}.
    """
    from common import text

    (train_texts, train_labels), (test_texts, test_labels) = parts["train"], parts["test"]
    challenge = text.load_challenge(case.CHALLENGE_DATA)
    test_inputs = review_inputs(vectorizer, test_texts)
    challenge_inputs = review_inputs(vectorizer, challenge["text"].tolist())
    tfidf_logreg = text.TfidfLogreg().fit(train_texts, train_labels)
    tfidf = tfidf_logreg.positive_probability(test_texts)  # (reviews,)
    baseline = {
        "name": "tfidf_logreg",
        "value": text.classification_scores(test_labels, tfidf)["roc_auc"],
        "challenge": text.challenge_scores(
            challenge, tfidf_logreg.positive_probability(challenge["text"].tolist())
        ),
    }

    def evaluate(model):
        cell = "wide_and_deep" if model.name.startswith("wide_and_deep") else "other"
        probabilities = model.predict(
            wide_and_deep_inputs(cell, test_inputs), batch_size=256, verbose=0
        )[:, 0]
        challenge_probabilities = model.predict(
            wide_and_deep_inputs(cell, challenge_inputs), verbose=0
        )[:, 0]
        details = {
            "bootstrap": significance.paired_bootstrap_auc_difference(
                test_labels, probabilities, tfidf, resamples=200 if quick else 1000
            ),
            "challenge": text.challenge_scores(challenge, challenge_probabilities),
        }
        return text.classification_scores(test_labels, probabilities)["roc_auc"], details

    return evaluate, baseline


def text_task(quick, data_path=None, cells=()):
    """Case 8-1's task: review sentiment (rating > 3) with the course's split; test ROC AUC.

    data_path: a reviews CSV (default: the course's reviews, embedded); cells: the cells this
    task trains. Every model is also scored on the challenge set (review_scoring).
    """
    # Imported here: the text task needs TensorFlow, the forecasting tasks run on any backend.
    import case8_1_rnn as case
    from common import text

    parts = review_parts(case, quick, data_path)
    train_texts, train_labels = parts["train"]
    validation_texts, validation_labels = parts["validation"]
    sequence_length = min(
        case.MAX_SEQUENCE_LENGTH, text.sequence_length_for(train_texts, case.LENGTH_PERCENTILE)
    )
    vectorizer = text.make_vectorizer(train_texts, case.MAX_TOKENS, sequence_length)  # train only
    vocabulary_size = len(vectorizer.get_vocabulary())
    # The wide-and-deep model's bag of words and word pairs, adapted on the training part only.
    bag_vectorizer = (
        text.make_bag_vectorizer(train_texts, BAG_SIZE) if "wide_and_deep" in cells else None
    )
    evaluate, baseline = review_scoring(case, parts, vectorizer, quick)
    batch_size = training.batch_size_for(len(train_labels))

    def build(cell):
        if cell == "wide_and_deep":  # the case's SimpleRNN path, plus a bag-of-words path
            sizes = (vocabulary_size, sequence_length)
            return models.build_wide_and_deep(case, *sizes, bag_vectorizer)
        layer = models.recurrent_layer(cell, case.RNN_SIZE, return_sequences=True)
        return case.build_model(vocabulary_size, sequence_length, layer)

    source = "the course's reviews" if data_path is None else Path(data_path).name
    return Task(
        name="text",
        facts={
            "description": f"case 8-1: review sentiment on {source} (ROC AUC)",
            "metric": "roc_auc",
            "lower_is_better": False,
            "units": case.RNN_SIZE,
            "input_features": case.EMBEDDING_DIM,  # the recurrent layer reads word vectors
            "training_samples": len(train_labels),
            "baseline": baseline,
        },
        data={
            "train": (review_inputs(vectorizer, train_texts), train_labels),
            "validation": (review_inputs(vectorizer, validation_texts), validation_labels),
        },
        build=build,
        fitting=Fitting(
            loss="binary_crossentropy",
            optimizer={"learning_rate": case.LEARNING_RATE, "weight_decay": None},
            budget={"epochs": 1 if quick else TEXT_EPOCHS, "batch_size": batch_size, "patience": 3},
            watch=("val_auc", "max"),
            keras_metrics=(keras.metrics.AUC(name="auc"),),
        ),
        evaluate=evaluate,
        inputs=wide_and_deep_inputs,
    )


def train_once(task, cell, seed, clipnorm=None, eager=False, tensorboard_dir=None):
    """Train one cell on one task with one seed; return what was measured.

    tensorboard_dir: where Keras' TensorBoard callback writes this run's logs (default: none).
    """
    fitting, budget, read = task.fitting, task.fitting.budget, task.inputs
    train_inputs, train_targets = task.data["train"]
    validation_inputs, validation_targets = task.data["validation"]
    training.seed_everything(seed)
    model = task.build(cell)
    model.compile(
        optimizer=training.optimizer(**fitting.optimizer, clipnorm=clipnorm),
        loss=fitting.loss,
        metrics=list(fitting.keras_metrics),
        run_eagerly=eager,
    )
    start_loss = None
    if fitting.keep_start:  # the forecasting cases' rule: an epoch must beat the starting point
        start_loss = float(
            model.evaluate(read(cell, validation_inputs), validation_targets, verbose=0)
        )
    timer = runner.EpochTimer()  # timer.seconds: each epoch's
    monitor, mode = fitting.watch
    callbacks = training.callbacks(monitor, mode, budget["patience"], tensorboard_dir, start_loss)
    started = time.perf_counter()
    history = model.fit(
        read(cell, train_inputs),
        train_targets,
        validation_data=(read(cell, validation_inputs), validation_targets),
        epochs=budget["epochs"],
        batch_size=budget["batch_size"],
        steps_per_epoch=budget.get("steps_per_epoch"),  # next_character: updates per check
        callbacks=[timer, *callbacks],
        verbose=0,
    )
    if fitting.keep_start:  # as the cases: keep training's weights only if every block agrees
        check_inputs, check_targets = task.data["check"]
        plan = SimpleNamespace(callbacks=callbacks, start_loss=start_loss)  # the case's Plan
        blocks = (
            (read(cell, validation_inputs), validation_targets),
            (read(cell, check_inputs), check_targets),
        )
        kept = training.keep_if_it_helps(model, history, plan, blocks, fitting.loss)
        model.set_weights(kept.weights)
    train_seconds = time.perf_counter() - started
    steady = timer.seconds[1:] or timer.seconds  # without the first epoch's tracing, if it can
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


@functools.cache
def task_for(name, quick, data=None, cells=()):
    """The task `name`, built once per process. Each worker process builds its own from these
    plain arguments: a Task holds Keras objects and functions, which do not travel between
    processes."""
    if name == "text":
        return text_task(quick, data, cells_for("text", cells))
    if name == "next_character":  # next_character.py's own steps, its budget and its n-gram
        parts = next_character.comparison_task(quick)
        return Task(name=name, **{**parts, "fitting": Fitting(**parts["fitting"])})
    case, horizon, description = FORECASTING_TASKS[name]
    return forecasting_task(name, description, case, quick, horizon)


def fit(arguments):
    """One fit from plain arguments: what each worker process runs (and --jobs 1, in turn).

    arguments: see runner.plan. Returns plain data, saved as JSON: {"result": what train_once
    measured, "task_facts": what the table shows of the task, "device": where it trained}.
    """
    cells = tuple(arguments["cells"] or ())
    task = task_for(arguments["task"], arguments["quick"], arguments["data"], cells)
    budget = {  # --epochs and --batch-size replace the task's budget
        **task.fitting.budget,
        "epochs": arguments["epochs"] or task.fitting.budget["epochs"],
        "batch_size": arguments["batch_size"] or task.fitting.budget["batch_size"],
    }
    result = train_once(
        replace(task, fitting=replace(task.fitting, budget=budget)),
        arguments["cell"],
        arguments["seed"],
        arguments["clipnorm"],
        arguments["eager"],
        arguments["tensorboard_dir"],
    )
    return {"result": result, "task_facts": task.facts, "device": runner.device_name()}


def cells_for(task_name, requested):
    """The cells a task trains: --cells, else every cell (the extra ones on the text task only)."""
    cells = requested or CELLS + EXTRA_CELLS
    return [cell for cell in cells if cell not in EXTRA_CELLS or task_name == "text"]


def mean_and_spread(values):
    """Mean, and the sample standard deviation across seeds (0 for one seed)."""
    return float(np.mean(values)), float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


def table_row(task_name, cell, records):
    """One row of the table: the saved fits of a task and cell (one per seed), summarised."""
    records = [r for r in records if (r["task"], r["cell"]) == (task_name, cell)]
    facts = records[0]["task_facts"]
    runs = [record["result"] for record in records]
    mean, spread = mean_and_spread([run["metric_value"] for run in runs])
    units = facts["units"][cell] if isinstance(facts["units"], dict) else facts["units"]
    per_epoch, per_epoch_spread = mean_and_spread([run["seconds_per_epoch"] for run in runs])
    return {
        "task": task_name,
        "cell": cell,
        "units": units,
        "input_features": facts["input_features"],
        "recurrent_params": runs[0]["recurrent_params"],
        "formula_params": formula_params(cell, units, facts["input_features"]),
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
        "verdict": row_verdict(runs, facts["baseline"]),
    }


def formula_params(cell, units, features):
    """The course's parameter formula for the cell (a bidirectional layer holds two of them)."""
    if cell == "bidirectional_gru":
        return 2 * parameter_count("gru", units, features)
    if cell == "wide_and_deep":  # its recurrent path is case 8-1's SimpleRNN
        return parameter_count("simple_rnn", units, features)
    return parameter_count(cell, units, features)


def seed_outcome(run, baseline):
    """One seed's verdict against the best baseline: "beats", "loses to", or None (no meaningful
    difference). Forecasts: the Diebold-Mariano test (p < 0.05, and the scores 0.1 % apart).
    Reviews: the paired bootstrap's 95 % interval of the AUC difference, above or below 0."""
    details = run["details"]
    test = details.get("dm") or details.get("paired_t")  # next_character: over test reviews
    if test:
        gap = significance.meaningful_gap(run["metric_value"], baseline["value"])
        if test["p"] >= significance.SIGNIFICANCE or not gap:
            return None
        return "beats" if run["metric_value"] < baseline["value"] else "loses to"
    interval = details["bootstrap"]
    if interval["low"] > 0:
        return "beats"
    return "loses to" if interval["high"] < 0 else None


def row_verdict(runs, baseline):
    """The cases' rule, over seeds: "beats" or "loses to" only when every seed says so, else "no
    meaningful difference from". Returns {"baseline", "outcome", and the evidence: "p" (the
    Diebold-Mariano p-values) or "intervals" (the AUC difference's), one per seed}."""
    outcomes = {seed_outcome(run, baseline) for run in runs}
    outcome = outcomes.pop() if len(outcomes) == 1 else None
    details = [run["details"] for run in runs]
    test = "dm" if "dm" in details[0] else "paired_t"
    if test in details[0]:
        evidence = {"p": [detail[test]["p"] for detail in details]}
    else:
        evidence = {"intervals": [[d["bootstrap"]["low"], d["bootstrap"]["high"]] for d in details]}
    return {
        "baseline": baseline["name"],
        "outcome": outcome or "no meaningful difference from",
        **evidence,
    }


def differs(a, b, key="mean", spread_key="spread"):
    """Is row a's value different from row b's by more than the larger of their spreads?

    With one seed there is no spread to judge by, and nothing is called a difference.
    """
    if len(a["seeds"]) < 2:
        return False
    return abs(a[key] - b[key]) > max(a[spread_key], b[spread_key])


def judge_claims(rows):
    """The course's claims, judged on each task with an LSTM row and a GRU row.

    Returns [{"task", "lstm": its row, "gru": its row, "speed": the verdict on 'GRU trains
    faster', "quality": the verdict on 'LSTM often better'}]. (The gates claim needs no verdict:
    the parameter counts show it.)
    """
    claims = []
    for task in dict.fromkeys(row["task"] for row in rows):
        by_cell = {row["cell"]: row for row in rows if row["task"] == task}
        lstm, gru = by_cell.get("lstm"), by_cell.get("gru")
        if lstm and gru:
            speed, quality = speed_verdict(lstm, gru), quality_verdict(lstm, gru)
            claims.append(
                {"task": task, "lstm": lstm, "gru": gru, "speed": speed, "quality": quality}
            )
    return claims


def speed_verdict(lstm, gru):
    """'GRU trains faster', judged on the seconds per epoch of the two rows."""
    if not (lstm["timed_alone"] and gru["timed_alone"]):
        return "not judged: timed with other fits running beside them (run with --jobs 1)"
    if len(lstm["seeds"]) < 2:
        return "one seed only, run with --seeds 3 to judge"
    if not differs(lstm, gru, "seconds_per_epoch", "seconds_per_epoch_spread"):
        return "no difference beyond the seeds' spread, on this machine"
    faster = gru["seconds_per_epoch"] < lstm["seconds_per_epoch"]
    return ("agrees" if faster else "disagrees") + ", on this machine"


def quality_verdict(lstm, gru):
    """'LSTM often better', judged on the test metric of the two rows."""
    if len(lstm["seeds"]) < 2:
        return "one seed only, run with --seeds 3 to judge"
    if not differs(lstm, gru):
        return "no difference beyond the seeds' spread on this task"
    if lstm["lower_is_better"]:
        better = lstm["mean"] < gru["mean"]
    else:
        better = lstm["mean"] > gru["mean"]
    return "the LSTM is better here" if better else "the GRU is better here"


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    plots.configure(args.show)
    check_flags(args)
    training.check_tensorboard(args.tensorboard)
    runner.check_cluster(args.cluster)
    output_dir = prepare_output_dir(args.output_dir)
    seeds = [args.seed] if args.quick else list(range(args.seed, args.seed + args.seeds))

    report.step(1, "List the fits, and find those already saved with the same settings")
    pairs = [
        (task_name, cell) for task_name in args.tasks for cell in cells_for(task_name, args.cells)
    ]
    fits = [(task_name, cell, seed) for task_name, cell in pairs for seed in seeds]
    plan = runner.plan(fits, args, output_dir, data_files={"text": args.data or REVIEWS})
    print(comparison.plan_line(plan, len(seeds)))

    where = comparison.where(args.jobs, args.cluster)
    report.step(2, f"Train {len(plan.todo)} fit(s) {where}, on {runner.device_name()}")
    if plan.todo and not parallel.pin_here(args.jobs, args.cluster):
        print(comparison.THREADS_NOTE)  # --jobs 1 trains in this process, with its threads
    for finished in runner.train(fit, plan, args.jobs, args.cluster):
        print(comparison.progress_line(finished), flush=True)
    missing = runner.missing(plan)
    if missing:  # other machines' fits (--shard)
        print(comparison.missing_line(missing, plan))
        return {"device": runner.device_name(), "rows": None, "missing": len(missing)}

    report.step(3, "One row per task and cell, from the saved fits")
    records = runner.read_fits(plan)
    rows = [table_row(task_name, cell, records) for task_name, cell in pairs]
    print(comparison.rows_text(rows, records))
    device = "; ".join(sorted({record["device"] for record in records}))

    report.step(4, "Check the course's table against the measurements")
    claims = judge_claims(rows)
    verdicts = comparison.claim_lines(claims)  # one sentence per claim and task
    print(comparison.claims_text(verdicts))

    report.step(5, "Save comparison.md, comparison.json and comparison.png")
    results = {"device": device, "keras_backend": keras.backend.backend(), "rows": rows}
    written = [
        write_text(output_dir / "comparison.md", comparison.markdown(rows, device, verdicts)),
        write_json(output_dir / "comparison.json", {**results, "verdicts": verdicts}),
        comparison.plot(rows, output_dir / "comparison.png"),
    ]
    print(comparison.indent(f"wrote {path}" for path in written))
    plots.show(args.show)
    return {"device": device, "rows": rows}


if __name__ == "__main__":
    main()
