"""Command-line flags every script shares (docs/PROTOCOL.md), and argparse-style user errors.

A user's mistake (a missing file, a misspelled column, a bad flag value) must end with exit
status 2 and one `prog: error: ...` line, never a traceback. Helpers raise `UsageError`; the
`user_errors` decorator on each script's `main()` turns it into `parser.error(...)`.

This module loads neither TensorFlow nor Keras (nor pandas, until --resample needs it): each
script reads its command line with it before TensorFlow loads, so that `--help` and a mistyped
flag answer at once (`read_arguments_first`).
"""

import argparse
import functools
import math
import signal
import sys

from common.machinery.errors import UsageError
from common.machinery.interrupts import (
    INTERRUPTED,
    INTERRUPTED_MESSAGE,
    TRAINING,
    check_interrupted,
    install_interrupt_handler,
)

# --differencing's choices: common/selection.py's DIFFERENCING_CHOICES (tests/test_cli.py checks
# that they agree), written here so that reading the command line needs no NumPy or Keras.
DIFFERENCING_CHOICES = ("none", "first", "seasonal", "seasonal+first")
DEFAULT_TEST_FRACTION = 0.2  # the forecasting cases' share of the series held out for testing


def positive_int(text):
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


MAX_SEED = 2**32 - 1  # the largest seed NumPy's random generator takes


def seed_number(text):
    """argparse type: a seed, a whole number from 0 to 2**32 - 1 (what NumPy accepts)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 0 to {MAX_SEED} (2**32 - 1), got {value}"
        )
    return value


def fraction(text):
    """argparse type: a number strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number between 0 and 1, got {text!r}"
        ) from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), got {value}")
    return value


def positive_float(text):
    """argparse type: a finite number > 0 (a gradient-norm limit)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def column_list(text):
    """argparse type: comma-separated column names, e.g. `Tmin,Rain` (`all` stays ["all"])."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected one or more column names separated by commas")
    return names


def examples(doc):
    """The example command lines of a script's docstring (its lines that start with `python `)."""
    lines = [line.strip() for line in (doc or "").splitlines()]
    return [line for line in lines if line.startswith("python ")]


def base_parser(doc, script_name, epochs, batch_size, helps=None):
    """The flags of docs/PROTOCOL.md that every script has.

    doc: the script's docstring; its first line becomes the description and its example
    command lines the end of `--help`. `script_name` sets the default output folder
    (`outputs/<script_name>`); `epochs` and `batch_size` are the script's defaults. `helps` maps
    a flag's dest (e.g. "epochs") to the help text that says what it does in this script, where
    that differs from a case's.
    """
    parser = argparse.ArgumentParser(
        prog=f"{script_name}.py",
        description=doc.strip().splitlines()[0],
        epilog="examples:\n" + "\n".join(f"  {line}" for line in examples(doc)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    flag = parser.add_argument
    flag(
        "--data",
        metavar="PATH",
        help="CSV file to train on (default: the embedded dataset in data/)",
    )
    flag(
        "--output-dir",
        metavar="DIR",
        default=f"outputs/{script_name}",
        help="where artifacts are written, created if missing (default: %(default)s)",
    )
    flag(
        "--epochs",
        type=positive_int,
        default=epochs,
        help="most training epochs; early stopping may stop sooner (default: "
        + (
            "%(default)s)" if epochs else "the case's budget of optimizer steps over the data size)"
        ),
    )
    flag(
        "--batch-size",
        type=positive_int,
        default=batch_size,
        help="samples per gradient step (default: "
        + ("%(default)s)" if batch_size else "about 1/32 of the training samples, 8 to 256)"),
    )
    flag(
        "--seed",
        type=seed_number,
        default=42,
        help="one seed for Python, NumPy and Keras (default: %(default)s)",
    )
    flag(
        "--quick",
        action="store_true",
        help="tiny run (few epochs, small slice) for smoke tests; still writes every artifact",
    )
    flag(
        "--show",
        action="store_true",
        help="also open the plot windows (plots are always saved as PNG)",
    )
    flag(
        "--trace",
        action="store_true",
        help="print each step's arrays: name, shape, dtype and first values",
    )
    flag(
        "--eager",
        action="store_true",
        help="run Keras eagerly (slower) so a debugger can step into layer calls",
    )
    flag(
        "--clipnorm",
        type=positive_float,
        default=None,
        help="clip each gradient's norm to this value in the optimizer (default: off)",
    )
    flag(
        "--tensorboard",
        action="store_true",
        help=(
            "also write TensorBoard logs to --output-dir/logs (view: tensorboard --logdir DIR/logs)"
        ),
    )
    for action in parser._actions:
        action.help = (helps or {}).get(action.dest, action.help)
    return parser


def offset_alias(text):
    """argparse type: a pandas offset alias such as 15min, 1h, 1D, 7D or MS (--resample)."""
    import pandas as pd  # here, so that `--help` stays quick

    try:
        pd.tseries.frequencies.to_offset(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a pandas offset alias such as 15min, 1h, 1D, 7D or MS, got {text!r}"
        ) from None
    return text


def date_format(text):
    """argparse type: a strptime format with a day, month or year in it, e.g. %d/%m/%Y."""
    if not any(code in text for code in ("%d", "%m", "%Y", "%y", "%b", "%B")):
        raise argparse.ArgumentTypeError(
            f"expected a strptime format such as %d/%m/%Y or '%d.%m.%Y %H:%M', got {text!r}"
        )
    return text


def forecasting_parser(doc, script_name):
    """The parser of a forecasting case (8-2 LSTM, 8-3 GRU): every script's flags and the
    forecasting ones. Epochs and the batch size follow the case's budget of optimizer updates;
    the window candidates, the season and the calendar terms follow the file's step
    (common/machinery/frequencies.py)."""
    parser = base_parser(doc, script_name, epochs=None, batch_size=None)
    flag = parser.add_argument
    flag(
        "--date-column",
        metavar="NAME",
        help="column holding the dates (default: Date, date or Month in any case, "
        "else the first column that parses as dates)",
    )
    flag("--target", metavar="NAME", help="column to forecast (default: the only numeric column)")
    flag(
        "--inputs",
        metavar="A,B",
        type=column_list,
        help="other measured columns fed beside the target's past; `all`: every other numeric "
        "column (default: none for your file, the documented inputs for the embedded data)",
    )
    flag(
        "--date-format",
        metavar="FMT",
        type=date_format,
        help="strptime format of the dates, e.g. %%d/%%m/%%Y, for files whose rows never show "
        "whether the day or the month comes first (default: as the rows show, else month-first)",
    )
    flag(
        "--resample",
        metavar="RULE",
        type=offset_alias,
        help="average the record over steps of RULE (a pandas offset alias: 15min, 1h, 1D, 7D, "
        "MS) before anything else; also merges repeated time stamps (default: off)",
    )
    flag(
        "--window",
        type=positive_int,
        help="input steps the model sees (default: the candidate a linear model scores best on "
        "the validation part: 12 or 24 months, 7, 14 or 30 days, 24, 48 or 168 hours, ...)",
    )
    flag(
        "--season",
        type=positive_int,
        metavar="N",
        help="steps in one season, for seasonal naive and seasonal differencing (default: from "
        "the step: 12 monthly, 24 hourly, 365 daily (7 with under two years), ...)",
    )
    flag(
        "--test-fraction",
        type=fraction,
        default=DEFAULT_TEST_FRACTION,
        help="share of the windowed series held out as the test part (default: %(default)s)",
    )
    flag(
        "--differencing",
        choices=DIFFERENCING_CHOICES,
        help="what the model learns: the series itself, its first or seasonal difference, or "
        "both (default: the one a linear model scores best on the validation part)",
    )
    flag(
        "--scale",
        choices=("levels", "log"),
        help="the target as in the file, or its logarithm (swings that grow with the level; "
        "needs every value above 0) (default: the one a linear model scores best on the "
        "validation part)",
    )
    flag(
        "--horizon",
        type=positive_int,
        default=1,
        metavar="H",
        help="steps forecast at once, each with 80%% and 95%% intervals (default: %(default)s)",
    )
    flag(
        "--forecast",
        action="store_true",
        help="load the model saved in --output-dir, read --data (or the embedded file) and print "
        "the next H values with their intervals; train nothing",
    )
    return parser


def add_text_flags(parser):
    """Flags of the text case (8-1 SimpleRNN)."""
    flag = parser.add_argument
    flag(
        "--text-columns",
        metavar="A,B",
        type=column_list,
        help="text columns joined into one review "
        "(default: those of Title, Review Text, Class Name that exist)",
    )
    flag(
        "--label-column",
        metavar="NAME",
        default="Rating",
        help="label column: 0/1 used as is, other values positive when > 3 (default: %(default)s)",
    )
    flag(
        "--test-fraction",
        type=fraction,
        default=0.25,
        help="share of reviews held out as the test part (default: %(default)s)",
    )
    flag(
        "--challenge",
        metavar="PATH",
        help="score a challenge file (columns text,label,category) with the model saved in "
        "--output-dir, per category; train nothing",
    )
    flag(
        "--predict",
        metavar="TEXT",
        help="load the saved model from --output-dir, train nothing, "
        "and print the positive probability of TEXT",
    )
    return parser


def inside_cells_parser(doc, script_name, data_not_used, clipnorm):
    """inside_the_cells.py's command line: every script's flags, as it uses them, and --model.
    data_not_used: why --data is refused; clipnorm: --clipnorm's default there."""
    helps = {
        "data": data_not_used,
        "epochs": "training epochs of each memory-task model (Step 6) (default: %(default)s)",
        "batch_size": "sequences per gradient step in the memory task (Step 6) "
        "(default: %(default)s)",
        "eager": "train the memory-task models eagerly (slower) so a debugger can step into "
        "layer calls",
        "clipnorm": "gradient-norm limit of the clipped run in the exploding-gradient demo "
        "(Step 7) (default: %(default)s)",
    }
    parser = base_parser(doc, script_name, epochs=12, batch_size=32, helps=helps)
    parser.set_defaults(clipnorm=clipnorm)
    parser.add_argument(
        "--model",
        metavar="PATH",
        help="look inside the first recurrent layer of this saved forecaster (a model.keras "
        "that a case wrote) instead of fresh layers",
    )
    return parser


def shard(text):
    """--shard K/N: (K, N) with 1 <= K <= N."""
    try:
        number, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected K/N such as 1/4, got {text!r}") from None
    if not 1 <= number <= count:
        raise argparse.ArgumentTypeError(f"K/N needs 1 <= K <= N, got {text!r}")
    return number, count


def comparison_parser(doc, script_name, tasks, default_tasks=None):
    """compare_cells.py's command line: the flags of every script, then --tasks, --cells and
    --seeds, then where the fits train (--jobs, --shard and --cluster)."""
    helps = {
        "data": "reviews CSV for the text task (default: the course's reviews, in data/)",
        "epochs": "most epochs for every task (default: the budget of each task's case)",
        "batch_size": "batch size for every task (default: the one each task's case uses)",
        "seed": "first seed; --seeds N uses seed, seed+1, ... (default: %(default)s)",
        "trace": "not used by this script",
    }
    parser = base_parser(doc, script_name, epochs=None, batch_size=None, helps=helps)
    flag = parser.add_argument
    flag(
        "--tasks",
        type=column_list,
        default=list(default_tasks or tasks),
        help=f"tasks to run, from {', '.join(tasks)} (default: "
        + (", ".join(default_tasks) if default_tasks else "all")
        + ")",
    )
    flag(
        "--cells",
        type=column_list,
        default=None,
        help=(
            "cells to compare, from simple_rnn, lstm, gru, and on the text task only "
            "bidirectional_gru and wide_and_deep (default: all of them)"
        ),
    )
    flag(
        "--seeds",
        type=positive_int,
        default=3,
        help="seeds per task and cell (default: %(default)s)",
    )
    flag(
        "--jobs",
        type=positive_int,
        default=1,
        help=(
            "fits trained at once, each in its own worker process with the same numbers as "
            "--jobs 1 (default: %(default)s; the s/epoch column is only measured with 1)"
        ),
    )
    flag(
        "--shard",
        type=shard,
        default=None,
        metavar="K/N",
        help="train only every N-th fit from the K-th (machine K of N), then merge the fits/ files",
    )
    flag(
        "--cluster",
        default=None,
        metavar="ADDRESS",
        help=(
            "train the fits on a Dask cluster, e.g. tcp://host:8786 (workers started with "
            "--nthreads 1 in this folder; needs dask[distributed])"
        ),
    )
    return parser


def check_names(args, tasks, cells):
    """compare_cells.py: an unknown task or cell is a usage error that lists the known ones."""
    for kind, names, known in [("task", args.tasks, tasks), ("cell", args.cells or [], cells)]:
        unknown = [name for name in names if name not in known]
        if unknown:
            raise UsageError(f"unknown {kind} {unknown[0]!r}: choose from {', '.join(known)}")


def read_arguments_first(build_parser, check=None):
    """Read the command line (sys.argv) before TensorFlow loads, which takes seconds: `--help`
    and a mistake that the flags alone show (`check(args)` raises UsageError) answer at once,
    with argparse's exit status (0 for --help, 2 for a mistake). `main` reads it again to run."""
    parser = build_parser()
    args = parser.parse_args()
    try:
        if check is not None:
            check(args)
    except UsageError as error:
        parser.error(str(error))
    return args


def user_errors(build_parser):
    """Decorate `main(argv)` so a `UsageError` ends as `parser.error()` (exit 2, no traceback).

    Ctrl-C ends with one line and exit status 130; artifacts are written atomically, so the
    previous run's files stay intact.
    """

    def decorate(main):
        @functools.wraps(main)
        def wrapper(argv=None):
            INTERRUPTED.clear()
            TRAINING.clear()
            previous = install_interrupt_handler()
            try:
                result = main(argv)
                check_interrupted()
                return result
            except UsageError as error:
                build_parser().error(str(error))
            except KeyboardInterrupt:
                print(INTERRUPTED_MESSAGE, file=sys.stderr)
                raise SystemExit(130) from None
            except Exception:
                if not INTERRUPTED.is_set():
                    raise
                # A Ctrl-C that surfaced inside TensorFlow as another error: still an interruption.
                print(INTERRUPTED_MESSAGE, file=sys.stderr)
                raise SystemExit(130) from None
            finally:
                if previous is not None:
                    signal.signal(signal.SIGINT, previous)

        return wrapper

    return decorate
