"""The forecasting path runs on Keras' JAX backend, with TensorFlow out of reach.

Each case (and compare_cells.py's forecasting tasks) runs in a fresh process with
KERAS_BACKEND=jax and a `tensorflow` package on the path that refuses to import: whatever the
forecasting path needs, it does not need TensorFlow. (The text case does: TextVectorization.)
"""

import importlib.util
import os
import subprocess
import sys

from helpers import ROOT, read_json

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed"),
]


def run_on_jax(tmp_path, script, *args):
    blocked = tmp_path / "blocked" / "tensorflow"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text('raise ImportError("TensorFlow is blocked here")\n')
    environment = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": str(blocked.parent)}
    return subprocess.run(
        [sys.executable, str(ROOT / script), *args, "--output-dir", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=environment,
    )


@pytest.mark.parametrize("script", ["case8_2_lstm.py", "case8_3_gru.py"])
def test_a_forecasting_case_runs_on_jax_without_tensorflow(tmp_path, script):
    result = run_on_jax(tmp_path, script, "--quick")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "(jax backend) on CPU" in result.stdout
    metrics = read_json(tmp_path / "out" / "metrics.json")
    assert metrics["environment"]["backend"] == "jax"
    assert metrics["environment"]["tensorflow"] is None  # it was never imported
    assert metrics["model"]["rmse"] > 0 and metrics["verdict"]["outcome"]


def test_the_comparisons_forecasting_tasks_run_on_jax_without_tensorflow(tmp_path):
    args = ["--quick", "--tasks", "monthly,daily", "--cells", "gru"]
    result = run_on_jax(tmp_path, "compare_cells.py", *args)
    assert result.returncode == 0, result.stderr[-2000:]
    comparison = read_json(tmp_path / "out" / "comparison.json")
    assert comparison["keras_backend"] == "jax"
    assert [(row["task"], row["cell"]) for row in comparison["rows"]] == [
        ("monthly", "gru"),
        ("daily", "gru"),
    ]


def test_a_long_files_windows_stream_through_fit_and_predict_on_jax(tmp_path):
    # What a case does with a file too long for memory: a WindowDataset for training (shuffled)
    # and for validation and predictions (in time order), on JAX with TensorFlow out of reach.
    script = tmp_path / "stream.py"
    script.write_text(
        "import numpy as np, keras\n"
        "from common.windows import WindowDataset, make_windows\n"
        "series = np.random.default_rng(0).normal(size=(400, 3))\n"
        "train = WindowDataset(series, series[:, 0], np.arange(24, 300), 24, 1, 32, (1, None))\n"
        "ordered = WindowDataset(series, series[:, 0], np.arange(300, 400), 24, 1, 64)\n"
        "layers = [keras.Input((24, 3)), keras.layers.GRU(4), keras.layers.Dense(1)]\n"
        "model = keras.Sequential(layers)\n"
        "model.compile(optimizer='adam', loss='mae')\n"
        "model.fit(train, None, validation_data=(ordered, None), epochs=2, verbose=0)\n"
        "windows, _ = make_windows(series, series[:, 0], np.arange(300, 400), 24)\n"
        "streamed = model.predict(ordered, verbose=0)\n"
        "gap = np.abs(streamed - model.predict(windows, verbose=0)).max()\n"
        "print(keras.backend.backend(), train.epoch >= 1, gap < 1e-5)\n"
    )
    blocked = tmp_path / "blocked" / "tensorflow"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text('raise ImportError("TensorFlow is blocked here")\n')
    environment = {
        **os.environ,
        "KERAS_BACKEND": "jax",
        "PYTHONPATH": os.pathsep.join([str(blocked.parent), str(ROOT)]),
    }
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=environment,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # a new order each epoch (JAX's fit also begins one to build the model), the same forecasts
    assert result.stdout.split()[-3:] == ["jax", "True", "True"]
