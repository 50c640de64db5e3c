"""common/text.py: standardisation, the vocabulary, the label rule, loading reviews, scores,
baselines, the challenge set, the step records of case 8-1; and the embedded review files."""

import dataclasses
from argparse import Namespace
from pathlib import Path

from common import text
from common.cli import UsageError

import keras
import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE_COLUMNS = [
    "Clothing ID",
    "Age",
    "Title",
    "Review Text",
    "Rating",
    "Recommended IND",
    "Positive Feedback Count",
    "Division Name",
    "Department Name",
    "Class Name",
]


def write_csv(path, frame):
    frame.to_csv(path, index=False)
    return path


# --- standardisation ---------------------------------------------------------------------------


def test_standardize_keeps_negations_and_drops_punctuation():
    cleaned = text.standardize(
        [
            "I don’t LOVE it... Not flattering, at all!",
            "Can't wait; won't return. Didnt fit, isn't soft",
            'No zipper -- never again!!! It\'s "fine"?',
        ]
    )
    assert cleaned == [
        "i do not love it not flattering at all",
        "can not wait will not return did not fit is not soft",
        "no zipper never again its fine",
    ]


def test_standardize_turns_line_breaks_into_spaces_and_keeps_accents_and_digits():
    assert text.standardize(["Café au lait\n\nI'm 5'4\" — petite"]) == [
        "café au lait im 5 4 petite"
    ]


def test_standardize_review_is_registered_for_safe_loading():
    assert keras.saving.get_registered_object("week8>standardize_review") is text.standardize_review


def test_token_counts_count_words_after_standardisation():
    np.testing.assert_array_equal(text.token_counts(["Don't go!", "", "a b c"]), [3, 0, 3])


def test_sequence_length_is_a_percentile_of_training_lengths():
    reviews = [" ".join(["word"] * n) for n in range(1, 101)]  # 1..100 words
    assert text.sequence_length_for(reviews, 95) == 96  # ceil(95.05)
    assert text.sequence_length_for(["one two"], 95) == 8  # never shorter than `smallest`
    assert text.sequence_length_for(reviews, 95, longest=40) == 40  # never longer than `longest`
    assert text.sequence_length_for(reviews, 95, longest=100) == 96


# --- vocabulary ---------------------------------------------------------------------------------


def test_vocabulary_is_learnt_from_training_text_only():
    train_texts = ["soft fabric", "not soft at all", "soft soft fabric"]
    vectorizer = text.make_vectorizer(train_texts, max_tokens=100, sequence_length=6)
    vocabulary = vectorizer.get_vocabulary()
    assert vocabulary[:3] == ["", "[UNK]", "soft"]  # padding, unknown, then by frequency
    assert set(vocabulary[2:]) == {"soft", "fabric", "not", "at", "all"}
    ids = text.vectorize(vectorizer, ["Itchy fabric, not soft!"])  # "itchy" never seen in training
    assert ids.shape == (1, 6)
    assert ids[0, 0] == 1  # [UNK]
    assert list(ids[0, 4:]) == [0, 0]  # padded at the end with 0 (masked)
    assert text.decode(ids[0], vocabulary) == ["[UNK]", "fabric", "not", "soft"]


def test_vectorizer_truncates_long_reviews_to_the_sequence_length():
    vectorizer = text.make_vectorizer(["a b c d e f g"], max_tokens=20, sequence_length=3)
    assert text.decode(
        text.vectorize(vectorizer, ["a b c d e"])[0], vectorizer.get_vocabulary()
    ) == ["a", "b", "c"]


def test_prepare_check_counts_the_unknown_test_words():
    train_texts = ["soft fabric", "it's not soft"]
    vectorizer = text.make_vectorizer(train_texts, max_tokens=100, sequence_length=5)
    test_sequences = text.vectorize(vectorizer, ["itchy fabric", "soft soft zip"])  # 2 of 5 unknown
    prepared = text.prepare_check(vectorizer, train_texts, test_sequences, test_fraction=0.25)
    assert prepared.sequence_length == 5 and prepared.test_fraction == 0.25
    assert prepared.vocabulary_size == 6  # "", [UNK], soft, fabric, its, not
    assert prepared.unknown_share == pytest.approx(2 / 5)  # padding is not a word
    assert prepared.example == ("it's not soft", "its not soft")  # the first with an apostrophe
    with pytest.raises(dataclasses.FrozenInstanceError):
        prepared.sequence_length = 6  # a record does not change after it is made


# --- the label rule -----------------------------------------------------------------------------


def test_ratings_above_three_are_positive():
    labels, rule = text.labels_from(pd.Series([5, 4, 3, 2, 1]), "Rating")
    assert list(labels) == [1, 1, 0, 0, 0] and rule == "rating > 3"


def test_zero_one_labels_are_used_as_they_are():
    labels, rule = text.labels_from(pd.Series([0, 1, 1, 0]), "Recommended IND")
    assert list(labels) == [0, 1, 1, 0] and rule == "0/1 as given"


def test_labels_that_are_neither_ratings_nor_zero_one_are_an_error():
    with pytest.raises(UsageError, match="neither a rating nor 0/1"):
        text.labels_from(pd.Series(["good", "bad"]), "Sentiment")


def test_labels_written_as_words_are_read_in_any_letter_case():
    labels, rule = text.labels_from(pd.Series(["Positive", "negative", " POSITIVE "]), "Label")
    assert list(labels) == [1, 0, 1] and rule == "positive/negative as 1/0"
    labels, rule = text.labels_from(pd.Series(["yes", "No"]), "Recommended")
    assert list(labels) == [1, 0] and rule == "yes/no as 1/0"
    labels, rule = text.labels_from(pd.Series([True, False, True]), "Liked")
    assert list(labels) == [1, 0, 1] and rule == "true/false as 1/0"
    with pytest.raises(UsageError, match="'maybe', which is neither"):
        text.labels_from(pd.Series(["yes", "maybe"]), "Recommended")


def test_semicolon_and_tab_separated_files_with_a_byte_order_mark_are_read(tmp_path):
    rows = [["Review Text", "Rating"], ["Soft, and warm", "5"], ["Scratchy", "1"]]
    for separator in [";", "\t"]:
        path = tmp_path / "reviews.csv"
        lines = [separator.join(row) for row in rows]
        path.write_bytes("\n".join(lines).encode("utf-8-sig"))
        reviews = text.load_reviews(path)
        assert list(reviews.texts) == ["Soft, and warm", "Scratchy"]
        assert list(reviews.labels) == [1, 0]


def test_missing_labels_are_an_error():
    with pytest.raises(UsageError, match="empty in 1 kept rows"):
        text.labels_from(pd.Series([5, None, 1]), "Rating")


# --- loading reviews ----------------------------------------------------------------------------


def course_like_table():
    return pd.DataFrame(
        {
            "Title": ["Love it", None, "Returned", None],
            "Review Text": ["So soft,\nso pretty", "Not flattering at all", None, None],
            "Rating": [5, 2, 1, 4],
            "Class Name": ["Dresses", "Knits", None, "Pants"],
        }
    )


def test_protocol_drops_only_rows_without_class_name(tmp_path):
    reviews = text.load_reviews(write_csv(tmp_path / "r.csv", course_like_table()))
    assert reviews.text_columns == [
        "Class Name",
        "Title",
        "Review Text",
    ]  # the review's own words last
    assert list(reviews.texts) == [
        "Dresses Love it So soft,\nso pretty",
        "Knits Not flattering at all",
        "Pants",
    ]
    assert list(reviews.labels) == [1, 0, 1]
    assert reviews.source.notes == ["dropped 1 rows with no Class Name (the course's protocol)"]


def test_without_class_name_rows_with_no_text_at_all_are_dropped(tmp_path):
    path = write_csv(tmp_path / "r.csv", course_like_table())
    reviews = text.load_reviews(path, text_columns=["Title", "Review Text"])
    assert list(reviews.texts) == [
        "Love it So soft,\nso pretty",
        "Not flattering at all",
        "Returned",
    ]


def test_no_text_columns_is_an_error(tmp_path):
    path = write_csv(tmp_path / "r.csv", pd.DataFrame({"Body": ["nice"], "Stars": [5]}))
    with pytest.raises(UsageError, match="no text columns found.*--text-columns"):
        text.load_reviews(path)


def test_a_misspelled_text_column_gets_a_suggestion(tmp_path):
    path = write_csv(tmp_path / "r.csv", course_like_table())
    with pytest.raises(UsageError, match="did you mean 'Review Text'"):
        text.load_reviews(path, text_columns=["Review Txt"])


def test_an_entirely_empty_text_column_is_an_error(tmp_path):
    path = write_csv(
        tmp_path / "r.csv",
        pd.DataFrame({"Title": [None, None], "Review Text": ["a", "b"], "Rating": [5, 1]}),
    )
    with pytest.raises(UsageError, match="'Title' is empty in every row"):
        text.load_reviews(path)


def case_flags(data=None):
    """The flags load_case_reviews reads, as the case's parser gives them."""
    return Namespace(data=data, text_columns=None, label_column="Rating")


def test_case_reviews_come_from_data_or_the_embedded_file(tmp_path):
    table = pd.DataFrame({"Review Text": [f"review {i}" for i in range(10)], "Rating": [5, 1] * 5})
    path = write_csv(tmp_path / "mine.csv", table)
    reviews = text.load_case_reviews(case_flags(str(path)), ROOT / "none.csv", 10, 5)
    assert reviews.source.path == path and reviews.source.embedded is False
    assert reviews.positive_share == 0.5 and list(reviews.labels[:2]) == [1, 0]
    embedded = text.load_case_reviews(case_flags(), path, 10, 5)  # `path` stands in for data/
    assert embedded.source.embedded is True and embedded.source.path == path


def test_too_few_reviews_or_too_few_of_one_class_is_an_error(tmp_path):
    table = pd.DataFrame({"Review Text": [f"review {i}" for i in range(12)], "Rating": [5] * 12})
    table.loc[:2, "Rating"] = 1  # 3 negative reviews, 9 positive
    flags = case_flags(str(write_csv(tmp_path / "mine.csv", table)))
    with pytest.raises(UsageError, match="12 reviews, 3 of them in the smaller class"):
        text.load_case_reviews(flags, None, 12, 4)
    with pytest.raises(UsageError, match="at least 13 reviews"):
        text.load_case_reviews(flags, None, 13, 3)
    assert len(text.load_case_reviews(flags, None, 12, 3).texts) == 12


# --- scores and baselines -----------------------------------------------------------------------


def test_classification_scores_threshold_at_one_half():
    scores = text.classification_scores([1, 1, 0, 0], [0.9, 0.4, 0.6, 0.1])
    assert scores == {"accuracy": 0.5, "precision": 0.5, "recall": 0.5, "f1": 0.5, "roc_auc": 0.75}


def test_majority_baseline_calls_everything_positive_when_most_are():
    probabilities = text.majority_baseline(np.array([1, 1, 1, 0]), test_count=3)
    np.testing.assert_allclose(probabilities, [0.75, 0.75, 0.75])
    scores = text.classification_scores([1, 0, 1], probabilities)
    assert (
        scores["accuracy"] == pytest.approx(2 / 3)
        and scores["recall"] == 1.0
        and scores["roc_auc"] == 0.5
    )


def test_tfidf_baseline_reads_negations_through_word_pairs():
    train_texts = [
        "soft and lovely",
        "lovely colour",
        "not lovely at all",
        "not soft",
        "so soft",
        "not nice",
    ] * 5
    train_labels = np.array([1, 1, 0, 0, 1, 0] * 5)
    probabilities = text.tfidf_logreg_baseline(
        train_texts, train_labels, ["lovely and soft", "not lovely"]
    )
    assert probabilities.shape == (2,)
    assert probabilities[0] > 0.5 > probabilities[1]


def toy_reviews():
    """Thirty short training reviews, their labels, and four test reviews with theirs."""
    train_texts = ["soft and lovely", "not lovely", "so soft", "not nice", "nice fit", "torn"] * 5
    train_labels = np.array([1, 0, 1, 0, 1, 0] * 5)
    return train_texts, train_labels, ["lovely fit", "not soft", "nice", "torn seam"], [1, 0, 1, 0]


def test_fit_baselines_scores_both_baselines_on_the_test_part():
    train_texts, train_labels, test_texts, test_labels = toy_reviews()
    baselines = text.fit_baselines(train_texts, train_labels, test_texts, test_labels)
    assert list(baselines.scores) == ["majority", "tfidf_logreg"]
    np.testing.assert_allclose(baselines.probabilities["majority"], [0.5] * 4)
    assert baselines.scores["majority"]["roc_auc"] == 0.5  # one probability for every review
    tfidf = baselines.probabilities["tfidf_logreg"]
    assert min(tfidf[[0, 2]]) > 0.5 > max(tfidf[[1, 3]])  # the praise above the complaints
    assert baselines.scores["tfidf_logreg"] == {
        "accuracy": 1.0,
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "roc_auc": 1.0,
    }
    # The fitted baseline reads new raw reviews too (the challenge set, in Step 9).
    assert baselines.tfidf_logreg.positive_probability(["so lovely"])[0] > 0.5


def test_evaluate_puts_the_network_first_and_measures_its_gain():
    train_texts, train_labels, test_texts, test_labels = toy_reviews()
    baselines = text.fit_baselines(train_texts, train_labels, test_texts, test_labels)
    evaluation = text.evaluate(test_labels, np.array([0.9, 0.2, 0.4, 0.1]), baselines)
    assert list(evaluation.results) == ["SimpleRNN", "majority", "tfidf_logreg"]
    assert evaluation.network == "SimpleRNN"
    assert evaluation.results["SimpleRNN"]["accuracy"] == 0.75  # the third review is missed
    assert evaluation.results["SimpleRNN"]["roc_auc"] == 1.0  # though it still ranks above both
    # The majority baseline calls all four positive (0.5 >= 0.5): accuracy 0.5, a gain of 0.25.
    assert evaluation.gain == pytest.approx(0.25)
    lstm = text.evaluate(test_labels, np.array([0.9, 0.2, 0.4, 0.1]), baselines, network="LSTM")
    assert list(lstm.results)[0] == "LSTM" and lstm.gain == pytest.approx(0.25)


def test_trained_reads_the_epochs_and_the_kept_epoch_from_the_history():
    history = Namespace(history={"loss": [0.6, 0.5, 0.45, 0.44], "val_auc": [0.8, 0.9, 0.88, 0.85]})
    trained = text.Trained(history, {"epochs": 25, "batch_size": 256}, seconds=12.3, params=10)
    assert trained.epochs_run == 4 and trained.kept_epoch == 2 and trained.best_auc == 0.9


# --- the embedded data: the course's real reviews, and the challenge set ------------------------


def test_embedded_reviews_are_the_course_release():
    table = pd.read_csv(ROOT / "data" / "clothing_reviews.csv")
    assert list(table.columns) == COURSE_COLUMNS and len(table) == 23486
    counts = table["Rating"].value_counts().to_dict()
    assert counts == {5: 13131, 4: 5077, 3: 2871, 2: 1565, 1: 842}
    assert table[["Class Name", "Title", "Review Text"]].isna().sum().to_dict() == {
        "Class Name": 14,
        "Title": 3810,
        "Review Text": 845,
    }
    reviews = text.load_reviews(ROOT / "data" / "clothing_reviews.csv")
    assert len(reviews.texts) == 23472  # the protocol drops the 14 rows without a Class Name
    assert reviews.labels.mean() == pytest.approx(0.775, abs=0.001)


def test_challenge_set_is_balanced_in_four_categories():
    table = text.load_challenge(ROOT / "data" / "challenge_reviews.csv")
    assert len(table) >= 60 and table["text"].is_unique
    counts = table.groupby(["category", "label"]).size()
    assert set(table["category"]) == {"negation", "contrast", "intensity", "plain"}
    assert counts.nunique() == 1  # every category holds as many positives as negatives


def test_challenge_scores_per_category(tmp_path):
    path = tmp_path / "challenge.csv"
    path.write_text(
        "text,label,category\n"
        "not bad,1,negation\nnot good,0,negation\n"
        "nice but torn,0,contrast\ntorn but nice,1,contrast\n"
    )
    table = text.load_challenge(path)
    scores = text.challenge_scores(table, np.array([0.9, 0.2, 0.7, 0.8]))  # third is wrong
    assert scores == {
        "overall": 0.75,
        "by_category": {"negation": 1.0, "contrast": 0.5},
        "correct": 3,
        "total": 4,
    }
    train_texts, train_labels, _, _ = toy_reviews()
    tfidf_logreg = text.TfidfLogreg().fit(train_texts, train_labels)
    challenge = text.score_challenge(table, np.array([0.9, 0.2, 0.7, 0.8]), tfidf_logreg, path)
    assert challenge.path == path and list(challenge.scores) == ["SimpleRNN", "tfidf_logreg"]
    assert challenge.scores["SimpleRNN"] == scores
    assert challenge.scores["tfidf_logreg"]["total"] == 4


def test_a_challenge_file_without_its_columns_or_with_other_labels_is_an_error(tmp_path):
    path = tmp_path / "challenge.csv"
    path.write_text("text,label\nnice,1\nawful,0\n")
    with pytest.raises(UsageError, match="no column 'category'"):
        text.load_challenge(path)
    path.write_text("text,label,category\nnice,5,plain\nawful,0,plain\n")
    with pytest.raises(UsageError, match="label '5' in data row 1 is not 0 or 1"):
        text.load_challenge(path)
