"""Helpers the test modules share: the project root, script runners, JSON reading."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_script(script, *args, timeout=300):
    """Run a top-level script in a fresh Python process; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, str(ROOT / script), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def exit_code_and_error(main, argv, capsys):
    """Call a script's main(argv) in-process; return (exit status, last stderr line)."""
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    lines = capsys.readouterr().err.strip().splitlines()
    return stopped.value.code, lines[-1] if lines else ""


def read_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def assert_verdict_agrees(outcome, p, model_score, baseline_score):
    """A verdict never contradicts its own test and scores: "beats" needs p < 0.05 and a lower
    score, "loses to" p < 0.05 and a higher one, each at least 0.1 % of the baseline's apart;
    "no meaningful difference" means one of those failed."""
    gap = model_score - baseline_score
    real = p < 0.05 and abs(gap) >= 0.001 * abs(baseline_score)
    expected = ("beats" if gap < 0 else "loses to") if real else "no meaningful difference from"
    assert outcome == expected, (outcome, p, model_score, baseline_score)


def error_scores(actual, forecast):
    """{"rmse", "mae"} of forecasts, recomputed here in plain NumPy, pooled over every value;
    an independent check of the scores a run writes into metrics.json."""
    errors = np.asarray(forecast, dtype=float) - np.asarray(actual, dtype=float)
    return {"rmse": float(np.sqrt(np.mean(errors**2))), "mae": float(np.mean(np.abs(errors)))}


def saved_model_forecasts(output_dir, frame, first_target):
    """Forecast the test part again with the model a run saved in `output_dir` (model.keras and
    preprocessing.json), by the steps --forecast takes (common.preprocessing.forecast_ahead),
    for every origin at once: each origin's window holds only rows before it.

    frame: the series the run trained on, (rows, columns) by date; first_target: the position
    of the first test target. Every origin whose H targets all lie in the test part is used.
    Returns (forecasts, actual), both (origins, H) in the series' units.
    """
    from common import preprocessing  # before Keras: it keeps TensorFlow's start-up log quiet

    import keras

    model = keras.saving.load_model(Path(output_dir) / "model.keras")
    recipe = preprocessing.Preprocessing.load(Path(output_dir) / "preprocessing.json")
    features = preprocessing.scale(preprocessing.raw_features(frame, recipe), recipe)
    origins = np.arange(first_target, len(frame) - recipe.horizon + 1)
    inputs = np.stack([features[origin - recipe.window : origin] for origin in origins])
    predictions = model.predict(inputs.astype("float32"), verbose=0)  # (origins, H), scaled
    values = frame[recipe.target].to_numpy()
    forecasts = preprocessing.paths_to_real_units(predictions, values, origins, recipe)
    actual = np.stack([values[origin : origin + recipe.horizon] for origin in origins])
    return forecasts, actual
