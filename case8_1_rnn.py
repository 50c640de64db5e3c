"""Case 8-1: tell positive clothing reviews (rating > 3) from the rest with a SimpleRNN.

Data: by default data/clothing_reviews.csv, the course's 23,486 real reviews (the public
"Women's E-Commerce Clothing Reviews" release, CC0; see data/README.md), split as the course
splits them. Any CSV with text columns and a label works too:

    python case8_1_rnn.py
    python case8_1_rnn.py --quick
    python case8_1_rnn.py --data my.csv --text-columns Summary,Body --label-column Stars
    python case8_1_rnn.py --predict "Lovely fabric but the fit is not flattering at all"
    python case8_1_rnn.py --challenge my_challenge.csv

Every run also reads the project's challenge set (data/challenge_reviews.csv): short reviews
written to test what a bag of words cannot see (negations, contrasts, intensifiers and hedges),
scored per category for the SimpleRNN and for TF-IDF + logistic regression.

What it does better than the course's script: negations ("not", "never", "don't") are kept
instead of being deleted as stopwords; the vocabulary is learnt from the training part only;
the sequence length comes from the data instead of a fixed 40 tokens; padding is masked; the
classifier reads the SimpleRNN's state after every word, averaged over the review, instead of
its last state only (a SimpleRNN forgets: its last state holds little of a review's first
sentence); training has a budget of optimizer steps that suits the file's size, stops on the
validation AUC and keeps the best epoch; the model is scored against two baselines; and the
saved model.keras holds the vectoriser, so raw text goes in at --predict.

Good places for a breakpoint (the debugger's variables panel shows the values):
  - after Step 1, on `report.step(2, ...)`: `reviews.texts[0]` is one joined review and
    `reviews.labels[:10]` its 0/1 labels; about 78% of labels are 1.
  - after `train_sequences = ...` in Step 4: `train_sequences[0]` holds the first review's
    token ids, zeros at the end, and `text.decode(train_sequences[0], vocabulary)` its words.
  - on `history = model.fit(...)`: `train_sequences` is (reviews, sequence_length) int ids and
    `train_labels` (reviews,) 0/1, e.g. (15843, 95) and (15843,) on the course's reviews.
  - inside Keras' SimpleRNNCell.call with --eager: `h = tanh(x W + h_prev U + b)`, one word at
    a time.
"""

import time
from pathlib import Path

from common import cli, plots, report, text, training
from common.machinery.artifacts import prepare_output_dir, save_model, write_history, write_json

# `common` comes first: it keeps TensorFlow's start-up log quiet, which must happen before
# TensorFlow (and so Keras) is imported.
import keras
import numpy as np
from sklearn.metrics import confusion_matrix

CASE = "case8_1_rnn"
EMBEDDED_DATA = Path(__file__).resolve().parent / "data" / "clothing_reviews.csv"
CHALLENGE_DATA = Path(__file__).resolve().parent / "data" / "challenge_reviews.csv"
SPLIT_SEED = 42  # the course's train_test_split(random_state=42)
VALIDATION_FRACTION = 0.1  # of the training part, for early stopping
LENGTH_PERCENTILE = 95  # the sequence length covers 95% of training reviews in full
MAX_SEQUENCE_LENGTH = 100  # tokens kept at most, however long the reviews
MAX_TOKENS = 15000  # vocabulary size cap, padding and [UNK] included
MAX_UPDATES = 1500  # optimizer updates at most, converted to epochs by the data size (the course's
PATIENCE_UPDATES = 150  # reviews: 25 epochs at most, patience 3); early stopping ends sooner
EMBEDDING_DIM = 64  # numbers per word
RNN_SIZE = 64  # numbers in the SimpleRNN's hidden state
EMBEDDING_DROPOUT = 0.3  # share of word vectors' entries zeroed while training
LEARNING_RATE = 2e-3
MIN_REVIEWS = 100  # fewer cannot give a training, a validation and a test part
MIN_PER_CLASS = 20  # reviews of the rarer label at least
QUICK_EPOCHS = 2
QUICK_BATCH = 64
QUICK_TRAIN_REVIEWS = 1000  # --quick trains on this many reviews of the training part
EXAMPLES = [  # read by the trained model at the end of every run
    "I absolutely love this dress, the fabric is so soft and the fit is perfect.",
    "Lovely fabric but the fit is not flattering at all",
]


def build_parser():
    parser = cli.base_parser(__doc__, CASE, epochs=None, batch_size=None)
    return cli.add_text_flags(parser)


def build_model(vocabulary_size, sequence_length, recurrent_layer=None):
    """Token ids (reviews, sequence_length) -> Embedding -> SimpleRNN, its state after every
    word -> their average over the review -> P(positive) (reviews, 1).

    mask_zero=True: id 0 is padding; the SimpleRNN skips masked steps and the average leaves
    them out. Why the average and not the last state: a SimpleRNN's state is mostly its last
    few words (see inside_the_cells.py), so a classifier of the last state alone never sees the
    start of a long review, and on a small file it barely learns at all (test ROC AUC 0.48 on
    1,000 movie snippets, against 0.67 with the average). Each state still carries what came
    just before its word: "not" changes the state after "flattering".
    recurrent_layer: the layer that reads the word vectors, returning its state at every step
    (default: the case's SimpleRNN); compare_cells.py passes an LSTM or a GRU here.
    """
    token_ids = keras.Input(shape=(sequence_length,), dtype="int64", name="token_ids")
    word_vectors = keras.layers.Embedding(
        vocabulary_size, EMBEDDING_DIM, mask_zero=True, name="embedding"
    )(token_ids)  # (reviews, sequence_length, EMBEDDING_DIM)
    word_vectors = keras.layers.Dropout(EMBEDDING_DROPOUT, name="embedding_dropout")(word_vectors)
    if (
        recurrent_layer is None
    ):  # made here, after the layers above, as Keras draws its seeds in order
        recurrent_layer = keras.layers.SimpleRNN(RNN_SIZE, return_sequences=True, name="simple_rnn")
    states = recurrent_layer(word_vectors)  # (reviews, sequence_length, RNN_SIZE), one per word
    # (reviews, RNN_SIZE)
    average = keras.layers.GlobalAveragePooling1D(name="average_state")(states)
    probability = keras.layers.Dense(1, activation="sigmoid", name="positive_probability")(average)
    return keras.Model(token_ids, probability, name=f"{recurrent_layer.name}_classifier")


def with_vectorizer(vectorizer, model):
    """Raw review strings (reviews, 1) -> vectoriser -> `model`: what model.keras holds."""
    review = keras.Input(shape=(1,), dtype="string", name="review")
    return keras.Model(review, model(vectorizer(review)), name="review_sentiment")


def describe(probability):
    """The line --predict ends with, e.g. `positive probability: 0.9731 (positive)`."""
    verdict = "positive" if probability >= 0.5 else "negative"
    return f"positive probability: {probability:.4f} ({verdict})"


def predict(args):
    """--predict: read the saved model and score one review; train nothing."""
    if not args.predict.strip():
        raise cli.UsageError('--predict needs a review to read, e.g. --predict "Soft fabric"')
    model_path, end_to_end = load_trained_model(args, "--predict")  # the vectoriser is inside
    report.step(1, f"Load the trained model from {model_path}")
    vectorizer = end_to_end.get_layer("vectorizer")
    token_ids = text.vectorize(vectorizer, [args.predict])  # (1, sequence_length)
    print(f"   review:  {args.predict!r}")
    print(f"   words:   {' '.join(text.decode(token_ids[0], vectorizer.get_vocabulary()))}")
    report.trace(args.trace, token_ids=token_ids)
    report.step(2, "Read the review")
    probability = float(end_to_end.predict(text.as_text_input([args.predict]), verbose=0)[0, 0])
    print(describe(probability))
    return probability


def load_trained_model(args, flag):
    """The end-to-end model.keras a training run saved in --output-dir (vectoriser inside)."""
    model_path = Path(args.output_dir) / "model.keras"
    if not model_path.exists():
        raise cli.UsageError(
            f"no trained model at {model_path}: train first with "
            f"`python case8_1_rnn.py --output-dir {args.output_dir}` "
            f"(without {flag}), then ask again"
        )
    return model_path, keras.saving.load_model(model_path)


def print_challenge_table(scores_by_model, file_name):
    """Accuracy per challenge category (and overall), one row per model."""
    table = {
        name: {**scores["by_category"], "overall": scores["overall"]}
        for name, scores in scores_by_model.items()
    }
    columns = list(next(iter(table.values())))
    report.results_table(table, columns, f"Challenge set {file_name}: accuracy per category")


def challenge(args):
    """--challenge: score a challenge file with the saved model; train nothing, write nothing."""
    challenge_table = text.load_challenge(args.challenge)  # columns text, label, category
    model_path, end_to_end = load_trained_model(args, "--challenge")
    report.step(1, f"Read {len(challenge_table)} challenge reviews with the model in {model_path}")
    reviews_in = text.as_text_input(challenge_table["text"].tolist())
    probabilities = end_to_end.predict(reviews_in, verbose=0)[:, 0]  # (rows,) P(positive)
    scores = text.challenge_scores(challenge_table, probabilities)
    print_challenge_table({"SimpleRNN": scores}, Path(args.challenge).name)
    report.trace(args.trace, probabilities=probabilities)
    print(f"challenge accuracy: {scores['overall']:.4f} ({scores['correct']}/{scores['total']})")
    return scores


def standardize_example(texts):
    """The first training review that has an apostrophe, before and after standardisation."""
    example = next((review for review in texts if "'" in review or "’" in review), texts[0])
    short = example[:80]
    return f"{short!r} -> {text.standardize([short])[0]!r}"


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.predict is not None:
        return predict(args)
    if args.challenge is not None:
        return challenge(args)
    plots.configure(args.show)
    training.seed_everything(args.seed)
    training.check_tensorboard(args.tensorboard)
    output_dir = prepare_output_dir(args.output_dir)
    started = time.time()

    report.step(1, "Load the reviews")
    embedded = args.data is None
    data_path = EMBEDDED_DATA if embedded else Path(args.data)
    reviews = text.load_reviews(data_path, args.text_columns, args.label_column)
    positive_share = reviews.labels.mean()
    print(
        f"   {len(reviews.texts)} reviews from {data_path.name}; "
        f"text: {' + '.join(reviews.text_columns)}; "
        f"label: {reviews.label_column} ({reviews.label_rule})"
    )
    if embedded:
        print(
            "   (the course's reviews: the public Women's E-Commerce Clothing Reviews, CC0; "
            "--data PATH uses your own file)"
        )
    for note in reviews.notes:
        print(f"   cleaned: {note}")
    print(f"   class balance: {positive_share:.1%} positive, {1 - positive_share:.1%} negative")
    smaller_class = min(reviews.labels.sum(), len(reviews.labels) - reviews.labels.sum())
    if len(reviews.labels) < MIN_REVIEWS or smaller_class < MIN_PER_CLASS:
        raise cli.UsageError(
            f"{len(reviews.labels)} reviews, {smaller_class} of them in the smaller class, "
            "are too few to train and test on: "
            f"use a file with at least {MIN_REVIEWS} reviews and {MIN_PER_CLASS} of each class"
        )
    report.trace(args.trace, table=reviews.table, labels=reviews.labels)

    if embedded:
        report.step(2, "Look at the data: ratings, classes, recommendations, review length")
    else:
        report.step(2, f"Look at the data: {reviews.label_column} and review length")
    review_lengths = text.token_counts(reviews.texts)  # (reviews,) words after standardisation
    print(
        f"   words per review: median {np.median(review_lengths):.0f}, 95th percentile "
        f"{np.percentile(review_lengths, 95):.0f}, longest {review_lengths.max()}"
    )
    plots.review_overview(
        reviews.table, reviews.label_column, review_lengths, output_dir / "data.png"
    )

    part = "the course's test part" if embedded else "a test part"
    report.step(3, f"Split: {part}, validation out of the training part")
    # (reviews,) arrays of str and of 0/1
    train_texts, validation_texts, test_texts, train_labels, validation_labels, test_labels = (
        text.course_split(
            reviews.texts,
            reviews.labels,
            args.test_fraction,
            VALIDATION_FRACTION,
            seed=args.seed,
            split_seed=SPLIT_SEED,
        )
    )
    if args.quick:
        train_texts, train_labels = (
            train_texts[:QUICK_TRAIN_REVIEWS],
            train_labels[:QUICK_TRAIN_REVIEWS],
        )
    print(
        f"   {len(train_texts)} train, {len(validation_texts)} validation, "
        f"{len(test_texts)} test reviews"
    )
    report.trace(
        args.trace,
        train_texts=train_texts,
        validation_texts=validation_texts,
        test_texts=test_texts,
        validation_labels=validation_labels,
        test_labels=test_labels,
    )

    report.step(
        4,
        "Prepare the text: standardise, learn the vocabulary on the training part, "
        "turn words into ids",
    )
    sequence_length = min(
        MAX_SEQUENCE_LENGTH, text.sequence_length_for(train_texts, LENGTH_PERCENTILE)
    )
    # adapted on train_texts only
    vectorizer = text.make_vectorizer(train_texts, MAX_TOKENS, sequence_length)
    vocabulary = vectorizer.get_vocabulary()  # ["", "[UNK]", "the", ...]
    vocabulary_size = len(vocabulary)
    # (train, sequence_length) int ids, 0 = padding
    train_sequences = text.vectorize(vectorizer, train_texts)
    validation_sequences = text.vectorize(vectorizer, validation_texts)
    test_sequences = text.vectorize(vectorizer, test_texts)
    unknown_share = np.mean(test_sequences[test_sequences != 0] == 1)
    print(
        f"   sequence length {sequence_length} tokens "
        f"({LENGTH_PERCENTILE}th percentile of training reviews, "
        f"at most {MAX_SEQUENCE_LENGTH}); vocabulary {vocabulary_size} words; "
        f"{unknown_share:.1%} of test words are unknown ([UNK])"
    )
    print(f"   e.g. {standardize_example(train_texts)}")
    report.trace(
        args.trace,
        train_sequences=train_sequences,
        train_labels=train_labels,
        test_sequences=test_sequences,
    )
    if args.trace:
        print(f"   [trace] review: {train_texts[0]!r}")
        report.trace(True, token_ids=train_sequences[0])
        print(f"   [trace] decoded: {text.decode(train_sequences[0], vocabulary)}")

    report.step(5, "Baselines: the common-sense classifiers to beat")
    tfidf_logreg = text.TfidfLogreg().fit(train_texts, train_labels)  # fitted on train only
    baseline_probabilities = {
        "majority": text.majority_baseline(train_labels, len(test_labels)),
        "tfidf_logreg": tfidf_logreg.positive_probability(test_texts),
    }
    for name, probabilities in baseline_probabilities.items():
        scores = text.classification_scores(test_labels, probabilities)
        print(f"   {name:13s} accuracy {scores['accuracy']:.3f}, ROC AUC {scores['roc_auc']:.3f}")

    report.step(6, "Build the SimpleRNN")
    environment = training.environment()
    print(f"   {training.describe_environment(environment)}")
    training.seed_everything(args.seed)
    model = build_model(vocabulary_size, sequence_length)
    model.compile(
        optimizer=training.optimizer(LEARNING_RATE, args.clipnorm),
        loss="binary_crossentropy",
        metrics=["accuracy", keras.metrics.AUC(name="auc")],
        run_eagerly=args.eager,
    )
    model.summary()

    report.step(7, "Train (a budget of optimizer steps; early stopping keeps the best epoch)")
    # A budget of weight updates, not of epochs: 1,000 short texts need many passes over the
    # data, the course's 16,000 reviews two or three. Batches grow with the data, up to 256.
    plan = training.budget(
        len(train_sequences),
        MAX_UPDATES,
        PATIENCE_UPDATES,
        args.batch_size or (QUICK_BATCH if args.quick else None),
        args.epochs or (QUICK_EPOCHS if args.quick else None),
    )
    print(f"   {training.describe_budget(plan, 'reviews')}")
    batch_inputs = train_sequences[: plan["batch_size"]]
    batch_labels = train_labels[: plan["batch_size"]]
    print(f"   one batch: inputs {batch_inputs.shape}, labels {batch_labels.shape}")
    history = model.fit(
        train_sequences,
        train_labels,
        validation_data=(validation_sequences, validation_labels),
        epochs=plan["epochs"],
        batch_size=plan["batch_size"],
        validation_batch_size=256,
        callbacks=training.callbacks(
            "val_auc", "max", plan["patience"], output_dir / "logs" if args.tensorboard else None
        ),
        shuffle=True,
        verbose=training.progress_verbosity(),
    )
    train_seconds = time.time() - started
    epochs_run = len(history.history["loss"])
    print(f"   {epochs_run} epochs; best validation AUC {max(history.history['val_auc']):.4f}")

    report.step(8, "Evaluate on the test part")
    # (test,) P(positive); batches of 256: scoring needs no small batches, and large ones are faster
    test_probabilities = model.predict(test_sequences, batch_size=256, verbose=0)[:, 0]
    results = {"SimpleRNN": text.classification_scores(test_labels, test_probabilities)}
    results.update(
        {
            name: text.classification_scores(test_labels, p)
            for name, p in baseline_probabilities.items()
        }
    )
    report.results_table(
        results,
        ["accuracy", "precision", "recall", "f1", "roc_auc"],
        f"Test scores over {len(test_labels)} reviews (positive = {reviews.label_rule})",
    )
    gain = results["SimpleRNN"]["accuracy"] - results["majority"]["accuracy"]
    print(
        f"   The SimpleRNN's accuracy is {gain:+.3f} against calling every review "
        "the majority class."
    )
    report.trace(args.trace, test_probabilities=test_probabilities, test_labels=test_labels)

    report.step(9, "Read new reviews: raw text in, probability out")
    end_to_end = with_vectorizer(vectorizer, model)
    challenge_results = None
    if embedded:
        # The challenge set: what a bag of words cannot read (negations, contrasts, degree words).
        challenge_table = text.load_challenge(CHALLENGE_DATA)
        challenge_reviews = challenge_table["text"].tolist()
        new_reviews = [*EXAMPLES, *challenge_reviews]  # read in one call: one traced function
        new_probabilities = end_to_end.predict(text.as_text_input(new_reviews), verbose=0)[:, 0]
        example_probabilities = new_probabilities[: len(EXAMPLES)]
        for example, probability in zip(EXAMPLES, example_probabilities, strict=True):
            print(f"   {example!r}: {describe(float(probability))}")
        challenge_results = {
            "SimpleRNN": text.challenge_scores(challenge_table, new_probabilities[len(EXAMPLES) :]),
            "tfidf_logreg": text.challenge_scores(
                challenge_table, tfidf_logreg.positive_probability(challenge_reviews)
            ),
        }
        print_challenge_table(challenge_results, CHALLENGE_DATA.name)
    else:
        # The examples and the challenge set are clothing reviews: they say little of a model
        # trained on other texts. A challenge file written for this data is scored on request.
        print(
            f"   (the clothing examples and {CHALLENGE_DATA.name} are for the embedded reviews: "
            f"score a challenge file for your data with --challenge PATH --output-dir {output_dir})"
        )

    report.step(10, "Save plots, model and metrics")
    # What early stopping watched (the validation AUC), and the epoch whose weights it kept.
    kept_epoch = 1 + int(np.argmax(history.history["val_auc"]))
    plots.history(history, output_dir / "history.png", metric="auc", kept_epoch=kept_epoch)
    plots.confusion(
        confusion_matrix(test_labels, (test_probabilities >= 0.5).astype(int), labels=[0, 1]),
        ["negative", "positive"],
        output_dir / "confusion_matrix.png",
    )
    plots.roc(
        test_labels,
        {
            "SimpleRNN": test_probabilities,
            "TF-IDF + logistic regression": baseline_probabilities["tfidf_logreg"],
        },
        output_dir / "roc.png",
    )
    metrics = {
        "schema": 1,
        "case": CASE,
        "data": {
            "path": str(data_path),
            "rows": len(reviews.texts),
            "embedded": embedded,
            "text_columns": reviews.text_columns,
            "label": f"{reviews.label_column} ({reviews.label_rule})",
        },
        "protocol": {
            "test_fraction": args.test_fraction,
            "test_points": len(test_labels),
            "sequence_length": sequence_length,
            "vocabulary_size": vocabulary_size,
        },
        "model": results["SimpleRNN"],
        "baselines": {name: results[name] for name in baseline_probabilities},
        "training": {
            "epochs_run": epochs_run,
            "batch_size": plan["batch_size"],
            "max_epochs": plan["epochs"],
            "seconds": round(train_seconds, 2),
            "params": model.count_params(),
            "seed": args.seed,
        },
        "environment": environment,
    }
    if challenge_results is not None:
        metrics["challenge"] = {
            "file": str(CHALLENGE_DATA),
            "model": challenge_results["SimpleRNN"],
            "tfidf_logreg": challenge_results["tfidf_logreg"],
        }
    written = [
        save_model(output_dir / "model.keras", end_to_end),
        write_history(output_dir / "history.csv", history),
        write_json(output_dir / "metrics.json", metrics),
    ]
    report.written(
        output_dir,
        ["data.png", "history.png", "confusion_matrix.png", "roc.png"]
        + [Path(p).name for p in written],
    )
    smoke = " (a --quick smoke-test model: its answers mean little)" if args.quick else ""
    print(
        f"   try: python case8_1_rnn.py --output-dir {output_dir} "
        f'--predict "Soft fabric, I love it"{smoke}'
    )
    plots.show(args.show)
    return metrics


if __name__ == "__main__":
    main()
