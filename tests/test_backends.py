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
