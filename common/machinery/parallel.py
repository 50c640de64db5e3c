"""Independent fits side by side: worker processes on this machine, or a Dask cluster.

A comparison trains many small fits (task x cell x seed) that share nothing, so the parallelism is
across fits, never inside one: splitting one fit's batches over devices (`tf.distribute`) would
spend more on synchronising gradients than the fit takes, and would change its numbers.

Same seed, same numbers, whatever `--jobs`: every fit runs with the same thread settings
(`FIT_THREADS` threads for TensorFlow's and the linear-algebra libraries' pools), in the script's
own process with `--jobs 1` and in each worker process otherwise. A thread count changes the order
in which a sum's terms are added, and with it the last digits of a result.

A cluster is reached through joblib's Dask backend (`dask.distributed`): the same
`joblib.Parallel` call as on one machine, and an engine installed from pure-Python wheels.

Workers start as fresh Python processes on every system (joblib's default "loky" backend), as
macOS and Windows start them anyway: a worker receives the name of the function to call and plain
arguments (strings, numbers), imports the function's module itself and rebuilds what it needs.
"""

import contextlib
import importlib
import os
import sys
from pathlib import Path

from common.machinery.errors import UsageError

# Threads per fit. One: N fits then use N cores without competing for them, and a fit gives the
# same numbers alone (--jobs 1) as beside others. Small recurrent models gain little from more.
FIT_THREADS = 1

# The thread pools' environment variables: OpenMP, MKL, OpenBLAS and TensorFlow's own two pools.
# Read when each library starts, so they must be set before its first use in a process.
THREAD_VARIABLES = [
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
]


def thread_environment(threads=FIT_THREADS):
    """The environment variables that pin a process's thread pools to `threads` threads, plus
    TensorFlow's "allocate GPU memory as needed", so that several processes share one GPU."""
    environment = {name: str(threads) for name in THREAD_VARIABLES}
    environment["TF_FORCE_GPU_ALLOW_GROWTH"] = "true"
    return environment


def pin_threads(threads=FIT_THREADS):
    """Pin this process's thread pools to `threads` threads; return whether TensorFlow took it.

    TensorFlow reads its setting when it runs its first operation: a process that already ran one
    with other settings keeps them (False is returned then, and its fits may differ in the last
    digits from those of fresh processes). NumPy's linear algebra is limited at once (threadpoolctl,
    installed with scikit-learn).
    """
    from threadpoolctl import threadpool_limits

    os.environ.update(thread_environment(threads))
    threadpool_limits(limits=threads)  # the BLAS and OpenMP libraries already loaded
    import keras

    if keras.backend.backend() != "tensorflow":
        return True  # JAX or PyTorch: the variables above are all there is to set
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:  # TensorFlow already ran something in this process
        return (
            tf.config.threading.get_intra_op_parallelism_threads() == threads
            and tf.config.threading.get_inter_op_parallelism_threads() == threads
        )
    return True


def pin_here(jobs=1, cluster=None):
    """Pin this process's threads when it trains the fits itself (jobs 1, no cluster).

    Returns False when TensorFlow here already runs with other settings (for example in a test
    session that trained models before). Its fits may then differ in the last digits from those
    of a fresh process. Returns True when the fits run in other processes.
    """
    if cluster is None and jobs == 1:
        return pin_threads()
    return True


def importable_name(function):
    """(module, name) by which a worker imports `function`: a script run as `python x.py` is
    imported by its file name there (its module is "__main__" only in the process that ran it)."""
    module = function.__module__
    if module == "__main__":
        module = Path(sys.modules["__main__"].__file__).stem
    return module, function.__name__


def call_in_worker(module, name, arguments):
    """What each worker runs: pin its threads, import `module`, return `module.name(arguments)`.

    On a Dask worker, fits must not share a process (Keras' seeds are per process): the worker is
    to run one task at a time (`dask worker ... --nthreads 1`).
    """
    threads = 1
    if "distributed" in sys.modules:  # perhaps a Dask worker
        from distributed import get_worker

        with contextlib.suppress(ValueError):  # ValueError: not on a Dask worker after all
            threads = get_worker().state.nthreads
    if threads != 1:
        raise RuntimeError(
            f"this Dask worker runs {threads} tasks at once; start the workers with --nthreads 1"
        )
    if not pin_threads():
        raise RuntimeError(
            "TensorFlow in this worker process already runs with other thread settings; "
            "start fresh workers for the comparison"
        )
    return getattr(importlib.import_module(module), name)(arguments)


def run(function, argument_list, jobs=1, cluster=None):
    """Call function(arguments) for each item of argument_list; yield (arguments, result) as each
    call finishes, in the order they finish.

    jobs: worker processes on this machine (1: in this process, one call after another, so that a
    debugger can step into each); cluster: a Dask scheduler's address ("tcp://host:8786"), whose
    workers then run the calls (jobs is ignored). `function` must be a module-level function of a
    module the workers can import, and every argument plain data.
    """
    if not argument_list:
        return
    if cluster is None and jobs == 1:
        pin_here(jobs, cluster)  # the caller calls it first too, to report when it fails
        for arguments in argument_list:
            yield arguments, function(arguments)
        return
    import joblib

    module, name = importable_name(function)
    calls = [
        joblib.delayed(_tagged)(module, name, index, item)
        for index, item in enumerate(argument_list)
    ]
    if cluster is None:
        backend = joblib.parallel_config(backend="loky", inner_max_num_threads=FIT_THREADS)
        client = None
    else:
        from distributed import Client

        try:
            client = Client(cluster, timeout="20s")
        except OSError as error:
            raise UsageError(
                f"--cluster {cluster}: no Dask scheduler answers there ({error}); start one "
                "with `dask scheduler`, or check the address it printed"
            ) from None
        backend = joblib.parallel_config(backend="dask")
    try:
        with backend:
            parallel = joblib.Parallel(
                n_jobs=jobs if cluster is None else -1,
                batch_size=1,  # one fit per task: progress per fit, and the load spread evenly
                return_as="generator_unordered",
            )
            for index, result in parallel(calls):
                yield argument_list[index], result
    finally:
        if client is not None:
            client.close()


def _tagged(module, name, index, arguments):
    """call_in_worker's result with the call's index, to match results that arrive out of order."""
    return index, call_in_worker(module, name, arguments)
