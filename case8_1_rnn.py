"""Case 8-1: tell positive clothing reviews (rating > 3) from the rest with a SimpleRNN.

Data: by default data/clothing_reviews.csv, the course's 23,486 real reviews (the public
"Women's E-Commerce Clothing Reviews" release, CC0; see data/README.md), split as the course
splits them. Any CSV with text columns and a label works too:

    python case8_1_rnn.py
    python case8_1_rnn.py --quick
    python case8_1_rnn.py --data my.csv --text-columns Summary,Body --label-column Stars
    python case8_1_rnn.py --predict "Lovely fabric but the fit is not flattering at all"
    python case8_1_rnn.py --challenge my_challenge.csv

A run on the embedded reviews also reads the project's challenge set
(data/challenge_reviews.csv). It holds short reviews written to test what a bag of words cannot
see: negations, contrasts, intensifiers and hedges. The SimpleRNN and TF-IDF + logistic
regression are scored on each category.

What this script does better than the course's script:
  - Negations ("not", "never", "don't") stay. The course deletes them as stopwords.
  - The vocabulary is learnt on the training part only.
  - The sequence length comes from the data, not a fixed 40 tokens. Padding is masked.
  - The classifier reads the SimpleRNN's state after every word, averaged over the review.
    A SimpleRNN forgets: its last state alone holds little of a review's first sentence.
  - Training has a budget of optimizer steps that suits the file's size. It stops on the
    validation AUC and keeps the best epoch.
  - The model is scored against two baselines.
  - The saved model.keras holds the vectoriser, so --predict takes raw text.

Good places for a breakpoint (the debugger's variables panel shows the values). Each check
returns a record that does not change afterwards.
  - after Step 1's `reviews = ...`: `reviews.texts[0]` is one joined review and
    `reviews.labels[:10]` its 0/1 labels. About 78% of the labels are 1.
  - after `train_sequences = ...` in Step 4: `train_sequences[0]` holds the first review's
    token ids, with zeros at the end. `text.decode(train_sequences[0], vocabulary)` gives its
    words back.
  - on `history = model.fit(...)`: `train_sequences` is (reviews, sequence_length) int ids and
    `train_labels` is (reviews,) 0/1: (15843, 100) and (15843,) on the course's reviews.
  - after Step 8's `evaluation = ...`: `evaluation.results` holds the test scores of the
    SimpleRNN and of each baseline.
  - inside Keras' SimpleRNNCell.call with --eager: `h = tanh(x W + h_prev U + b)`, one word at
    a time.
"""

import time
from pathlib import Path

from common import cli  # reads the command line; loads neither TensorFlow nor Keras

CASE = "case8_1_rnn"


def build_parser():
    parser = cli.base_parser(__doc__, CASE, epochs=None, batch_size=None)
    return cli.add_text_flags(parser)


def check_flags(args):
    """The mistakes the flags alone show, found before TensorFlow loads."""
    if args.predict is not None and not args.predict.strip():
        raise cli.UsageError('--predict needs a review to read, e.g. --predict "Soft fabric"')


if __name__ == "__main__":
    # TensorFlow takes seconds to load: read the command line first, so that `--help` and a
    # mistyped flag answer at once. `main` reads it again to run.
    cli.read_arguments_first(build_parser, check_flags)

# `common` comes before Keras: it keeps TensorFlow's start-up log quiet, which must be set up
# before TensorFlow (and so Keras) is imported.
from common import forecasting, plots, report, text, training  # noqa: E402
from common.machinery import review_files  # noqa: E402
from common.report import text as words  # noqa: E402

import keras  # noqa: E402

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
LEARNING_RATE = 2e-3  # Adam's
LOSS = "binary_crossentropy"  # the network gives P(positive): the loss of a 0/1 label
MIN_REVIEWS = 100  # fewer cannot give a training, a validation and a test part
MIN_PER_CLASS = 20  # reviews of the rarer label at least
QUICK_EPOCHS = 2
QUICK_BATCH = 64
QUICK_TRAIN_REVIEWS = 1000  # --quick trains on this many reviews of the training part
EXAMPLES = [  # read by the trained model at the end of every run
    "I absolutely love this dress, the fabric is so soft and the fit is perfect.",
    "Lovely fabric but the fit is not flattering at all",
]


def build_model(vocabulary_size, sequence_length, recurrent_layer=None):
    """Token ids (reviews, sequence_length) -> Embedding -> SimpleRNN, its state after every
    word -> the average of those states over the review -> P(positive) (reviews, 1).

    mask_zero=True: id 0 is padding. The SimpleRNN skips the masked steps, and the average
    leaves them out.
    Why the average, and not the last state? A SimpleRNN's state holds mostly its last few
    words (see inside_the_cells.py). A classifier of the last state alone never sees the start
    of a long review. On a small file it barely learns at all: test ROC AUC 0.48 on 1,000 movie
    snippets, against 0.67 with the average. Each state still carries what came just before its
    word: "not" changes the state after "flattering".
    recurrent_layer: the layer that reads the word vectors and returns its state at every step
    (default: the case's SimpleRNN). compare_cells.py passes an LSTM or a GRU here.
    """
    token_ids = keras.Input(shape=(sequence_length,), dtype="int64", name="token_ids")
    word_vectors = keras.layers.Embedding(
        vocabulary_size, EMBEDDING_DIM, mask_zero=True, name="embedding"
    )(token_ids)  # (reviews, sequence_length, EMBEDDING_DIM)
    word_vectors = keras.layers.Dropout(EMBEDDING_DROPOUT, name="embedding_dropout")(word_vectors)
    if recurrent_layer is None:
        # Made here, after the layers above: Keras draws the layers' seeds in this order.
        recurrent_layer = keras.layers.SimpleRNN(RNN_SIZE, return_sequences=True, name="simple_rnn")
    states = recurrent_layer(word_vectors)  # (reviews, sequence_length, RNN_SIZE), one per word
    average = keras.layers.GlobalAveragePooling1D(name="average_state")(states)  # (reviews, 64)
    probability = keras.layers.Dense(1, activation="sigmoid", name="positive_probability")(average)
    return keras.Model(token_ids, probability, name=f"{recurrent_layer.name}_classifier")


def with_vectorizer(vectorizer, model):
    """Raw review strings (reviews, 1) -> vectoriser -> `model`: what model.keras holds."""
    review = keras.Input(shape=(1,), dtype="string", name="review")
    return keras.Model(review, model(vectorizer(review)), name="review_sentiment")


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


def predict(args):
    """--predict: read the saved model and score one review; train nothing."""
    model_path, end_to_end = load_trained_model(args, "--predict")  # the vectoriser is inside
    report.step(1, f"Load the trained model from {model_path}")
    vectorizer = end_to_end.get_layer("vectorizer")
    token_ids = text.vectorize(vectorizer, [args.predict])  # (1, sequence_length)
    text.check_readable(args.predict, token_ids[0])  # a word the vocabulary knows, or exit 2
    words.review_words(args.predict, text.decode(token_ids[0], vectorizer.get_vocabulary()))
    report.trace(args.trace, token_ids=token_ids)
    report.step(2, "Read the review")
    probability = float(end_to_end.predict(text.as_text_input([args.predict]), verbose=0)[0, 0])
    words.probability(probability)
    return probability


def challenge(args):
    """--challenge: score a challenge file with the saved model; train nothing, write nothing."""
    challenge_table = text.load_challenge(args.challenge)  # columns text, label, category
    model_path, end_to_end = load_trained_model(args, "--challenge")
    report.step(1, f"Read {len(challenge_table)} challenge reviews with the model in {model_path}")
    reviews_in = text.as_text_input(challenge_table["text"].tolist())
    probabilities = end_to_end.predict(reviews_in, verbose=0)[:, 0]  # (rows,) P(positive)
    scores = text.challenge_scores(challenge_table, probabilities)
    words.challenge_table({"SimpleRNN": scores}, Path(args.challenge).name)
    report.trace(args.trace, probabilities=probabilities)
    words.challenge_accuracy(scores)
    return scores


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    check_flags(args)
    if args.predict is not None:  # the saved model reads one review; nothing is trained
        return predict(args)
    if args.challenge is not None:  # the saved model reads a challenge file; nothing is trained
        return challenge(args)
    start = forecasting.start(args)  # seeds, the output folder, the clock: as in cases 8-2, 8-3

    report.step(1, "Load the reviews")
    reviews = text.load_case_reviews(args, EMBEDDED_DATA, MIN_REVIEWS, MIN_PER_CLASS)
    words.loaded(reviews)  # reviews.texts: (reviews,) str; reviews.labels: (reviews,) 0/1
    report.trace(args.trace, table=reviews.table, labels=reviews.labels)

    report.step(2, words.look_title(reviews))
    review_lengths = text.token_counts(reviews.texts)  # (reviews,) words after standardisation
    words.review_lengths(review_lengths)
    data_png = start.output_dir / "data.png"
    plots.review_overview(reviews.table, reviews.label_column, review_lengths, data_png)

    report.step(3, words.split_title(reviews))
    # (reviews,) arrays of str and of 0/1. The test part is the course's, whatever --seed says.
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
    if args.quick:  # a smoke test: the first reviews of the training part only
        train_texts = train_texts[:QUICK_TRAIN_REVIEWS]
        train_labels = train_labels[:QUICK_TRAIN_REVIEWS]
    words.split_sizes(train_texts, validation_texts, test_texts)
    report.trace(args.trace, train_texts=train_texts, train_labels=train_labels)

    report.step(4, "Prepare the text: standardise, learn the vocabulary, turn words into ids")
    # Tokens kept per review: 100 on the course's reviews. Shorter reviews are padded with 0.
    sequence_length = text.sequence_length_for(train_texts, LENGTH_PERCENTILE, MAX_SEQUENCE_LENGTH)
    # The vocabulary is learnt on the training part only: test words it never saw become [UNK].
    vectorizer = text.make_vectorizer(train_texts, MAX_TOKENS, sequence_length)
    vocabulary = vectorizer.get_vocabulary()  # ["", "[UNK]", "the", ...]
    vocabulary_size = len(vocabulary)  # 12,412 on the course's reviews
    train_sequences = text.vectorize(vectorizer, train_texts)  # (train, sequence_length), 0 = pad
    validation_sequences = text.vectorize(vectorizer, validation_texts)
    test_sequences = text.vectorize(vectorizer, test_texts)
    prepared = text.prepare_check(vectorizer, train_texts, test_sequences, args.test_fraction)
    words.prepared(prepared, LENGTH_PERCENTILE, MAX_SEQUENCE_LENGTH)
    report.trace(args.trace, train_sequences=train_sequences, test_sequences=test_sequences)
    words.first_review(args.trace, train_texts[0], train_sequences[0], vocabulary)

    report.step(5, "Baselines: the common-sense classifiers to beat")
    # Every test review called positive, and TF-IDF + logistic regression (a bag of words).
    baselines = text.fit_baselines(train_texts, train_labels, test_texts, test_labels)
    words.baselines(baselines)

    report.step(6, "Build the SimpleRNN")
    words.environment(start.environment)
    training.seed_everything(args.seed)  # the same seed, the same starting weights
    model = build_model(vocabulary_size, sequence_length)
    optimizer = keras.optimizers.Adam(LEARNING_RATE, clipnorm=args.clipnorm)
    watched = ["accuracy", keras.metrics.AUC(name="auc")]  # early stopping watches the AUC
    model.compile(optimizer=optimizer, loss=LOSS, metrics=watched, run_eagerly=args.eager)
    model.summary()

    report.step(7, "Train (a budget of optimizer steps; early stopping keeps the best epoch)")
    # A budget of weight updates, not of epochs: 1,000 short texts need many passes over the
    # data, the course's 16,000 reviews two or three. Batches grow with the data, up to 256.
    batch_size = args.batch_size or (QUICK_BATCH if args.quick else None)
    epochs = args.epochs or (QUICK_EPOCHS if args.quick else None)
    plan = training.budget(len(train_sequences), MAX_UPDATES, PATIENCE_UPDATES, batch_size, epochs)
    words.budget(plan, train_sequences[: plan["batch_size"]], train_labels[: plan["batch_size"]])
    logs = start.output_dir / "logs" if args.tensorboard else None  # TensorBoard's folder
    history = model.fit(
        train_sequences,
        train_labels,
        validation_data=(validation_sequences, validation_labels),
        epochs=plan["epochs"],
        batch_size=plan["batch_size"],
        validation_batch_size=256,
        callbacks=training.callbacks("val_auc", "max", plan["patience"], logs),
        shuffle=True,
        verbose=plan["verbose"],
    )
    trained = text.Trained(history, plan, time.time() - start.started, model.count_params())
    words.trained(trained)

    report.step(8, "Evaluate on the test part")
    # (test,) P(positive). Batches of 256: scoring needs no small batches; large ones are faster.
    test_probabilities = model.predict(test_sequences, batch_size=256, verbose=0)[:, 0]
    evaluation = text.evaluate(test_labels, test_probabilities, baselines)
    words.evaluation(evaluation, reviews.label_rule)
    report.trace(args.trace, test_probabilities=test_probabilities, test_labels=test_labels)

    report.step(9, "Read new reviews: raw text in, probability out")
    end_to_end = with_vectorizer(vectorizer, model)  # raw review strings in, P(positive) out
    challenge_results = None
    if reviews.source.embedded:  # the examples and the challenge set are clothing reviews
        challenge_table = text.load_challenge(CHALLENGE_DATA)  # columns text, label, category
        new_reviews = [*EXAMPLES, *challenge_table["text"]]  # read in one call: one traced function
        new_probabilities = end_to_end.predict(text.as_text_input(new_reviews), verbose=0)[:, 0]
        words.examples(EXAMPLES, new_probabilities[: len(EXAMPLES)])
        challenge_probabilities = new_probabilities[len(EXAMPLES) :]  # (80,) P(positive)
        challenge_results = text.score_challenge(
            challenge_table, challenge_probabilities, baselines.tfidf_logreg, CHALLENGE_DATA
        )
        words.challenge_table(challenge_results.scores, CHALLENGE_DATA.name)
    else:  # a challenge file written for the learner's data is scored on request (--challenge)
        words.no_challenge(CHALLENGE_DATA.name, start.output_dir)

    report.step(10, "Save plots, model and metrics")
    run = text.Run(CASE, reviews, prepared, trained, evaluation, challenge_results)
    metrics, written = review_files.save(start, end_to_end, run)
    words.saved(start.output_dir, ["data.png", *written], args.quick)
    plots.show(args.show)
    return metrics


if __name__ == "__main__":
    main()
