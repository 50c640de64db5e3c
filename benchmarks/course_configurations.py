"""The course's three configurations, rebuilt as its scripts build them, scored by this project.

    COURSE_DATA_DIR=/path/to/course-files python benchmarks/course_configurations.py
    COURSE_DATA_DIR=/path/to/course-files python benchmarks/course_configurations.py --seeds 1,2,3
    COURSE_DATA_DIR=/path/to/course-files python benchmarks/course_configurations.py --quick
    COURSE_DATA_DIR=/path/to/course-files python benchmarks/course_configurations.py \\
        --only 8-2,8-3 --seeds 1,2,3 --json course_configurations.json

Every "course configuration" figure in the README comes from this script. All three use the
course's own files, read only from COURSE_DATA_DIR (monthly_milk_production.csv, data.csv,
Clothing-Review.csv); a configuration whose file is missing is skipped with a message.

What is reconstructed, and what is assumed. The course's scripts are not available; what is known
of them is the set-up described below, and every number not known is an assumption, listed as
such. The scoring is always this project's (docs/PROTOCOL.md), so the figures are comparable with
the cases' own: the same test targets or test reviews, in the same units.

8-2, LSTM on the milk series (known: MinMaxScaler fitted on ALL the data, including the test part,
so the test part leaks into the scaling; the LSTM reads scaled *levels*, not changes, so it cannot
forecast above the training range; windows of 12 months; an LSTM then Dense(1); no early
stopping). Assumed: LSTM(50, activation="relu") as in the common course form, Adam, MSE, 100
epochs of batch 32 (about 15 s on 2 CPU cores; batch 1, as a TimeseriesGenerator's default, takes
about seven times longer), trained on every window whose target comes before the test part, no
validation part. The result varies much with the seed: run several.
Scored: one-step forecasts of the project's 32 test months (the last ceil(0.2 x (168 - 12))),
each from the 12 observed months before it, turned back into pounds; RMSE and MAE. The course
reported RMSE of about 47.4 pounds.

8-3, GRU on data.csv (white noise, 25 + 5 N(0, 1)): the same form with a GRU. Assumed: window 30
(the project's case 8-3 window), GRU(50, activation="relu"), Adam, MSE, 10 epochs of batch 32,
MinMaxScaler fitted on all the data, no early stopping. Scored: one-step forecasts of the last
ceil(0.2 x (rows - 30)) days by MAE (and RMSE), against the mean of the training part.

8-1, SimpleRNN on Clothing-Review.csv (known: English stopwords removed, which takes "not", "no"
and "nor" out with them; a Keras Tokenizer vocabulary; sequences of 40 tokens, pre-padded and
pre-truncated as the old pad_sequences did, no masking; Embedding, SimpleRNN, Dense(1, sigmoid);
a few epochs). Assumed: scikit-learn's ENGLISH_STOP_WORDS instead of NLTK's list (no download;
it also holds "not", "no" and "nor", and more words besides); lower-casing and the Tokenizer's
default punctuation filter before stopword removal; keras.layers.TextVectorization adapted on the
training texts as the vocabulary, with out-of-vocabulary words dropped (a Tokenizer without an
oov_token drops them); Embedding(vocabulary, 64), SimpleRNN(64), Adam, binary cross-entropy,
5 epochs of batch 32, no early stopping. The reviews are the project's (load_reviews: Class Name,
Title and Review Text joined, Rating > 3 positive) and its split: course_split with the course's
random_state=42 for the 5,868 test reviews, and a stratified 10 % of the rest, drawn with the
seed, held out (the model trains on the other 90 %). Scored: accuracy and ROC AUC on the test
reviews. The course reported ROC AUC of about 0.81.

Each configuration runs once per seed in --seeds (default 1), seeded with
common.training.seed_everything; one line per seed, then the mean. --quick cuts the epochs for
a smoke run (8-2: 5, 8-3: 1, 8-1: 1); its numbers mean nothing.
"""

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# `common` comes first: it keeps TensorFlow's start-up log quiet, which must happen before
# TensorFlow (and so Keras) is imported.
from common import baselines, text, training, windows  # noqa: E402
from common.machinery.series import load_series  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402

FORECAST_TEST_FRACTION = 0.2  # the forecasting cases' default --test-fraction
TEXT_TEST_FRACTION = 0.25  # the course's train_test_split(test_size=0.25)
TEXT_VALIDATION_FRACTION = 0.1  # the project's validation share of the training part
SPLIT_SEED = 42  # the course's random_state

MILK = {
    "file": "monthly_milk_production.csv",
    "window": 12,
    "units": 50,
    "epochs": 100,
    "batch_size": 32,
    "quick_epochs": 5,
}
NOISE = {
    "file": "data.csv",
    "window": 30,
    "units": 50,
    "epochs": 10,
    "batch_size": 32,
    "quick_epochs": 1,
}
REVIEWS = {
    "file": "Clothing-Review.csv",
    "sequence_length": 40,
    "embedding_dim": 64,
    "units": 64,
    "epochs": 5,
    "batch_size": 32,
    "quick_epochs": 1,
}
# keras.preprocessing.text.Tokenizer's default `filters`: replaced by spaces before splitting.
TOKENIZER_FILTERS = re.compile("[" + re.escape('!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n') + "]")
OOV_ID = 1  # TextVectorization's [UNK]; 0 is padding


def course_file(name):
    """Path of one of the course's files under COURSE_DATA_DIR, or None (with a message)."""
    folder = os.environ.get("COURSE_DATA_DIR")
    if not folder:
        print(f"   skipped: COURSE_DATA_DIR is not set (the folder holding {name})")
        return None
    path = Path(folder) / name
    if not path.is_file():
        print(f"   skipped: COURSE_DATA_DIR holds no {name}")
        return None
    return path


def level_forecaster(cell, config, epochs, values, seed):
    """The course's forecasting form: MinMax-scaled levels (scaler fitted on ALL values),
    windows of levels -> `cell` (LSTM or GRU, relu) -> Dense(1), no early stopping.

    Returns (one-step forecasts of the test targets in real units, test targets, test start).
    """
    window = config["window"]
    test_points = windows.count_test_points(len(values), window, FORECAST_TEST_FRACTION)
    test_start = len(values) - test_points
    scaler = MinMaxScaler().fit(values[:, None])  # the course's leak: the test part included
    scaled = scaler.transform(values[:, None])  # (rows, 1)
    train_windows, train_targets = windows.make_windows(
        scaled, scaled[:, 0], np.arange(window, test_start), window
    )
    test_origins = np.arange(test_start, len(values))
    test_windows, _ = windows.make_windows(scaled, scaled[:, 0], test_origins, window)

    training.seed_everything(seed)
    model = keras.Sequential(
        [
            keras.Input((window, 1)),
            cell(config["units"], activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    model.fit(
        train_windows, train_targets, epochs=epochs, batch_size=config["batch_size"], verbose=0
    )
    # A direct call, not predict(): a new model per seed would make predict() retrace and warn.
    predicted = np.asarray(model(test_windows, training=False))  # (test, 1), scaled
    forecasts = scaler.inverse_transform(predicted)[:, 0]
    return forecasts, test_origins, test_start


def run_milk(seed, quick):
    """8-2: the course's LSTM on the milk series; RMSE and MAE in pounds on the test months."""
    path = course_file(MILK["file"])
    if path is None:
        return None
    values = load_series(path).frame.iloc[:, 0].to_numpy(dtype=float)
    epochs = MILK["quick_epochs"] if quick else MILK["epochs"]
    forecasts, test_origins, _ = level_forecaster(keras.layers.LSTM, MILK, epochs, values, seed)
    actual = values[test_origins]
    return {
        "model": baselines.scores(actual, forecasts),
        "baselines": {
            "seasonal_naive": baselines.scores(
                actual, baselines.seasonal_naive(values, test_origins, 12)
            ),
            "naive": baselines.scores(actual, baselines.naive(values, test_origins)),
        },
        "test_points": len(test_origins),
        "max_forecast": float(forecasts.max()),
        "max_training_value": float(values[: test_origins[0]].max()),
        "max_test_value": float(actual.max()),
        "epochs": epochs,
    }


def run_noise(seed, quick):
    """8-3: the course's GRU on data.csv; MAE (and RMSE) on the test days, against the mean."""
    path = course_file(NOISE["file"])
    if path is None:
        return None
    values = load_series(path).frame.iloc[:, 0].to_numpy(dtype=float)
    epochs = NOISE["quick_epochs"] if quick else NOISE["epochs"]
    forecasts, test_origins, test_start = level_forecaster(
        keras.layers.GRU, NOISE, epochs, values, seed
    )
    actual = values[test_origins]
    return {
        "model": baselines.scores(actual, forecasts),
        "baselines": {
            "mean": baselines.scores(actual, baselines.mean(values, test_origins, test_start)),
            "naive": baselines.scores(actual, baselines.naive(values, test_origins)),
        },
        "test_points": len(test_origins),
        "epochs": epochs,
    }


def remove_stopwords(texts):
    """Lower-case, the Tokenizer's punctuation filter, then drop scikit-learn's English stopwords
    (which include "not", "no" and "nor", as NLTK's list does)."""
    cleaned = []
    for review in texts:
        words = TOKENIZER_FILTERS.sub(" ", str(review).lower()).split()
        cleaned.append(" ".join(word for word in words if word not in ENGLISH_STOP_WORDS))
    return cleaned


def to_sequences(vectorizer, texts, length):
    """Token ids, out-of-vocabulary words dropped, pre-padded and pre-truncated to `length`
    (keras.preprocessing's pad_sequences defaults): (reviews, length) int32."""
    ragged = vectorizer(tf.constant(texts, dtype=tf.string))
    ids = [[token for token in row if token != OOV_ID] for row in ragged.to_list()]
    return keras.utils.pad_sequences(ids, maxlen=length, padding="pre", truncating="pre")


def run_reviews(seed, quick):
    """8-1: the course's SimpleRNN; accuracy and ROC AUC on the course split's test reviews."""
    path = course_file(REVIEWS["file"])
    if path is None:
        return None
    reviews = text.load_reviews(path)
    train_texts, validation_texts, test_texts, train_labels, validation_labels, test_labels = (
        text.course_split(
            reviews.texts,
            reviews.labels,
            test_fraction=TEXT_TEST_FRACTION,
            validation_fraction=TEXT_VALIDATION_FRACTION,
            seed=seed,
            split_seed=SPLIT_SEED,
        )
    )
    train_texts, validation_texts, test_texts = (
        remove_stopwords(part) for part in (train_texts, validation_texts, test_texts)
    )
    vectorizer = keras.layers.TextVectorization(
        standardize=None, split="whitespace", output_mode="int", ragged=True
    )
    vectorizer.adapt(tf.constant(train_texts, dtype=tf.string))
    vocabulary_size = vectorizer.vocabulary_size()
    length = REVIEWS["sequence_length"]
    train_ids, validation_ids, test_ids = (
        to_sequences(vectorizer, part, length)
        for part in (train_texts, validation_texts, test_texts)
    )

    training.seed_everything(seed)
    model = keras.Sequential(
        [
            keras.Input((length,), dtype="int32"),
            keras.layers.Embedding(vocabulary_size, REVIEWS["embedding_dim"]),  # no masking
            keras.layers.SimpleRNN(REVIEWS["units"]),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    epochs = REVIEWS["quick_epochs"] if quick else REVIEWS["epochs"]
    model.fit(
        train_ids,
        np.asarray(train_labels, dtype="float32"),
        validation_data=(validation_ids, np.asarray(validation_labels, dtype="float32")),
        epochs=epochs,
        batch_size=REVIEWS["batch_size"],
        verbose=0,
    )
    probabilities = np.asarray(model(test_ids, training=False))[:, 0]
    return {
        "model": text.classification_scores(test_labels, probabilities),
        "baselines": {
            "majority": text.classification_scores(
                test_labels, text.majority_baseline(train_labels, len(test_labels))
            )
        },
        "test_reviews": len(test_labels),
        "train_reviews": len(train_labels),
        "vocabulary_size": int(vocabulary_size),
        "epochs": epochs,
    }


# name -> (title, function, metrics printed, what the course reported)
CONFIGURATIONS = {
    "8-1": (
        "8-1 SimpleRNN on Clothing-Review.csv, course configuration",
        run_reviews,
        ("accuracy", "roc_auc"),
        "course: ROC AUC about 0.81",
    ),
    "8-2": (
        "8-2 LSTM on milk, course configuration (pounds)",
        run_milk,
        ("rmse", "mae"),
        "course: RMSE about 47.4",
    ),
    "8-3": (
        "8-3 GRU on data.csv, course configuration",
        run_noise,
        ("mae", "rmse"),
        "white noise: the training mean is the best forecast",
    ),
}


def seeds_list(value):
    """ "1,2,3" -> [1, 2, 3]."""
    try:
        seeds = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"seeds must be integers like 1,2,3, not {value!r}"
        ) from None
    if not seeds:
        raise argparse.ArgumentTypeError("give at least one seed")
    return seeds


def names_list(value):
    """ "8-2,8-3" -> ["8-2", "8-3"], each one of CONFIGURATIONS."""
    names = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in CONFIGURATIONS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"choose from {', '.join(CONFIGURATIONS)} (comma-separated), not {value!r}"
        )
    return names


def formatted(scores, metrics):
    return "   ".join(f"{metric} {scores[metric]:8.3f}" for metric in metrics)


def run_configuration(name, seeds, quick):
    """Every seed of one configuration: print one line each and the mean; return the record."""
    title, function, metrics, note = CONFIGURATIONS[name]
    print(f"\n== {title} ({note})")
    runs = []
    for seed in seeds:
        started = time.perf_counter()
        result = function(seed, quick)
        if result is None:
            return None
        result["seed"] = seed
        result["seconds"] = round(time.perf_counter() - started, 1)
        runs.append(result)
        print(f"   seed {seed}: {formatted(result['model'], metrics)}   {result['seconds']:6.1f} s")
    values = {metric: [run["model"][metric] for run in runs] for metric in runs[0]["model"]}
    mean = {metric: float(np.mean(seen)) for metric, seen in values.items()}
    spread = {  # sample standard deviation over seeds, 0 for one seed
        metric: float(np.std(seen, ddof=1)) if len(seen) > 1 else 0.0
        for metric, seen in values.items()
    }
    deviation = ", ".join(f"{metric} {spread[metric]:.3f}" for metric in metrics)
    print(f"   mean:   {formatted(mean, metrics)}   (over {len(runs)} seed(s); sd {deviation})")
    for baseline, scores in runs[-1]["baselines"].items():
        print(f"   {baseline} baseline: {formatted(scores, metrics)}")
    return {"title": title, "mean": mean, "spread": spread, "runs": runs}


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seeds", type=seeds_list, default=[1], help="comma-separated seeds (default: 1)"
    )
    parser.add_argument(
        "--only",
        type=names_list,
        default=list(CONFIGURATIONS),
        help=f"configurations to run, from {', '.join(CONFIGURATIONS)} (default: all)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="cut the epochs for a smoke run (numbers meaningless)"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    args = parser.parse_args(argv)
    if not os.environ.get("COURSE_DATA_DIR"):
        print(
            "COURSE_DATA_DIR is not set: every configuration needs the course's files, so all "
            "are skipped (COURSE_DATA_DIR=/path/to/course-files python "
            "benchmarks/course_configurations.py)"
        )
    results = {}
    for name in args.only:
        record = run_configuration(name, args.seeds, args.quick)
        if record is not None:
            results[name] = record
    if args.json:
        payload = {"seeds": args.seeds, "quick": args.quick, "configurations": results}
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
