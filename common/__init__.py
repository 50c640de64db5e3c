"""Helpers shared by the Week 8 case scripts (loading, windows, baselines, plots, CLI).

Importing this package first keeps TensorFlow's C++ start-up log quiet: the variable must be set
before TensorFlow is imported, and every script imports `common` before `keras`.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # 3 = errors only
