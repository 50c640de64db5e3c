"""case8_1_rnn.py end to end: --quick writes every artifact and serves --predict, the default run on
the embedded sample beats the majority class, and the course's file (when COURSE_DATA_DIR is set).
Bad input is tested with every other script's in tests/test_bad_input.py."""

import json
import math
import os
import re
from pathlib import Path

import case8_1_rnn
from common import text

import keras
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
        assert 0 <= scores["overall"] <= 1 and scores["total"] == 80
    assert 20 <= protocol["sequence_length"] <= 120 and protocol["vocabulary_size"] > 100
    assert saved["training"]["epochs_run"] <= 2 and saved["training"]["seed"] == 42
    history = pd.read_csv(output_dir / "history.csv")
    assert {"epoch", "loss", "val_loss", "auc", "val_auc", "accuracy"} <= set(history.columns)


def test_saved_model_reads_raw_text_and_loads_in_safe_mode(quick_run):
    output_dir, _ = quick_run
    model = keras.saving.load_model(output_dir / "model.keras")  # safe_mode on, no custom_objects
    assert model.get_layer("vectorizer").get_vocabulary()[:2] == ["", "[UNK]"]
    probabilities = model.predict(text.as_text_input(["Soft fabric", "Not soft at all"]), verbose=0)
    assert probabilities.shape == (2, 1)
    assert ((probabilities > 0) & (probabilities < 1)).all()


def test_quick_model_serves_predict(quick_run, capsys):
    output_dir, _ = quick_run
    probability = predict(output_dir, "Soft fabric, I love it", capsys)
    assert 0 < probability < 1


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
def test_quick_run_on_the_course_file_follows_the_protocol(tmp_path):
    course_file = Path(os.environ["COURSE_DATA_DIR"]) / "Clothing-Review.csv"
    code, metrics = run_main(["--quick", "--data", str(course_file), "--output-dir", str(tmp_path)])
    assert code is None
    assert metrics["data"]["rows"] == 23472  # 23,486 less the 14 rows without Class Name
    assert metrics["protocol"]["test_points"] == 5868
    assert metrics["baselines"]["majority"]["accuracy"] == pytest.approx(0.767, abs=0.005)
    assert metrics["baselines"]["tfidf_logreg"]["roc_auc"] > 0.85
    # 2 epochs on 1,000 reviews: a smoke test, not a score
    assert set(metrics["model"]) == SCORE_KEYS
    assert 0 <= metrics["model"]["roc_auc"] <= 1
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
