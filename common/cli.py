"""Command-line flags every case shares (see CONTRACT.md), and argparse-style user errors.

A user's mistake (a missing file, a misspelled column, a bad flag value) must end with exit
status 2 and one `prog: error: ...` line, never a traceback. Helpers raise `UsageError`; the
`user_errors` decorator on each script's `main()` turns it into `parser.error(...)`.
"""

import argparse
import functools
import math
import signal
import sys
import threading


INTERRUPTED = threading.Event()  # set by Ctrl-C (SIGINT) during a script's main()


def check_interrupted():
    """Raise KeyboardInterrupt if Ctrl-C was pressed, even where TensorFlow swallowed the first one.

    Keras callbacks and the artifact writers call this, so an interrupted run stops at the next
    batch and never writes its artifacts.
    """
    if INTERRUPTED.is_set():
        raise KeyboardInterrupt


TRAINING = threading.Event()  # set by the training callback while model.fit() runs


def _on_interrupt(signum, frame):
    """Ctrl-C: during fit() only note it (the callback stops at the next batch, where TensorFlow
    is in a clean state); elsewhere, or on a second Ctrl-C, stop at once."""
    already = INTERRUPTED.is_set()
    INTERRUPTED.set()
    if already or not TRAINING.is_set():
        raise KeyboardInterrupt


class UsageError(Exception):
    """Bad input from the user. The message says what is wrong and how to fix it."""


def positive_int(text):
    """argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text):
    """argparse type: an integer >= 0 (a seed)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def fraction(text):
    """argparse type: a number strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
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
    """argparse type: comma-separated column names, e.g. `Tmin,Rain`."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected one or more column names separated by commas")
    return names


def base_parser(description, case_name, epochs, batch_size, helps=None):
    """The flags of CONTRACT.md that every script has.

    `case_name` sets the default output folder (`outputs/<case_name>`); `epochs` and
    `batch_size` are the case's defaults. `helps` maps a flag's dest (e.g. "epochs") to the
    help text that says what it does in this script, where that differs from a case's.
    """
    parser = argparse.ArgumentParser(
        prog=f"{case_name}.py", description=description)
    parser.add_argument("--data", metavar="PATH", help="CSV file to train on (default: the embedded dataset in data/)")
    parser.add_argument("--output-dir", metavar="DIR", default=f"outputs/{case_name}", help="where artifacts are written, created if missing (default: %(default)s)")
    parser.add_argument("--epochs", type=positive_int, default=epochs, help="most training epochs; early stopping may stop sooner (default: %(default)s)")
    parser.add_argument("--batch-size", type=positive_int, default=batch_size, help="samples per gradient step (default: %(default)s)")
    parser.add_argument("--seed", type=non_negative_int, default=42, help="one seed for Python, NumPy and Keras (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help="tiny run (few epochs, small slice) for smoke tests; still writes every artifact")
    parser.add_argument("--show", action="store_true", help="also open the plot windows (plots are always saved as PNG)")
    parser.add_argument("--trace", action="store_true", help="print each step's arrays: name, shape, dtype and first values")
    parser.add_argument("--eager", action="store_true", help="run Keras eagerly (slower) so a debugger can step into layer calls")
    parser.add_argument("--clipnorm", type=positive_float, default=None, help="clip each gradient's norm to this value in the optimizer (default: off)")
    for action in parser._actions:
        action.help = (helps or {}).get(action.dest, action.help)
    return parser


def add_forecasting_flags(parser, window):
    """Flags of the forecasting cases (8-2 LSTM, 8-3 GRU)."""
    parser.add_argument("--date-column", metavar="NAME", help="column holding the dates (default: Date, date or Month in any case, else the first column that parses as dates)")
    parser.add_argument("--target", metavar="NAME", help="column to forecast (default: the only numeric column)")
    parser.add_argument("--inputs", metavar="A,B", type=column_list, help="other measured columns fed beside the target's past (default: none for your file, the documented inputs for the embedded data)")
    parser.add_argument("--window", type=positive_int, default=window, help="input steps the model sees (default: %(default)s)")
    parser.add_argument("--test-fraction", type=fraction, default=0.2, help="share of the windowed series held out as the test part (default: %(default)s)")
    return parser


def add_text_flags(parser):
    """Flags of the text case (8-1 SimpleRNN)."""
    parser.add_argument("--text-columns", metavar="A,B", type=column_list, help="text columns joined into one review (default: those of Title, Review Text, Class Name that exist)")
    parser.add_argument("--label-column", metavar="NAME", default="Rating", help="label column: 0/1 used as is, other values positive when > 3 (default: %(default)s)")
    parser.add_argument("--test-fraction", type=fraction, default=0.25, help="share of reviews held out as the test part (default: %(default)s)")
    parser.add_argument("--predict", metavar="TEXT", help="load the saved model from --output-dir, train nothing, and print the positive probability of TEXT")
    return parser


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
            try:
                previous = signal.signal(signal.SIGINT, _on_interrupt)
            except ValueError:  # not the main thread: leave signals alone
                previous = None
            try:
                result = main(argv)
                check_interrupted()
                return result
            except UsageError as error:
                build_parser().error(str(error))
            except Exception:
                if not INTERRUPTED.is_set():
                    raise
                # A Ctrl-C that surfaced inside TensorFlow as another error: still an interruption.
                print("\nInterrupted. Every file in the output folder is whole: written completely, or left as the earlier run wrote it.", file=sys.stderr)
                raise SystemExit(130) from None
            except KeyboardInterrupt:
                print("\nInterrupted. Every file in the output folder is whole: written completely, or left as the earlier run wrote it.", file=sys.stderr)
                raise SystemExit(130) from None
            finally:
                if previous is not None:
                    signal.signal(signal.SIGINT, previous)

        return wrapper

    return decorate
