"""Shared test fixtures: the project root on sys.path, course data lookup, and script runners."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@pytest.fixture
def course_file():
    """Path to one of the course's CSV files; skips when COURSE_DATA_DIR is unset or lacks it."""

    def find(name):
        folder = os.environ.get("COURSE_DATA_DIR")
        if not folder or not (Path(folder) / name).exists():
            pytest.skip(f"COURSE_DATA_DIR does not hold {name}")
        return Path(folder) / name

    return find


def run_script(script, *args, timeout=300):
    """Run a top-level script in a fresh Python process; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, str(ROOT / script), *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )


def exit_code_and_error(main, argv, capsys):
    """Call a script's main(argv) in-process; return (exit status, last stderr line)."""
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    lines = capsys.readouterr().err.strip().splitlines()
    return stopped.value.code, lines[-1] if lines else ""


def read_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))
