from common.cli import UsageError
from common.machinery.series import load_series

import numpy as np
import pandas as pd
import pytest


def write(tmp_path, text, name="series.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def monthly_text(months=30, quoted=False):
    rows = []
    for i in range(months):
        date = f"{2000 + i // 12}-{i % 12 + 1:02d}"
        rows.append(f'"{date}",{100 + i}' if quoted else f"{date},{100 + i}")
    header = '"Date","Production"' if quoted else "Date,Production"
    return header + "\n" + "\n".join(rows)  # no trailing newline, like the course's milk file


def test_quoted_monthly_file_like_the_course_milk(tmp_path):
    series = load_series(write(tmp_path, monthly_text(quoted=True)))
    assert series.frequency == "monthly" and series.season == 12
    assert series.target == "Production" and series.date_column == "Date"
    assert len(series.frame) == 30 and series.frame.index[0].strftime("%Y-%m") == "2000-01"
    assert series.notes == []


def test_unsorted_rows_are_sorted_and_reported(tmp_path):
    lines = monthly_text().splitlines()
    shuffled = [lines[0]] + lines[1:][::-1]
    series = load_series(write(tmp_path, "\n".join(shuffled)))
    assert np.all(np.diff(series.frame["Production"].to_numpy()) == 1)
    assert any("sorted" in note for note in series.notes)


def test_short_gaps_are_filled_long_gaps_refused(tmp_path):
    rows = ["when,temp,station"] + [
        f"2012/01/{day:02d},{day}.0,A" for day in range(1, 32) if day not in (10, 11)
    ]
    series = load_series(write(tmp_path, "\n".join(rows)))
    assert series.frequency == "daily" and len(series.frame) == 31
    # the last observed value (9 January), not a mix with 12 January: earlier values only
    assert series.frame.loc["2012-01-10", "temp"] == series.frame.loc["2012-01-11", "temp"] == 9.0
    assert any("filled 2 days with missing values" in note for note in series.notes)
    rows = ["Date,temp"] + [
        f"2012-01-{day:02d},{day}" for day in range(1, 32) if not 5 <= day <= 20
    ]
    with pytest.raises(UsageError, match="16 days in a row are missing"):
        load_series(write(tmp_path, "\n".join(rows)))


def test_missing_cells_count_as_gaps(tmp_path):
    rows = ["Date,Temperature"] + [
        f"2010-01-{day:02d},{'' if day == 7 else day}" for day in range(1, 29)
    ]
    series = load_series(write(tmp_path, "\n".join(rows)))
    assert series.frame.loc["2010-01-07", "Temperature"] == 6.0  # 6 January carried forward
    assert list(series.filled_dates) == [pd.Timestamp("2010-01-07")]  # remembered: never scored


def test_only_target_values_that_were_filled_are_remembered(tmp_path):
    rows = ["Date,Tmax,Tmin"] + [
        f"2010-01-{day:02d},{'' if day == 3 else day},{'' if day == 9 else -day}"
        for day in range(1, 29)
    ]
    series = load_series(write(tmp_path, "\n".join(rows)), target="Tmax", inputs=["Tmin"])
    assert list(series.filled_dates) == [pd.Timestamp("2010-01-03")]


def test_several_numeric_columns_need_a_target(tmp_path):
    rows = ["Date,Tmax,Tmin,Station"] + [f"2012-01-{d:02d},{d + 5},{d},X" for d in range(1, 29)]
    path = write(tmp_path, "\n".join(rows))
    with pytest.raises(
        UsageError,
        match="2 numeric columns .'Tmax', 'Tmin'.: choose the one to forecast with --target",
    ):
        load_series(path)
    series = load_series(path, target="tmax", inputs=["Tmin"])  # any letter case
    assert list(series.frame.columns) == ["Tmax", "Tmin"]
    with pytest.raises(UsageError, match="'Station' is not numeric"):
        load_series(path, target="Station")
    with pytest.raises(UsageError, match="did you mean 'Tmin'"):
        load_series(path, target="Tmax", inputs=["Tmn"])


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "is empty"),
        ("Date,Value\n", "header but no data rows"),
        ("Date|Value\n2001-01|3\n2001-02|4\n", "separated by commas, semicolons or tabs"),
        ("Date,Value\nsoon,3\n2001-02,4\n2001-03,5\n", "not dates, e.g. 'soon' in data row 1"),
        ("Date,Value\n2001-01,3\n2001-01,4\n2001-02,5\n2001-03,5\n", "appears more than once"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path, text, message):
    with pytest.raises(UsageError, match=message):
        load_series(write(tmp_path, text))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UsageError, match="file not found"):
        load_series(tmp_path / "nope.csv")
    with pytest.raises(UsageError, match="is a folder"):
        load_series(tmp_path)


def test_non_utf8_bytes(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("Date,Caf\xe9\n2001-01,1\n2001-02,2\n2001-03,3\n".encode("latin-1"))
    with pytest.raises(UsageError, match="not UTF-8"):
        load_series(path)
