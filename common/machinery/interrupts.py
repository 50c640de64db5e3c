"""Ctrl-C (SIGINT): stop at a clean point and keep every file whole.

During model.fit() a Ctrl-C is only noted (`INTERRUPTED`); the training callback stops at the
next batch, where TensorFlow is in a clean state. Elsewhere, or on a second Ctrl-C, the script
stops at once. Artifacts are written atomically (machinery/artifacts.py), so an interrupted run
leaves the previous run's files as they were. A debugger that installed its own handler keeps it.
"""

import signal
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


INTERRUPTED_MESSAGE = (
    "\nInterrupted. Every file in the output folder is whole: written completely, "
    "or left as the earlier run wrote it."
)


def install_interrupt_handler():
    """Take over Ctrl-C (SIGINT) when nobody else has; return the handler to put back, or None.

    Only Python's own default handler is replaced. A debugger (pdb, debugpy) that installed its
    own keeps it, so Ctrl-C pauses the program there as in any Python program.
    """
    try:
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return None
        return signal.signal(signal.SIGINT, _on_interrupt)
    except ValueError:  # not the main thread: leave signals alone
        return None
