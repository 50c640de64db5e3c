"""Helpers shared by the Week 8 scripts (loading, windows, baselines, plots, CLI).

Importing this package first keeps TensorFlow's start-up log quiet, which has to happen before
TensorFlow is imported: every script imports `common` before `keras`. A TF_CPP_MIN_LOG_LEVEL
that you set yourself is honoured and then nothing is hidden, e.g. to see why a GPU is not used:

    TF_CPP_MIN_LOG_LEVEL=0 python case8_3_gru.py
"""

import importlib.util
import os

# 3 = errors only, for TensorFlow's C++ log. Quiet when no level was chosen, or errors only (as
# in the worker processes of compare_cells.py --jobs N, which inherit this process's setting).
QUIET = os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3") == "3"


def _import_tensorflow_quietly():
    """Import TensorFlow with the process's stderr pointed at /dev/null.

    Recent TensorFlow builds print a few C++ lines at import (oneDNN, CUDA drivers) before
    TF_CPP_MIN_LOG_LEVEL is read. Python errors still show: an exception raised by the import
    is printed after stderr is restored.
    """
    if os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow":
        return
    if importlib.util.find_spec("tensorflow") is None:
        return
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


if QUIET:
    _import_tensorflow_quietly()
