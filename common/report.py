"""What a run prints: step headers, array traces (--trace) and the results table."""

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
        array = np.asarray(value)
        first = np.array2string(array.reshape(-1)[:5], precision=4, separator=", ")
        print(f"   [trace] {name}: shape {array.shape}, dtype {array.dtype}, first values {first}")


def results_table(results, columns, title):
    """Print a table: one row per method (model and baselines), one column per metric.

    results: {"LSTM": {"rmse": 7.1, "mae": 5.5}, "naive": {...}, ...}
    """
    width = max(len(name) for name in results) + 2
    print(f"\n{title}")
    print("".ljust(width) + "".join(column.rjust(10) for column in columns))
    for name, scores in results.items():
        print(name.ljust(width) + "".join(f"{scores[column]:10.3f}" for column in columns))


def verdict(results, model_name, baseline_names, metric):
    """One line: does the model beat the best baseline on `metric` (lower is better),
    and by how much?"""
    best = min(baseline_names, key=lambda name: results[name][metric])
    model_score, best_score = results[model_name][metric], results[best][metric]
    change = 100 * (model_score - best_score) / best_score
    if model_score < best_score:
        return (
            f"The {model_name} beats the best baseline ({best}): {metric.upper()} {change:+.1f}%."
        )
    return (
        f"The {model_name} does NOT beat the best baseline ({best}): "
        f"{metric.upper()} {change:+.1f}%."
    )


def written(output_dir, names):
    """One line per artifact written to `output_dir`."""
    for name in names:
        print(f"   wrote {output_dir / name}")
