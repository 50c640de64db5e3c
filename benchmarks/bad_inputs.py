"""The inputs of a new learner's first day, each run as a learner would: a markdown table.

For each input: the exit status, the last line on stderr, and whether --output-dir was left as
it was (it holds an earlier run's files before each run). Runs that are accepted (exit 0) also
say whether their metrics.json holds only finite numbers, and whether their output says what it
should (or not what it should not). It starts one Python process per input: a few minutes.

    python benchmarks/bad_inputs.py                     # this checkout
    python benchmarks/bad_inputs.py --root ../main      # another checkout, e.g. before a change
    python benchmarks/bad_inputs.py --only predict      # the inputs whose name holds "predict"
"""

import argparse
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def monthly(count=80, date=lambda i: f"{1990 + i // 12}-{i % 12 + 1:02d}", header="Date,Value"):
    rows = [f"{date(i)},{100 + i % 12 + i * 0.5:g}" for i in range(count)]
    return header + "\n" + "\n".join(rows) + "\n"


def daily(count=900, date=None, header="Date,Value"):
    import datetime

    first = datetime.date(2001, 1, 1)
    date = date or (lambda i: f"{first + datetime.timedelta(days=i):%Y-%m-%d}")
    rows = [f"{date(i)},{10 + (i % 365) / 20 + (i % 7) / 3:g}" for i in range(count)]
    return header + "\n" + "\n".join(rows) + "\n"


def with_row(text, row, value):
    lines = text.splitlines()
    lines[row] = lines[row].split(",")[0] + "," + value
    return "\n".join(lines) + "\n"


def hourly_across_dst():
    """Hourly ISO stamps with their UTC offset, across the spring change of 2023 (Europe)."""
    import pandas as pd

    stamps = pd.date_range("2023-03-01", periods=24 * 60, freq="h", tz="Europe/Paris")
    rows = [f"{stamp.isoformat()},{10 + (i % 24) / 3:g}" for i, stamp in enumerate(stamps)]
    return "Date,Load\n" + "\n".join(rows) + "\n"


def hourly_fixed_offset():
    import pandas as pd

    stamps = pd.date_range("2023-01-01", periods=24 * 60, freq="h", tz="+05:30")
    rows = [f"{stamp.isoformat()},{10 + (i % 24) / 3:g}" for i, stamp in enumerate(stamps)]
    return "Date,Load\n" + "\n".join(rows) + "\n"


def excel_serial_dates():
    return daily(900, date=lambda i: str(43831 + i))


def numeric_dates():
    import datetime

    first = datetime.date(2001, 1, 1)
    return daily(900, date=lambda i: f"{first + datetime.timedelta(days=i):%Y%m%d}")


def day_first_monthly():
    """Monthly dates written day-first, every day 01: no row shows the order."""
    return monthly(480, date=lambda i: f"01/{i % 12 + 1:02d}/{1973 + i // 12}")


LSTM, GRU, RNN, CELLS = "case8_2_lstm.py", "case8_3_gru.py", "case8_1_rnn.py", "inside_the_cells.py"

# name -> (script, data file's text or None, extra arguments, folder to start from, checks)
# folder: "earlier" (an earlier run's metrics.json), or a trained fixture's name (see FIXTURES).
# checks: phrases the output must hold ("+...") or must not hold ("-...").
INPUTS = {
    "inf cell in the target": (LSTM, with_row(monthly(), 6, "inf"), [], "earlier", []),
    "1e302 in the target": (LSTM, with_row(monthly(), 6, "1e302"), [], "earlier", []),
    "constant series": (
        LSTM,
        "Date,Value\n" + "\n".join(f"{1990 + i // 12}-{i % 12 + 1:02d},5" for i in range(80)),
        [],
        "earlier",
        [],
    ),
    "target constant before the test part (noise check p = nan)": (
        LSTM,
        "Date,Value\n"
        + "\n".join(f"{1990 + i // 12}-{i % 12 + 1:02d},{5 if i < 68 else i}" for i in range(80)),
        [],
        "earlier",
        [],
    ),
    "UTC offsets across a DST change": (GRU, hourly_across_dst(), ["--quick"], "earlier", ["+UTC"]),
    "UTC offsets across a DST change, --resample 1h": (
        GRU,
        hourly_across_dst(),
        ["--quick", "--resample", "1h"],
        "earlier",
        ["+UTC"],
    ),
    "one fixed UTC offset": (GRU, hourly_fixed_offset(), ["--quick"], "earlier", ["+UTC"]),
    "--seed 99999999999999999999": (LSTM, None, ["--seed", "99999999999999999999"], "earlier", []),
    '--predict "!!! ???"': (RNN, None, ["--predict", "!!! ???"], "rnn", ["-nan"]),
    "--predict emoji": (RNN, None, ["--predict", "\U0001f600\U0001f525"], "rnn", ["-nan"]),
    "monthly dates day-first, order shown by no row": (
        LSTM,
        day_first_monthly(),
        ["--quick"],
        "earlier",
        [],
    ),
    "--resample 1h on a monthly file": (LSTM, monthly(), ["--resample", "1h"], "earlier", []),
    "14 months (window advice)": (LSTM, monthly(14), [], "earlier", []),
    "header repeats a name": (LSTM, monthly(header="Date,Value,Value"), [], "earlier", []),
    "Excel serial dates": (GRU, excel_serial_dates(), [], "earlier", []),
    "numeric dates (YYYYMMDD)": (GRU, numeric_dates(), ["--quick"], "earlier", []),
    "--forecast without --data (model of another file)": (
        LSTM,
        None,
        ["--forecast"],
        "sales",
        [],
    ),
    "--forecast --horizon 6 on a 12-step model": (
        LSTM,
        None,
        ["--forecast", "--horizon", "6"],
        "twelve",
        [],
    ),
    "inside_the_cells.py --model a CSV": (
        CELLS,
        None,
        ["--model", "<csv>", "--quick"],
        "earlier",
        [],
    ),
    "inside_the_cells.py --model case 8-1's model": (
        CELLS,
        None,
        ["--model", "<rnn model>", "--quick"],
        "earlier",
        [],
    ),
    "case 8-3 on a monthly file (headings)": (
        GRU,
        monthly(240),
        ["--quick"],
        "earlier",
        ["-daily by default", "-the day of the year", "-degrees", "-p < 0.05 is a real gap"],
    ),
    "--show without a display": (LSTM, None, ["--quick", "--show"], "earlier", ["+--show"]),
}

FIXTURES = {  # name -> (script, data file's text or None, arguments): trained once, copied
    "rnn": (RNN, None, ["--quick"]),
    "sales": (LSTM, monthly(120, header="Month,Sales"), ["--quick"]),
    "twelve": (LSTM, None, ["--quick", "--horizon", "12"]),
}


def run(root, script, args, env_changes=None, timeout=900):
    env = {**os.environ, "MPLBACKEND": "Agg", **(env_changes or {})}
    env = {key: value for key, value in env.items() if value is not None}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(root) / script), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done, time.perf_counter() - started


def folder_state(folder):
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }


def finite_numbers(value):
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(finite_numbers(each) for each in value.values())
    if isinstance(value, list):
        return all(finite_numbers(each) for each in value)
    return True


def train_fixtures(root, work):
    for name, (script, text, args) in FIXTURES.items():
        folder = work / "fixtures" / name
        data = []
        if text is not None:
            (work / f"{name}.csv").write_text(text)
            data = ["--data", str(work / f"{name}.csv")]
        done, _ = run(root, script, [*args, *data, "--output-dir", str(folder)])
        if done.returncode != 0:
            raise SystemExit(f"fixture {name} failed:\n{done.stderr[-2000:]}")


def one_input(root, work, name, spec):
    script, text, extra, start, checks = spec
    folder = work / "runs" / name.replace(" ", "_").replace("/", "_")[:60]
    if start == "earlier":
        folder.mkdir(parents=True)
        (folder / "metrics.json").write_text('{"earlier": "run"}')
    else:
        shutil.copytree(work / "fixtures" / start, folder)
    arguments = [
        str(work / "sales.csv")
        if each == "<csv>"
        else str(work / "fixtures" / "rnn" / "model.keras")
        if each == "<rnn model>"
        else each
        for each in extra
    ]
    if text is not None:
        path = folder.parent / (folder.name + ".csv")
        path.write_text(text)
        arguments += ["--data", str(path)]
    before = folder_state(folder)
    display = (
        {"DISPLAY": None, "WAYLAND_DISPLAY": None, "MPLBACKEND": None} if "--show" in extra else {}
    )
    done, seconds = run(root, script, [*arguments, "--output-dir", str(folder)], display)
    after = folder_state(folder)
    errors = done.stderr.strip().splitlines()
    output = done.stdout + done.stderr
    notes = []
    for check in checks:
        present = check[1:].lower() in output.lower()
        if present != (check[0] == "+"):
            notes.append(f"{'missing' if check[0] == '+' else 'says'} {check[1:]!r}")
    if done.returncode == 0 and (folder / "metrics.json").exists() and after != before:
        metrics = json.loads((folder / "metrics.json").read_text())
        notes.append("metrics finite" if finite_numbers(metrics) else "NON-FINITE metrics")
    if done.returncode == 0 and not errors:
        errors = [done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""]
    untouched = "yes" if after == before else ("new run" if done.returncode == 0 else "NO")
    return done.returncode, errors[-1] if errors else "", untouched, notes, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(HERE), help="the checkout to run (default: this)")
    parser.add_argument("--only", default="", help="run the inputs whose name holds this")
    args = parser.parse_args()
    root = Path(args.root).resolve()
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        chosen = {name: spec for name, spec in INPUTS.items() if args.only in name}
        train_fixtures(root, work)
        print(f"checkout: {root}\n")
        print("| input | exit | last stderr line | folder untouched | notes |")
        print("|---|---|---|---|---|")
        for name, spec in chosen.items():
            code, line, untouched, notes, seconds = one_input(root, work, name, spec)
            line = line.replace("|", "\\|")[:400]
            notes = "; ".join(notes + [f"{seconds:.0f} s"])
            print(f"| {name} | {code} | {line} | {untouched} | {notes} |", flush=True)


if __name__ == "__main__":
    main()
