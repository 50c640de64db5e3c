"""Every regular step a forecasting case reads, from a minute to a year, in one table.

A series' step (its frequency) decides everything that depends on the calendar: the season
(seasonal naive's lag and the seasonal difference), what climatology averages over, which
calendar cycles the model reads as sine and cosine pairs, the windows validation chooses from,
and the words a run prints. `infer` finds the step of a file's dates:

    >>> infer(pd.date_range("2020-01-01", periods=50, freq="h")).name
    'hourly'
    >>> by_name("monthly").season, by_name("monthly").window_choices
    (12, (12, 24))
    >>> by_name("15-minute").season  # a day of 15-minute steps
    96
"""

import re
from collections import Counter
from dataclasses import dataclass

from common.machinery.errors import UsageError

import numpy as np
import pandas as pd

MINUTES_IN_A_DAY = 1440
LONGEST_MINUTE_WINDOW = 288  # a day of 5-minute steps; finer records are better resampled


@dataclass(frozen=True)
class Cycles:
    """What a step's calendar brings: its season, what climatology averages over, the calendar
    terms the model reads, and a year in steps."""

    season: int | None  # steps in one season; None: no seasonal naive or seasonal difference
    climatology: str | None  # what the climatology baseline averages over; None: no baseline
    calendar: tuple  # cycles fed to the model as sin/cos pairs: "day", "week", "year"
    year_steps: int | None = None  # steps in a year when a whole number (last_year_change)
    short_season: int | None = None  # the season when the training part holds under two seasons


@dataclass(frozen=True)
class Frequency:
    """One regular step and what follows from it (docs/PROTOCOL.md, "By frequency")."""

    name: str  # "hourly", "monthly", "15-minute", ...: metrics.json's and preprocessing.json's
    alias: str  # pandas offset alias of one step: "h", "D", "B", "7D", "MS", "QS", "YS", "15min"
    unit: str  # one step in words: "hour", "business day", "15-minute step"
    cycles: "Cycles"  # the season, climatology, calendar terms, a year in steps
    windows: tuple  # (the windows validation chooses from, the window that counts the test part)
    max_gap: int  # the longest run of missing steps filled with the last observed value
    date_format: str  # how a date is printed (%q: the quarter)

    season = property(lambda self: self.cycles.season)
    climatology = property(lambda self: self.cycles.climatology)
    calendar = property(lambda self: self.cycles.calendar)
    year_steps = property(lambda self: self.cycles.year_steps)
    short_season = property(lambda self: self.cycles.short_season)
    window_choices = property(lambda self: self.windows[0])  # or --window
    test_window = property(lambda self: self.windows[1])  # counts the test part without --window

    @property
    def units(self):
        """The unit in the plural: "hours", "business days"."""
        return f"{self.unit}s"

    def label(self, date):
        """A date as this step prints it: "2013-07", "2013Q3", "2013-07-01 14:00"."""
        date = pd.Timestamp(date)
        if "%q" in self.date_format:
            return date.to_period("Q").strftime(self.date_format)
        return date.strftime(self.date_format)

    def normalise(self, dates):
        """Dates put on this step's grid: months, quarters and years on their first day (a
        monthly file dated 2013-07-31 or 2013-07-15 reads as 2013-07-01); others as they are."""
        period = {"monthly": "M", "quarterly": "Q", "yearly": "Y"}.get(self.name)
        dates = pd.DatetimeIndex(dates)
        return dates.to_period(period).to_timestamp() if period else dates

    def following(self, last_date, horizon):
        """The `horizon` dates after `last_date`, one step apart."""
        return list(pd.date_range(last_date, periods=horizon + 1, freq=self.alias)[1:])


def from_label(text):
    """The first moment of a date as `Frequency.label` prints it ("2013Q3", "2013-07", ...)."""
    if re.fullmatch(r"\d{4}Q[1-4]", text):
        return pd.Period(text, freq="Q").to_timestamp()
    return pd.Timestamp(text)


# The table of docs/PROTOCOL.md. Calendar cycles: those a window may not hold whole, so the
# model would not know where in the cycle it stands: the year for days, business days and weeks
# (no window holds one); none for hours (every window holds a day, 168 a week) or for months
# and longer (12 months or 4 quarters hold the year); the day for minutes finer than 5.
TABLE = (
    Frequency(
        "hourly", "h", "hour", Cycles(24, "hour of day", (), None),
        ((24, 48, 168), 168), 6, "%Y-%m-%d %H:%M",
    ),
    Frequency(
        "daily", "D", "day", Cycles(365, "day of year", ("year",), None, 7),
        ((7, 14, 30), 30), 7, "%Y-%m-%d",
    ),
    Frequency(
        "business-day", "B", "business day", Cycles(5, "day of week", ("year",), None),
        ((5, 10, 20), 20), 5, "%Y-%m-%d",
    ),
    Frequency(
        "weekly", "7D", "week", Cycles(52, "week of year", ("year",), 52),
        ((13, 26, 52), 52), 2, "%Y-%m-%d",
    ),
    Frequency(
        "monthly", "MS", "month", Cycles(12, "month", (), 12),
        ((12, 24), 12), 2, "%Y-%m",
    ),
    Frequency(
        "quarterly", "QS", "quarter", Cycles(4, "quarter", (), 4),
        ((4, 8), 8), 1, "%YQ%q",
    ),
    Frequency(
        "yearly", "YS", "year", Cycles(None, None, (), None),
        ((5, 10), 10), 1, "%Y",
    ),
)  # fmt: skip
BY_NAME = {frequency.name: frequency for frequency in TABLE}


def every_minutes(minutes):
    """The k-minute step (k dividing a day): a season of a day, a window of a day (at most
    LONGEST_MINUTE_WINDOW steps, then the time of day as calendar terms), gaps of up to an hour
    filled."""
    day = MINUTES_IN_A_DAY // minutes
    window = min(day, LONGEST_MINUTE_WINDOW)
    calendar = ("day",) if window < day else ()  # the time of day, when no window holds a day
    return Frequency(
        f"{minutes}-minute", f"{minutes}min", f"{minutes}-minute step",
        Cycles(day, "time of day", calendar), ((window,), window), max(1, 60 // minutes),
        "%Y-%m-%d %H:%M",
    )  # fmt: skip


def by_name(name):
    """The Frequency called `name` ("monthly", "15-minute", ...)."""
    if name in BY_NAME:
        return BY_NAME[name]
    minutes = re.fullmatch(r"(\d+)-minute", name)
    if minutes:
        return every_minutes(int(minutes.group(1)))
    raise ValueError(f"unknown frequency {name!r}")


def season_for(frequency, training_steps, override=None):
    """The season a run uses: --season N if given, else the frequency's; daily data whose
    training part holds less than two years use the week (7) instead of the year (365)."""
    if override:
        return override
    if frequency.short_season and training_steps < 2 * frequency.season:
        return frequency.short_season
    return frequency.season


def spacing_words(spacing):
    """A Timedelta in words: "1 day", "12 hours", "90 minutes", "3 days 12 hours"."""
    spacing = pd.Timedelta(spacing)
    minutes = int(spacing.total_seconds() // 60)
    if spacing.total_seconds() % 60:
        return str(spacing)
    days, rest = divmod(minutes, MINUTES_IN_A_DAY)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    words = [f"{count} {unit}{'s' if count != 1 else ''}" for count, unit in parts if count]
    return " ".join(words) or "0 minutes"


def common_spacings(dates, shown=3):
    """The most common spacings between consecutive dates, in words with their counts."""
    counts = Counter(pd.DatetimeIndex(dates).to_series().diff().dropna())
    return ", ".join(
        f"{spacing_words(spacing)} ({count} times)" for spacing, count in counts.most_common(shown)
    )


def no_common_step(dates, why):
    """The error for dates without a step the cases read: the spacings found and --resample."""
    return UsageError(
        f"{why}; the dates are spaced {common_spacings(dates)}: average the record to a regular "
        "step with --resample (e.g. --resample 1h, 1D or 7D)"
    )


def infer(dates):
    """The Frequency of sorted, unique dates: their most common spacing, read as k minutes,
    hourly, daily (business-day when no date falls on a weekend and the weekends are skipped),
    weekly, monthly (28-31 days), quarterly (89-92 days) or yearly (365-366 days)."""
    dates = pd.DatetimeIndex(dates)
    if len(dates) < 3:
        raise UsageError(f"only {len(dates)} dated rows: a series needs many more")
    spacings = dates.to_series().diff().dropna()
    step = spacings.mode().iloc[0]  # the most common spacing (the shortest on a tie)
    days = step / pd.Timedelta(days=1)
    if days < 1:
        minutes = step / pd.Timedelta(minutes=1)
        if minutes != int(minutes) or MINUTES_IN_A_DAY % int(minutes):
            raise no_common_step(
                dates, f"the most common step, {spacing_words(step)}, does not divide a day"
            )
        return BY_NAME["hourly"] if minutes == 60 else every_minutes(int(minutes))
    if days == 1:
        # Business days: (almost) no date on a weekend, and Fridays followed by Mondays.
        weekends = (dates.day_of_week >= 5).mean()
        skips_weekends = (spacings == pd.Timedelta(days=3)).any()
        return BY_NAME["business-day" if weekends < 0.01 and skips_weekends else "daily"]
    for name, (shortest, longest) in {
        "weekly": (7, 7),
        "monthly": (28, 31),
        "quarterly": (89, 92),
        "yearly": (365, 366),
    }.items():
        if shortest <= days <= longest:
            return BY_NAME[name]
    raise no_common_step(
        dates, f"the most common step, {spacing_words(step)}, is not one the cases read"
    )


HOURS_IN_A_YEAR = 365.25 * 24


def calendar_cycles(step, training_steps):
    """The calendar cycles the model reads as sin/cos pairs (docs/PROTOCOL.md).

    Below a day (hourly and k-minute steps): the time of day and the day of the week, and the
    day of the year when the `training_steps` before the test part cover two years; demand for
    electricity or bicycles follows all three. Other steps: the table's `calendar`.

    Why two years, as the daily season: with one year to learn from, each day of the year is
    seen once, so the network can learn that year's own path by date. On the hourly bicycle
    rentals of 2017-2018 (1.6 years before the test part) no epoch then beat the linear start
    on validation; without the day of the year the check block confirmed a 19 % lower loss,
    and Beijing's weather lost 0.5 % there (docs/RESULTS.md, chosen on validation only).
    """
    hours = {"hourly": 1}.get(step.name)
    if step.name.endswith("-minute"):
        hours = int(step.name.split("-")[0]) / 60
    if hours is None:
        return tuple(step.calendar)
    covers_two_years = training_steps * hours >= 2 * HOURS_IN_A_YEAR
    return ("day", "week", "year") if covers_two_years else ("day", "week")


def calendar_columns(dates, cycles):
    """(steps, 2 * cycles) array: sin and cos of each date's position in each cycle ("day":
    the time of day, "week": the day and time of the week, "year": the day of the year), so
    that 23:00 sits next to 00:00 and December next to January."""
    dates = pd.DatetimeIndex(dates)
    hours = dates.hour.to_numpy() + dates.minute.to_numpy() / 60
    position = {  # (how far into the cycle, the cycle's length)
        "day": (hours, 24),
        "week": (dates.day_of_week.to_numpy() * 24 + hours, 7 * 24),
        "year": (dates.day_of_year.to_numpy() - 1, 365.25),
    }
    columns = []
    for cycle in cycles:
        gone, length = position[cycle]
        angle = 2 * np.pi * gone / length
        columns += [np.sin(angle), np.cos(angle)]
    return np.column_stack(columns) if columns else np.empty((len(dates), 0))


def climatology_keys(dates, by):
    """What the climatology baseline groups dates by (docs/PROTOCOL.md): one array per key."""
    dates = pd.DatetimeIndex(dates)
    keys = {
        "time of day": [dates.hour, dates.minute],
        "hour of day": [dates.hour],
        "day of year": [dates.month, dates.day],
        "day of week": [dates.day_of_week],
        "week of year": [dates.isocalendar().week.to_numpy()],
        "month": [dates.month],
        "quarter": [dates.quarter],
    }[by]
    return [np.asarray(key) for key in keys]
