"""Run a benchmark's case processes side by side (`--jobs N`), with the same numbers as one by one.

Each run is already a fresh process (`python case8_x.py ...`); `--jobs N` keeps N of them going at
once. Every run, whatever N, gets the same thread settings through its environment (one thread
for TensorFlow's pools and the linear-algebra libraries, as compare_cells.py's fits in
machinery/parallel.py), so a run gives the same numbers alone as beside others. The seconds a run
reports are its own only with `--jobs 1`: side by side, runs share the cores.
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

# machinery/parallel.py's thread_environment(), repeated here so that a benchmark's driver does not
# import TensorFlow (tests/test_parallel.py checks that the two agree).
THREADS_PER_RUN = 1
THREAD_VARIABLES = {
    "OMP_NUM_THREADS": str(THREADS_PER_RUN),
    "MKL_NUM_THREADS": str(THREADS_PER_RUN),
    "OPENBLAS_NUM_THREADS": str(THREADS_PER_RUN),
    "TF_NUM_INTRAOP_THREADS": str(THREADS_PER_RUN),
    "TF_NUM_INTEROP_THREADS": str(THREADS_PER_RUN),
    "TF_FORCE_GPU_ALLOW_GROWTH": "true",  # processes side by side share a GPU
}


def pinned_environment():
    """This process's environment with the runs' thread settings."""
    return {**os.environ, **THREAD_VARIABLES}


def run_side_by_side(calls, jobs, label=str):
    """Call each zero-argument function of `calls`, `jobs` at a time (threads that each wait on a
    case process); yield (index, result) as each finishes, after a progress line.

    label(index): how the progress line names a call.
    """
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(call): index for index, call in enumerate(calls)}
        for done, future in enumerate(as_completed(futures), start=1):
            index = futures[future]
            result = future.result()
            elapsed = time.perf_counter() - started
            left = elapsed / done * (len(calls) - done)
            print(
                f"run {done} of {len(calls)} done ({label(index)}); {elapsed / 60:.1f} min so far, "
                f"about {left / 60:.1f} min left",
                flush=True,
            )
            yield index, result
