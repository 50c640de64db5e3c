"""machinery/artifacts.py: the output folder's checks, atomic writes, ordinary file permissions."""

import os
import stat
import sys

from common.cli import UsageError
from common.machinery import artifacts

import pytest


def test_an_existing_file_is_no_output_folder_and_is_left_alone(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    with pytest.raises(UsageError, match="is a file, not a folder"):
        artifacts.prepare_output_dir(notes)
    assert notes.read_text() == "mine"


def test_a_missing_folder_is_created_with_its_parents(tmp_path):
    folder = artifacts.prepare_output_dir(tmp_path / "a" / "b")
    assert folder.is_dir() and list(folder.iterdir()) == []  # the write probe leaves nothing


def test_a_folder_under_a_file_cannot_be_written(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="cannot be written"):
        artifacts.prepare_output_dir(tmp_path / "notes.txt" / "out")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_artifacts_get_the_usual_permissions_not_a_temporary_files(tmp_path):
    previous = os.umask(0o022)
    try:
        path = artifacts.write_json(tmp_path / "metrics.json", {"a": 1})
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text() == '{\n  "a": 1\n}\n'
    assert not list(tmp_path.glob(".tmp-*"))
