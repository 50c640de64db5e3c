"""Pieces of the forecasting cases (8-2 LSTM, 8-3 GRU) that are the same in both scripts."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common import preprocessing, windows
from common.artifacts import save_model, write_history, write_json
from common.series import load_series


def load_case_series(args, embedded_data, embedded_target, embedded_inputs):
    """Load --data (or the embedded file with its documented target and inputs). Returns (series, embedded)."""
    embedded = args.data is None
    series = load_series(
        embedded_data if embedded else args.data,
        date_column=args.date_column,
        target=args.target or (embedded_target if embedded else None),
        inputs=args.inputs if args.inputs is not None else (embedded_inputs if embedded else []),
    )
    return series, embedded


def describe(series, embedded):
    """Lines for the data summary: rows, date range, inputs, what was cleaned."""
    dates = series.frame.index
    label = "%Y-%m" if series.frequency == "monthly" else "%Y-%m-%d"
    unit = "months" if series.frequency == "monthly" else "days"
    lines = [
        f"{len(series.frame)} {unit} of {series.target!r}, {dates[0].strftime(label)} to {dates[-1].strftime(label)}"
        + (f"; other inputs: {', '.join(series.inputs)}" if series.inputs else "")
        + (" (embedded data; --data PATH uses your own file)" if embedded else "")
    ]
    lines += [f"cleaned: {note}" for note in series.notes]
    return lines


def metrics_record(case, args, series, embedded, data_path, protocol, results, model_name, baseline_names,
                   diagnostics_block, next_forecast, history, seconds, params):
    """metrics.json of CONTRACT.md for a forecasting case."""
    return {
        "case": case,
        "data": {"path": str(data_path), "rows": len(series.frame), "embedded": embedded, "target": series.target},
        "protocol": protocol,
        "model": results[model_name],
        "baselines": {name: results[name] for name in baseline_names},
        "diagnostics": diagnostics_block,
        "next": {"date": next_forecast[0], "value": next_forecast[1]},
        "training": {"epochs_run": len(history.history["loss"]), "seconds": round(seconds, 2), "params": params, "seed": args.seed},
    }


def save_run(output_dir, model, prep, history, metrics):
    """Write model.keras, preprocessing.json, history.csv and metrics.json (each atomically)."""
    output_dir = Path(output_dir)
    return [
        save_model(output_dir / "model.keras", model),
        prep.save(output_dir / "preprocessing.json"),
        write_history(output_dir / "history.csv", history),
        write_json(output_dir / "metrics.json", metrics),
    ]


@dataclass
class WindowedSeries:
    """A series cut into scaled windows, split in time order. Arrays are float32 windows
    (samples, window, features) and targets (samples,), the scaled value column 0 forecasts."""

    prep: preprocessing.Preprocessing
    features: np.ndarray  # (steps, features) before scaling
    scaled: np.ndarray  # (steps, features) standardised with training statistics
    train_steps: np.ndarray
    validation_steps: np.ndarray
    test_steps: np.ndarray
    train_windows: np.ndarray
    train_targets: np.ndarray
    validation_windows: np.ndarray
    validation_targets: np.ndarray
    test_windows: np.ndarray
    test_targets: np.ndarray


def window_series(frame, prep, test_start, validation_fraction, max_train_windows=None):
    """Features -> scaling fitted on the steps before `test_start` -> train/validation/test windows.

    The first target is the first step with a full window of defined (non-NaN) inputs.
    max_train_windows: keep only the most recent training windows (for --quick runs).
    """
    features = preprocessing.raw_features(frame, prep)
    preprocessing.fit_scaling(prep, features, test_start)
    scaled = preprocessing.scale(features, prep)
    targets = scaled[:, 0]
    first_step = sum(prep.differencing_lags) + prep.window
    train_steps, validation_steps, test_steps = windows.chronological_split(first_step, test_start, len(frame), validation_fraction)
    if max_train_windows:
        train_steps = train_steps[-max_train_windows:]
    train_windows, train_targets = windows.make_windows(scaled, targets, train_steps, prep.window)
    validation_windows, validation_targets = windows.make_windows(scaled, targets, validation_steps, prep.window)
    test_windows, test_targets = windows.make_windows(scaled, targets, test_steps, prep.window)
    return WindowedSeries(prep, features, scaled, train_steps, validation_steps, test_steps, train_windows,
                          train_targets, validation_windows, validation_targets, test_windows, test_targets)
