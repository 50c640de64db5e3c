"""Helpers the test modules share: the project root, script runners, JSON reading."""

import json
import subprocess
import sys
from pathlib import Path

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
