"""How the forecasting cases read: the figures of the one-story structure, measured.

    python benchmarks/structure.py

For case 8-2 and case 8-3 it prints the length of `main`, the line of `history = model.fit(`
within it, the common/ functions a learner enters stepping into every call from the start of
`main` to `fit` (traced with sys.settrace: functions called from the case's own code), and the
lines the two files share in runs of six or more identical lines (blank lines, comments and
imports not counted, white space folded). Goals: main at most 150 lines, fit within its first
80, at most 15 functions, at most 60 shared lines.
"""

import ast
import contextlib
import importlib
import io
import sys
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ["case8_2_lstm", "case8_3_gru"]


def main_lines(path):
    """(lines of main, line of `history = model.fit(` counted from main's def line)."""
    source = path.read_text(encoding="utf-8")
    main = next(
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name == "main"
    )
    lines = source.splitlines()
    fit = next(n for n in range(main.lineno - 1, main.end_lineno) if "= model.fit(" in lines[n])
    return main.end_lineno - main.lineno + 1, fit - main.lineno + 2


def code_lines(path):
    """The lines that count: no blank lines, comments or imports; white space folded."""
    kept, in_import = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        text = " ".join(line.split())
        if in_import:
            in_import = not text.startswith(")")
            continue
        if text.startswith(("import ", "from ")):
            in_import = text.endswith("(")
            continue
        if text and not text.startswith("#"):
            kept.append(text)
    return kept


def shared_lines(first, second, run=6):
    """Lines the two files share in runs of `run` or more identical lines."""
    matcher = SequenceMatcher(None, code_lines(first), code_lines(second), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks() if block.size >= run)


class ReachedFit(Exception):
    """Raised by the stand-in for keras.Model.fit: tracing stops there."""


def functions_before_fit(case_name):
    """The distinct common/ functions that the case's own code calls before model.fit."""
    import common  # noqa: F401  (quiet TensorFlow start-up, as the cases do)

    import keras

    def stop(*args, **kwargs):
        raise ReachedFit

    original_fit, keras.Model.fit = keras.Model.fit, stop
    case = importlib.import_module(case_name)
    case_file = str(ROOT / f"{case_name}.py")
    common_folder = str(ROOT / "common")
    entered = set()

    def tracer(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(common_folder):
            caller = frame.f_back
            if caller is not None and caller.f_code.co_filename == case_file:
                entered.add(f"{Path(frame.f_code.co_filename).stem}.{frame.f_code.co_name}")
        return None

    output_dir = str(ROOT / "outputs" / "structure" / case_name)
    sys.settrace(tracer)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the case's own lines: not needed here
            case.main(["--quick", "--output-dir", output_dir])
    except ReachedFit:
        pass
    finally:
        sys.settrace(None)
        keras.Model.fit = original_fit
    return sorted(entered)


def run():
    sys.path.insert(0, str(ROOT))
    for case_name in CASES:
        length, fit_line = main_lines(ROOT / f"{case_name}.py")
        functions = functions_before_fit(case_name)
        print(
            f"{case_name}: main {length} lines (goal <= 150); model.fit on line {fit_line} "
            f"(goal <= 80); {len(functions)} common/ functions entered before fit (goal <= 15)"
        )
        print(f"   {', '.join(functions)}")
    shared = shared_lines(*(ROOT / f"{name}.py" for name in CASES))
    print(f"lines the two cases share in runs of 6 or more: {shared} (goal <= 60)")


if __name__ == "__main__":
    run()
