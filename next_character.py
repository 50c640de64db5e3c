"""Read reviews one character at a time and predict the next one; then write new reviews.

The slides' first example of a recurrent network: "the RNN uses the previous words to help
decide what word is most likely to come next". Here the words are characters. The network
(an embedding, an LSTM, a softmax over the characters) is scored against two baselines on
held-out reviews, in bits per character: the unigram (each character's frequency) and an
n-gram (the n - 1 characters before, interpolated Kneser-Ney, its order chosen on validation).
Then it writes new text, one sampled character at a time, at several temperatures.

Data: by default data/clothing_reviews.csv, its Review Text column (22,641 reviews, 7.0
million characters; see data/README.md). Any CSV with a text column works too:

    python next_character.py
    python next_character.py --quick
    python next_character.py --cell gru --prompt "The fabric" --temperature 0.5
    python next_character.py --data my.csv --text-columns Summary,Body
    python next_character.py --generate --prompt "I love" --length 300

Good places for a breakpoint (the debugger's variables panel shows the values):
  - in `characters_and_ids` (Step 3), after `train_inputs, train_targets = ...`: (windows,
    100) int ids each; the targets are the inputs one character later.
    `characters.decode(train_inputs[0], vocabulary)` gives the text back.
  - on `history = model.fit(...)` in `train`: the windows the network is about to learn from.
  - in `generate`, inside the `for` loop: `state` is the LSTM's [h, c], each (1, units), carried
    from one character to the next; `probabilities` (characters,) is P(next character).
"""

import argparse
import math
import time
from pathlib import Path

from common import cli  # reads the command line; loads neither TensorFlow nor Keras

SCRIPT = "next_character"
EMBEDDED_DATA = Path(__file__).resolve().parent / "data" / "clothing_reviews.csv"
CELLS = {"simple": "simple_rnn", "lstm": "lstm", "gru": "gru"}  # --cell: the layer it picks
SEQUENCE_LENGTH = 100  # characters per training window (the state starts at zeros in each)
BATCH_SIZE = 64  # windows per update
MAX_UPDATES = 400  # optimizer updates at most (about 0.45 passes over the training text)
CHECK_EVERY = 50  # updates between two checks of the validation loss: one Keras "epoch"
PATIENCE_CHECKS = 3  # checks without a better validation loss before training stops
VALIDATION_WINDOWS = 256  # validation windows the checks read (25,600 characters)
EMBEDDING_DIM = 32  # numbers per character
LSTM_UNITS = 128  # the LSTM's state; a GRU or a SimpleRNN gets as many weights (Step 5)
LEARNING_RATE = 3e-3  # Adam's
ORDERS = range(1, 9)  # n-gram orders tried on the validation part
MIN_REVIEWS = 20  # fewer cannot give a training, a validation and a test part
QUICK = {"reviews": 2000, "length": 60}  # --quick: reviews in training, characters generated
SETTINGS = {  # the training plan's numbers (common/machinery/character_files.budget)
    "updates": MAX_UPDATES,
    "check_every": CHECK_EVERY,
    "patience": PATIENCE_CHECKS,
    "batch_size": BATCH_SIZE,
    "sequence_length": SEQUENCE_LENGTH,
    "quick": {"updates": 20, "check_every": 10, "batch_size": 16},
}


def temperatures(text):
    """argparse type: one temperature or several, comma-separated, e.g. 0.2,0.7,1.0."""
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected numbers such as 0.2,0.7,1.0, got {text!r}"
        ) from None
    if not values or any(not (value >= 0 and math.isfinite(value)) for value in values):
        raise argparse.ArgumentTypeError(f"expected numbers of 0 or more, got {text!r}")
    return values


def build_parser():
    helps = {
        "epochs": f"most validation checks, {CHECK_EVERY} updates each (default: "
        f"{MAX_UPDATES // CHECK_EVERY}; early stopping may stop sooner)",
        "batch_size": f"windows of {SEQUENCE_LENGTH} characters per update (default: {BATCH_SIZE})",
    }
    parser = cli.base_parser(__doc__, SCRIPT, epochs=None, batch_size=None, helps=helps)
    flag = parser.add_argument
    flag(
        "--text-columns",
        metavar="A,B",
        type=cli.column_list,
        help="text columns joined into one review (default: Review Text where the file has "
        "it, else those of Title, Review Text, Class Name that exist)",
    )
    flag(
        "--cell",
        choices=list(CELLS),
        default="lstm",
        help="the recurrent layer: simple (SimpleRNN), lstm or gru (default: %(default)s)",
    )
    flag(
        "--prompt",
        default="This dress",
        help="text the generation starts from (default: %(default)r)",
    )
    flag(
        "--temperature",
        type=temperatures,
        default=[0.2, 0.7, 1.0],
        metavar="T",
        help="sampling temperature; several comma-separated side by side (default: 0.2,0.7,1.0)",
    )
    flag(
        "--length",
        type=cli.positive_int,
        default=200,
        help="characters to generate at "
        "most; a newline ends a review sooner (default: %(default)s)",
    )
    flag(
        "--generate",
        action="store_true",
        help="sample from the model saved in "
        "--output-dir (model.keras, characters.json); train nothing",
    )
    return parser


def check_flags(args):
    """The mistakes the flags alone show, found before TensorFlow loads."""
    if "\n" in args.prompt:
        raise cli.UsageError("--prompt must be one line: a newline ends a review")


if __name__ == "__main__":
    # TensorFlow takes seconds to load: read the command line first, so that `--help` and a
    # mistyped flag answer at once. `main` reads it again to run.
    cli.read_arguments_first(build_parser, check_flags)

# `common` comes before Keras: it keeps TensorFlow's start-up log quiet, which must be set up
# before TensorFlow (and so Keras) is imported.
from common import characters, forecasting, models, ngram, plots, report, training  # noqa: E402
from common.machinery import character_files  # noqa: E402
from common.report import characters as words  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402


def load_and_split(args):
    """Steps 1-2: the texts, and whole reviews to training, validation and test (80/10/10)."""
    report.step(1, "Load the reviews")
    texts = characters.load_texts(args, EMBEDDED_DATA, MIN_REVIEWS)
    words.loaded(texts)
    report.step(2, "Split by review: training, validation, test (80 / 10 / 10)")
    parts = quick_slice(characters.split_reviews(texts.texts, args.seed), args.quick)
    words.split_sizes(*parts)
    return texts, parts


def quick_slice(parts, quick):
    """With --quick, the first QUICK["reviews"] training reviews and an eighth of that of the
    validation and test parts: a smoke test whose numbers mean little."""
    if not quick:
        return parts
    sizes = QUICK["reviews"], QUICK["reviews"] // 8, QUICK["reviews"] // 8
    return tuple(part[:size] for part, size in zip(parts, sizes, strict=True))


def baselines(vocabulary, train_texts, validation_texts, test_reviews):
    """Step 4: the unigram and the n-gram (order chosen on validation), scored on the test part.
    Returns (the chosen order, {name: (test characters,) probabilities}, the
    validation bits per character of each order)."""
    counted = characters.scored(train_texts, vocabulary, pad=max(ORDERS))
    counts = ngram.count(counted.stream, counted.targets, max(ORDERS), vocabulary.size)
    validation_reviews = characters.scored(validation_texts, vocabulary, pad=max(ORDERS))
    order, by_order = ngram.choose_order(counts, validation_reviews, ORDERS)
    test_next = test_reviews.stream[test_reviews.targets]  # (test characters,) ids
    probabilities = {
        "unigram": ngram.unigram_probabilities(counts, test_next),
        "ngram": ngram.scored_probabilities(counts, order, test_reviews),
    }
    return order, probabilities, by_order


def build_model(characters_count, cell="lstm", units=None):
    """Character ids (batch, steps) -> Embedding -> the recurrent layer, its state after every
    character -> softmax: P(next character) at every step, (batch, steps, characters).

    The recurrent layer also returns its final state (return_state=True): `generate` feeds it
    back as the next step's initial_state. `steps` is free (None): training reads windows of
    100, scoring whole reviews, generation one character at a time.
    """
    units = units or characters.equal_parameter_units(
        cell, 4 * LSTM_UNITS * (LSTM_UNITS + EMBEDDING_DIM + 1), EMBEDDING_DIM
    )
    ids = keras.Input(shape=(None,), dtype="int32", name="character_ids")
    vectors = keras.layers.Embedding(characters_count, EMBEDDING_DIM, name="embedding")(ids)
    recurrent = models.recurrent_layer(
        cell, units, name="recurrent", return_sequences=True, return_state=True
    )
    states, *_ = recurrent(vectors)  # (batch, steps, units); the final state is not used here
    probabilities = keras.layers.Dense(
        characters_count, activation="softmax", name="next_character"
    )(states)
    return keras.Model(ids, probabilities, name=f"{cell}_next_character")


def train(model, windows, plan, tensorboard_dir=None):
    """Step 6: fit on the training windows for a budget of updates; early stopping watches the
    validation loss and keeps the best check's weights. Returns the History."""
    (train_inputs, train_targets), (validation_inputs, validation_targets) = windows
    history = model.fit(
        train_inputs,  # (windows, 100) ids
        train_targets,  # (windows, 100) the ids one character later
        validation_data=(validation_inputs, validation_targets),
        epochs=plan["epochs"],  # each "epoch" is CHECK_EVERY updates, then a validation check
        steps_per_epoch=plan["steps_per_epoch"],
        batch_size=plan["batch_size"],
        shuffle=False,  # the windows are shuffled already, with the seed
        callbacks=training.callbacks("val_loss", "min", plan["patience"], tensorboard_dir),
        verbose=plan["verbose"],
    )
    return history


def generate(model, vocabulary, prompt, temperature, length, seed):
    """Write text after `prompt`, one character at a time: the network reads the prompt, then
    each sampled character is fed back as the next input, and the recurrent state carries
    what came before from one step to the next. A newline (the end of a review) stops it."""
    embedding = model.get_layer("embedding")
    recurrent = model.get_layer("recurrent")
    softmax = model.get_layer("next_character")
    rng = np.random.default_rng(seed)  # the same seed, the same text
    ids = characters.encode(characters.NEWLINE + prompt, vocabulary)[None, :]  # (1, steps)
    state = None  # zeros; then the LSTM's [h, c], each (1, units); [h] for a SimpleRNN or GRU
    written = []
    for _ in range(length):
        vectors = embedding(ids)  # (1, steps, EMBEDDING_DIM)
        outputs, *state = recurrent(vectors, initial_state=state)  # outputs (1, steps, units)
        probabilities = keras.ops.convert_to_numpy(softmax(outputs[:, -1]))[0]  # (characters,)
        next_id = characters.sample(probabilities, temperature, rng)
        if vocabulary.symbols[next_id] == characters.NEWLINE:
            break  # the review ends
        written.append(next_id)
        ids = np.array([[next_id]], dtype=np.int32)  # this step's output is the next input
    return prompt + characters.decode(written, vocabulary)


def hidden_states(model, text, vocabulary):
    """(characters, units): the recurrent layer's state after each character of `text`."""
    ids = characters.encode(characters.NEWLINE + text, vocabulary)[None, :]  # (1, steps)
    states, *_ = model.get_layer("recurrent").output  # (batch, steps, units) in the model
    reader = keras.Model(model.inputs, states)  # the same layers, up to the recurrent one
    return reader.predict(ids, verbose=0)[0, 1:]  # after the leading newline: one per character


def samples(model, vocabulary, args):
    """Step 8: one text per --temperature, each from the same --seed."""
    length = QUICK["length"] if args.quick and args.length == 200 else args.length
    return {
        t: generate(model, vocabulary, args.prompt, t, length, args.seed) for t in args.temperature
    }


def generate_only(args):
    """--generate: sample from the saved model; train nothing."""
    check_flags(args)
    model, vocabulary = character_files.load(args.output_dir)
    report.step(1, f"Generate from the model in {args.output_dir}")
    written = samples(model, vocabulary, args)
    words.samples(written)
    return written


def characters_and_ids(args, train_texts, validation_texts):
    """Step 3: the characters, the training plan, and the windows the network learns from:
    ((train_inputs, train_targets), (validation_inputs, validation_targets)), each (windows,
    SEQUENCE_LENGTH) ids, the targets one character later than the inputs."""
    vocabulary = characters.vocabulary_of(train_texts)  # the training part's characters
    plan = character_files.budget(args, SETTINGS)
    train_stream = characters.training_stream(train_texts, vocabulary)  # (characters,) ids
    validation_stream = characters.training_stream(validation_texts, vocabulary)
    characters.check_windows(train_stream, validation_stream, SEQUENCE_LENGTH)
    needed = plan["updates"] * plan["batch_size"] * SEQUENCE_LENGTH  # characters the budget reads
    passes = int(np.ceil(needed / len(train_stream)))  # cuts of the text, each from another offset
    train_inputs, train_targets = characters.windows(
        train_stream, SEQUENCE_LENGTH, passes, args.seed
    )
    validation_inputs, validation_targets = (
        part[:VALIDATION_WINDOWS] for part in characters.windows(validation_stream, SEQUENCE_LENGTH)
    )
    windows = (train_inputs, train_targets), (validation_inputs, validation_targets)
    return vocabulary, plan, windows


def picture(model, vocabulary, args, test_texts):
    """Step 9: the cell picture of one test review, against the untrained network's units."""
    text = characters.picture_review(test_texts)
    training.seed_everything(args.seed)  # the untrained twin starts where training started
    untrained = build_model(vocabulary.size, CELLS[args.cell])
    trained_states = hidden_states(model, text, vocabulary)  # (characters, units)
    untrained_states = hidden_states(untrained, text, vocabulary)
    return characters.cell_picture(text, trained_states, untrained_states)


def comparison_task(quick):
    """compare_cells.py's next_character task, made by this script's own steps (the embedded
    reviews, the split, the windows, the plan and the n-gram of a default run; --quick's with
    `quick`). Returns the task's parts: {"facts", "data", "build", "fitting", "evaluate"}.
    Each cell gets about the LSTM's recurrent weights; the verdict against the n-gram is the
    paired t-test over the test reviews, as in Step 7."""
    args = build_parser().parse_args(["--quick"] * quick)
    texts = characters.load_texts(args, EMBEDDED_DATA, MIN_REVIEWS)
    parts = quick_slice(characters.split_reviews(texts.texts, args.seed), quick)
    vocabulary, plan, windows = characters_and_ids(args, *parts[:2])
    test_reviews = characters.scored(parts[2], vocabulary, pad=max(ORDERS))
    order, baseline_probabilities, _ = baselines(vocabulary, *parts[:2], test_reviews)
    ngram_bits = characters.bits(baseline_probabilities["ngram"])  # (test characters,)
    ngram_means = characters.review_means(ngram_bits, test_reviews.reviews)

    def evaluate(model):
        """Test bits per character, and the paired t-test against the n-gram."""
        bits = characters.bits(characters.network_probabilities(model, test_reviews))
        means = characters.review_means(bits, test_reviews.reviews)
        return float(np.mean(bits)), {"paired_t": characters.paired_test(means, ngram_means)}

    lstm_weights = 4 * LSTM_UNITS * (LSTM_UNITS + EMBEDDING_DIM + 1)
    units = {
        cell: characters.equal_parameter_units(cell, lstm_weights, EMBEDDING_DIM)
        for cell in CELLS.values()
    }
    budget = {key: plan[key] for key in ("epochs", "batch_size", "patience", "steps_per_epoch")}
    return {
        "facts": {
            "description": f"next_character.py: the next character of a review ({len(texts.texts)} "
            "reviews; test bits per character, each cell with about the LSTM's weights)",
            "metric": "bits_per_character",
            "lower_is_better": True,
            "units": units,  # by cell
            "input_features": EMBEDDING_DIM,  # the recurrent layer reads character vectors
            "training_samples": len(windows[0][0]),
            "baseline": {"name": "ngram", "value": float(np.mean(ngram_bits)), "order": order},
        },
        "data": {"train": windows[0], "validation": windows[1]},
        "build": lambda cell: build_model(vocabulary.size, cell, units[cell]),
        "fitting": {
            "loss": "sparse_categorical_crossentropy",
            "optimizer": {"learning_rate": LEARNING_RATE, "weight_decay": None},
            "budget": budget,
        },
        "evaluate": evaluate,
    }


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.generate:  # the saved model writes; nothing is trained
        return generate_only(args)
    check_flags(args)
    start = forecasting.start(args)  # seeds, the output folder, the clock
    texts, (train_texts, validation_texts, test_texts) = load_and_split(args)

    report.step(3, "Characters and ids: one window and its target, one character later")
    vocabulary, plan, windows = characters_and_ids(args, train_texts, validation_texts)
    words.characters_and_ids(vocabulary, *windows[0], plan)
    report.trace(args.trace, train_inputs=windows[0][0], train_targets=windows[0][1])
    test_reviews = characters.scored(test_texts, vocabulary, pad=max(ORDERS))  # whole reviews

    report.step(4, "Baselines: the unigram and the n-gram, its order chosen on validation")
    order, baseline_probabilities, by_order = baselines(
        vocabulary, train_texts, validation_texts, test_reviews
    )
    words.baselines(order, by_order)

    report.step(5, f"Build: embedding -> {args.cell} -> softmax over {vocabulary.size} characters")
    words.environment(start.environment)
    training.seed_everything(args.seed)  # the same seed, the same starting weights
    model = build_model(vocabulary.size, CELLS[args.cell])
    optimizer = training.optimizer(LEARNING_RATE, clipnorm=args.clipnorm)
    model.compile(optimizer, loss="sparse_categorical_crossentropy", run_eagerly=args.eager)
    model.summary()

    report.step(6, "Train: a budget of updates, early stopping on the validation loss")
    logs = start.output_dir / "logs" if args.tensorboard else None
    fit_started = time.time()
    history = train(model, windows, plan, logs)
    seconds = time.time() - fit_started
    trained = character_files.Trained(history, plan, seconds, model.count_params())
    words.trained(trained)

    report.step(7, "Evaluate on the test reviews: bits per character, and the paired test")
    model_probabilities = characters.network_probabilities(model, test_reviews)  # (characters,)
    evaluation = character_files.evaluate(
        args.cell, model_probabilities, baseline_probabilities, test_reviews, order
    )
    words.evaluation(evaluation)
    report.trace(args.trace, model_probabilities=model_probabilities)

    report.step(8, f"Generate: the prompt {args.prompt!r}, then one character at a time")
    written = samples(model, vocabulary, args)
    words.samples(written)

    report.step(9, "Inside the network: units that follow something you can name")
    cells = picture(model, vocabulary, args, test_texts)
    words.cell_picture(cells)

    report.step(10, "Save plots, model and metrics")
    run = character_files.Run(texts, vocabulary, trained, evaluation, written, cells, by_order)
    metrics, written_files = character_files.save(start, model, run)
    report.written(start.output_dir, written_files)
    plots.show(args.show)
    return metrics


if __name__ == "__main__":
    main()
