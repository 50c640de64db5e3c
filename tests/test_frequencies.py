from common.machinery import frequencies
from common.machinery.errors import UsageError
from common.machinery.frequencies import by_name, calendar_columns, infer, season_for
from common.machinery.series import load_series

import numpy as np
import pandas as pd
import pytest


@pytest.mark.parametrize(
    "freq, periods, name, season, windows, climatology",
    [
        ("15min", 300, "15-minute", 96, (96,), "time of day"),
        ("min", 300, "1-minute", 1440, (288,), "time of day"),
        ("h", 300, "hourly", 24, (24, 48, 168), "hour of day"),
        ("D", 300, "daily", 365, (7, 14, 30), "day of year"),
        ("B", 300, "business-day", 5, (5, 10, 20), "day of week"),
        ("W-WED", 120, "weekly", 52, (13, 26, 52), "week of year"),
        ("MS", 60, "monthly", 12, (12, 24), "month"),
        ("QS", 40, "quarterly", 4, (4, 8), "quarter"),
        ("YS", 40, "yearly", None, (5, 10), None),
    ],
)
def test_each_step_is_inferred_with_its_season_windows_and_climatology(
    freq, periods, name, season, windows, climatology
):
    frequency = infer(pd.date_range("2001-01-01", periods=periods, freq=freq))
    assert frequency.name == name
    assert (frequency.season, frequency.window_choices) == (season, windows)
    assert frequency.climatology == climatology
    assert by_name(name) == frequency  # names round-trip (preprocessing.json keeps the name)


def test_month_ends_and_quarter_ends_are_months_and_quarters():
    assert infer(pd.date_range("2001-01-31", periods=30, freq="ME")).name == "monthly"
    assert infer(pd.date_range("2001-03-31", periods=30, freq="QE")).name == "quarterly"
    assert infer(pd.date_range("2001-12-31", periods=30, freq="YE")).name == "yearly"


def test_a_year_is_a_whole_number_of_steps_only_for_weeks_months_and_quarters():
    assert [by_name(name).year_steps for name in ("weekly", "monthly", "quarterly")] == [52, 12, 4]
    assert by_name("daily").year_steps is None and by_name("yearly").year_steps is None


def test_daily_season_is_the_year_with_two_years_to_train_on_else_the_week():
    daily = by_name("daily")
    assert season_for(daily, training_steps=730) == 365
    assert season_for(daily, training_steps=729) == 7
    assert season_for(daily, training_steps=729, override=30) == 30  # --season
    assert season_for(by_name("yearly"), training_steps=100) is None


def test_the_test_window_is_12_monthly_30_daily_else_the_longest_candidate():
    windows = {name: by_name(name).test_window for name in frequencies.BY_NAME}
    assert windows["monthly"] == 12 and windows["daily"] == 30
    assert windows["hourly"] == 168 and windows["weekly"] == 52 and windows["yearly"] == 10


def test_minute_records_finer_than_five_minutes_get_the_time_of_day():
    assert by_name("5-minute").calendar == () and by_name("5-minute").window_choices == (288,)
    assert by_name("1-minute").calendar == ("day",)
    columns = calendar_columns(pd.DatetimeIndex(["2001-01-01 06:00", "2001-01-01 18:00"]), ["day"])
    np.testing.assert_allclose(columns, [[1, 0], [-1, 0]], atol=1e-12)  # a quarter, three quarters


def test_labels_and_the_steps_after_the_last_date():
    assert by_name("quarterly").label(pd.Timestamp("2013-07-01")) == "2013Q3"
    assert frequencies.from_label("2013Q3") == pd.Timestamp("2013-07-01")
    assert by_name("hourly").label(pd.Timestamp("2013-07-01 14:00")) == "2013-07-01 14:00"
    friday = pd.Timestamp("2024-03-01")
    assert [d.day_name() for d in by_name("business-day").following(friday, 2)] == [
        "Monday",
        "Tuesday",
    ]
    assert by_name("monthly").following(pd.Timestamp("2013-12-01"), 1) == [
        pd.Timestamp("2014-01-01")
    ]


def test_irregular_spacing_names_the_spacings_and_suggests_resample():
    dates = pd.DatetimeIndex(["2001-01-01", "2001-01-03", "2001-01-05", "2001-01-08"])
    with pytest.raises(UsageError, match=r"2 days \(2 times\), 3 days \(1 times\).*--resample"):
        infer(dates)
    with pytest.raises(UsageError, match="7 minutes, does not divide a day"):
        infer(pd.date_range("2001-01-01", periods=10, freq="7min"))


# Reading real files: written in tmp_path, read by load_series.
def write(tmp_path, text, name="series.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def daily_text(dates, value=lambda i: i, date_format="%d/%m/%Y", separator=","):
    rows = [f"{date:{date_format}}{separator}{value(i)}" for i, date in enumerate(dates)]
    return f"Date{separator}Value\n" + "\n".join(rows)


def test_day_first_dates_are_read_day_first_when_a_day_above_12_shows_it(tmp_path):
    dates = pd.date_range("2015-01-01", periods=365, freq="D")
    series = load_series(write(tmp_path, daily_text(dates)))
    assert series.frequency == "daily" and len(series.frame) == 365
    assert series.frame.loc["2015-01-02", "Value"] == 1  # 02/01/2015 is 2 January, not 1 February
    assert series.notes == []  # nothing was out of order
    assert series.read_as == ["dates read day-first ('13/01/2015' in data row 13 shows it)"]


def test_ambiguous_dates_are_read_month_first_and_date_format_decides(tmp_path):
    dates = pd.date_range("2015-01-01", periods=12, freq="MS")  # 01/01, 01/02, ...: no day > 12
    path = write(tmp_path, daily_text(dates))
    series = load_series(path)
    assert series.frequency == "daily"  # read month-first: 1 to 12 January, one day apart
    assert "--date-format %d/%m/%Y reads them day-first" in series.read_as[0]
    series = load_series(path, date_format="%d/%m/%Y")
    assert series.frequency == "monthly" and series.frame.index[-1] == pd.Timestamp("2015-12-01")
    assert series.read_as == ["dates read with --date-format %d/%m/%Y"]
    with pytest.raises(UsageError, match="do the dates follow --date-format %Y-%m-%d"):
        load_series(path, date_format="%Y-%m-%d")


def test_dates_that_mix_both_orders_are_refused(tmp_path):
    text = "Date,Value\n13/01/2015,1\n01/14/2015,2\n01/15/2015,3\n"
    with pytest.raises(UsageError, match="mixes day-first dates .* and month-first ones"):
        load_series(write(tmp_path, text))


def test_business_days_are_not_filled_with_weekends(tmp_path):
    dates = pd.bdate_range("2024-01-01", periods=60)
    dates = dates.delete(17)  # a holiday: a missing business day, filled as a gap
    series = load_series(write(tmp_path, daily_text(dates, date_format="%Y-%m-%d")))
    assert series.frequency == "business-day" and series.season == 5
    assert len(series.frame) == 60 and (series.frame.index.day_of_week < 5).all()
    assert list(series.filled_dates) == [pd.bdate_range("2024-01-01", periods=60)[17]]


def test_a_repeated_stamp_is_refused_with_its_date_unless_resample_averages_it(tmp_path):
    hours = list(pd.date_range("2023-10-28 20:00", periods=12, freq="h"))
    hours.insert(7, pd.Timestamp("2023-10-29 02:00"))  # the clock's fall-back hour, twice
    text = "Date,Load\n" + "\n".join(f"{h:%Y-%m-%d %H:%M},{i}" for i, h in enumerate(hours))
    path = write(tmp_path, text)
    with pytest.raises(
        UsageError, match="date 2023-10-29 02:00 appears more than once.*--resample h"
    ):
        load_series(path)
    series = load_series(path, resample="1h")
    assert series.frequency == "hourly" and len(series.frame) == 12
    assert series.frame.loc["2023-10-29 02:00", "Load"] == 6.5  # the two readings averaged
    assert any("--resample 1h" in note for note in series.notes)


def test_a_missing_spring_forward_hour_is_a_gap_filled_like_any_other(tmp_path):
    hours = pd.date_range("2023-03-26 00:00", periods=12, freq="h").delete(2)  # 02:00 skipped
    text = "Date,Load\n" + "\n".join(f"{h:%Y-%m-%d %H:%M},{h.hour}" for h in hours)
    series = load_series(write(tmp_path, text))
    assert series.frequency == "hourly" and len(series.frame) == 12
    assert series.frame.loc["2023-03-26 02:00", "Load"] == 1.0  # 01:00 carried forward


def test_resample_averages_a_fine_record_to_the_step_asked_for(tmp_path):
    minutes = pd.date_range("2024-01-01", periods=6 * 24 * 10, freq="10min")  # ten days
    text = "time,power\n" + "\n".join(f"{m:%Y-%m-%d %H:%M},{m.hour}" for m in minutes)
    series = load_series(write(tmp_path, text), resample="1h")
    assert series.frequency == "hourly" and len(series.frame) == 240
    np.testing.assert_allclose(series.frame["power"].to_numpy()[:24], np.arange(24))
    assert load_series(write(tmp_path, text)).frequency == "10-minute"


def test_missing_markers_and_decimal_commas(tmp_path):
    markers = ["", "NA", "NaN", "-", "?", "null"]
    rows = [
        f"{date:%Y-%m-%d};{markers[i // 5] if i % 5 == 4 and i < 30 else f'{i},5'};{i}"
        for i, date in enumerate(pd.date_range("2020-01-01", periods=40))
    ]
    series = load_series(
        write(tmp_path, "Date;Temp;Rain\n" + "\n".join(rows)), target="Temp", inputs=["Rain"]
    )
    assert series.frame["Temp"].iloc[0] == 0.5 and series.frame["Temp"].iloc[3] == 3.5
    assert series.frame["Temp"].iloc[4] == 3.5  # 3,5 carried forward
    assert len(series.filled_dates) == 6  # one cell for each marker


def test_a_decimal_comma_in_a_comma_separated_file_says_what_to_do(tmp_path):
    text = 'Date,Value\n2020-01-01,"23,11"\n2020-01-02,"23,5"\n2020-01-03,"24,0"\n'
    with pytest.raises(UsageError, match="a decimal comma is read in files separated by semi"):
        load_series(write(tmp_path, text), target="Value")


def test_inputs_all_takes_every_other_numeric_column(tmp_path):
    rows = [f"2020-01-{d:02d},{d},{d * 2},{-d},town" for d in range(1, 29)]
    path = write(tmp_path, "Date,Tmax,Tmin,Wind,Town\n" + "\n".join(rows))
    series = load_series(path, target="Tmax", inputs=["all"])
    assert series.inputs == ["Tmin", "Wind"]


def test_years_and_quarters_are_read_as_dates(tmp_path):
    years = "Year,Births\n" + "\n".join(f"{1900 + i},{50 + i}" for i in range(40))
    series = load_series(write(tmp_path, years))
    assert series.frequency == "yearly" and series.season is None and series.date_column == "Year"
    quarters = "Quarter,Sales\n" + "\n".join(f"{2000 + i // 4}-Q{i % 4 + 1},{i}" for i in range(40))
    series = load_series(write(tmp_path, quarters))
    assert series.frequency == "quarterly" and series.frame.index[1] == pd.Timestamp("2000-04-01")


def test_steps_below_a_day_read_the_time_of_day_the_week_and_the_year_they_cover_twice():
    hourly, minutes = by_name("hourly"), frequencies.every_minutes(15)
    assert frequencies.calendar_cycles(hourly, 24 * 200) == ("day", "week")  # under a year
    assert frequencies.calendar_cycles(hourly, 24 * 600) == ("day", "week")  # one year, not two
    assert frequencies.calendar_cycles(hourly, 24 * 731) == ("day", "week", "year")
    assert frequencies.calendar_cycles(minutes, 96 * 600) == ("day", "week")
    assert frequencies.calendar_cycles(minutes, 96 * 731) == ("day", "week", "year")
    assert frequencies.calendar_cycles(by_name("daily"), 3000) == ("year",)  # the table's
    assert frequencies.calendar_cycles(by_name("monthly"), 400) == ()
    dates = pd.date_range("2023-01-02", periods=24 * 7, freq="h")  # a Monday, one week
    columns = calendar_columns(dates, frequencies.calendar_cycles(hourly, 24 * 200))
    assert columns.shape == (24 * 7, 4)
    # the day's pair repeats every 24 hours; the week's pair does not
    np.testing.assert_allclose(columns[:24, :2], columns[24:48, :2], atol=1e-9)
    assert np.abs(columns[:24, 2:] - columns[24:48, 2:]).max() > 0.5
