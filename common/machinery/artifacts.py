"""Write artifacts atomically: a temporary file in the same folder, then a rename.

An interrupted run never leaves a half-written file in place of a good one.
"""

import json
import math
import os
import tempfile
from pathlib import Path

from common.machinery.errors import UsageError
from common.machinery.interrupts import check_interrupted

import pandas as pd


def _file_mode():
    """The mode a new file gets under the process's umask: 0644 under the usual umask 022."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def prepare_output_dir(path):
    """Create the output folder (and parents) if missing, check it can be written;
    return it as a Path.

    A path that names a file, or a folder that cannot be written, is the user's to fix
    (UsageError); nothing is created or changed then.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UsageError(
            f"--output-dir {path} is a file, not a folder: name a folder (it is created if missing)"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UsageError(
            f"--output-dir {path} cannot be written ({reason}): choose another folder"
        ) from None
    return path


def atomic_path(final_path, write):
    """Call write(temporary_path) and rename the result onto final_path."""
    check_interrupted()  # an interrupted run writes nothing more
    final_path = Path(final_path)
    descriptor, temporary = tempfile.mkstemp(
        dir=final_path.parent, prefix=".tmp-", suffix=final_path.suffix
    )
    os.close(descriptor)
    try:
        write(temporary)
        os.chmod(temporary, _file_mode())  # mkstemp makes files 0600; artifacts are ordinary files
        os.replace(temporary, final_path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return final_path


def write_text(path, text):
    return atomic_path(path, lambda temporary: Path(temporary).write_text(text, encoding="utf-8"))


def finite_or_none(data):
    """`data` with every NaN or infinite float replaced by None: JSON has no such numbers (a
    value that could not be computed, e.g. the autocorrelation of a series that never
    changes, is written as null)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite_or_none(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite_or_none(value) for value in data]
    return data


def write_json(path, data):
    return write_text(path, json.dumps(finite_or_none(data), indent=2, allow_nan=False) + "\n")


def write_history(path, history):
    """history.csv: one row per epoch, every metric Keras logged (loss, val_loss, ...)."""
    table = pd.DataFrame(history.history)
    table.insert(0, "epoch", range(1, len(table) + 1))
    return atomic_path(path, lambda temporary: table.to_csv(temporary, index=False))


def save_model(path, model):
    """model.keras, written whole
    (Keras requires the .keras suffix, which the temporary file keeps)."""
    return atomic_path(path, lambda temporary: model.save(temporary))
