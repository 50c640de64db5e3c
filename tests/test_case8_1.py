"""case8_1_rnn.py end to end: --quick writes every artifact, ranks reviews well above chance and
serves --predict; the default run on the course's reviews beats the majority class; the course's
own file (when COURSE_DATA_DIR is set) gives the embedded file's run.
Bad input is tested with every other script's in tests/test_bad_input.py."""

import json
import math
import os
import re
from pathlib import Path

import case8_1_rnn
from common import text

import keras
import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # every test trains the case or runs it end to end

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = [
    "metrics.json",
    "history.csv",
    "model.keras",
    "data.png",
    "history.png",
    "confusion_matrix.png",
    "roc.png",
]
SCORE_KEYS = {"accuracy", "precision", "recall", "f1", "roc_auc"}
PREDICTION_LINE = re.compile(r"^positive probability: (\d\.\d{4}) \((positive|negative)\)$")
PLAIN_POSITIVE = "I absolutely love this dress, the fabric is so soft and the fit is perfect."
CONTRAST_NEGATIVE = "lovely fabric but the fit is not flattering at all"
# Reviews whose label no reader doubts. After --quick (2 epochs on 1,000 reviews) the model gives
# the positive ones 0.81 to 0.85 and the negative ones 0.55 to 0.72 (seed 42): it ranks them,
# though it calls all of them positive at the 0.5 threshold.
CLEARLY_POSITIVE = [
    PLAIN_POSITIVE,
    "Love it! Beautiful, comfortable and flattering. Highly recommend.",
    "Perfect fit, gorgeous color, I wear it all the time.",
]
CLEARLY_NEGATIVE = [
    "Terrible quality. It ripped after one wash and I returned it.",
    "Very disappointed, the fabric is cheap and it looks awful on me.",
    "Huge and unflattering, poor quality, sent it back.",
]


def run_main(argv):
    """main(argv) in this process; returns (exit code or None, the value main returned)."""
    try:
        return None, case8_1_rnn.main(argv)
    except SystemExit as exit:
        return exit.code, None


def last_line(output):
    return output.strip().splitlines()[-1]


def predict(output_dir, review, capsys):
    capsys.readouterr()
    code, _ = run_main(["--output-dir", str(output_dir), "--predict", review])
    assert code is None
    match = PREDICTION_LINE.match(last_line(capsys.readouterr().out))
    assert match, "the last line of stdout must read `positive probability: 0.xxxx (label)`"
    probability, label = float(match.group(1)), match.group(2)
    assert label == ("positive" if probability >= 0.5 else "negative")
    return probability


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("quick")
    code, metrics = run_main(["--quick", "--output-dir", str(output_dir)])
    assert code is None
    return output_dir, metrics


def test_quick_run_writes_every_artifact(quick_run):
    output_dir, metrics = quick_run
    for name in ARTIFACTS:
        assert (output_dir / name).stat().st_size > 0, name
    assert not list(output_dir.glob(".tmp-*"))  # no half-written temporary file left behind
    saved = json.loads((output_dir / "metrics.json").read_text())
    assert saved == metrics
    assert saved["case"] == "case8_1_rnn" and saved["data"]["embedded"] is True
    assert set(saved["model"]) == SCORE_KEYS
    assert set(saved["baselines"]) == {"majority", "tfidf_logreg"}
    assert all(set(scores) == SCORE_KEYS for scores in saved["baselines"].values())
    protocol = saved["protocol"]
    kept = pd.read_csv(ROOT / "data" / "clothing_reviews.csv")["Class Name"].notna().sum()
    assert saved["data"]["rows"] == kept == 23472  # only the rows without Class Name are dropped
    assert protocol["test_fraction"] == 0.25 and protocol["test_points"] == math.ceil(0.25 * kept)
    assert protocol["test_points"] == 5868  # the course's split
    challenge = saved["challenge"]
    assert challenge["file"].endswith("challenge_reviews.csv")
    for name in ["model", "tfidf_logreg"]:
        scores = challenge[name]
        assert set(scores["by_category"]) == {"negation", "contrast", "intensity", "plain"}
        assert scores["total"] == 80 and scores["correct"] == round(80 * scores["overall"])
        # 20 reviews in each category: the overall accuracy is the categories' mean
        assert scores["overall"] == pytest.approx(np.mean(list(scores["by_category"].values())))
    assert 20 <= protocol["sequence_length"] <= 120 and protocol["vocabulary_size"] > 100
    assert saved["training"]["epochs_run"] <= 2 and saved["training"]["seed"] == 42
    history = pd.read_csv(output_dir / "history.csv")
    assert {"epoch", "loss", "val_loss", "auc", "val_auc", "accuracy"} <= set(history.columns)


def test_quick_run_ranks_test_reviews_well_above_chance(quick_run):
    _, metrics = quick_run
    # Measured at seed 42: SimpleRNN 0.845, TF-IDF + logistic regression 0.913. A model that
    # learnt nothing ranks like a coin (0.5); the majority baseline gives every review the same
    # probability and ranks nothing.
    assert metrics["model"]["roc_auc"] == pytest.approx(0.845, abs=0.03)
    assert metrics["baselines"]["tfidf_logreg"]["roc_auc"] == pytest.approx(0.913, abs=0.01)
    assert metrics["baselines"]["majority"]["roc_auc"] == 0.5
    assert metrics["baselines"]["majority"]["accuracy"] == pytest.approx(0.7672, abs=1e-4)


def course_test_reviews():
    """The course's test part (texts, labels), cut as the case cuts it."""
    reviews = text.load_reviews(ROOT / "data" / "clothing_reviews.csv")
    _, _, test_texts, _, _, test_labels = text.course_split(
        reviews.texts, reviews.labels, 0.25, case8_1_rnn.VALIDATION_FRACTION, seed=42
    )
    return test_texts, test_labels


def test_saved_model_reads_raw_text_and_loads_in_safe_mode(quick_run):
    output_dir, metrics = quick_run
    model = keras.saving.load_model(output_dir / "model.keras")  # safe_mode on, no custom_objects
    assert model.get_layer("vectorizer").get_vocabulary()[:2] == ["", "[UNK]"]
    # Raw test reviews in: the saved model is the trained one, with the vectoriser it learnt.
    test_texts, test_labels = course_test_reviews()
    probabilities = model.predict(text.as_text_input(test_texts), batch_size=256, verbose=0)
    assert probabilities.shape == (len(test_labels), 1)
    scores = text.classification_scores(test_labels, probabilities[:, 0])
    assert scores["roc_auc"] == pytest.approx(metrics["model"]["roc_auc"], abs=1e-4)
    # The same probabilities against shuffled labels: the AUC falls to chance, so it measures
    # how the probabilities follow the labels, not the probabilities alone.
    shuffled = np.random.default_rng(0).permutation(test_labels)
    assert text.classification_scores(shuffled, probabilities[:, 0])["roc_auc"] == pytest.approx(
        0.5, abs=0.03
    )


def test_quick_model_serves_predict(quick_run, capsys):
    output_dir, _ = quick_run
    positive = [predict(output_dir, review, capsys) for review in CLEARLY_POSITIVE]
    negative = [predict(output_dir, review, capsys) for review in CLEARLY_NEGATIVE]
    assert min(positive) > max(negative)  # every clear praise above every clear complaint
    # --predict prints what the saved model gives the review, rounded to 4 decimals.
    model = keras.saving.load_model(output_dir / "model.keras")
    direct = model.predict(text.as_text_input(CLEARLY_POSITIVE[:1]), verbose=0)[0, 0]
    assert positive[0] == pytest.approx(float(direct), abs=5e-5)


def test_quick_run_traces_the_vectoriser(tmp_path, capsys):
    code, _ = run_main(["--quick", "--trace", "--output-dir", str(tmp_path)])
    output = capsys.readouterr().out
    assert code is None
    assert (
        "[trace] review:" in output
        and "[trace] token_ids: shape (" in output
        and "[trace] decoded: [" in output
    )


def test_challenge_scores_a_file_with_the_saved_model_and_changes_nothing(quick_run, capsys):
    output_dir, _ = quick_run
    metrics_before = (output_dir / "metrics.json").read_bytes()
    capsys.readouterr()
    code, scores = run_main(
        ["--output-dir", str(output_dir), "--challenge", str(ROOT / "data/challenge_reviews.csv")]
    )
    assert code is None
    output = capsys.readouterr().out
    assert "negation" in output and "contrast" in output and "intensity" in output
    expected = f"challenge accuracy: {scores['overall']:.4f} ({scores['correct']}/80)"
    assert last_line(output) == expected
    assert (output_dir / "metrics.json").read_bytes() == metrics_before


def test_default_run_on_the_real_reviews(tmp_path, capsys):
    code, metrics = run_main(["--output-dir", str(tmp_path)])
    assert code is None
    assert metrics["model"]["accuracy"] >= metrics["baselines"]["majority"]["accuracy"] + 0.05
    assert metrics["model"]["roc_auc"] >= 0.915  # measured: 0.93 on seeds 1, 2, 3 and 42
    output = capsys.readouterr().out
    assert "Challenge set challenge_reviews.csv: accuracy per category" in output
    assert metrics["challenge"]["model"]["by_category"]["plain"] >= 0.7
    assert predict(tmp_path, PLAIN_POSITIVE, capsys) > 0.5


@pytest.mark.skipif(not os.environ.get("COURSE_DATA_DIR"), reason="COURSE_DATA_DIR is not set")
def test_quick_run_on_the_course_file_follows_the_protocol(quick_run, tmp_path):
    """The course's Clothing-Review.csv holds the embedded file's reviews: given with --data, it
    goes through the same protocol and gives the same run, score for score."""
    course_file = Path(os.environ["COURSE_DATA_DIR"]) / "Clothing-Review.csv"
    code, metrics = run_main(["--quick", "--data", str(course_file), "--output-dir", str(tmp_path)])
    assert code is None
    assert metrics["data"]["rows"] == 23472  # 23,486 less the 14 rows without Class Name
    assert metrics["data"]["embedded"] is False and "challenge" not in metrics
    assert metrics["protocol"] == quick_run[1]["protocol"]  # test_points 5868, the vocabulary
    assert metrics["baselines"] == quick_run[1]["baselines"]  # majority accuracy 0.767
    assert metrics["model"] == pytest.approx(quick_run[1]["model"], abs=1e-6)
    for name in ARTIFACTS:
        assert (tmp_path / name).exists(), name


@pytest.mark.slow
def test_a_learners_own_file_is_spoken_of_as_itself(tmp_path, capsys):
    """A semicolon-separated file of hotel reviews with yes/no labels: read, and the run speaks
    of its label and its test part, not of clothing; the clothing examples and challenge set
    are left out (a challenge file for the data is scored on request, with --challenge)."""
    good = ["clean room and kind staff", "great view, quiet nights", "would stay again"]
    bad = ["noisy and dirty", "rude staff, never again", "the room was not clean"]
    rows = [f"{good[i % 3]} {i};yes" if i % 3 else f"{bad[i % 3]} {i};no" for i in range(300)]
    path = tmp_path / "hotel.csv"
    path.write_text("Review;Recommended\n" + "\n".join(rows) + "\n", encoding="utf-8")
    output_dir = tmp_path / "out"
    argv = ["--quick", "--data", str(path), "--text-columns", "Review"]
    code, metrics = run_main(
        argv + ["--label-column", "Recommended", "--output-dir", str(output_dir)]
    )
    output = capsys.readouterr().out
    assert code is None
    assert metrics["data"]["label"] == "Recommended (yes/no as 1/0)"
    assert "Look at the data: Recommended and review length" in output
    assert "Split: a test part, validation out of the training part" in output
    assert "ratings, classes" not in output and "course's test part" not in output
    assert "challenge" not in metrics and "--challenge PATH" in output
    assert "a --quick smoke-test model" in output
