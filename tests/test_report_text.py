"""common/report/text.py: the words of case 8-1. Only they print; common/text.py computes."""

import ast
from argparse import Namespace
from pathlib import Path

from common import text
from common.report import text as words

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def reviews(embedded):
    return text.Reviews(
        table=pd.DataFrame({"Review Text": ["a", "b"], "Recommended": [1, 0]}),
        texts=np.array(["Soft", "Torn"]),
        labels=np.array([1, 0]),
        text_columns=["Review Text"],
        label_column="Recommended",
        label_rule="0/1 as given",
        source=text.Source(
            Path("/data/mine.csv"), embedded, ["dropped 3 rows with no text at all"]
        ),
    )


@pytest.mark.parametrize(
    "probability, line",
    [
        (0.97314, "positive probability: 0.9731 (positive)"),
        (0.5, "positive probability: 0.5000 (positive)"),  # 0.5 counts as positive
        (0.49996, "positive probability: 0.5000 (negative)"),  # rounded, still below 0.5
        (0.0123, "positive probability: 0.0123 (negative)"),
    ],
)
def test_describe_calls_a_review_positive_from_one_half(probability, line):
    assert words.describe(probability) == line


def test_headings_name_the_learners_own_label_and_test_part():
    assert words.look_title(reviews(embedded=False)) == (
        "Look at the data: Recommended and review length"
    )
    assert "ratings, classes" in words.look_title(reviews(embedded=True))
    assert words.split_title(reviews(embedded=False)).startswith("Split: a test part,")
    assert words.split_title(reviews(embedded=True)).startswith("Split: the course's test part,")


def test_loaded_prints_the_file_the_cleaning_and_the_class_balance(capsys):
    words.loaded(reviews(embedded=False))
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "   2 reviews from mine.csv; text: Review Text; label: Recommended (0/1 as given)",
        "   cleaned: dropped 3 rows with no text at all",
        "   class balance: 50.0% positive, 50.0% negative",
    ]


def test_trained_and_evaluation_print_what_the_records_hold(capsys):
    history = Namespace(history={"loss": [0.6, 0.5, 0.55], "val_auc": [0.81, 0.9312, 0.92]})
    words.trained(text.Trained(history, {"epochs": 25}, seconds=3.0, params=1))
    assert capsys.readouterr().out == "   3 epochs; best validation AUC 0.9312\n"
    majority = {"accuracy": 0.75, "precision": 0.75, "recall": 1, "f1": 0.857, "roc_auc": 0.5}
    baselines = text.Baselines(None, {}, {"majority": majority})
    scores = {"accuracy": 0.875, "precision": 1, "recall": 0.833, "f1": 0.909, "roc_auc": 0.9}
    evaluation = text.Evaluation(
        np.zeros(8), np.zeros(8), baselines, {"SimpleRNN": scores, **baselines.scores}
    )
    words.evaluation(evaluation, "rating > 3")
    output = capsys.readouterr().out
    assert "Test scores over 8 reviews (positive = rating > 3)" in output
    assert output.endswith(
        "   The SimpleRNN's accuracy is +0.125 against calling every review the majority class.\n"
    )


@pytest.mark.parametrize("module", ["common/text.py", "common/machinery/review_files.py"])
def test_the_modules_of_case_8_1_compute_and_never_print(module):
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    calls = [
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    ]
    assert "print" not in calls
