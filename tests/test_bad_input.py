"""The bad-input matrix (README, "When the input is wrong"): every script, every kind of mistake.

Each case must end with exit status 2 and one argparse-style `<script>.py: error: ...` line that
says what is wrong, and leave what is already in --output-dir untouched.
"""

import pytest
from conftest import exit_code_and_error

import case8_1_rnn
import case8_2_lstm
import case8_3_gru

FORECASTING = {"case8_2_lstm": case8_2_lstm.main, "case8_3_gru": case8_3_gru.main}


def monthly_rows(count=80):
    return [f"{1990 + i // 12}-{i % 12 + 1:02d},{100 + i % 12 + i * 0.5}" for i in range(count)]


def daily_rows(count=900):
    import pandas as pd

    return [f"{day:%Y-%m-%d},{10 + (i % 365) / 20}" for i, day in enumerate(pd.date_range("2001-01-01", periods=count))]


def file_for(case, body, header="Date,Value"):
    rows = monthly_rows() if case == "case8_2_lstm" else daily_rows()
    return header + "\n" + "\n".join(body(rows))


# name -> (what to write as the CSV, or None for no file; extra arguments; part of the expected message)
MATRIX = {
    "missing file": (None, [], "file not found"),
    "directory instead of file": ("<dir>", [], "is a folder, not a CSV file"),
    "empty file": (lambda case: "", [], "is empty"),
    "header only": (lambda case: "Date,Value\n", [], "has a header but no data rows"),
    "wrong delimiter": (lambda case: file_for(case, lambda rows: [r.replace(",", ";") for r in rows], "Date;Value"), [], "separated by ';'"),
    "misspelled column": (lambda case: file_for(case, lambda rows: rows), ["--target", "Valeu"], "did you mean 'Value'?"),
    "non-numeric target": (lambda case: file_for(case, lambda rows: rows[:5] + [rows[5].split(",")[0] + ",twelve"] + rows[6:]), [], "'twelve' in data row 6 is not a number"),
    "unparseable dates": (lambda case: file_for(case, lambda rows: ["someday,3"] + rows[1:]), [], "values that are not dates, e.g. 'someday'"),
    "duplicate dates": (lambda case: file_for(case, lambda rows: rows[:10] + rows[9:]), [], "appears more than once"),
    "series too short": (lambda case: file_for(case, lambda rows: rows[:40]), [], "too few"),
    "non-UTF-8 bytes": (lambda case: b"Date,Temp\xe9rature\n2001-01-01,3\n", [], "is not UTF-8 text"),
    "negative epochs": (lambda case: None, ["--epochs", "-1"], "argument --epochs: must be at least 1"),
    "test fraction outside (0, 1)": (lambda case: None, ["--test-fraction", "1"], "argument --test-fraction: must be between 0 and 1"),
    "window < 1": (lambda case: None, ["--window", "0"], "argument --window: must be at least 1"),
}


def prepare(tmp_path, make_content, extra):
    """An output folder holding an earlier run's metrics.json, and the argv for one mistake.

    make_content: None (no file), "<dir>" (a folder), or a function returning the file's text
    or bytes (None: no --data at all).
    """
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    (output_dir / "metrics.json").write_text("earlier run")
    argv = list(extra) + ["--output-dir", str(output_dir)]
    path = tmp_path / "input.csv"
    if make_content is None:
        argv += ["--data", str(path)]
    elif make_content == "<dir>":
        argv += ["--data", str(tmp_path)]
    else:
        text = make_content()
        if text is not None:
            path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
            argv += ["--data", str(path)]
    return output_dir, argv


@pytest.mark.parametrize("case", FORECASTING)
@pytest.mark.parametrize("mistake", MATRIX)
def test_bad_input_matrix(case, mistake, tmp_path, capsys):
    content, extra, message = MATRIX[mistake]
    output_dir, argv = prepare(tmp_path, content if content in (None, "<dir>") else (lambda: content(case)), extra)
    code, line = exit_code_and_error(FORECASTING[case], argv, capsys)
    assert code == 2
    assert line.startswith(f"{case}.py: error: ")
    assert message in line
    assert (output_dir / "metrics.json").read_text() == "earlier run"
    assert sorted(p.name for p in output_dir.iterdir()) == ["metrics.json"]


REVIEW_HEADER = "Title,Review Text,Rating,Class Name"


def reviews(count=200, rating=lambda i: 5 if i % 4 else 1, review=lambda i: f"review number {i} is {'great' if i % 4 else 'bad'}"):
    return REVIEW_HEADER + "\n" + "\n".join(f"Title {i},{review(i)},{rating(i)},Dresses" for i in range(count))


# The same mistakes for the text case, and the text case's own ones.
TEXT_MATRIX = {
    "missing file": (None, [], "file not found"),
    "directory instead of file": ("<dir>", [], "is a folder, not a CSV file"),
    "empty file": (lambda: "", [], "is empty"),
    "header only": (lambda: REVIEW_HEADER + "\n", [], "has a header but no data rows"),
    "wrong delimiter": (lambda: reviews().replace(",", ";"), [], "separated by ';'"),
    "misspelled column": (lambda: reviews(), ["--label-column", "Ratng"], "did you mean 'Rating'?"),
    "no text columns": (lambda: "Stars,Score\n" + "\n".join(f"{i % 5},{i}" for i in range(200)), ["--label-column", "Stars"], "no text columns found"),
    "labels neither ratings nor 0/1": (lambda: reviews(rating=lambda i: "great" if i == 3 else 5), [], "'great', which is neither a rating nor 0/1"),
    "text column entirely empty": (lambda: reviews(review=lambda i: ""), ["--text-columns", "Review Text"], "text column 'Review Text' is empty in every row"),
    "non-UTF-8 bytes": (lambda: b"Title,Review Text,Rating\nNice,Tr\xe8s bien,5\n", [], "is not UTF-8 text"),
    "negative epochs": (lambda: None, ["--epochs", "-1"], "argument --epochs: must be at least 1"),
    "test fraction outside (0, 1)": (lambda: None, ["--test-fraction", "0"], "argument --test-fraction: must be between 0 and 1"),
    "predict before training": (lambda: None, ["--predict", "lovely dress"], "no trained model at"),
}


@pytest.mark.parametrize("mistake", TEXT_MATRIX)
def test_bad_input_matrix_text_case(mistake, tmp_path, capsys):
    content, extra, message = TEXT_MATRIX[mistake]
    output_dir, argv = prepare(tmp_path, content, extra)
    code, line = exit_code_and_error(case8_1_rnn.main, argv, capsys)
    assert code == 2
    assert line.startswith("case8_1_rnn.py: error: ")
    assert message in line
    assert sorted(p.name for p in output_dir.iterdir()) == ["metrics.json"]
    assert (output_dir / "metrics.json").read_text() == "earlier run"
