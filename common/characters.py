"""Next-character prediction: reviews as character ids, the n-gram baselines, bits per character.

A review becomes a row of character ids. The ids come from the training part's characters: the
most frequent MAX_CHARACTERS of them, and id 0 for any other ("unknown"). Each review ends with
a newline, so a model also learns where reviews end:

    characters = vocabulary_of(["ab a"])       # characters.symbols == ["�", "\\n", " ", "a", "b"]
    encode("ab!", characters)                   # array([3, 4, 0]): "!" is unknown

Two baselines read the same ids. The unigram gives every character its training frequency. The
n-gram of order n reads the n - 1 characters before (interpolated Kneser-Ney, as in Chen and
Goodman 1998): a long context's counts, discounted, plus a share of the next shorter context's
probability, down to one character and then to "any character alike". The shorter contexts count
in how many different contexts a character sequence follows, not how often it occurs: "ncisco"
is frequent, but almost always after "Fra", so it says little about a new context.

Scores are in bits per character: the mean of -log2 P(the next character). A model that knows
nothing about 96 characters scores log2(96) = 6.6; each bit less halves its uncertainty.
Perplexity = 2 ** bits: how many characters the model is choosing between, on average.

next_character.py writes its lesson (the windows, build, compile, fit, generate) in its own file;
the checks around it are one call each here and return frozen records.
"""

from dataclasses import dataclass

from common.machinery.errors import UsageError
from common.machinery.series import closest_column, read_table

import numpy as np
from scipy import stats

NEWLINE = "\n"  # ends every review (and stands before its first character)
UNKNOWN = "\ufffd"  # shown for id 0: a character the training part did not have (or rarely had)
MAX_CHARACTERS = 200  # the most frequent training characters get ids; V**8 must fit in 63 bits
PREFERRED_COLUMNS = ("Review Text",)  # the default text: the reviews' own words
FALLBACK_COLUMNS = ("Title", "Review Text", "Class Name")  # as case 8-1, when there is no such


# --- Loading and splitting ---------------------------------------------------------------------


@dataclass(frozen=True)
class Texts:
    """Step 1: the texts of a file, one review per row."""

    texts: np.ndarray  # (reviews,) str
    text_columns: list  # joined with spaces, in this order
    path: object  # the file read
    embedded: bool  # True: the project's reviews in data/
    dropped: int  # rows left out because they held no text

    @property
    def characters(self):
        """Characters in all the texts (7.0 million on the embedded reviews)."""
        return int(sum(len(text) for text in self.texts))


def load_texts(args, embedded_path, min_reviews):
    """The texts of --data (or `embedded_path`) in --text-columns (default: Review Text where
    the file has it, else those of Title, Review Text and Class Name it has), joined with
    spaces; a line break inside a text becomes a space. Rows with no text at all are dropped.
    Fewer than `min_reviews` texts: UsageError."""
    embedded = args.data is None
    path = embedded_path if embedded else args.data
    table = read_table(path)
    if args.text_columns:
        columns = [closest_column(name, table.columns) for name in args.text_columns]
    else:
        columns = [name for name in PREFERRED_COLUMNS if name in table.columns] or [
            name for name in FALLBACK_COLUMNS if name in table.columns
        ]
    if not columns:
        raise UsageError(
            f"no text column found among {', '.join(map(repr, table.columns))}: "
            "name them with --text-columns A,B"
        )
    cells = table[columns].astype("string").fillna("")
    joined = cells.agg(" ".join, axis=1).str.strip()
    # A newline ends a review (and a generated text): line breaks inside a review become spaces.
    joined = joined.str.replace(r"\s*[\r\n]+\s*", " ", regex=True)
    kept = joined.str.len() > 0
    texts = joined[kept].to_numpy(dtype=object)
    if len(texts) < min_reviews:
        raise UsageError(
            f"{len(texts)} texts with characters in {', '.join(columns)} are too few: "
            f"use a file with at least {min_reviews} of them"
        )
    return Texts(texts, columns, path, embedded, int((~kept).sum()))


def split_reviews(texts, seed, fractions=(0.8, 0.1)):
    """Whole reviews to training, validation and test (80 / 10 / 10 by default), drawn with
    `seed`: no review is cut between two parts. Returns three (reviews,) arrays of str."""
    order = np.random.default_rng(seed).permutation(len(texts))
    train_end = int(round(fractions[0] * len(texts)))
    validation_end = train_end + int(round(fractions[1] * len(texts)))
    texts = np.asarray(texts, dtype=object)
    return (
        texts[order[:train_end]],
        texts[order[train_end:validation_end]],
        texts[order[validation_end:]],
    )


# --- Characters and ids ------------------------------------------------------------------------


@dataclass(frozen=True)
class Characters:
    """The characters a model predicts: symbols[i] is the character of id i (id 0: unknown)."""

    symbols: list  # ["�", "\n", " ", "!", ...]
    codes: np.ndarray  # (characters - 1,) sorted Unicode code points of symbols[1:]
    ids: np.ndarray  # (characters - 1,) the id of each code point in `codes`

    @property
    def size(self):
        return len(self.symbols)


def code_points(text):
    """A string's Unicode code points as an int array, without a Python loop per character."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def vocabulary_of(train_texts, most=MAX_CHARACTERS):
    """The training texts' `most` most frequent characters and the newline, sorted; id 0 stays
    for every other character."""
    points = code_points("".join(train_texts))
    found, counts = np.unique(points, return_counts=True)
    kept = found[np.argsort(-counts, kind="stable")[: most - 1]]
    kept = np.union1d(kept, [ord(NEWLINE)])  # sorted code points
    symbols = [UNKNOWN, *(chr(point) for point in kept)]
    return Characters(symbols, kept, np.arange(1, len(kept) + 1))


def encode(text, characters):
    """A string -> (len(text),) int32 ids (0 for a character without an id)."""
    points = code_points(text)
    where = np.clip(np.searchsorted(characters.codes, points), 0, len(characters.codes) - 1)
    known = characters.codes[where] == points
    return np.where(known, characters.ids[where], 0).astype(np.int32)


def decode(ids, characters):
    """Ids -> the string they stand for."""
    return "".join(characters.symbols[int(i)] for i in ids)


def training_stream(texts, characters):
    """The texts as one row of ids, "\\n" + review + "\\n" + review + ...: what the network's
    training windows are cut from. (total characters + reviews + 1,) int32."""
    return encode(NEWLINE + "".join(text + NEWLINE for text in texts), characters)


def windows(stream, length, passes=1, seed=0):
    """Windows of `length` ids and their targets, the same ids one step later.

        stream [5, 8, 2, 9, 4, 7, 1], length 3 -> inputs [[5, 8, 2], [9, 4, 7]],
                                                  targets [[8, 2, 9], [4, 7, 1]]

    passes: how many times the stream is cut, each time from another offset (0, length /
    passes, ...), so a budget of more than one pass sees other windows. The windows are
    shuffled with `seed`. Returns inputs and targets, each (windows, length) int32.
    """
    inputs, targets = [], []
    for each in range(passes):
        offset = each * length // passes
        count = (len(stream) - 1 - offset) // length
        cut = stream[offset : offset + count * length + 1]
        inputs.append(cut[:-1].reshape(count, length))
        targets.append(cut[1:].reshape(count, length))
    order = np.random.default_rng(seed).permutation(sum(len(part) for part in inputs))
    return np.concatenate(inputs)[order], np.concatenate(targets)[order]


def check_windows(train_stream, validation_stream, length):
    """Enough text for one training and one validation window of `length` characters, else
    UsageError."""
    for name, stream in [("training", train_stream), ("validation", validation_stream)]:
        if len(stream) <= length:
            raise UsageError(
                f"the {name} part holds {len(stream) - 1} characters, too few for one window of "
                f"{length}: use a file with more or longer texts"
            )


# --- Scoring a set of reviews ------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """Reviews ready to score, one character at a time, by the n-gram or the network.

    stream holds each review after `pad` newlines: "\\n" * pad + review + "\\n". `targets` are the
    positions of the characters to predict (each review's characters and its final newline);
    `reviews` says which review each target belongs to."""

    stream: np.ndarray  # (ids,) int32
    targets: np.ndarray  # (characters to predict,) positions in `stream`
    reviews: np.ndarray  # (characters to predict,) the review of each, 0, 1, ...
    pad: int

    def contexts(self, length):
        """(targets, length) ids: the `length` characters before each target, oldest first."""
        offsets = np.arange(-length, 0)
        return self.stream[self.targets[:, None] + offsets[None, :]]


def scored(texts, characters, pad):
    """The Scored reviews of `texts` (see Scored); pad >= 1, the longest context read."""
    rows, targets, reviews, start = [], [], [], 0
    for number, text in enumerate(texts):
        ids = encode(NEWLINE * pad + text + NEWLINE, characters)
        rows.append(ids)
        targets.append(start + np.arange(pad, len(ids)))
        reviews.append(np.full(len(ids) - pad, number))
        start += len(ids)
    return Scored(np.concatenate(rows), np.concatenate(targets), np.concatenate(reviews), pad)


def bits(probabilities):
    """-log2 of each probability: the bits a model spends on each character."""
    return -np.log2(np.maximum(probabilities, 1e-12))


def scores(character_bits):
    """{"bits_per_character", "perplexity"} of (characters,) bits."""
    mean = float(np.mean(character_bits))
    return {"bits_per_character": mean, "perplexity": float(2.0**mean)}


def review_means(character_bits, reviews):
    """(reviews,) each review's mean bits per character."""
    counts = np.bincount(reviews)
    return np.bincount(reviews, weights=character_bits) / np.maximum(counts, 1)


def paired_test(model_means, baseline_means):
    """Paired t-test of two models' per-review mean bits on the same reviews: {"statistic",
    "p"} (negative statistic: the model spends fewer bits). Identical scores: statistic 0, p 1."""
    differences = np.asarray(model_means) - np.asarray(baseline_means)
    if len(differences) < 2 or np.allclose(differences, differences[0]):
        return {"statistic": 0.0, "p": 1.0}
    test = stats.ttest_1samp(differences, 0.0)
    return {"statistic": float(test.statistic), "p": float(test.pvalue)}


# --- Generation --------------------------------------------------------------------------------


def sample(probabilities, temperature, rng):
    """One character id drawn from `probabilities` (characters,) sharpened by `temperature`:
    p ** (1 / T), renormalised. T -> 0 gives the most likely character, T = 1 the model's own
    probabilities, T > 1 flatter ones. rng: a NumPy Generator (the same seed, the same text)."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if temperature < 1e-3:
        return int(np.argmax(probabilities))
    logits = np.log(np.maximum(probabilities, 1e-30)) / temperature
    sharpened = np.exp(logits - logits.max())
    return int(rng.choice(len(sharpened), p=sharpened / sharpened.sum()))


def equal_parameter_units(cell, reference_params, features):
    """The units that give `cell` about `reference_params` recurrent weights with `features`
    inputs per step: n(n + m + 1) for a SimpleRNN, 4n(n + m + 1) an LSTM, 3n(n + m + 2) a GRU.
    LSTM(128) on 32 inputs has 82,432; a GRU gets 150 units (82,800), a SimpleRNN 271 (82,654)."""
    gates, extra = {"simple_rnn": (1, 1), "lstm": (4, 1), "gru": (3, 2)}[cell]
    # gates * n * (n + m + extra) = params: the positive root of n^2 + (m + extra) n - params/gates
    b, c = features + extra, -reference_params / gates
    root = (-b + np.sqrt(b * b - 4 * c)) / 2
    candidates = [int(np.floor(root)), int(np.ceil(root))]
    return min(candidates, key=lambda n: abs(gates * n * (n + b) - reference_params))


# --- The network on whole reviews --------------------------------------------------------------


def review_spans(scored_reviews):
    """(first, end) index pairs into scored_reviews.targets, one per review, in order."""
    starts = np.flatnonzero(np.diff(scored_reviews.reviews, prepend=-1))
    return np.stack([starts, np.append(starts[1:], len(scored_reviews.targets))], axis=1)


def network_probabilities(model, scored_reviews, batch_size=128, multiple=256):
    """(targets,) the network's P of each target of a Scored, each review read from its start:
    the network reads "\\n" + review and predicts review + "\\n", the state starting at zeros.

    Reviews of about the same length go in one batch of `batch_size` rows, padded at the end to
    a multiple of `multiple` characters (the padding comes after every scored step, so it changes
    nothing). Few shapes: Keras traces its predict function once per shape.
    """
    stream, targets = scored_reviews.stream, scored_reviews.targets
    spans = review_spans(scored_reviews)
    lengths = spans[:, 1] - spans[:, 0]
    found = np.zeros(len(targets))
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        width = int(np.ceil(lengths[chunk].max() / multiple) * multiple)
        inputs = np.zeros((batch_size, width), dtype=np.int32)  # (batch_size, width), 0-padded
        for row, review in enumerate(chunk):
            positions = targets[spans[review, 0] : spans[review, 1]]
            inputs[row, : len(positions)] = stream[positions - 1]
        predicted = model.predict(inputs, batch_size=batch_size, verbose=0)  # (batch, width, V)
        for row, review in enumerate(chunk):
            first, end = spans[review]
            positions = targets[first:end]
            found[first:end] = predicted[row, np.arange(len(positions)), stream[positions]]
    return found


# --- Inside the network: units that follow something a learner can name ----------------------

SENTENCE_ENDS = ".!?"
OPENING, CLOSING = '("[', ')"]'


def nameable_features(text):
    """Per character of `text`, what a learner can name: {"end of a sentence": 1 on . ! ?,
    "position in a word": letters since the word began (0 on spaces and punctuation), "inside
    quotes or brackets": 1 between ( and ), " and ", [ and ], "how far into the review": 0 to 1}.
    Each value is (len(text),) float."""
    sentence_end = np.array([char in SENTENCE_ENDS for char in text], dtype=float)
    in_word, inside = np.zeros(len(text)), np.zeros(len(text))
    letters, open_mark = 0, None
    for position, char in enumerate(text):
        letters = letters + 1 if char.isalnum() or char == "'" else 0
        in_word[position] = letters
        if open_mark is not None and char == CLOSING[OPENING.index(open_mark)]:
            open_mark = None
        elif open_mark is None and char in OPENING:
            open_mark = char
        inside[position] = open_mark is not None
    return {
        "end of a sentence": sentence_end,
        "position in a word": in_word,
        "inside quotes or brackets": inside,
        "how far into the review": np.linspace(0, 1, len(text)),
    }


def picture_review(texts, shortest=250):
    """The held-out review the cell picture shows: the first of `texts` at least `shortest`
    characters long with a pair of quotes or brackets and three sentence ends (else the longest)."""
    for text in texts:
        features = nameable_features(text)
        has_pair = features["inside quotes or brackets"].any() and (
            features["inside quotes or brackets"][-1] == 0
        )
        if len(text) >= shortest and has_pair and features["end of a sentence"].sum() >= 3:
            return text
    return max(texts, key=len)


def strongest_units(states, features):
    """For each feature, the unit whose activation follows it best: {name: (unit, r)}, r the
    Pearson correlation over the review's characters (None when the feature is constant).
    states: (characters, units) activations; features: {name: (characters,)}."""
    centred = states - states.mean(axis=0)
    spread = np.sqrt((centred**2).sum(axis=0))
    found = {}
    for name, values in features.items():
        values = values - values.mean()
        if not values.any():
            found[name] = None
            continue
        r = centred.T @ values / np.maximum(spread * np.sqrt((values**2).sum()), 1e-12)
        unit = int(np.argmax(np.abs(r)))
        found[name] = (unit, float(r[unit]))
    return found


@dataclass(frozen=True)
class CellPicture:
    """Step 9: the units that follow a nameable feature across one held-out review."""

    text: str  # the review the network read (its characters, after the leading newline)
    states: np.ndarray  # (characters, units) the trained network's hidden state after each
    trained: dict  # {feature: (unit, r) or None}: the best unit of the trained network
    untrained: dict  # {feature: (unit, r) or None}: the best unit of the same network untrained

    def named(self):
        """{feature: (unit, r)} for the features whose trained unit correlates more strongly
        than any unit of the untrained network: a unit that training made."""
        return {
            name: found
            for name, found in self.trained.items()
            if found and self.untrained[name] and abs(found[1]) > abs(self.untrained[name][1])
        }


def cell_picture(text, trained_states, untrained_states):
    """The CellPicture of one review: trained_states and untrained_states are (characters,
    units) activations after each character of `text`."""
    features = nameable_features(text)
    return CellPicture(
        text,
        trained_states,
        strongest_units(trained_states, features),
        strongest_units(untrained_states, features),
    )
