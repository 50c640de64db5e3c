"""Shared fixtures: the course's data files, found through COURSE_DATA_DIR."""

import os
from pathlib import Path

import pytest


@pytest.fixture
def course_file():
    """Path to one of the course's CSV files; skips when COURSE_DATA_DIR is unset or lacks it."""

    def find(name):
        folder = os.environ.get("COURSE_DATA_DIR")
        if not folder or not (Path(folder) / name).exists():
            pytest.skip(f"COURSE_DATA_DIR does not hold {name}")
        return Path(folder) / name

    return find
