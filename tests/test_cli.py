"""common/cli.py: --help with examples, the shared flags, and who handles Ctrl-C."""

import signal
import subprocess
import sys
from pathlib import Path

import case8_1_rnn
import case8_2_lstm
import case8_3_gru
import compare_cells
import inside_the_cells
from common import cli, models, selection
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


LOADED_PROBE = """
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as stopped:
    loaded = sorted({name.split(".")[0] for name in sys.modules} & {"tensorflow", "keras"})
    print(stopped.code, loaded)
"""


def run_probed(script, argv, cwd=None):
    """The script run under LOADED_PROBE: its last stdout line is "exit status [heavy modules]"."""
    command = [sys.executable, "-c", LOADED_PROBE, script.__file__, *argv]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=cwd)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda module: module.__name__)
@pytest.mark.parametrize(
    "argv, code", [(["--help"], 0), (["--epochs", "0"], 2), (["--seed", "-1"], 2)]
)
def test_help_and_usage_errors_answer_before_tensorflow_loads(script, argv, code):
    done = run_probed(script, argv, cwd=Path(script.__file__).parent)
    assert done.stdout.strip().splitlines()[-1] == f"{code} []", done.stderr[-500:]
    if code:
        assert done.stderr.strip().splitlines()[-1].startswith(f"{script.__name__}.py: error: ")


@pytest.mark.parametrize(
    "script, argv, message",
    [
        (compare_cells, ["--tasks", "weekly"], "unknown task 'weekly'"),
        (compare_cells, ["--cells", "transformer"], "unknown cell 'transformer'"),
        (inside_the_cells, ["--data", "x.csv"], "--data is not used here"),
        (case8_1_rnn, ["--predict", "  "], "--predict needs a review to read"),
    ],
)
def test_mistakes_the_flags_alone_show_answer_before_tensorflow_loads(script, argv, message):
    done = run_probed(script, argv)
    assert done.stdout.strip().splitlines()[-1] == "2 []"
    assert message in done.stderr.strip().splitlines()[-1]


def test_the_command_line_knows_the_names_the_code_uses():
    assert cli.DIFFERENCING_CHOICES == selection.DIFFERENCING_CHOICES
    assert [*compare_cells.FORECASTING_TASKS, "text", "next_character"] == compare_cells.TASKS
    assert list(models.CELL_FACTS) == compare_cells.CELLS + compare_cells.EXTRA_CELLS
