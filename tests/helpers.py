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
