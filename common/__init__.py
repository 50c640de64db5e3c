"""Helpers shared by the Week 8 scripts (loading, windows, baselines, plots, CLI).

Importing this package loads nothing heavy: `common.cli` reads a script's command line before
TensorFlow loads, so `--help` and a mistyped flag answer at once. What it does set up is a quiet
TensorFlow: its C++ start-up log is hidden, which has to be arranged before TensorFlow is
imported (every script imports `common` before `keras`). A TF_CPP_MIN_LOG_LEVEL that you set
yourself is honoured and then nothing is hidden, e.g. to see why a GPU is not used:

    TF_CPP_MIN_LOG_LEVEL=0 python case8_3_gru.py
"""

import contextlib
import importlib.abc
import importlib.util
import os
import sys

# 3 = errors only, for TensorFlow's C++ log. Quiet when no level was chosen, or errors only (as
# in the worker processes of compare_cells.py --jobs N, which inherit this process's setting).
QUIET = os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3") == "3"


@contextlib.contextmanager
def _stderr_to_devnull():
    """The process's stderr (file descriptor 2, which C++ code writes to) goes to /dev/null."""
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class _QuietTensorFlow(importlib.abc.MetaPathFinder):
    """Imports TensorFlow, whenever something first imports it (Keras does), with the process's
    stderr pointed at /dev/null.

    Recent TensorFlow builds print a few C++ lines at import (oneDNN, CUDA drivers) before
    TF_CPP_MIN_LOG_LEVEL is read. Python errors still show: an exception raised by the import
    is printed after stderr is restored.
    """

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once: find the real TensorFlow with the other finders
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            with _stderr_to_devnull():
                load(module)

        spec.loader.exec_module = exec_module
        return spec


if QUIET and "tensorflow" not in sys.modules:
    sys.meta_path.insert(0, _QuietTensorFlow())
