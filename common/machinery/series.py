"""Load a time series from a CSV file and put it on a complete calendar.

Real records are messy: dates day-first or month-first, rows out of order, stamps missing or
repeated, empty cells written as `-` or `NA`, decimal commas. `load_series` turns any CSV with a
date column and numeric columns into a `Series` whose index has every step (a minute to a year:
machinery/frequencies.py) exactly once, fills short gaps with the last observed value, refuses long
ones, and says in `notes` what it did. Every problem a user can fix raises `UsageError`.
"""

import csv
import dataclasses
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from common.machinery import frequencies
from common.machinery.errors import UsageError

import numpy as np
import pandas as pd

DATE_COLUMN_NAMES = ("date", "month")  # recognised in any letter case
# A cell holding one of these (any letter case, spaces around ignored) is a missing value.
MISSING_MARKERS = ("", "na", "nan", "-", "?", "null")
# A date that starts with two numbers, then the year: 02/01/2015, 2.1.15, 02-01-2015 13:00.
NUMBERS_FIRST = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{2,4})\b")
# A number larger than this in size is a mistake (a typo, an overflow), not a measurement.
ABSURD = 1e300
# A time stamp's UTC offset at its end, after the time: 01:00:00+01:00, 01:00Z, 01:00 +0100.
UTC_OFFSET_ALONE = r"\s*(?:Z|[+-]\d{2}:?\d{2})$"
# A time stamp at midnight with its offset (a day written as a time): 2023-03-26T00:00:00+01:00.
LOCAL_MIDNIGHT = r"[T ]00:00(?::00(?:\.0+)?)?" + UTC_OFFSET_ALONE
UTC_OFFSET = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$")


@dataclass(frozen=True)
class Source:
    """Where a series comes from, and what reading it did."""

    path: Path = None  # the file it was read from
    embedded: bool = False  # read from the case's embedded file in data/
    read_as: list = field(default_factory=list)  # how the dates were read, e.g. day-first
    notes: list = field(default_factory=list)  # what was cleaned: sorted, averaged, filled


@dataclass(frozen=True)
class Series:
    """A cleaned series. `frame` has a DatetimeIndex with no gaps and columns [target, *inputs].
    Frozen: nothing changes it after it is made."""

    frame: pd.DataFrame
    target: str
    inputs: list
    date_column: str
    frequency: str  # the step's name in machinery/frequencies.py: "daily", "monthly", "hourly", ...
    # dates whose target value was missing and filled: never scored as targets
    filled_dates: pd.DatetimeIndex = field(default_factory=lambda: pd.DatetimeIndex([]))
    source: Source = Source()

    path = property(lambda self: self.source.path)
    embedded = property(lambda self: self.source.embedded)
    read_as = property(lambda self: self.source.read_as)
    notes = property(lambda self: self.source.notes)

    @property
    def season(self):
        """Steps in one season of the series' step (None: none). The run may use another
        (--season, or a week for a short daily record): forecasting.look decides."""
        return self.step.season

    def __str__(self):
        return "\n".join(f"   {line}" for line in describe(self, self.embedded))

    @property
    def step(self):
        """The Frequency row of the series' step (common/machinery/frequencies.py)."""
        return frequencies.by_name(self.frequency)


SEPARATORS = (",", ";", "\t")  # what spreadsheets export, in many locales


def column_separator(text):
    """The separator of the header line: the one of SEPARATORS that splits it into the most
    columns (a comma on a tie). A semicolon-separated export reads like a comma-separated one."""
    header = text.lstrip().splitlines()[0]
    return max(SEPARATORS, key=lambda separator: (header.count(separator), separator == ","))


def check_header_names(text, separator, path):
    """A usage error when the header line gives two columns the same name (pandas would call
    the second one 'Value.1', a name the file does not have)."""
    header = next(csv.reader(io.StringIO(text), delimiter=separator), [])
    names = [name.strip() for name in header]
    for position, name in enumerate(names):
        if name in names[:position]:
            raise UsageError(
                f"the header of {path} repeats the name {name!r} (columns "
                f"{names.index(name) + 1} and {position + 1}): give each column its own name"
            )


def read_table(path):
    """Read a UTF-8 CSV file (comma, semicolon or tab separated; a byte-order mark is fine)
    into a DataFrame of strings-or-numbers, with clear errors.

    Missing values may be written as any of MISSING_MARKERS. In a file separated by semicolons
    or tabs a comma is the decimal mark (23,11 is 23.11), as spreadsheets export it in many
    locales; a point still works there."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"file not found: {path} (check the path given to --data)")
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a CSV file: pass the file itself to --data")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{path} is not UTF-8 text (byte {error.start} cannot be decoded): save it as UTF-8 CSV"
        ) from None
    if not text.strip():
        raise UsageError(f"{path} is empty: it needs a header line and data rows")
    separator = column_separator(text)
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            skipinitialspace=True,
            decimal="." if separator == "," else ",",
        )
    except pd.errors.ParserError as error:
        raise UsageError(f"{path} could not be read as CSV: {error}") from None
    check_header_names(text, separator, path)
    table.columns = [str(name).strip() for name in table.columns]
    table = blank_missing_markers(table, decimal_comma=separator != ",")
    if table.shape[1] < 2:
        raise UsageError(
            f"{path} has a single column {table.columns[0]!r}: it needs at least two, separated "
            "by commas, semicolons or tabs"
        )
    if len(table) == 0:
        raise UsageError(f"{path} has a header but no data rows")
    return table


def blank_missing_markers(table, decimal_comma=False):
    """`table` with every cell that holds a missing marker (MISSING_MARKERS) empty (NaN), and,
    with decimal_comma, text columns of numbers like 23,11 turned into numbers."""
    table = table.copy()
    for column in table.columns:
        if pd.api.types.is_numeric_dtype(table[column]):
            continue
        text = table[column].astype("string").str.strip()
        table[column] = table[column].mask(text.str.lower().isin(MISSING_MARKERS))
        if decimal_comma:
            # A column that pandas left as text because of a marker or a point: its commas too.
            numbers = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
            filled = table[column].notna()
            if filled.any() and numbers[filled].notna().all():
                table[column] = numbers.where(filled)
    return table


def closest_column(name, columns):
    """`name` matched to an existing column: exact, then any letter case,
    else an error that suggests one."""
    if name in columns:
        return name
    for column in columns:
        if column.lower() == name.lower():
            return column
    close = difflib.get_close_matches(name, list(columns), n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise UsageError(
        f"no column named {name!r} (the columns are {', '.join(map(repr, columns))}){hint}"
    )


EXCEL_SERIALS = (20_000, 80_000)  # Excel's day numbers for the years 1954 to 2119


def not_dates_error(values, bad, column, date_format=None):
    """The error for a date column with values that are not dates: the first one (as written
    in the file), and how to write dates (or which flag decides). A column of numbers is said
    to be one: Excel's serial day numbers (43831 is 2020-01-01) or other plain numbers."""
    row = int(np.flatnonzero(np.asarray(bad))[0])
    numbers = pd.to_numeric(values, errors="coerce")
    shown = f"{numbers.iloc[row]:g}" if pd.notna(numbers.iloc[row]) else str(values.iloc[row])
    fix = (
        f"do the dates follow --date-format {date_format}?"
        if date_format
        else "write dates like 2012-01-31 or 2012-01, or pick another column with --date-column"
    )
    if numbers.notna().all() and numbers.between(*EXCEL_SERIALS).all():
        example = pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(numbers.iloc[row]))
        fix = (
            f"they look like Excel serial day numbers ({shown} is {example:%Y-%m-%d} in Excel): "
            "format the column as dates in the spreadsheet and save the CSV again"
        )
    elif numbers.notna().all():
        fix = "they are plain numbers, not dates: " + fix
    return UsageError(
        f"column {column!r} has values that are not dates, e.g. {shown!r} in data row "
        f"{row + 1}; {fix}"
    )


def day_first(text, column):
    """Whether dates written numbers first (02/01/2015) put the day first, and how that was
    decided, in words: a row whose first number is above 12 shows day-first, one whose second
    is shows month-first; with neither, month-first (pandas' default) and a hint at
    --date-format. Returns (dayfirst, words)."""
    parts = text.str.extract(NUMBERS_FIRST)
    first, second = parts[0].astype(float), parts[2].astype(float)
    day_shown, month_shown = np.flatnonzero(first > 12), np.flatnonzero(second > 12)
    if len(day_shown) and len(month_shown):
        raise UsageError(
            f"column {column!r} mixes day-first dates ({text.iloc[day_shown[0]]!r} in data row "
            f"{day_shown[0] + 1}) and month-first ones ({text.iloc[month_shown[0]]!r} in data row "
            f"{month_shown[0] + 1}): write them all one way, or give --date-format"
        )
    if len(day_shown):
        row = day_shown[0]
        return True, f"dates read day-first ({text.iloc[row]!r} in data row {row + 1} shows it)"
    if len(month_shown):
        row = month_shown[0]
        return False, f"dates read month-first ({text.iloc[row]!r} in data row {row + 1} shows it)"
    separator, year = parts[1].iloc[0], parts[3].iloc[0]
    day_first_format = f"%d{separator}%m{separator}{'%Y' if len(year) == 4 else '%y'}"
    example = pd.to_datetime(text.iloc[:1], format="mixed").iloc[0]
    return False, (
        "no date shows whether the day or the month comes first (none above 12): read them "
        f"month-first ({text.iloc[0]!r} is {example:%d %B %Y}); "
        f"--date-format {day_first_format} reads them day-first"
    )


def utc_offsets(text, column):
    """The distinct UTC offsets that the time stamps in `text` end with (e.g. ["+01:00",
    "+02:00"] across a daylight-saving change; [] when none has one). Some with an offset and
    some without is an error: their clocks cannot be told apart."""
    offsets = text.str.extract(UTC_OFFSET, expand=False)
    if offsets.isna().all():
        return []
    if offsets.isna().any():
        with_offset, without = np.flatnonzero(offsets.notna()), np.flatnonzero(offsets.isna())
        raise UsageError(
            f"column {column!r} mixes time stamps with a UTC offset ({text.iloc[with_offset[0]]!r} "
            f"in data row {with_offset[0] + 1}) and without one ({text.iloc[without[0]]!r} in "
            f"data row {without[0] + 1}): write them all one way"
        )
    return sorted(offsets.unique())


def parse_with_offsets(text, column, date_format, offsets):
    """Time stamps that carry UTC offsets, converted to UTC (one clock, with no repeated or
    missing hour at a daylight-saving change). Stamps all at local midnight are days, not
    times: UTC would move each to the day before, so they keep the dates they name.
    Returns (dates, how) as `parse_dates`."""
    dayfirst, how = False, None
    numbers_first = text.str.match(NUMBERS_FIRST).fillna(False).to_numpy(bool)
    if not date_format and numbers_first.any():
        dayfirst, how = day_first(text[numbers_first], column)
    midnight = not date_format and text.str.contains(LOCAL_MIDNIGHT).fillna(False).all()
    if midnight:
        text = text.str.replace(UTC_OFFSET_ALONE, "", regex=True)
    dates = pd.to_datetime(
        text, format=date_format or "mixed", dayfirst=dayfirst, utc=True, errors="coerce"
    ).dt.tz_convert(None)
    change = " (the offset changes, as at a daylight-saving change)" if len(offsets) > 1 else ""
    converted = (
        f"time stamps carry the UTC offset{'s' * (len(offsets) > 1)} {', '.join(offsets)}"
        + change
        + (
            ": all at local midnight, so read as the days they name (offset dropped)"
            if midnight
            else ": converted to UTC"
        )
    )
    return dates, "; ".join(filter(None, [how, converted]))


def parse_dates(values, column, date_format=None):
    """Strings (or numbers) to Timestamps; any value that is not a date is an error.

    date_format: a strptime format (--date-format) that every value must follow. Without it,
    dates written numbers first (02/01/2015) are read day-first or month-first as `day_first`
    decides, quarters like 2015Q1 or 2015-Q1 as their first day, anything else as pandas reads
    it. Returns (dates, how): a DatetimeIndex, and how the dates were read in words (None when
    there was nothing to decide).
    """
    text = values.astype("string").str.strip()
    how = None
    offsets = utc_offsets(text, column)
    if offsets:
        dates, how = parse_with_offsets(text, column, date_format, offsets)
    elif date_format:
        dates = pd.to_datetime(text, format=date_format, errors="coerce")
        how = f"dates read with --date-format {date_format}"
    else:
        numbers_first = text.str.match(NUMBERS_FIRST).fillna(False).to_numpy(bool)
        quarters = text.str.fullmatch(r"\d{4}[- ]?Q[1-4]").fillna(False).to_numpy(bool)
        others = ~(numbers_first | quarters)  # ISO dates, month names: as pandas reads them
        dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
        if others.all():
            dates = pd.to_datetime(text, errors="coerce", format="mixed")
        elif others.any():
            dates[others] = pd.to_datetime(text[others], errors="coerce", format="mixed")
        if numbers_first.any():
            dayfirst, how = day_first(text[numbers_first], column)
            dates[numbers_first] = pd.to_datetime(
                text[numbers_first], errors="coerce", format="mixed", dayfirst=dayfirst
            )
        if quarters.any():
            compact = text[quarters].str.replace(r"[- ]", "", regex=True)
            dates[quarters] = pd.PeriodIndex(compact, freq="Q").to_timestamp()
    bad = dates.isna()
    if bad.any():
        raise not_dates_error(values, bad, column, date_format)
    return pd.DatetimeIndex(dates), how


def looks_like_years(values):
    """Whole numbers from 1000 to 2999 that mostly rise by 1: a column of years (1950, 1951)."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.isna().any() or not (numbers == numbers.round()).all():
        return False
    steps = np.diff(np.sort(numbers.to_numpy()))
    return bool(numbers.between(1000, 2999).all() and len(steps) and np.median(steps) == 1)


def find_date_column(table, requested=None):
    """The date column: `requested`, else Date/date/Month in any case, else the first that
    parses as dates (a column of years, 1950, 1951, ..., counts)."""
    if requested:
        return closest_column(requested, table.columns)
    for column in table.columns:
        if column.lower() in DATE_COLUMN_NAMES:
            return column
    for column in table.columns:
        values = table[column].dropna()
        if len(values) and pd.api.types.is_numeric_dtype(values):
            if looks_like_years(values):
                return column
        elif len(values):
            text = values.astype("string").str.strip()
            quarters = text.str.fullmatch(r"\d{4}[- ]?Q[1-4]")
            parsed = pd.to_datetime(text.mask(quarters), errors="coerce", format="mixed", utc=True)
            if (parsed.notna() | quarters).mean() > 0.95:
                return column
    raise UsageError(
        f"no date column found among {', '.join(map(repr, table.columns))}; "
        "name it with --date-column"
    )


def as_numbers(table, column):
    """A column as floats; an error names a value that is not a number."""
    values = table[column]
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() & values.notna() & (values.astype("string").str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        value = str(values.iloc[row]).strip()
        fix = "pick a numeric column with --target / --inputs"
        if re.fullmatch(r"-?\d+,\d+", value):
            fix = (
                "a decimal comma is read in files separated by semicolons or tabs: export the "
                "file with ; between columns, or write the number with a point"
            )
        raise UsageError(
            f"column {column!r} is not numeric: "
            f"{values.iloc[row]!r} in data row {row + 1} is not a number; {fix}"
        )
    if numbers.isna().all():
        raise UsageError(f"column {column!r} is empty: it has no numbers at all")
    return numbers.astype(float)


def check_finite(numbers, column, path):
    """A usage error for the first cell of `numbers` (a column as floats) that is infinite
    (inf, -inf) or absurdly large (beyond ABSURD in size), named by its row in the file (the
    header is row 1) and its column."""
    bad = np.flatnonzero(~(np.abs(numbers.to_numpy()) <= ABSURD) & numbers.notna().to_numpy())
    if not len(bad):
        return
    row, value = int(bad[0]), float(numbers.iloc[int(bad[0])])
    what = "an infinite value" if np.isinf(value) else f"an absurd value (beyond {ABSURD:g})"
    raise UsageError(
        f"row {row + 2} of {Path(path).name} has {what} in {column!r} ({value:g}): a series "
        "needs finite numbers; fix or remove it (an empty cell counts as a missing value)"
    )


def numeric_columns(table, exclude):
    """Columns (other than `exclude`) whose every non-empty cell is a number."""
    found = []
    for column in table.columns:
        if column in exclude:
            continue
        numbers = pd.to_numeric(table[column], errors="coerce")
        filled = table[column].notna() & (table[column].astype("string").str.strip() != "")
        if filled.any() and numbers[filled].notna().all():
            found.append(column)
    return found


def longest_gap(missing):
    """(length, first missing position) of the longest run of True in a boolean array."""
    best, best_start, run, start = 0, 0, 0, 0
    for position, is_missing in enumerate(missing):
        if is_missing:
            if run == 0:
                start = position
            run += 1
            if run > best:
                best, best_start = run, start
        else:
            run = 0
    return best, best_start


def choose_columns(table, date_column, target, inputs):
    """(target, inputs): the column to forecast (default: the only numeric column) and the
    other measured columns beside it (["all"]: every other numeric column)."""
    if target is None:
        candidates = numeric_columns(table, exclude={date_column})
        others = [column for column in table.columns if column != date_column]
        if not candidates and len(others) == 1:
            as_numbers(table, others[0])  # raises an error that names the first non-number
        if len(candidates) != 1:
            listed = ", ".join(map(repr, candidates)) or "none"
            raise UsageError(
                f"{len(candidates)} numeric columns ({listed}): "
                "choose the one to forecast with --target"
            )
        target = candidates[0]
    target = closest_column(target, table.columns)
    if target == date_column:
        raise UsageError(f"{target!r} is the date column; choose a numeric column with --target")
    if list(inputs or []) == ["all"] and "all" not in table.columns:
        inputs = numeric_columns(table, exclude={date_column, target})
    inputs = [closest_column(name, table.columns) for name in (inputs or [])]
    return target, [name for name in inputs if name != target]


def resampled(values, rule):
    """`values` (rows, columns), indexed by date, averaged over steps of `rule` (a pandas offset
    alias such as 1h, 1D, 7D, MS); a step with no row is empty (NaN), a gap like any other.
    A rule finer than the record's usual step (its median spacing) is refused: averaging
    cannot make steps shorter, it would only leave most of them empty."""
    try:
        offset = pd.tseries.frequencies.to_offset(rule)
    except ValueError:
        raise UsageError(
            f"--resample {rule!r} is not a pandas offset alias: use e.g. 15min, 1h, 1D, 7D or MS"
        ) from None
    spacing = pd.Series(values.index.unique()).diff().median()
    origin = pd.Timestamp("2000-01-01")
    if pd.notna(spacing) and (origin + offset) - origin < 0.75 * spacing:
        try:
            own = f"one {frequencies.infer(values.index.unique()).unit}"
        except UsageError:  # no regular step: the usual spacing
            own = f"usually {frequencies.spacing_words(spacing)}"
        raise UsageError(
            f"--resample {rule} asks for steps shorter than the file's own step ({own}): "
            "averaging cannot make steps shorter; give a step as long as the file's or longer, "
            "or leave out --resample"
        )
    return values.resample(offset).mean()


def regular_calendar(values, frequency):
    """`values` on its step's grid, checked: dates put on the grid (a month on its first
    day), a repeated date refused (--resample averages it), a date off the grid refused.
    Returns (values, calendar): the rows, and every date from the first to the last one step
    apart (a business-day calendar has no weekends)."""
    values = values.set_axis(frequency.normalise(values.index))
    repeated = values.index[values.index.duplicated()]
    if len(repeated):
        raise UsageError(
            f"date {frequency.label(repeated[0])} appears more than once "
            f"({len(repeated)} repeated dates, e.g. a clock's fall-back hour): keep one row per "
            f"date, or average them with --resample {frequency.alias}"
        )
    calendar = pd.date_range(values.index[0], values.index[-1], freq=frequency.alias)
    off_grid = ~values.index.isin(calendar)
    if off_grid.any():
        raise frequencies.no_common_step(
            values.index,
            f"the most common step is one {frequency.unit}, but "
            f"{frequency.label(values.index[off_grid][0])} is not a whole number of "
            f"{frequency.units} after {frequency.label(values.index[0])}",
        )
    return values, calendar


def fill_short_gaps(frame, target, frequency, resample=None):
    """Trim leading and trailing rows with missing values, refuse a gap longer than the step's
    `max_gap`, and fill the shorter ones with the last observed value.

    Returns (frame, filled_dates: the dates whose target was missing, notes: what was done).
    """
    notes = []
    missing = frame.isna().any(axis=1).to_numpy()
    # Leading and trailing gaps cannot be filled from both sides: trim them.
    kept = np.flatnonzero(~missing)
    if len(kept) == 0:
        raise UsageError(f"no row has all of {', '.join(frame.columns)} filled in")
    if kept[0] > 0 or kept[-1] < len(frame) - 1:
        notes.append(
            f"dropped {kept[0] + len(frame) - 1 - kept[-1]} leading/trailing rows "
            "with missing values"
        )
        frame = frame.iloc[kept[0] : kept[-1] + 1]
        missing = missing[kept[0] : kept[-1] + 1]
    gap, start = longest_gap(missing)
    if gap > frequency.max_gap:
        first, last = frame.index[start], frame.index[start + gap - 1]
        raise UsageError(
            f"{gap} {frequency.units} in a row are missing ({frequency.label(first)} to "
            f"{frequency.label(last)}); at most {frequency.max_gap} are filled: fill them in "
            "the file or use the part of the series without the gap"
            + ("" if resample else " (or average to a coarser step with --resample)")
        )
    filled_dates = frame.index[frame[target].isna().to_numpy()]
    if missing.any():
        # The last observed value carried forward: a filled value is built from earlier
        # observations only, so no forecast reads a value computed from its own target (linear
        # interpolation would use the next observation).
        frame = frame.ffill()
        notes.append(
            f"filled {int(missing.sum())} {frequency.units} with missing values with the last "
            f"observed value (longest gap: {gap})"
        )
    return frame, filled_dates, notes


def on_calendar(values, target, resample=None):
    """`values` (rows, columns) by date, sorted, averaged over --resample's steps, on the
    complete calendar of their step, short gaps filled. Returns (frame, filled_dates, notes,
    frequency)."""
    notes = []
    if not values.index.is_monotonic_increasing:
        values = values.sort_index(kind="stable")
        notes.append("rows were not in date order: sorted them by date")
    if resample:
        rows = len(values)
        values = resampled(values, resample)
        notes.append(f"averaged the {rows} rows over steps of {resample} (--resample {resample})")
    frequency = frequencies.infer(values.index.unique())
    values, calendar = regular_calendar(values, frequency)
    frame, filled_dates, cleaned = fill_short_gaps(
        values.reindex(calendar), target, frequency, resample
    )
    return frame, filled_dates, notes + cleaned, frequency


def with_date_order_hint(error, date_values, values, target, resample):
    """`error` (raised by `on_calendar`), or a clearer one when no date showed whether the day
    or the month comes first, the dates were read month-first, and read day-first they would
    have made a regular series: then the error names --date-format."""
    text = date_values.astype("string").str.strip()
    if not text.str.match(NUMBERS_FIRST).fillna(False).all():
        return error
    parts = text.str.extract(NUMBERS_FIRST)
    if (parts[0].astype(float) > 12).any() or (parts[2].astype(float) > 12).any():
        return error  # a row showed the order
    separator, year = parts[1].iloc[0], parts[3].iloc[0]
    day_first_format = f"%d{separator}%m{separator}{'%Y' if len(year) == 4 else '%y'}"
    day_first_dates = pd.to_datetime(text, format=day_first_format, errors="coerce")
    if day_first_dates.isna().any():
        return error
    try:
        *_, frequency = on_calendar(values.set_axis(day_first_dates.to_numpy()), target, resample)
    except UsageError:
        return error  # day-first is no better: the first error stands
    differ = np.flatnonzero((parts[0] != parts[2]).to_numpy())
    row = int(differ[0]) if len(differ) else 0
    what_went_wrong = str(error).split(";")[0]
    return UsageError(
        "no date shows whether the day or the month comes first, and read month-first "
        f"({text.iloc[row]!r} as {values.index[row]:%d %B %Y}) they are not a regular series "
        f"({what_went_wrong}); read day-first they are {frequency.name}: give --date-format "
        f"{day_first_format}"
    )


def load_series(path, date_column=None, target=None, inputs=None, date_format=None, resample=None):
    """Read `path` and return a `Series` on a complete calendar of its step (a minute to a
    year, inferred from the dates: common/machinery/frequencies.py).

    target: the column to forecast (default: the only numeric column).
    inputs: other numeric columns to keep beside it (default: none; ["all"]: every other).
    date_format: a strptime format for the dates (--date-format); default: read as they come.
    resample: a pandas offset alias (--resample): average the record to that step first.
    """
    table = read_table(path)
    date_column = find_date_column(table, date_column)
    target, inputs = choose_columns(table, date_column, target, inputs)

    dates, read_as = parse_dates(table[date_column], date_column, date_format)
    columns = {name: as_numbers(table, name) for name in [target, *inputs]}
    for name, numbers in columns.items():
        check_finite(numbers, name, path)
    values = pd.DataFrame({name: numbers.to_numpy() for name, numbers in columns.items()}, dates)
    try:
        frame, filled_dates, notes, frequency = on_calendar(values, target, resample)
    except UsageError as error:
        if date_format:
            raise
        raise with_date_order_hint(error, table[date_column], values, target, resample) from None
    frame.index.name = date_column
    return Series(
        frame=frame,
        target=target,
        inputs=inputs,
        date_column=date_column,
        frequency=frequency.name,
        filled_dates=filled_dates,
        source=Source(path, read_as=[read_as] if read_as else [], notes=notes),
    )


def last_rows(series, rows):
    """A new Series with the last `rows` rows of `series` (--quick)."""
    return dataclasses.replace(series, frame=series.frame.iloc[-rows:])


def load_case_series(args, embedded_path, embedded_target, embedded_inputs):
    """The series a forecasting case trains on: --data,
    or the embedded file with its documented columns.

    Returns the Series, with `series.path` the file read and `series.embedded` whether it is
    the embedded one. --target, --inputs and --date-column apply to either.
    """
    embedded = args.data is None
    data_path = Path(embedded_path if embedded else args.data)
    series = load_series(
        data_path,
        date_column=args.date_column,
        target=args.target or (embedded_target if embedded else None),
        inputs=args.inputs if args.inputs is not None else (embedded_inputs if embedded else []),
        date_format=getattr(args, "date_format", None),
        resample=getattr(args, "resample", None),
    )
    source = dataclasses.replace(series.source, path=data_path, embedded=embedded)
    return dataclasses.replace(series, source=source)


def describe(series, embedded):
    """Lines for the data summary: rows, step, date range, inputs, how the dates were read,
    what was cleaned."""
    dates, step = series.frame.index, series.step
    first = f"{len(series.frame)} {step.units} of {series.target!r}, "
    first += f"{step.label(dates[0])} to {step.label(dates[-1])}"
    if series.inputs:
        first += f"; other inputs: {', '.join(series.inputs)}"
    if embedded:
        first += " (embedded data; --data PATH uses your own file)"
    return (
        [first]
        + [f"read: {how}" for how in series.read_as]
        + [f"cleaned: {note}" for note in series.notes]
    )
