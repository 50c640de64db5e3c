"""From a file of reviews to labels and token ids: loading, the label rule, standardisation,
vectorising, the baselines and the scores.

Text goes through three stages, each one a learner can look at in the debugger:

    "I don’t love it!"  --standardize_review-->  "i do not love it"
                        --TextVectorization--->  [5, 17, 9, 31, 6, 0, 0, ...]  (sequence_length ids)
                        --decode------------->   ["i", "do", "not", "love", "it"]

The course removes English stopwords with NLTK, which deletes "not", "no", "never" and the "n't"
of "don't": "not flattering at all" and "flattering" become the same review. Here negations
stay, as words of their own, and punctuation goes.

Importing this module registers `standardize_review` with Keras, so a saved model.keras that
holds the vectoriser loads with `keras.saving.load_model(path)` (safe mode on, no custom_objects).

Case 8-1 writes its lesson (vectorise, build, compile, fit, predict) in its own `main`. The checks
around the lesson are one call each here, and each returns a frozen record that does not change
after it is made:

    reviews = text.load_case_reviews(args, EMBEDDED_DATA, MIN_REVIEWS, MIN_PER_CLASS)  # Step 1
    prepared = text.prepare_check(vectorizer, train_texts, test_sequences, test_fraction)  # 4
    baselines = text.fit_baselines(train_texts, train_labels, test_texts, test_labels)  # Step 5
    trained = text.Trained(history, plan, seconds, params)                     # Step 7
    evaluation = text.evaluate(test_labels, test_probabilities, baselines)     # Step 8
    challenge = text.score_challenge(table, probabilities, tfidf_logreg, path)  # Step 9
    run = text.Run(case, reviews, prepared, trained, evaluation, challenge)    # Step 10

metrics.json and the plots are made from the Run (common/machinery/review_files.py); the words
a run prints come from common/report/text.py.
"""

from dataclasses import dataclass, field
from pathlib import Path

from common.machinery.errors import UsageError
from common.machinery.series import closest_column, read_table

import keras
import numpy as np
import pandas as pd
import tensorflow as tf
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split

# Joined in this order when present: the category first, so the review's own words come last,
# next to the SimpleRNN's final state.
DEFAULT_TEXT_COLUMNS = ("Class Name", "Title", "Review Text")
CATEGORY_COLUMN = "Class Name"  # rows without it are dropped when it is one of the text columns
POSITIVE_ABOVE = 3  # a rating above 3 (4 or 5 stars) is a positive review
# Negations written without the apostrophe ("dont"), read as "do not" like "don't".
NEGATIONS_WITHOUT_APOSTROPHE = (
    r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should|must|need)nt\b"
)


@keras.saving.register_keras_serializable(package="week8")
def standardize_review(texts):
    """Lower-case, spell negations out as "not", drop punctuation (a tf.string tensor in and out).

    "I don’t LOVE it... not flattering, at all!" -> "i do not love it not flattering at all"
    "can't" -> "can not", "won't" -> "will not", "didnt" -> "did not", "it's" -> "its",
    line breaks and dashes -> spaces; accented letters and digits stay ("café", 5'4" -> "5 4").
    """
    texts = tf.strings.lower(texts, encoding="utf-8")
    texts = tf.strings.regex_replace(texts, "[’‘`´]", "'")  # curly apostrophes as straight ones
    texts = tf.strings.regex_replace(texts, r"\bcan'?t\b|\bcannot\b", "can not")
    texts = tf.strings.regex_replace(texts, r"\bwon'?t\b", "will not")
    texts = tf.strings.regex_replace(texts, r"n't\b", " not")  # don't -> do not, isn't -> is not
    texts = tf.strings.regex_replace(texts, NEGATIONS_WITHOUT_APOSTROPHE, r"\1 not")
    # it's -> its (5'4" stays two numbers)
    texts = tf.strings.regex_replace(texts, r"(\p{L})'(\p{L})", r"\1\2")
    # punctuation, line breaks -> one space
    texts = tf.strings.regex_replace(texts, r"[^\p{L}\p{N}]+", " ")
    return tf.strings.strip(texts)


def standardize(texts):
    """`standardize_review` on Python strings: a list or array of str in, a list of str out."""
    cleaned = standardize_review(tf.constant(list(texts), dtype=tf.string)).numpy()
    return [text.decode("utf-8") for text in cleaned]


def token_counts(texts):
    """Tokens per text after standardisation, (texts,) ints: what sets the sequence length."""
    cleaned = standardize_review(tf.constant(list(texts), dtype=tf.string))
    return tf.strings.split(cleaned).row_lengths().numpy()


def sequence_length_for(train_texts, percentile, longest=None, smallest=8):
    """Tokens kept per review: the `percentile`-th percentile of training review lengths, at
    least `smallest` and at most `longest` (None: no upper limit).

    Longer reviews lose their last tokens. Shorter ones are padded with id 0 (masked away).
    """
    length = max(smallest, int(np.ceil(np.percentile(token_counts(train_texts), percentile))))
    return length if longest is None else min(longest, length)


def make_vectorizer(train_texts, max_tokens, sequence_length):
    """A TextVectorization layer whose vocabulary is adapted on `train_texts` only.

    Ids: 0 = padding, 1 = [UNK] (a word not in the training vocabulary), 2.. = words by frequency.
    Output: (reviews, sequence_length) int64, padded at the end with 0; Embedding(mask_zero=True)
    marks those zeros so the recurrent layer skips them and ends on the review's last real word.
    """
    vectorizer = keras.layers.TextVectorization(
        max_tokens=max_tokens,
        standardize=standardize_review,
        output_mode="int",
        output_sequence_length=sequence_length,
        name="vectorizer",
    )
    vectorizer.adapt(tf.constant(list(train_texts), dtype=tf.string))
    return vectorizer


def make_bag_vectorizer(train_texts, max_tokens):
    """A TextVectorization layer that turns a review into TF-IDF weights of its words and word
    pairs (the same standardisation), adapted on `train_texts` only: (reviews, max_tokens)."""
    vectorizer = keras.layers.TextVectorization(
        max_tokens=max_tokens,
        standardize=standardize_review,
        ngrams=2,
        output_mode="tf_idf",
        name="bag_of_words",
    )
    vectorizer.adapt(tf.constant(list(train_texts), dtype=tf.string))
    return vectorizer


def vectorize(vectorizer, texts):
    """Texts (reviews,) -> token ids (reviews, sequence_length) as a NumPy int array."""
    return np.asarray(vectorizer(tf.constant(list(texts), dtype=tf.string)))


def check_readable(review, token_ids):
    """--predict: a usage error when the review gives the model no word it knows (ids 0, the
    padding, and 1, [UNK], only). Punctuation and emoji are removed by the standardisation,
    so "!!! ???" leaves nothing; the model would then average no states at all (NaN) or read
    [UNK] alone, and its probability would mean nothing.
    token_ids: (sequence_length,) the review's ids, from `vectorize`."""
    words = int(np.count_nonzero(token_ids))
    if words == 0:
        raise UsageError(
            f"--predict {review!r} has no words once punctuation and symbols are removed: "
            'give a review in words, e.g. --predict "Soft fabric, lovely fit"'
        )
    if not np.any(np.asarray(token_ids) > 1):
        raise UsageError(
            f"--predict {review!r}: none of its {words} word(s) is in the model's vocabulary "
            "(learnt from the training reviews), so the model cannot read it: give a review "
            "in the words of the training file"
        )


def decode(token_ids, vocabulary):
    """Token ids back to words, padding left out: [5, 17, 9, 0, 0] -> ["i", "do", "not"]."""
    return [str(vocabulary[int(token_id)]) for token_id in token_ids if token_id != 0]


def as_text_input(texts):
    """Python strings -> the (reviews, 1) string tensor an end-to-end text model takes."""
    return tf.constant([[text] for text in texts], dtype=tf.string)


@dataclass(frozen=True)
class Source:
    """The file the reviews came from."""

    path: Path  # the file read
    embedded: bool = False  # True for the course's reviews in data/ (no --data)
    notes: list = field(default_factory=list)  # what loading dropped, and why


@dataclass(frozen=True)
class Reviews:
    """Reviews ready for a split: one text and one 0/1 label per kept row."""

    table: pd.DataFrame  # the kept rows, every column of the file
    texts: np.ndarray  # (reviews,) str: the text columns joined with spaces
    labels: np.ndarray  # (reviews,) int 0/1
    text_columns: list  # joined in this order
    label_column: str
    label_rule: str  # "0/1 as given" or "rating > 3"
    source: Source  # the file, and what loading dropped from it

    @property
    def positive_share(self):
        """The share of reviews labelled 1: 0.775 on the course's reviews."""
        return float(np.mean(self.labels))


def find_text_columns(table, requested=None):
    """The text columns: `requested` (each name matched as --target is matched). Without it,
    those of Class Name, Title and Review Text that the file has."""
    if requested:
        columns = [closest_column(name, table.columns) for name in requested]
    else:
        columns = [name for name in DEFAULT_TEXT_COLUMNS if name in table.columns]
        if not columns:
            raise UsageError(
                f"no text columns found: none of {', '.join(map(repr, DEFAULT_TEXT_COLUMNS))} "
                f"is among the columns {', '.join(map(repr, table.columns))}; "
                "name them with --text-columns A,B"
            )
    for column in columns:
        filled = table[column].dropna()
        if len(filled) == 0 or (filled.astype(str).str.strip() == "").all():
            raise UsageError(
                f"text column {column!r} is empty in every row: "
                "choose other columns with --text-columns"
            )
        if pd.api.types.is_numeric_dtype(table[column]):
            raise UsageError(
                f"column {column!r} holds numbers, not text: "
                "choose text columns with --text-columns"
            )
    return columns


LABEL_WORDS = {  # labels written as words, in any letter case: (negative, positive)
    "positive/negative": ("negative", "positive"),
    "pos/neg": ("neg", "pos"),
    "yes/no": ("no", "yes"),
    "true/false": ("false", "true"),
}


def labels_from(values, column):
    """The label rule: values already in {0, 1} are used as they are; words of one pair of
    LABEL_WORDS (positive/negative, yes/no, true/false, in any letter case) mean 1/0; other
    numbers mean positive when > 3.

    values: a pandas Series (one per review). Returns ((reviews,) int 0/1, the rule's name).
    Ratings [5, 4, 3, 1] -> [1, 1, 0, 0]; [0, 1, 1] -> [0, 1, 1]; ["Yes", "no"] -> [1, 0];
    ["good", "bad"] -> UsageError.
    """
    words = values.astype("string").str.strip().str.lower()
    missing = (words.isna() | (words == "")).to_numpy(dtype=bool)
    word_pairs = [
        (name, pair)
        for name, pair in LABEL_WORDS.items()
        if set(words[~missing].unique()) <= set(pair) and (~missing).any()
    ]
    numbers = pd.to_numeric(values, errors="coerce")
    not_numbers = numbers.isna().to_numpy() & ~missing & (not word_pairs)
    if not_numbers.any():
        known = {word for pair in LABEL_WORDS.values() for word in pair}
        unknown = not_numbers & ~words.isin(known).to_numpy(dtype=bool)
        row = int(np.flatnonzero(unknown if unknown.any() else not_numbers)[0])
        raise UsageError(
            f"label column {column!r} holds {values.iloc[row]!r}, "
            "which is neither a rating nor 0/1; labels must be 0/1, numbers where > 3 means "
            "positive, or words: positive/negative, yes/no or true/false "
            "(choose the column with --label-column)"
        )
    if missing.any():
        raise UsageError(
            f"label column {column!r} is empty in {int(missing.sum())} kept rows (e.g. data row "
            f"{int(np.flatnonzero(missing)[0]) + 1}): give every review a label"
        )
    if word_pairs:
        name, (_, positive) = word_pairs[0]
        return (words == positive).astype(int).to_numpy(), f"{name} as 1/0"
    if set(numbers.unique()) <= {0, 1}:
        return numbers.astype(int).to_numpy(), "0/1 as given"
    return (numbers > POSITIVE_ABOVE).astype(int).to_numpy(), f"rating > {POSITIVE_ABOVE}"


def join_cells(table):
    """One text per row from its text cells: ("Dresses", NaN, "Love it") -> "Dresses Love it".

    An empty or missing cell adds nothing. The work goes column by column, so 23,000 rows take
    milliseconds.
    """
    joined = pd.Series("", index=table.index)
    for column in table.columns:
        cells = table[column].map(str, na_action="ignore").str.strip()  # NaN stays NaN
        cells = cells[cells.fillna("") != ""]
        joined.loc[cells.index] = joined.loc[cells.index] + " " + cells
    return joined.str.strip()


def load_reviews(path, text_columns=None, label_column="Rating", embedded=False):
    """Read a CSV of reviews and apply the course's protocol (docs/PROTOCOL.md, "Text").

    When Class Name is one of the text columns, rows without a Class Name are dropped.
    Otherwise rows with no text at all are dropped. No other row is dropped. The text columns
    are joined with spaces (an empty cell adds nothing), and the label column becomes 0/1.
    embedded: True when `path` is the course's file in data/ (the case was given no --data).
    """
    table = read_table(path)
    text_columns = find_text_columns(table, text_columns)
    label_column = closest_column(label_column, table.columns)
    if label_column in text_columns:
        raise UsageError(
            f"{label_column!r} is both a text column and the label column: "
            "choose one with --text-columns / --label-column"
        )
    notes = []
    if CATEGORY_COLUMN in text_columns:
        kept = table[CATEGORY_COLUMN].notna()
        reason = f"no {CATEGORY_COLUMN}"
    else:
        kept = table[text_columns].notna().any(axis=1)
        reason = "no text at all"
    if not kept.all():
        notes.append(f"dropped {int((~kept).sum())} rows with {reason} (the course's protocol)")
    table = table[kept].reset_index(drop=True)
    if len(table) == 0:
        raise UsageError(f"no row of {path} is left after dropping rows with {reason}")
    texts = join_cells(table[text_columns]).to_numpy()  # (reviews,) str
    labels, rule = labels_from(table[label_column], label_column)
    return Reviews(
        table=table,
        texts=texts,
        labels=labels,
        text_columns=text_columns,
        label_column=label_column,
        label_rule=rule,
        source=Source(Path(path), embedded, notes),
    )


def load_case_reviews(args, embedded_data, min_reviews, min_per_class):
    """Step 1 of case 8-1: the reviews of --data, or of `embedded_data` without it.

    args: the parsed flags (--data, --text-columns, --label-column). A file with fewer than
    `min_reviews` reviews, or fewer than `min_per_class` in its smaller class, cannot give a
    training, a validation and a test part: it raises UsageError. Returns a Reviews.
    """
    embedded = args.data is None
    path = embedded_data if embedded else Path(args.data)
    reviews = load_reviews(path, args.text_columns, args.label_column, embedded)
    count = len(reviews.labels)
    smaller_class = int(min(reviews.labels.sum(), count - reviews.labels.sum()))
    if count < min_reviews or smaller_class < min_per_class:
        raise UsageError(
            f"{count} reviews, {smaller_class} of them in the smaller class, "
            "are too few to train and test on: "
            f"use a file with at least {min_reviews} reviews and {min_per_class} of each class"
        )
    return reviews


def course_split(texts, labels, test_fraction, validation_fraction, seed, split_seed=42):
    """The course's split, then validation out of the training part.

    Test: train_test_split(test_size=test_fraction, random_state=42), as the course's script does
    (5,868 test rows on its file). Validation: a stratified `validation_fraction` of the rest,
    drawn with `seed`. Returns train_texts, validation_texts, test_texts, train_labels,
    validation_labels, test_labels.
    """
    train_texts, test_texts, train_labels, test_labels = train_test_split(
        texts, labels, test_size=test_fraction, random_state=split_seed
    )
    train_texts, validation_texts, train_labels, validation_labels = train_test_split(
        train_texts,
        train_labels,
        test_size=validation_fraction,
        random_state=seed,
        stratify=train_labels,
    )
    return train_texts, validation_texts, test_texts, train_labels, validation_labels, test_labels


def standardize_example(texts, length=80):
    """The first review with an apostrophe (else the first review), cut to `length` characters,
    before and after standardisation: ("I don't love it", "i do not love it")."""
    example = next((review for review in texts if "'" in review or "’" in review), texts[0])
    short = example[:length]
    return short, standardize([short])[0]


@dataclass(frozen=True)
class Prepared:
    """Step 4: how the reviews became token ids. Also metrics.json's `protocol` block."""

    test_fraction: float  # the share of reviews in the test part (--test-fraction)
    sequence_length: int  # token ids per review, padding included
    vocabulary_size: int  # ids the vectoriser knows, padding (0) and [UNK] (1) included
    unknown_share: float  # the share of test words that are not in the vocabulary
    example: tuple  # a training review before and after standardisation


def prepare_check(vectorizer, train_texts, test_sequences, test_fraction):
    """Step 4's check: what the vectoriser learnt on the training part, and how much of the
    test part it knows.

    test_sequences: (test reviews, sequence_length) ids, 0 = padding, 1 = [UNK]. On the course's
    reviews, 0.5 % of the test words are unknown. Returns a Prepared.
    """
    words = test_sequences[test_sequences != 0]  # (test words,) ids, padding left out
    return Prepared(
        test_fraction=test_fraction,
        sequence_length=int(test_sequences.shape[1]),
        vocabulary_size=len(vectorizer.get_vocabulary()),
        unknown_share=float(np.mean(words == 1)),
        example=standardize_example(train_texts),
    )


def classification_scores(labels, probabilities, threshold=0.5):
    """{'accuracy', 'precision', 'recall', 'f1', 'roc_auc'} of positive-class probabilities.

    A review is called positive when its probability is at least `threshold`. ROC AUC is 0.5
    when every probability is the same (the majority baseline ranks nothing).
    """
    labels = np.asarray(labels)
    probabilities = np.asarray(probabilities, dtype=float).reshape(-1)
    predicted = (probabilities >= threshold).astype(int)
    ranked = len(np.unique(probabilities)) > 1 and len(np.unique(labels)) > 1
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "precision": float(precision_score(labels, predicted, zero_division=0)),
        "recall": float(recall_score(labels, predicted, zero_division=0)),
        "f1": float(f1_score(labels, predicted, zero_division=0)),
        "roc_auc": float(roc_auc_score(labels, probabilities)) if ranked else 0.5,
    }


def majority_baseline(train_labels, test_count):
    """Every test review gets the training part's share of positives: (test_count,) probabilities.

    With about 77% positives that calls every review positive, scoring accuracy 0.77.
    """
    return np.full(test_count, np.mean(train_labels))


class TfidfLogreg:
    """TF-IDF of words and word pairs (the same standardisation as the network's) + logistic
    regression: the bag of words a practitioner tries first, reading raw review strings.

        baseline = TfidfLogreg().fit(train_texts, train_labels)
        baseline.positive_probability(["not flattering at all"])   # (1,) P(positive)
    """

    def __init__(self):
        self.vectorizer = TfidfVectorizer(
            ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"\S+"
        )
        self.classifier = LogisticRegression(C=10, max_iter=2000)

    def fit(self, train_texts, train_labels):
        # (train, n-grams), sparse
        train_features = self.vectorizer.fit_transform(standardize(train_texts))
        self.classifier.fit(train_features, train_labels)
        return self

    def positive_probability(self, texts):
        features = self.vectorizer.transform(standardize(texts))
        return self.classifier.predict_proba(features)[:, 1]


def tfidf_logreg_baseline(train_texts, train_labels, test_texts):
    """The `tfidf_logreg` baseline's (test,) probabilities (see `TfidfLogreg`)."""
    return TfidfLogreg().fit(train_texts, train_labels).positive_probability(test_texts)


@dataclass(frozen=True)
class Baselines:
    """Step 5: the common-sense classifiers, fitted on the training part, read on the test part."""

    tfidf_logreg: TfidfLogreg  # fitted: it reads raw review strings (the challenge set too)
    probabilities: dict  # {"majority": (test,), "tfidf_logreg": (test,)} P(positive)
    scores: dict  # {"majority": classification_scores, "tfidf_logreg": ...}


def fit_baselines(train_texts, train_labels, test_texts, test_labels):
    """The two baselines a network must beat, scored like the network. Returns a Baselines."""
    tfidf_logreg = TfidfLogreg().fit(train_texts, train_labels)  # fitted on the training part
    probabilities = {
        "majority": majority_baseline(train_labels, len(test_labels)),
        "tfidf_logreg": tfidf_logreg.positive_probability(test_texts),
    }
    scores = {name: classification_scores(test_labels, p) for name, p in probabilities.items()}
    return Baselines(tfidf_logreg, probabilities, scores)


@dataclass(frozen=True)
class Trained:
    """Step 7: what training did. Also metrics.json's `training` block."""

    history: object  # Keras' History from fit(): one value per epoch for each metric
    plan: dict  # training.budget's: epochs (at most), batch_size, patience, ...
    seconds: float  # from the start of Step 1 to the end of fit()
    params: int  # the network's weights, counted

    @property
    def epochs_run(self):
        """Epochs trained: early stopping may stop before plan["epochs"]."""
        return len(self.history.history["loss"])

    @property
    def kept_epoch(self):
        """The epoch whose weights early stopping kept: the best validation AUC (from 1)."""
        return 1 + int(np.argmax(self.history.history["val_auc"]))

    @property
    def best_auc(self):
        """The validation AUC of the kept epoch."""
        return float(max(self.history.history["val_auc"]))


@dataclass(frozen=True)
class Evaluation:
    """Step 8: the network and the baselines on the same test reviews."""

    test_labels: np.ndarray  # (test,) 0/1
    test_probabilities: np.ndarray  # (test,) the network's P(positive)
    baselines: Baselines  # Step 5
    results: dict  # {network name: scores, "majority": scores, "tfidf_logreg": scores}

    @property
    def network(self):
        """The network's name in the results, e.g. "SimpleRNN"."""
        return next(iter(self.results))

    @property
    def gain(self):
        """The network's accuracy minus the majority class's: +0.125 on the course's reviews."""
        return self.results[self.network]["accuracy"] - self.results["majority"]["accuracy"]


def evaluate(test_labels, test_probabilities, baselines, network="SimpleRNN"):
    """Step 8: the network's test scores beside the baselines'. Returns an Evaluation."""
    results = {network: classification_scores(test_labels, test_probabilities)}
    results.update(baselines.scores)
    return Evaluation(test_labels, test_probabilities, baselines, results)


CHALLENGE_COLUMNS = ("text", "label", "category")


def load_challenge(path):
    """A challenge file: columns text, label (0/1), category; returns its table.

    Every mistake a user can fix raises UsageError.
    """
    table = read_table(path)
    missing = [column for column in CHALLENGE_COLUMNS if column not in table.columns]
    if missing:
        raise UsageError(
            f"{path} has no column {missing[0]!r}: a challenge file has the columns "
            "text,label,category"
        )
    labels = pd.to_numeric(table["label"], errors="coerce")
    if labels.isna().any() or not set(labels.unique()) <= {0, 1}:
        row = int(np.flatnonzero(~labels.isin([0, 1]).to_numpy())[0])
        raise UsageError(
            f"{path}: label {str(table['label'].iloc[row])!r} in data row {row + 1} is not 0 or 1"
        )
    table = table.assign(label=labels.astype(int), text=table["text"].fillna("").astype(str))
    return table.assign(category=table["category"].fillna("uncategorised").astype(str))


def challenge_scores(table, probabilities):
    """Accuracy on a challenge table, overall and per category (in the file's order).

    probabilities: (rows,) P(positive); a review counts as positive when it is at least 0.5.
    Returns {"overall", "by_category": {...}, "correct", "total"}.
    """
    correct = (np.asarray(probabilities) >= 0.5).astype(int) == table["label"].to_numpy()
    by_category = {
        category: float(correct[(table["category"] == category).to_numpy()].mean())
        for category in dict.fromkeys(table["category"])
    }
    return {
        "overall": float(correct.mean()),
        "by_category": by_category,
        "correct": int(correct.sum()),
        "total": len(correct),
    }


@dataclass(frozen=True)
class Challenge:
    """Step 9: the network and TF-IDF + logistic regression on a challenge file."""

    path: Path  # the challenge file
    scores: dict  # {network name: challenge_scores, "tfidf_logreg": challenge_scores}


def score_challenge(table, probabilities, tfidf_logreg, path, network="SimpleRNN"):
    """The network's challenge scores beside TF-IDF + logistic regression's.

    table: load_challenge's table; probabilities: (rows,) the network's P(positive) on its
    texts; tfidf_logreg: the fitted baseline (Baselines.tfidf_logreg). Returns a Challenge.
    """
    tfidf_probabilities = tfidf_logreg.positive_probability(table["text"].tolist())
    scores = {
        network: challenge_scores(table, probabilities),
        "tfidf_logreg": challenge_scores(table, tfidf_probabilities),
    }
    return Challenge(Path(path), scores)


@dataclass(frozen=True)
class Run:
    """What one run of case 8-1 learned. metrics.json and the plots are made from it."""

    case: str  # the script's name, "case8_1_rnn"
    reviews: Reviews  # Step 1: the file, its text columns and its labels
    prepared: Prepared  # Step 4: the test fraction, the sequence length, the vocabulary
    trained: Trained  # Step 7: the history, the budget, the time
    evaluation: Evaluation  # Step 8: the test scores (Step 5's baselines inside)
    challenge: Challenge = None  # Step 9; None for a learner's own file
