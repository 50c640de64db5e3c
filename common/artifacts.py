"""Write artifacts atomically: a temporary file in the same folder, then a rename.

An interrupted run never leaves a half-written file in place of a good one.
"""

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from common.cli import check_interrupted


def prepare_output_dir(path):
    """Create the output folder (and parents) if missing; return it as a Path."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def atomic_path(final_path, write):
    """Call write(temporary_path) and rename the result onto final_path."""
    check_interrupted()  # an interrupted run writes nothing more
    final_path = Path(final_path)
    descriptor, temporary = tempfile.mkstemp(dir=final_path.parent, prefix=".tmp-", suffix=final_path.suffix)
    os.close(descriptor)
    try:
        write(temporary)
        os.replace(temporary, final_path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return final_path


def write_text(path, text):
    return atomic_path(path, lambda temporary: Path(temporary).write_text(text, encoding="utf-8"))


def write_json(path, data):
    return write_text(path, json.dumps(data, indent=2) + "\n")


def write_history(path, history):
    """history.csv: one row per epoch, every metric Keras logged (loss, val_loss, ...)."""
    table = pd.DataFrame(history.history)
    table.insert(0, "epoch", range(1, len(table) + 1))
    return atomic_path(path, lambda temporary: table.to_csv(temporary, index=False))


def save_model(path, model):
    """model.keras, written whole (Keras requires the .keras suffix, which the temporary file keeps)."""
    return atomic_path(path, lambda temporary: model.save(temporary))
