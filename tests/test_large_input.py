"""Large input stays practical: case 8-1 on a review file ten times the course's size."""

import json
import math
import subprocess
import sys

from helpers import ROOT
from large_reviews import COURSE_ROWS, write_large_reviews  # benchmarks/, on pytest's pythonpath

import pytest


@pytest.mark.slow
@pytest.mark.skipif(
    sys.platform == "win32", reason="peak memory is read with `resource`, POSIX-only"
)
def test_ten_times_the_course_file_runs_quick_within_memory(tmp_path):
    rows = 10 * COURSE_ROWS
    path = write_large_reviews(tmp_path / "large.csv", rows)
    # A helper process runs the case, so RUSAGE_CHILDREN measures that run alone.
    probe = (
        "import resource, subprocess, sys; "
        "code = subprocess.run(sys.argv[1:], capture_output=True).returncode; "
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            sys.executable,
            str(ROOT / "case8_1_rnn.py"),
            "--quick",
            "--data",
            str(path),
            "--output-dir",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    code, peak_kib = result.stdout.split()
    assert code == "0"
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    kept = metrics["data"]["rows"]
    assert kept > 0.9 * rows
    assert metrics["protocol"]["test_points"] == math.ceil(0.25 * kept)
    assert int(peak_kib) / 1024 < 4096  # MiB: far from a laptop's limits
