"""Peak memory (resident set size) of each script, and of case 8-1 on a review file ten times the
course's size.

    python benchmarks/bench_memory.py

Each run is a fresh process; its peak RSS is read from the operating system (Linux/macOS).
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from large_reviews import COURSE_ROWS, write_large_reviews  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def peak_memory_mib(arguments):
    """Run `python <arguments>` in a fresh process; return (seconds, peak RSS in MiB)."""
    started = time.perf_counter()
    # A fresh helper process per run, so RUSAGE_CHILDREN holds this run's peak only.
    probe = (
        "import resource, subprocess, sys; "
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
        "stderr=subprocess.PIPE).returncode; "
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    code, peak_kib = result.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(arguments)} failed with status {code}")
    # ru_maxrss is bytes on macOS, KiB on Linux
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return time.perf_counter() - started, int(peak_kib) * 1024 / scale / 1024


def main():
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        runs = [
            ("case8_1_rnn.py default", ["case8_1_rnn.py", "--output-dir", str(folder / "a")]),
            ("case8_2_lstm.py default", ["case8_2_lstm.py", "--output-dir", str(folder / "b")]),
            ("case8_3_gru.py default", ["case8_3_gru.py", "--output-dir", str(folder / "c")]),
        ]
        large = write_large_reviews(folder / "large_reviews.csv")
        size_mib = large.stat().st_size / 2**20
        runs.append(
            (
                f"case8_1_rnn.py --quick, {10 * COURSE_ROWS:,} reviews ({size_mib:.0f} MiB)",
                [
                    "case8_1_rnn.py",
                    "--quick",
                    "--data",
                    str(large),
                    "--output-dir",
                    str(folder / "d"),
                ],
            )
        )
        for label, arguments in runs:
            seconds, peak = peak_memory_mib(arguments)
            print(f"{label:55s} peak RSS {peak:7.0f} MiB   {seconds:6.1f} s")


if __name__ == "__main__":
    main()
