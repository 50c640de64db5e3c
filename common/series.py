"""Load a time series from a CSV file and put it on a complete calendar.

Real records are messy: dates in several formats, rows out of order, days missing, empty cells.
`load_series` turns any CSV with a date column and numeric columns into a `Series` whose index
has every day (or month) exactly once, fills short gaps with the last observed value, refuses long
ones, and says in `notes` what it did. Every problem a user can fix raises `UsageError`.
"""

import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

from common.errors import UsageError

import numpy as np
import pandas as pd

DATE_COLUMN_NAMES = ("date", "month")  # recognised in any letter case
MAX_GAP = {"daily": 7, "monthly": 2}  # longest run of missing steps filled by interpolation
SEASON = {"daily": 365, "monthly": 12}  # steps per year


@dataclass
class Series:
    """A cleaned series. `frame` has a DatetimeIndex with no gaps and columns [target, *inputs]."""

    frame: pd.DataFrame
    target: str
    inputs: list
    date_column: str
    frequency: str  # "daily" or "monthly"
    notes: list = field(default_factory=list)
    # dates whose target value was missing and filled: never scored as targets
    filled_dates: pd.DatetimeIndex = field(default_factory=lambda: pd.DatetimeIndex([]))
    embedded: bool = False  # read from the case's embedded file in data/
    path: Path = None  # the file it was read from

    @property
    def season(self):
        """Steps in one year: 12 for monthly data, 365 for daily data."""
        return SEASON[self.frequency]


SEPARATORS = (",", ";", "\t")  # what spreadsheets export, in many locales


def column_separator(text):
    """The separator of the header line: the one of SEPARATORS that splits it into the most
    columns (a comma on a tie). A semicolon-separated export reads like a comma-separated one."""
    header = text.lstrip().splitlines()[0]
    return max(SEPARATORS, key=lambda separator: (header.count(separator), separator == ","))


def read_table(path):
    """Read a UTF-8 CSV file (comma, semicolon or tab separated; a byte-order mark is fine)
    into a DataFrame of strings-or-numbers, with clear errors."""
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
        table = pd.read_csv(io.StringIO(text), sep=separator, skipinitialspace=True)
    except pd.errors.ParserError as error:
        raise UsageError(f"{path} could not be read as CSV: {error}") from None
    table.columns = [str(name).strip() for name in table.columns]
    if table.shape[1] < 2:
        raise UsageError(
            f"{path} has a single column {table.columns[0]!r}: it needs at least two, separated "
            "by commas, semicolons or tabs"
        )
    if len(table) == 0:
        raise UsageError(f"{path} has a header but no data rows")
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


def parse_dates(values, column):
    """Strings (or numbers) to Timestamps; any value that is not a date is an error."""
    text = values.astype("string").str.strip()
    dates = pd.to_datetime(text, errors="coerce", format="mixed")
    bad = dates.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise UsageError(
            f"column {column!r} has values that are not dates, "
            f"e.g. {values.iloc[row]!r} in data row {row + 1}; "
            "write dates like 2012-01-31 or 2012-01, or pick another column with --date-column"
        )
    return pd.DatetimeIndex(dates)


def find_date_column(table, requested=None):
    """The date column: `requested`, else Date/date/Month in any case,
    else the first that parses as dates."""
    if requested:
        return closest_column(requested, table.columns)
    for column in table.columns:
        if column.lower() in DATE_COLUMN_NAMES:
            return column
    for column in table.columns:
        values = table[column].dropna()
        if len(values) and not pd.api.types.is_numeric_dtype(values):
            parsed = pd.to_datetime(values.astype("string"), errors="coerce", format="mixed")
            if parsed.notna().mean() > 0.95:
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
        raise UsageError(
            f"column {column!r} is not numeric: "
            f"{values.iloc[row]!r} in data row {row + 1} is not a number; "
            "pick a numeric column with --target / --inputs"
        )
    if numbers.isna().all():
        raise UsageError(f"column {column!r} is empty: it has no numbers at all")
    return numbers.astype(float)


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


def infer_frequency(dates):
    """'daily' or 'monthly' from the typical spacing of sorted, unique dates."""
    if len(dates) < 3:
        raise UsageError(f"only {len(dates)} dated rows: a series needs many more")
    step_days = np.median(np.diff(dates.values).astype("timedelta64[D]").astype(int))
    if step_days == 1:
        return "daily"
    if 28 <= step_days <= 31:
        return "monthly"
    raise UsageError(
        f"dates are {step_days} days apart: only daily or monthly series are supported"
    )


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


def load_series(path, date_column=None, target=None, inputs=None):
    """Read `path` and return a `Series` on a complete daily or monthly calendar.

    target: the column to forecast (default: the only numeric column).
    inputs: other numeric columns to keep beside it (default: none).
    """
    table = read_table(path)
    date_column = find_date_column(table, date_column)
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
    inputs = [closest_column(name, table.columns) for name in (inputs or [])]
    if target == date_column:
        raise UsageError(f"{target!r} is the date column; choose a numeric column with --target")
    inputs = [name for name in inputs if name != target]
    notes = []

    dates = parse_dates(table[date_column], date_column)
    values = pd.DataFrame(
        {name: as_numbers(table, name).to_numpy() for name in [target, *inputs]}, index=dates
    )
    if not values.index.is_monotonic_increasing:
        values = values.sort_index(kind="stable")
        notes.append("rows were not in date order: sorted them by date")
    frequency = infer_frequency(values.index.unique())
    if frequency == "monthly":
        values.index = values.index.to_period("M").to_timestamp()
    repeated = values.index[values.index.duplicated()]
    if len(repeated):
        label = repeated[0].strftime("%Y-%m" if frequency == "monthly" else "%Y-%m-%d")
        raise UsageError(
            f"date {label} appears more than once ({len(repeated)} repeated dates): "
            "keep one row per date"
        )

    calendar = pd.date_range(
        values.index[0], values.index[-1], freq="D" if frequency == "daily" else "MS"
    )
    frame = values.reindex(calendar)
    frame.index.name = date_column
    missing = frame.isna().any(axis=1).to_numpy()
    # Leading and trailing gaps cannot be filled from both sides: trim them.
    kept = np.flatnonzero(~missing)
    if len(kept) == 0:
        raise UsageError(f"no row has all of {', '.join([target, *inputs])} filled in")
    if kept[0] > 0 or kept[-1] < len(frame) - 1:
        notes.append(
            f"dropped {kept[0] + len(frame) - 1 - kept[-1]} leading/trailing rows "
            "with missing values"
        )
        frame = frame.iloc[kept[0] : kept[-1] + 1]
        missing = missing[kept[0] : kept[-1] + 1]
    unit = "days" if frequency == "daily" else "months"
    gap, start = longest_gap(missing)
    if gap > MAX_GAP[frequency]:
        first, last = frame.index[start], frame.index[start + gap - 1]
        raise UsageError(
            f"{gap} {unit} in a row are missing ({first.date()} to {last.date()}); "
            f"at most {MAX_GAP[frequency]} are filled: "
            "fill them in the file or use the part of the series without the gap"
        )
    filled_dates = frame.index[frame[target].isna().to_numpy()]
    if missing.any():
        # The last observed value carried forward: a filled value is built from earlier
        # observations only, so no forecast reads a value computed from its own target (linear
        # interpolation would use the next observation).
        frame = frame.ffill()
        notes.append(
            f"filled {int(missing.sum())} {unit} with missing values with the last observed value "
            f"(longest gap: {gap})"
        )
    return Series(
        frame=frame,
        target=target,
        inputs=inputs,
        date_column=date_column,
        frequency=frequency,
        notes=notes,
        filled_dates=filled_dates,
    )


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
    )
    series.embedded, series.path = embedded, data_path
    return series


def describe(series, embedded):
    """Lines for the data summary: rows, date range, inputs, what was cleaned."""
    dates = series.frame.index
    label = "%Y-%m" if series.frequency == "monthly" else "%Y-%m-%d"
    unit = "months" if series.frequency == "monthly" else "days"
    first = f"{len(series.frame)} {unit} of {series.target!r}, "
    first += f"{dates[0].strftime(label)} to {dates[-1].strftime(label)}"
    if series.inputs:
        first += f"; other inputs: {', '.join(series.inputs)}"
    if embedded:
        first += " (embedded data; --data PATH uses your own file)"
    return [first] + [f"cleaned: {note}" for note in series.notes]
