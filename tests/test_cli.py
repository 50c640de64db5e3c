"""common/cli.py: --help with examples, the shared flags, and who handles Ctrl-C."""

import signal
import sys

import case8_1_rnn
import case8_2_lstm
import case8_3_gru
import compare_cells
import inside_the_cells
from common import cli
from common.machinery import interrupts

import pytest

SCRIPTS = [case8_1_rnn, case8_2_lstm, case8_3_gru, compare_cells, inside_the_cells]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda module: module.__name__)
def test_help_ends_with_the_scripts_examples(script, capsys):
    with pytest.raises(SystemExit) as stopped:
        script.build_parser().parse_args(["--help"])
    assert stopped.value.code == 0
    help_text = capsys.readouterr().out
    examples = cli.examples(script.__doc__)
    assert len(examples) >= 2
    assert help_text.rstrip().endswith(examples[-1])
    tail = help_text[help_text.index("examples:") :]
    assert all(example in tail for example in examples)
    assert "--tensorboard" in help_text


def test_examples_are_the_docstrings_command_lines():
    doc = "Title.\n\n    python a.py\n    python a.py --quick   # fast\n  pythonic prose\n"
    assert cli.examples(doc) == ["python a.py", "python a.py --quick   # fast"]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT handlers are POSIX signals here")
def test_ctrl_c_handling_is_taken_only_from_pythons_default_handler():
    original = signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        previous = interrupts.install_interrupt_handler()
        assert previous is signal.default_int_handler
        assert signal.getsignal(signal.SIGINT) is interrupts._on_interrupt

        def debugger_handler(signum, frame):  # what pdb installs on `continue`
            pass

        signal.signal(signal.SIGINT, debugger_handler)
        assert interrupts.install_interrupt_handler() is None
        assert signal.getsignal(signal.SIGINT) is debugger_handler  # left alone
    finally:
        signal.signal(signal.SIGINT, original)
