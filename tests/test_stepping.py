"""Stepping through: the real debugger stops at the training step and sees the named arrays."""

import re
import subprocess
import sys

from helpers import ROOT

import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # each test runs a case end to end under pdb or --trace

# script -> (array names printed at the fit() breakpoint, the shapes they must have under --quick,
#            arrays that --trace must name)
CASES = {
    "case8_1_rnn.py": (
        "train_sequences.shape, train_labels.shape",
        "((1000, 100), (1000,))",
        {"train_sequences", "train_labels", "test_sequences", "token_ids", "test_probabilities"},
    ),
    "case8_2_lstm.py": (
        "train_windows.shape, train_targets.shape",
        "((64, 24, 1), (64,))",
        {"train_windows", "train_targets", "test_windows", "model_forecasts"},
    ),
    "case8_3_gru.py": (
        "train_windows.shape, train_targets.shape",
        "((785, 7, 4), (785,))",
        {"train_windows", "train_targets", "test_windows", "model_forecasts"},
    ),
}


def fit_line(script):
    """Line number of `history = model.fit(` in a script's main()."""
    for number, line in enumerate((ROOT / script).read_text().splitlines(), start=1):
        if line.strip().startswith("history = model.fit("):
            return number
    raise AssertionError(f"{script} has no `history = model.fit(` line")


@pytest.mark.parametrize("script", CASES)
def test_pdb_stops_at_the_training_step_and_the_run_finishes(script, tmp_path):
    names, shapes, _ = CASES[script]
    # Clear the breakpoint once hit: a call spread over several lines stops on its first line again.
    commands = "\n".join(
        [f"b {ROOT / script}:{fit_line(script)}", "c", f"p {names}", "cl 1", "c", "q", ""]
    )
    result = subprocess.run(
        [sys.executable, "-m", "pdb", str(ROOT / script), "--quick", "--output-dir", str(tmp_path)],
        input=commands,
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert shapes in result.stdout, result.stdout[-3000:]
    assert "The program finished" in result.stdout
    for artifact in ["metrics.json", "model.keras", "history.csv", "history.png"]:
        assert (tmp_path / artifact).exists(), artifact


@pytest.mark.parametrize("script", CASES)
def test_trace_names_every_step_and_its_arrays(script, tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / script), "--quick", "--trace", "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    steps = re.findall(r"^== Step (\d+)\. ", result.stdout, flags=re.MULTILINE)
    assert steps == [str(n) for n in range(1, len(steps) + 1)] and len(steps) >= 8
    traced = re.findall(r"\[trace\] (\w+): shape (\([\d, ]*\)), dtype (\w+)", result.stdout)
    names = {name for name, _, _ in traced}
    assert CASES[script][2] <= names
    first_shape = CASES[script][1][1:].split("), (")[0] + ")"
    assert (
        dict((name, shape) for name, shape, _ in traced)[CASES[script][0].split(".")[0]]
        == first_shape
    )


@pytest.mark.parametrize(
    "case, cell_class",
    [
        ("case8_1_rnn", "keras.src.layers.rnn.simple_rnn.SimpleRNNCell"),
        ("case8_2_lstm", "keras.src.layers.rnn.lstm.LSTMCell"),
        ("case8_3_gru", "keras.src.layers.rnn.gru.GRUCell"),
    ],
)
def test_eager_runs_keras_cell_code_on_every_step(case, cell_class, tmp_path, monkeypatch):
    """With --eager, Keras' own cell `call` runs as Python for every timestep of every batch,
    so a breakpoint inside it is hit during training; compiled, it runs only while tracing."""
    import importlib

    module_name, class_name = cell_class.rsplit(".", 1)
    cell = getattr(importlib.import_module(module_name), class_name)
    original = cell.call
    calls = []

    def counting_call(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cell, "call", counting_call)
    main = importlib.import_module(case).main
    data = []
    if case == "case8_1_rnn":  # 600 of the real reviews: eager Python over 23,000 takes minutes
        small = tmp_path / "reviews.csv"
        pd.read_csv(ROOT / "data" / "clothing_reviews.csv", nrows=600).to_csv(small, index=False)
        data = ["--data", str(small)]
    # batches of 32: one epoch is then at least 10 batches on every case's quick data
    data += ["--batch-size", "32"]
    main(["--quick", "--epochs", "1", *data, "--output-dir", str(tmp_path / "compiled")])
    compiled_calls = len(calls)
    calls.clear()
    metrics = main(
        ["--quick", "--epochs", "1", "--eager", *data, "--output-dir", str(tmp_path / "eager")]
    )
    timesteps = metrics["protocol"].get("window") or metrics["protocol"]["sequence_length"]
    assert len(calls) > 10 * timesteps  # every timestep of every batch, in Python
    assert len(calls) > 5 * compiled_calls
