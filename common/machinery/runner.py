"""The comparison's runner: which fits to train, where their results are saved, and where they run.

compare_cells.py trains many fits (task x cell x seed). Each fit's result is saved as soon as it
finishes, in OUTPUT_DIR/fits/: one JSON file per fit, named by its task, cell and seed and by a
short hash of the settings that change its numbers (the code is one of them). A rerun skips the
fits that are already there. So an interrupted run resumes, and fits trained on other machines
(`--shard K/N`, or a Dask cluster with `--cluster`) merge into one comparison when their files are
put in one folder.

A learner never needs to step in here: compare_cells.py's `fit` is one fit, from start to end.
Its command line is common/cli.py's `comparison_parser`, read before TensorFlow loads.
"""

import hashlib
import importlib.util
import json
import platform
import time
from dataclasses import dataclass
from pathlib import Path

from common.machinery import parallel
from common.machinery.artifacts import write_json
from common.machinery.errors import UsageError

import keras

ROOT = Path(__file__).resolve().parents[2]  # the project's folder

# The code a fit runs. An edit to any of these files (a case's settings, a shared step) gives the
# fits saved before it other settings, so they are trained again, not reused.
FIT_CODE = [
    "compare_cells.py",
    "case8_1_rnn.py",
    "case8_2_lstm.py",
    "case8_3_gru.py",
    "next_character.py",
    "common/**/*.py",
]
# The command-line settings that change a fit's numbers (--jobs, --shard and --tensorboard do not).
FIT_OPTIONS = ("quick", "epochs", "batch_size", "clipnorm", "eager")
TIMING_KEYS = ("seconds_per_epoch", "train_seconds")  # the only results that vary run to run


def check_cluster(address):
    """--cluster needs Dask's distributed scheduler installed."""
    if address and importlib.util.find_spec("distributed") is None:
        raise UsageError(
            '--cluster needs Dask\'s distributed scheduler: pip install "dask[distributed]"'
        )


def code_hash(root=ROOT):
    """SHA-256 of the code files in FIT_CODE. Line endings are made alike first, so a Windows
    checkout and a Linux one of the same commit give the same hash."""
    digest = hashlib.sha256()
    for pattern in FIT_CODE:
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def backend_version():
    """The version of the library under Keras (TensorFlow, JAX or PyTorch)."""
    name = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}.get(keras.backend.backend())
    try:
        return __import__(name).__version__ if name else None
    except ImportError:
        return None


def device_name():
    """The GPU's name when Keras sees one, else the CPU model."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            return tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu} (CPU, {keras.backend.backend()} backend)"


def fit_settings(options, data_file=None):
    """Every setting that changes a fit's numbers, beside its task, cell and seed.

    options: the command line's FIT_OPTIONS, e.g. {"quick": True, "epochs": None, ...}.
    data_file: the file the task reads, where the user may choose it (--data). It is known by its
    content, so an edited file with the same name is trained again.
    Two fits with the same task, cell, seed and settings give the same numbers (on the same kind
    of device), so a saved one can stand in for the other.
    """
    settings = {
        "code_sha256": code_hash(),
        **{name: options[name] for name in FIT_OPTIONS},
        "threads": parallel.FIT_THREADS,
        "keras_backend": keras.backend.backend(),
        "keras": keras.__version__,
        "backend_version": backend_version(),
    }
    if data_file is not None:
        data_file = Path(data_file)
        if not data_file.is_file():
            raise UsageError(f"file not found: {data_file} (check the path given to --data)")
        settings["data_sha256"] = hashlib.sha256(data_file.read_bytes()).hexdigest()
    return settings


def fit_key(settings):
    """A short hash of the settings: the part of a fit file's name that changes with them."""
    text = json.dumps(settings, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Plan:
    """The fits of one comparison. Each is (its arguments, the path of its saved result)."""

    fits: list  # every fit
    mine: list  # this machine's: all, or with --shard K/N every N-th from the K-th
    todo: list  # this machine's fits that are not saved yet
    folder: Path  # where the results are saved
    shard: tuple = None  # (K, N) or None


def plan(fits, args, output_dir, data_files=None):
    """The Plan of `fits`, a list of (task, cell, seed), with the command line's `args`.

    Each fit's arguments are plain data: its task, cell and seed, the FIT_OPTIONS, "data" and
    "cells" (what the task is built from), "tensorboard_dir" and "settings" (see
    `fit_settings`). data_files: {task name: the file that task reads}, for the tasks whose data
    the user may choose.
    """
    folder = output_dir / "fits"
    options = {name: getattr(args, name) for name in FIT_OPTIONS}
    settings = {}  # by task: the code is hashed once per task
    planned = []
    for task, cell, seed in fits:
        if task not in settings:
            settings[task] = fit_settings(options, (data_files or {}).get(task))
        name = f"{task}_{cell}_seed{seed}"
        arguments = {
            "task": task,
            "cell": cell,
            "seed": seed,
            **options,
            "data": str(Path(args.data).resolve()) if args.data else None,
            "cells": args.cells,
            "tensorboard_dir": str(output_dir / "logs" / name) if args.tensorboard else None,
            "settings": settings[task],
        }
        planned.append((arguments, folder / f"{name}_{fit_key(settings[task])}.json"))
    mine = planned
    if args.shard:
        number, count = args.shard
        mine = [fit for index, fit in enumerate(planned) if index % count == number - 1]
    todo = [(arguments, path) for arguments, path in mine if not path.exists()]
    return Plan(fits=planned, mine=mine, todo=todo, folder=folder, shard=args.shard)


@dataclass(frozen=True)
class Finished:
    """One fit done: which one of how many, and the minutes since the first started."""

    count: int
    total: int
    label: str  # e.g. "daily gru seed 42"
    minutes: float


def train(function, plan, jobs=1, cluster=None):
    """Train the plan's fits that are not saved yet; yield a Finished for each, as it finishes.

    function(arguments) -> the fit's result (plain data). It runs here one fit after another
    (jobs 1), in `jobs` worker processes, or on the Dask cluster at `cluster`. Each result is
    saved at once (atomically), so a crash or Ctrl-C loses only the fits that were running.
    """
    plan.folder.mkdir(parents=True, exist_ok=True)
    paths = {(a["task"], a["cell"], a["seed"]): path for a, path in plan.todo}
    fits_at_once = "cluster" if cluster else jobs  # 1: the seconds were measured alone
    started = time.perf_counter()
    finished = parallel.run(function, [arguments for arguments, _ in plan.todo], jobs, cluster)
    for count, (arguments, outcome) in enumerate(finished, start=1):
        record = {
            "task": arguments["task"],
            "cell": arguments["cell"],
            "seed": arguments["seed"],
            "settings": arguments["settings"],
            "fits_at_once": fits_at_once,
            **outcome,
        }
        write_json(paths[arguments["task"], arguments["cell"], arguments["seed"]], record)
        label = f"{arguments['task']} {arguments['cell']} seed {arguments['seed']}"
        minutes = (time.perf_counter() - started) / 60
        yield Finished(count, len(plan.todo), label, minutes)


def missing(plan):
    """The paths of the plan's fits that are not saved (yet): other shards' fits."""
    return [path for _, path in plan.fits if not path.exists()]


def read_fits(plan):
    """Every fit's saved record, in the plan's order (see `train`)."""
    return [json.loads(Path(path).read_text()) for _, path in plan.fits]


class EpochTimer(keras.callbacks.Callback):
    """Wall-clock seconds of each epoch, in `seconds` (the first epoch's include tracing)."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.started)
