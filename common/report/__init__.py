"""What a run prints: step headers, array traces (--trace) and the results table.

Every line a run prints is printed here, in `common/report/`: the other modules compute and
return values. One submodule per script family: `forecasting` (cases 8-2 and 8-3), `text` (case
8-1), `comparison` (compare_cells.py), `cells` (inside_the_cells.py).
"""

import math

import numpy as np
import pandas as pd


def step(number, title):
    """One header line per numbered step."""
    print(f"\n== Step {number}. {title}")


def trace(enabled, **arrays):
    """With --trace, print each named array's shape, dtype and first values."""
    if not enabled:
        return
    for name, value in arrays.items():
        if isinstance(value, pd.DataFrame):
            print(f"   [trace] {name}: DataFrame {value.shape}, columns {list(value.columns)}")
            print("           " + value.head(3).to_string().replace("\n", "\n           "))
            continue
        if hasattr(value, "shape") and not hasattr(value, "__array__"):  # a WindowDataset
            print(f"   [trace] {name}: {value!r}")  # its size, never its windows all at once
            continue
        array = np.asarray(value)
        first = np.array2string(array.reshape(-1)[:5], precision=4, separator=", ")
        print(f"   [trace] {name}: shape {array.shape}, dtype {array.dtype}, first values {first}")


def decimals_for(values, significant=3, least=3):
    """Decimals that show `values` with about `significant` significant digits, at least
    `least`: 3 for errors of 10.9 (10.927) or shares (0.806), 7 for errors of 1.23e-05
    (0.0000123).

    The scale is the median of the non-zero magnitudes; a series measured in small units would
    otherwise print as rows of 0.000.
    """
    magnitudes = [abs(float(v)) for v in np.ravel(values) if v and math.isfinite(float(v))]
    if not magnitudes:
        return least
    exponent = math.floor(math.log10(float(np.median(magnitudes))))
    return max(least, significant - 1 - exponent)


def format_table(results, columns, title, p_values=None, p_title="DM p"):
    """A table as text: one row per method (model and baselines), one column per metric.

    results: {"LSTM": {"rmse": 7.1, "mae": 5.5}, "naive": {...}, ...}
    p_values: optional {"naive": 0.003, ...}: each baseline's significance test against the
    model, in a last column (empty for the model's own row).
    """
    width = max(len(name) for name in results) + 2
    places = decimals_for([scores[column] for scores in results.values() for column in columns])
    cell = max(10, places + 6)  # room for the digits before the point
    header = "".ljust(width) + "".join(column.rjust(cell) for column in columns)
    lines = [f"\n{title}", header + (p_title.rjust(10) if p_values else "")]
    for name, scores in results.items():
        row = name.ljust(width) + "".join(
            f"{scores[column]:{cell}.{places}f}" for column in columns
        )
        if p_values and name in p_values:
            row += f"{p_values[name]:10.3g}"
        lines.append(row)
    return "\n".join(lines)


def results_table(results, columns, title, p_values=None, p_title="DM p"):
    """Print `format_table`'s table."""
    print(format_table(results, columns, title, p_values, p_title))


def format_written(output_dir, names):
    """One line per file written to `output_dir`."""
    return "\n".join(f"   wrote {output_dir / name}" for name in names)


def written(output_dir, names):
    """Print `format_written`'s lines."""
    print(format_written(output_dir, names))
