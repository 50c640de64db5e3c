"""The structure figures of issue 29 stay within their limits (benchmarks/structure.py).

Static analysis only (Python's ast module): nothing is imported from the project and nothing is
trained, so the whole file runs in about a second. A failure names the figure and lists
what is over its limit, as file:line.
"""

import pytest
import structure  # benchmarks/, on pytest's pythonpath


@pytest.fixture(scope="module")
def figures():
    return structure.measure(structure.ROOT)


@pytest.mark.parametrize("name", list(structure.LIMITS))
def test_each_figure_is_within_its_limit(figures, name):
    value, offenders = figures[name]
    limit = structure.LIMITS[name]
    assert value is not None, f"{name}: not measured ({offenders})"
    assert value <= limit, f"{name}: {value} (limit {limit})\n" + "\n".join(offenders)


def test_every_figure_is_measured_and_named_in_the_limits(figures):
    assert set(figures) == set(structure.LIMITS)


HELPERS = """\
import contextlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Record:  # eight fields: its constructor takes eight parameters
{fields}

def noisy(series):
    print("hello")
    series.season = 12
    with contextlib.redirect_stdout(None):
        pass


def many(a, b, c, d, e, f, g, h):  # 8 parameters, 61 lines
{body}

class Fine:
    def __init__(self, a):
        self.a = a  # an attribute of self: fine
"""


def line_of(text, piece):
    """The line number (from 1) of the first line of `text` that holds `piece`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if piece in line)


def test_the_rules_find_what_they_are_written_for(tmp_path):
    # A tiny checkout with one offender for each rule that counts offenders.
    text = HELPERS.format(
        fields="\n".join(f"    field_{n}: int" for n in range(8)) + "\n",
        body="\n".join("    a = 1" for _ in range(60)) + "\n",
    )
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "helpers.py").write_text(text)
    (tmp_path / "common" / "cli.py").write_text("def fail():\n    print('error')\n")
    figures = structure.measure(tmp_path)
    at = f"common/helpers.py:{line_of(text, 'print(')}"
    assert figures["print( calls in modules (common/ but report and cli)"] == (1, [at])
    at = f"common/helpers.py:{line_of(text, 'redirect_stdout(')}"
    assert figures["uses of redirect_stdout outside tests"] == (1, [at])
    at = f"common/helpers.py:{line_of(text, 'def many')}"
    assert figures["functions with more than 7 parameters"] == (1, [f"{at} many: 8"])
    assert figures["functions over 60 lines (common/ and scripts)"] == (
        1,
        [f"{at} many: 61 lines"],
    )
    at = f"common/helpers.py:{line_of(text, 'class Record')}"
    assert figures["records with more than 7 fields"] == (1, [f"{at} Record: 8 fields"])
    at = f"common/helpers.py:{line_of(text, 'series.season')}"
    assert figures["attributes set on an object a function was given"] == (
        1,
        [f"{at} noisy: series.season"],
    )
    # The case scripts and the README are missing here: their figures cannot pass.
    assert figures["case8_2_lstm: lines of main"][0] is None
    assert figures["README.md: lines"][0] is None


def test_a_case_main_is_measured_as_the_issue_counts_it(tmp_path):
    (tmp_path / "common").mkdir()
    for module in ("__init__", "cli", "forecasting", "windows"):
        (tmp_path / "common" / f"{module}.py").write_text("")
    (tmp_path / "case8_2_lstm.py").write_text(
        "from common import cli, forecasting, windows\n"
        "\n"
        "import keras\n"
        "\n"
        "\n"
        "@cli.user_errors(None)\n"  # a decorator is not a call made in main
        "def main(argv=None):\n"
        "    series = forecasting.load(argv)\n"
        "    train = windows.model_windows(series)\n"
        "    again = windows.model_windows(series)\n"  # the same call counts once
        "    model = make_model()\n"  # not a call into a module of the project
        "    keras.utils.set_random_seed(1)\n"  # nor is a call into Keras
        "    history = model.fit(train, again)\n"
        "    return history\n"
    )
    figures = structure.measure(tmp_path)
    assert figures["case8_2_lstm: lines of main"][0] == 8
    assert figures["case8_2_lstm: line of history = model.fit( in main"][0] == 7
    assert figures["case8_2_lstm: distinct calls into the project's modules in main"] == (
        2,
        ["forecasting.load", "windows.model_windows"],
    )
