"""Every bad-input test (README, "When the input is wrong"): every script, every kind of mistake.

Each case must end with exit status 2 and one argparse-style `<script>.py: error: ...` line that
says what is wrong, and leave what is already in --output-dir untouched.
"""

import os
import sys
from pathlib import Path

import case8_1_rnn
import case8_2_lstm
import case8_3_gru
from helpers import ROOT, exit_code_and_error, run_script

import pytest

FORECASTING = {"case8_2_lstm": case8_2_lstm.main, "case8_3_gru": case8_3_gru.main}


def monthly_rows(count=80):
    return [f"{1990 + i // 12}-{i % 12 + 1:02d},{100 + i % 12 + i * 0.5}" for i in range(count)]


def daily_rows(count=900):
    import pandas as pd

    return [
        f"{day:%Y-%m-%d},{10 + (i % 365) / 20}"
        for i, day in enumerate(pd.date_range("2001-01-01", periods=count))
    ]


def file_for(case, body, header="Date,Value"):
    rows = monthly_rows() if case == "case8_2_lstm" else daily_rows()
    return header + "\n" + "\n".join(body(rows))


# name -> (what to write as the CSV, or None for no file; extra arguments;
#          part of the expected message)
MATRIX = {
    "missing file": (None, [], "file not found"),
    "directory instead of file": ("<dir>", [], "is a folder, not a CSV file"),
    "empty file": (lambda case: "", [], "is empty"),
    "header only": (lambda case: "Date,Value\n", [], "has a header but no data rows"),
    "unknown delimiter": (
        lambda case: file_for(case, lambda rows: [r.replace(",", "|") for r in rows], "Date|Value"),
        [],
        "separated by commas, semicolons or tabs",
    ),
    "misspelled column": (
        lambda case: file_for(case, lambda rows: rows),
        ["--target", "Valeu"],
        "did you mean 'Value'?",
    ),
    "non-numeric target": (
        lambda case: file_for(
            case, lambda rows: rows[:5] + [rows[5].split(",")[0] + ",twelve"] + rows[6:]
        ),
        [],
        "'twelve' in data row 6 is not a number",
    ),
    "unparseable dates": (
        lambda case: file_for(case, lambda rows: ["someday,3"] + rows[1:]),
        [],
        "values that are not dates, e.g. 'someday'",
    ),
    "duplicate dates": (
        lambda case: file_for(case, lambda rows: rows[:10] + rows[9:]),
        [],
        "appears more than once",
    ),
    "series too short": (lambda case: file_for(case, lambda rows: rows[:20]), [], "too few"),
    "non-UTF-8 bytes": (
        lambda case: b"Date,Temp\xe9rature\n2001-01-01,3\n",
        [],
        "is not UTF-8 text",
    ),
    "negative epochs": (
        lambda case: None,
        ["--epochs", "-1"],
        "argument --epochs: must be at least 1",
    ),
    "test fraction outside (0, 1)": (
        lambda case: None,
        ["--test-fraction", "1"],
        "argument --test-fraction: must be between 0 and 1",
    ),
    "window < 1": (lambda case: None, ["--window", "0"], "argument --window: must be at least 1"),
    "unknown differencing": (
        lambda case: None,
        ["--differencing", "weekly"],
        "argument --differencing: invalid choice: 'weekly'",
    ),
    "horizon < 1": (
        lambda case: None,
        ["--horizon", "0"],
        "argument --horizon: must be at least 1",
    ),
    "horizon longer than the test part": (
        lambda case: None,
        ["--horizon", "5000"],
        "--horizon 5000 is longer than the",
    ),
    "forecast without a trained model": (
        lambda case: None,
        ["--forecast"],
        "no trained model in",
    ),
    "window longer than the series": (
        lambda case: file_for(case, lambda rows: rows),
        ["--window", "1000"],
        "--window 1000 is too long for",
    ),
    "test fraction that leaves nothing to train on": (
        lambda case: file_for(case, lambda rows: rows),
        ["--test-fraction", "0.99"],
        "use a smaller --test-fraction (at most",
    ),
    "season < 1": (lambda case: None, ["--season", "0"], "argument --season: must be at least 1"),
    "log scale of values that reach zero": (
        lambda case: file_for(
            case, lambda rows: rows[:5] + [rows[5].split(",")[0] + ",0"] + rows[6:]
        ),
        ["--scale", "log"],
        "--scale log needs every value before the test part above 0",
    ),
    "resample rule that is not a pandas alias": (
        lambda case: None,
        ["--resample", "hourly"],
        "argument --resample: expected a pandas offset alias",
    ),
    "date format without a date in it": (
        lambda case: None,
        ["--date-format", "dd/mm/yyyy"],
        "argument --date-format: expected a strptime format",
    ),
    "dates that do not follow --date-format": (
        lambda case: file_for(case, lambda rows: rows),
        ["--date-format", "%d/%m/%Y"],
        "do the dates follow --date-format %d/%m/%Y?",
    ),
    "dates in both day orders": (
        lambda case: "Date,Value\n13/01/2015,1\n01/14/2015,2\n" + "\n".join(daily_rows(50)),
        [],
        "mixes day-first dates ('13/01/2015' in data row 1) and month-first ones",
    ),
    "a repeated stamp (a clock's fall-back hour)": (
        lambda case: (
            "Date,Load\n"
            + "\n".join(f"2023-10-29 {hour:02d}:00,{hour}" for hour in [0, 1, 2, 2, *range(3, 24)])
        ),
        [],
        "date 2023-10-29 02:00 appears more than once (1 repeated dates, e.g. a clock's fall-back "
        "hour): keep one row per date, or average them with --resample h",
    ),
    "dates with no common step": (
        lambda case: (
            "Date,Value\n"
            + "\n".join(f"2020-01-{day:02d},{day}" for day in (1, 3, 5, 8, 10, 13, 15, 18))
        ),
        [],
        "is not one the cases read; the dates are spaced 2 days (4 times), 3 days (3 times): "
        "average the record to a regular step with --resample",
    ),
    "dates off the step's grid": (
        lambda case: (
            "Date,Value\n"
            + "\n".join(
                f"2020-01-{day:02d}" + " 12:00" * (day == 9) + f",{day}" for day in range(1, 29)
            )
        ),
        [],
        "2020-01-09 is not a whole number of days after 2020-01-01",
    ),
    "a decimal comma in a comma-separated file": (
        lambda case: file_for(case, lambda rows: [r.split(",")[0] + ',"12,5"' for r in rows]),
        [],
        "a decimal comma is read in files separated by semicolons or tabs",
    ),
    "seasonal differencing of yearly data": (
        lambda case: "Year,Value\n" + "\n".join(f"{1900 + i},{i % 7}" for i in range(90)),
        ["--differencing", "seasonal"],
        "--differencing seasonal needs a season, and yearly data have none",
    ),
    "an infinite target value": (
        lambda case: file_for(
            case, lambda rows: rows[:5] + [rows[5].split(",")[0] + ",inf"] + rows[6:]
        ),
        [],
        "row 7 of input.csv has an infinite value in 'Value' (inf): a series needs finite numbers; "
        "fix or remove it",
    ),
    "a minus infinite target value": (
        lambda case: file_for(
            case, lambda rows: rows[:5] + [rows[5].split(",")[0] + ",-inf"] + rows[6:]
        ),
        [],
        "row 7 of input.csv has an infinite value in 'Value' (-inf)",
    ),
    "an absurdly large target value": (
        lambda case: file_for(
            case, lambda rows: rows[:5] + [rows[5].split(",")[0] + ",1e302"] + rows[6:]
        ),
        [],
        "row 7 of input.csv has an absurd value (beyond 1e+300) in 'Value' (1e+302)",
    ),
    "an infinite value in an input column": (
        lambda case: file_for(
            case,
            lambda rows: [f"{row},{'inf' if i == 9 else i}" for i, row in enumerate(rows)],
            "Date,Value,Other",
        ),
        ["--target", "Value", "--inputs", "Other"],
        "row 11 of input.csv has an infinite value in 'Other' (inf)",
    ),
    "a constant target": (
        lambda case: file_for(case, lambda rows: [row.split(",")[0] + ",5" for row in rows]),
        [],
        "the target 'Value' never changes (every value is 5): there is nothing to forecast",
    ),
    "a target constant before the test part": (
        lambda case: file_for(
            case,
            lambda rows: [
                row.split(",")[0] + ",5" if i < len(rows) * 0.85 else row
                for i, row in enumerate(rows)
            ],
        ),
        [],
        "before the test part (every value is 5): there is nothing to learn from; use a longer "
        "stretch of the series or a smaller --test-fraction",
    ),
    "a seed beyond 2**32 - 1": (
        lambda case: None,
        ["--seed", "99999999999999999999"],
        "argument --seed: must be a whole number from 0 to 4294967295 (2**32 - 1), "
        "got 99999999999999999999",
    ),
    "a negative seed": (
        lambda case: None,
        ["--seed", "-1"],
        "argument --seed: must be a whole number from 0 to 4294967295",
    ),
    "monthly dates written day-first, the order shown by no row": (
        lambda case: (
            "Date,Value\n"
            + "\n".join(f"01/{i % 12 + 1:02d}/{1973 + i // 12},{100 + i}" for i in range(40))
        ),
        [],
        "no date shows whether the day or the month comes first, and read month-first "
        "('01/02/1973' as 02 January 1973) they are not a regular series (",
    ),
    "a --resample step finer than the file's": (
        lambda case: "Date,Value\n" + "\n".join(monthly_rows()),
        ["--resample", "1h"],
        "--resample 1h asks for steps shorter than the file's own step (one month): averaging "
        "cannot make steps shorter",
    ),
    "a header that repeats a name": (
        lambda case: file_for(case, lambda rows: [f"{row},1" for row in rows], "Date,Value,Value"),
        [],
        "input.csv repeats the name 'Value' (columns 2 and 3): give each column its own name",
    ),
    "Excel serial day numbers as dates": (
        lambda case: "Date,Value\n" + "\n".join(f"{43831 + i},{i % 7}" for i in range(900)),
        [],
        "'43831' in data row 1; they look like Excel serial day numbers (43831 is 2020-01-01 in "
        "Excel)",
    ),
    "plain numbers as dates": (
        lambda case: "Date,Value\n" + "\n".join(f"{i},{i % 7}" for i in range(1, 900)),
        [],
        "'1' in data row 1; they are plain numbers, not dates",
    ),
    "a series too short for the default window": (
        lambda case: "Date,Value\n" + "\n".join(monthly_rows(14)),
        [],
        "14 months are too few for window 12 and --test-fraction 0.2 (at least ",
    ),
    "--show without a screen": (
        lambda case: None,
        ["--show"],
        "--show needs a screen to open the plot windows on, and there is none here",
    ),
    # 40 months or 500 days: enough for the series itself, too short once a year is differenced
    # (500 days would use a season of a week without --season: under two years to train on)
    "differencing that leaves too little history": (
        lambda case: file_for(case, lambda rows: rows[:40] if len(rows) < 100 else rows[:500]),
        ["--differencing", "seasonal+first", "--season", "365"],
        "--differencing seasonal+first leaves too few",
    ),
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
    output_dir, argv = prepare(
        tmp_path, content if content in (None, "<dir>") else (lambda: content(case)), extra
    )
    code, line = exit_code_and_error(FORECASTING[case], argv, capsys)
    assert code == 2
    assert line.startswith(f"{case}.py: error: ")
    assert message in line
    assert (output_dir / "metrics.json").read_text() == "earlier run"
    assert sorted(p.name for p in output_dir.iterdir()) == ["metrics.json"]


REVIEW_HEADER = "Title,Review Text,Rating,Class Name"


def reviews(
    count=200,
    rating=lambda i: 5 if i % 4 else 1,
    review=lambda i: f"review number {i} is {'great' if i % 4 else 'bad'}",
):
    return (
        REVIEW_HEADER
        + "\n"
        + "\n".join(f"Title {i},{review(i)},{rating(i)},Dresses" for i in range(count))
    )


# The same mistakes for the text case, and the text case's own ones.
TEXT_MATRIX = {
    "missing file": (None, [], "file not found"),
    "directory instead of file": ("<dir>", [], "is a folder, not a CSV file"),
    "empty file": (lambda: "", [], "is empty"),
    "header only": (lambda: REVIEW_HEADER + "\n", [], "has a header but no data rows"),
    "unknown delimiter": (
        lambda: reviews().replace(",", "|"),
        [],
        "separated by commas, semicolons or tabs",
    ),
    "misspelled column": (lambda: reviews(), ["--label-column", "Ratng"], "did you mean 'Rating'?"),
    "no text columns": (
        lambda: "Stars,Score\n" + "\n".join(f"{i % 5},{i}" for i in range(200)),
        ["--label-column", "Stars"],
        "no text columns found",
    ),
    "labels neither ratings nor 0/1": (
        lambda: reviews(rating=lambda i: "great" if i == 3 else 5),
        [],
        "'great', which is neither a rating nor 0/1",
    ),
    "text column entirely empty": (
        lambda: reviews(review=lambda i: ""),
        ["--text-columns", "Review Text"],
        "text column 'Review Text' is empty in every row",
    ),
    "non-UTF-8 bytes": (
        lambda: b"Title,Review Text,Rating\nNice,Tr\xe8s bien,5\n",
        [],
        "is not UTF-8 text",
    ),
    "negative epochs": (lambda: None, ["--epochs", "-1"], "argument --epochs: must be at least 1"),
    "test fraction outside (0, 1)": (
        lambda: None,
        ["--test-fraction", "0"],
        "argument --test-fraction: must be between 0 and 1",
    ),
    "predict before training": (lambda: None, ["--predict", "lovely dress"], "no trained model at"),
    "predict an empty review": (lambda: None, ["--predict", " "], "--predict needs a review"),
    "challenge before training": (
        lambda: None,
        ["--challenge", "data/challenge_reviews.csv"],
        "no trained model at",
    ),
    "challenge file without a category column": (
        lambda: None,
        ["--challenge", "<challenge without category>"],
        "has no column 'category'",
    ),
}


@pytest.mark.parametrize("mistake", TEXT_MATRIX)
def test_bad_input_matrix_text_case(mistake, tmp_path, capsys):
    content, extra, message = TEXT_MATRIX[mistake]
    no_category = tmp_path / "challenge.csv"
    no_category.write_text("text,label\nnice,1\n")
    placeholders = {
        "data/challenge_reviews.csv": str(ROOT / "data" / "challenge_reviews.csv"),
        "<challenge without category>": str(no_category),
    }
    extra = [placeholders.get(argument, argument) for argument in extra]
    output_dir, argv = prepare(tmp_path, content, extra)
    code, line = exit_code_and_error(case8_1_rnn.main, argv, capsys)
    assert code == 2
    assert line.startswith("case8_1_rnn.py: error: ")
    assert message in line
    assert sorted(p.name for p in output_dir.iterdir()) == ["metrics.json"]
    assert (output_dir / "metrics.json").read_text() == "earlier run"


# Mistakes only one case can make.
def write_csv(tmp_path, text):
    path = tmp_path / "user.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_long_gap_in_a_daily_record_is_refused_with_its_dates(tmp_path, capsys):
    rows = [row for i, row in enumerate(daily_rows(400)) if not 100 <= i < 120]
    argv = [
        "--data",
        write_csv(tmp_path, "Date,Temp\n" + "\n".join(rows)),
        "--output-dir",
        str(tmp_path),
    ]
    code, line = exit_code_and_error(case8_3_gru.main, argv, capsys)
    assert code == 2 and "20 days in a row are missing" in line


def test_a_text_column_as_target_is_refused(tmp_path, capsys):
    rows = [f"{row},Clemson" for row in daily_rows(400)]
    argv = [
        "--data",
        write_csv(tmp_path, "Date,Temp,Town\n" + "\n".join(rows)),
        "--target",
        "Town",
        "--output-dir",
        str(tmp_path),
    ]
    code, line = exit_code_and_error(case8_3_gru.main, argv, capsys)
    assert code == 2 and "'Town' is not numeric" in line


def test_a_misspelled_text_column_suggests_the_closest(tmp_path, capsys):
    argv = [
        "--data",
        write_csv(tmp_path, reviews()),
        "--text-columns",
        "Review Txt",
        "--output-dir",
        str(tmp_path / "out"),
    ]
    code, line = exit_code_and_error(case8_1_rnn.main, argv, capsys)
    assert code == 2 and "did you mean 'Review Text'" in line


# --output-dir itself: a file, or a folder that cannot be written. Nothing is touched.
MAINS = {"case8_1_rnn": case8_1_rnn.main, **FORECASTING}


def unwritable_folder(tmp_path):
    """A folder this process cannot write in: read-only permissions, or (as root, whom
    permissions do not stop) a path in the kernel's sysfs, where no one may create files."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o500)
        return folder
    folder = Path("/sys/week8-output")
    if not Path("/sys").is_dir():
        pytest.skip("running as root without /sys: no folder that root cannot write")
    return folder


@pytest.mark.skipif(sys.platform == "win32", reason="file permissions and /sys are POSIX-only")
@pytest.mark.parametrize("case", MAINS)
@pytest.mark.parametrize("mistake", ["a file", "a folder that cannot be written"])
def test_an_output_dir_that_cannot_take_artifacts(case, mistake, tmp_path, capsys):
    if mistake == "a file":
        target = tmp_path / "results.txt"
        target.write_text("my notes")
        expected = "is a file, not a folder"
    else:
        target = unwritable_folder(tmp_path)
        expected = "cannot be written"
    code, line = exit_code_and_error(MAINS[case], ["--quick", "--output-dir", str(target)], capsys)
    assert code == 2
    assert line.startswith(f"{case}.py: error: --output-dir {target} ")
    assert expected in line
    if mistake == "a file":
        assert target.read_text() == "my notes"


# In a real process: exactly one error line, no traceback, the earlier run's files kept.
@pytest.mark.slow  # starts a Python process (and TensorFlow) per mistake
@pytest.mark.parametrize(
    "script, arguments, message",
    [
        ("case8_2_lstm.py", ["--data", "missing.csv"], "file not found"),
        ("case8_1_rnn.py", ["--predict", "Nice"], "no trained model at"),
        ("case8_1_rnn.py", ["--data", "<bad labels>"], "label column 'Rating' holds 'good'"),
        ("case8_3_gru.py", ["--output-dir", "<a file>"], "is a file, not a folder"),
    ],
)
def test_bad_input_in_a_real_process_has_one_line_and_no_traceback(
    script, arguments, message, tmp_path
):
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    (output_dir / "metrics.json").write_text('{"earlier": true}')
    labels = tmp_path / "words.csv"
    labels.write_text("Review Text,Rating\nnice,good\nawful,bad\n")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    replaced = {
        "missing.csv": str(tmp_path / "missing.csv"),
        "<bad labels>": str(labels),
        "<a file>": str(a_file),
    }
    argv = [replaced.get(argument, argument) for argument in arguments]
    if "--output-dir" not in argv:
        argv += ["--output-dir", str(output_dir)]
    result = run_script(script, *argv, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"{script}: error: ") and message in lines[-1], lines
    assert len([line for line in lines if ": error: " in line]) == 1
    assert (output_dir / "metrics.json").read_text() == '{"earlier": true}'
    assert a_file.read_text() == "mine"


def test_a_horizon_that_leaves_nothing_to_train_on(tmp_path, capsys):
    """80 months, 55 of them test: 12 months ahead still fits the test part, but no training
    origin would have 12 known months after it."""
    output_dir, argv = prepare(
        tmp_path,
        lambda: "Month,Sales\n" + "\n".join(monthly_rows(80)),
        ["--test-fraction", "0.8", "--horizon", "40"],
    )
    code, line = exit_code_and_error(case8_2_lstm.main, argv, capsys)
    assert code == 2
    assert line.startswith("case8_2_lstm.py: error: --horizon 40 leaves too few months to train")
    assert sorted(p.name for p in output_dir.iterdir()) == ["metrics.json"]


def test_time_stamps_across_a_daylight_saving_change_are_read_in_utc(tmp_path):
    """Hourly stamps with their local offset, across the March change (+01:00, then +02:00):
    read on one clock (UTC), with no missing or repeated hour, and the run says so."""
    from common.machinery.series import load_series

    import pandas as pd

    local = pd.date_range("2023-03-20", periods=24 * 14, freq="h", tz="UTC").tz_convert(
        "Europe/Paris"
    )
    rows = [f"{stamp.isoformat()},{10 + stamp.hour}" for stamp in local]
    stamps = [row.split(",")[0] for row in rows]
    change = stamps.index("2023-03-26T01:00:00+01:00")
    assert stamps[change + 1] == "2023-03-26T03:00:00+02:00"
    series = load_series(write_csv(tmp_path, "Date,Load\n" + "\n".join(rows)))
    assert series.frequency == "hourly"
    assert list(series.frame.index) == list(local.tz_convert(None))
    assert len(series.filled_dates) == 0 and series.notes == []
    assert series.read_as == [
        "time stamps carry the UTC offsets +01:00, +02:00 (the offset changes, as at a "
        "daylight-saving change): converted to UTC"
    ]


def test_time_stamps_with_one_fixed_offset_are_converted_and_said(tmp_path):
    from common.machinery.series import load_series

    import pandas as pd

    stamps = pd.date_range("2023-01-01", periods=24 * 10, freq="h")
    rows = [f"{stamp:%Y-%m-%dT%H:%M:%S}+05:30,{i % 24}" for i, stamp in enumerate(stamps)]
    series = load_series(write_csv(tmp_path, "Date,Load\n" + "\n".join(rows)))
    assert series.frame.index[0] == pd.Timestamp("2022-12-31 18:30")
    assert len(series.frame) == len(stamps)
    assert series.read_as == ["time stamps carry the UTC offset +05:30: converted to UTC"]


def test_the_noise_check_cannot_tell_when_its_p_value_is_nan():
    from common.diagnostics import explain

    block = {"white_noise": False, "ljung_box_p": float("nan"), "acf": [float("nan")] * 20}
    lines = explain(block, 12)
    assert "Not white noise" not in " ".join(lines)
    assert lines[1].startswith("Cannot tell whether this series is white noise")


def test_days_written_as_midnight_with_an_offset_keep_their_dates(tmp_path):
    """2020-01-01T00:00:00+01:00 is the day 2020-01-01: in UTC it would be the day before."""
    from common.machinery.series import load_series

    import pandas as pd

    days = pd.date_range("2020-03-20", periods=400)
    rows = [
        f"{day:%Y-%m-%d}T00:00:00+0{1 + (day.month in (4, 5, 6))}:00,{i % 7}"
        for i, day in enumerate(days)
    ]
    series = load_series(write_csv(tmp_path, "Date,Load\n" + "\n".join(rows)))
    assert series.frequency == "daily"
    assert list(series.frame.index) == list(days)
    assert series.read_as == [
        "time stamps carry the UTC offsets +01:00, +02:00 (the offset changes, as at a "
        "daylight-saving change): all at local midnight, so read as the days they name "
        "(offset dropped)"
    ]


def test_a_day_first_file_is_read_with_the_date_format_the_error_names(tmp_path):
    from common.machinery.series import load_series

    text = "Date,Value\n" + "\n".join(
        f"01/{i % 12 + 1:02d}/{1973 + i // 12},{100 + i}" for i in range(40)
    )
    series = load_series(write_csv(tmp_path, text), date_format="%d/%m/%Y")
    assert series.frequency == "monthly" and len(series.frame) == 40


def test_window_advice_is_advice_a_run_can_follow():
    """Every window that the error on a short file advises leaves enough windows for training
    and for the intervals' rolling folds (the function the run calls), never a window of 1."""
    import re
    from types import SimpleNamespace

    from common import baselines, forecasting
    from common.machinery import checks
    from common.machinery.errors import UsageError

    import numpy as np

    advised_any = False
    for rows in range(12, 40):
        args = SimpleNamespace(test_fraction=0.2, window=None, horizon=1)
        try:
            checks.check_sizes(rows, 12, args, 10, "months")
            continue
        except UsageError as error:
            advice = re.search(r"--window \((\d+) or less\)", str(error))
        if advice is None:
            continue
        advised_any = True
        window = int(advice.group(1))
        assert window >= 2
        checks.check_sizes(
            rows, window, SimpleNamespace(**{**vars(args), "window": window}), 10, ""
        )
        test_start = rows - forecasting.windows.count_test_points(rows, window, 0.2)
        origins = test_start - window  # the origins before the test part, horizon 1
        positions, _ = baselines.rolling_origin_forecasts(
            np.zeros((origins, window, 1)),
            np.zeros(origins),
            1.0,
            1,
            forecasting.CALIBRATION_FOLDS,
            forecasting.MIN_FOLD_WINDOWS,
        )
        assert len(positions) > 0, (rows, window)
    assert advised_any


class SavedRecipe:
    """What --forecast reads from preprocessing.json, for the checks made before forecasting."""

    def __init__(self, target, horizon):
        self.target, self.inputs, self.horizon = target, [], horizon
        self.frequency, self.window, self.differencing_lags = "monthly", 12, []
        self.interval_warning = None


@pytest.mark.parametrize(
    "trained, argv, message",
    [
        (
            ("Value", 12),
            ["--horizon", "6"],
            "forecasts 12 step(s) at once (it was trained with --horizon 12), and --forecast "
            "prints them all: leave out --horizon, or train a model with --horizon 6",
        ),
        (
            ("Sales", 1),
            [],
            "--forecast without --data reads the embedded file us_electricity_monthly.csv, and "
            "there no column named 'Sales'",
        ),
    ],
)
def test_forecast_says_what_it_reads_and_how_many_steps(
    trained, argv, message, tmp_path, capsys, monkeypatch
):
    from common import ahead

    monkeypatch.setattr(ahead, "load_trained", lambda *_: (None, SavedRecipe(*trained)))
    output_dir, argv = prepare(tmp_path, lambda: None, ["--forecast", *argv])
    code, line = exit_code_and_error(case8_2_lstm.main, argv, capsys)
    assert code == 2 and line.startswith("case8_2_lstm.py: error: ")
    assert message in line
    assert sorted(p.name for p in output_dir.iterdir()) == ["metrics.json"]


def test_inside_the_cells_says_what_model_it_was_given(tmp_path, capsys):
    import inside_the_cells
    from common import text

    vectorizer = text.make_vectorizer(["soft fabric", "awful fit"], 50, 5)
    model = case8_1_rnn.build_model(len(vectorizer.get_vocabulary()), 5)
    text_model_path = tmp_path / "model.keras"
    case8_1_rnn.with_vectorizer(vectorizer, model).save(text_model_path)
    table = tmp_path / "series.csv"
    table.write_text("Date,Value\n2001-01,1\n")
    for path, message in [
        (table, f"{table} is a .csv file, not a saved Keras model (a model.keras file)"),
        (text_model_path, "is a text classifier such as case 8-1's (it reads review text"),
    ]:
        (tmp_path / path.suffix).mkdir()
        output_dir, argv = prepare(tmp_path / path.suffix, lambda: None, ["--model", str(path)])
        code, line = exit_code_and_error(inside_the_cells.main, argv, capsys)
        assert code == 2 and line.startswith("inside_the_cells.py: error: ")
        assert message in line
        assert sorted(p.name for p in output_dir.iterdir()) == ["metrics.json"]


@pytest.mark.parametrize(
    "review, message",
    [
        ("!!! ???", "has no words once punctuation and symbols are removed"),
        ("\U0001f600\U0001f525", "has no words once punctuation and symbols are removed"),
        ("zzyzx qwxv", "none of its 2 word(s) is in the model's vocabulary"),
    ],
)
def test_predict_refuses_a_review_with_no_word_it_knows(review, message, tmp_path, capsys):
    """A tiny saved model, as case 8-1 saves it (vectoriser inside); --predict on a review
    whose words are all gone or unknown: exit 2 and why, never a NaN probability."""
    from common import text

    texts = ["soft lovely fabric", "awful fit", "lovely dress", "bad fabric"]
    vectorizer = text.make_vectorizer(texts, 50, 5)
    model = case8_1_rnn.build_model(len(vectorizer.get_vocabulary()), 5)
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    case8_1_rnn.with_vectorizer(vectorizer, model).save(output_dir / "model.keras")
    before = (output_dir / "model.keras").read_bytes()
    argv = ["--predict", review, "--output-dir", str(output_dir)]
    code, line = exit_code_and_error(case8_1_rnn.main, argv, capsys)
    assert code == 2 and line.startswith("case8_1_rnn.py: error: --predict ")
    assert message in line
    assert (output_dir / "model.keras").read_bytes() == before
    assert sorted(p.name for p in output_dir.iterdir()) == ["model.keras"]
    probability = case8_1_rnn.main(["--predict", "lovely fabric", "--output-dir", str(output_dir)])
    assert 0 < probability < 1


def test_metrics_json_holds_null_for_a_number_that_could_not_be_computed(tmp_path):
    import json

    from common.machinery.artifacts import write_json

    path = write_json(tmp_path / "metrics.json", {"p": float("nan"), "acf": [1.0, float("inf")]})
    assert json.loads(path.read_text()) == {"p": None, "acf": [1.0, None]}


def test_history_png_labels_a_log_axis_with_plain_numbers():
    from common import plots

    import matplotlib.pyplot as plt

    figure, axis = plt.subplots()
    axis.plot([1, 2, 3], [0.95, 0.8, 0.62])
    axis.set_yscale("log")
    axis.yaxis.set_major_formatter(plots.PlainLogFormatter())
    axis.yaxis.set_minor_formatter(plots.PlainLogFormatter(labelOnlyBase=False))
    figure.canvas.draw()
    labels = [label.get_text() for label in axis.get_yticklabels(minor=True) if label.get_text()]
    plt.close(figure)
    assert "0.9" in labels and "0.7" in labels
    assert not any("10^" in label or "times" in label for label in labels)


def test_forecast_png_names_a_dropped_correction_in_its_legend(tmp_path, monkeypatch):
    from common import plots

    import numpy as np
    import pandas as pd

    figures = []
    monkeypatch.setattr(plots, "save", lambda figure, path: figures.append(figure) or path)
    dates = pd.date_range("2000-01", periods=40, freq="MS")
    values = np.arange(40.0)
    origins = np.arange(30, 40)
    forecasts = {"LSTM = linear: correction dropped": values[origins], "linear": values[origins]}
    band = (values[origins] - 1, values[origins] + 1)  # (lower, upper) of each forecast
    plots.forecast((dates, values, "Value"), origins, forecasts, tmp_path / "f.png", band)
    legend = [text.get_text() for text in figures[0].axes[1].get_legend().get_texts()]
    assert legend == [
        "actual",
        "LSTM = linear: correction dropped",
        "LSTM: 80% interval",
        "linear",
    ]
