"""How time and memory grow with the file: case 8-3 on weather records of 10,000 to 420,551 rows.

    python benchmarks/bench_scale.py                          # 10-minute steps, every size
    python benchmarks/bench_scale.py --sizes 10000 --step daily --iso-dates --case-args="--epochs 1"
    python benchmarks/bench_scale.py --sizes 100000 --resample 1h
    python benchmarks/bench_scale.py --sizes 10000 --step daily --skip-scale   # throughput only

The file is generated (a fixed seed) in the shape of the Jena climate record that Keras' weather
example reads: a "Date Time" column written day first (`01.01.2009 00:10:00`), a row every
10 minutes, and 14 numeric columns, "T (degC)" among them, that move together as weather does
(a daily and a yearly cycle, persistent anomalies, pressure, humidity and wind, each derived
from the others with the usual formulas). 420,551 rows is the real record's length.

For each size, `case8_3_gru.py --data FILE --target "T (degC)" --inputs <the 13 other columns>`
(the same as `--inputs all`) runs in a fresh process; the table gives its wall time and its
peak resident memory (the child's ru_maxrss). Then, on the smallest size, the training
throughput (windows per second) of the case's own pipeline (windows.model_windows: arrays or
a WindowDataset; and the WindowDataset a long file gets) against Keras'
`keras.utils.timeseries_dataset_from_array` (a tf.data pipeline) feeding the same model the
same windows, timed over the same number of batches.

`--step daily` writes a day per row instead, `--iso-dates` dates like 2009-01-01 00:10:00 (for
a reader that does not know day-first dates); `--resample` is passed to the case, and so are
the flags in `--case-args`.
"""

import argparse
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10_000, 50_000, 100_000, 420_551)  # 420,551: the Jena record's rows
TARGET = "T (degC)"
FIRST_STAMP = "2009-01-01 00:10:00"  # the Jena record's first row
STEPS = {"10min": "10min", "daily": "D"}  # --step -> pandas frequency


def smooth_noise(rng, rows, persistence, scale):
    """An AR(1) series, x[t] = persistence * x[t-1] + noise, with standard deviation `scale`:
    weather anomalies that last (persistence near 1) or pass quickly."""
    from scipy.signal import lfilter

    shocks = rng.normal(scale=scale * np.sqrt(1 - persistence**2), size=rows)
    return lfilter([1.0], [1.0, -persistence], shocks)


def weather_frame(rows, step="10min", seed=0):
    """A weather record of `rows` rows shaped like the Jena climate file: (rows, 14) numbers
    indexed by the date, column names as in the Jena file."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(FIRST_STAMP, periods=rows, freq=STEPS[step])
    if step == "daily":
        dates = dates.normalize()
    day = dates.day_of_year.to_numpy() + dates.hour.to_numpy() / 24 + dates.minute.to_numpy() / 1440
    hour = dates.hour.to_numpy() + dates.minute.to_numpy() / 60
    per_day = 144 if step == "10min" else 1  # rows in a day: how fast anomalies fade per row
    yearly = -np.cos(2 * np.pi * (day - 15) / 365.25)  # coldest mid-January
    daily = np.sin(2 * np.pi * (hour - 9) / 24) if step == "10min" else 0.0  # warmest at 15:00
    anomaly = smooth_noise(rng, rows, 0.9 ** (1 / per_day), 3.0)  # warm and cold spells, days
    temperature = 9.5 + 9.0 * yearly + 4.0 * daily + anomaly + rng.normal(scale=0.3, size=rows)
    pressure = 989.0 + smooth_noise(rng, rows, 0.8 ** (1 / per_day), 8.0)  # mbar
    humidity = np.clip(
        76 - 12 * daily - 8 * yearly + smooth_noise(rng, rows, 0.7 ** (1 / per_day), 12.0), 12, 100
    )  # %: drier in the afternoon and in summer
    saturation = 6.1078 * np.exp(17.27 * temperature / (temperature + 237.3))  # mbar (Tetens)
    vapour = humidity / 100 * saturation  # mbar
    dew_log = np.log(vapour / 6.1078)
    wind = 2.0 + 1.4 * np.abs(smooth_noise(rng, rows, 0.95 ** (1 / per_day), 1.0))  # m/s
    columns = {
        "p (mbar)": pressure,
        TARGET: temperature,
        "Tpot (K)": (temperature + 273.15) * (1000 / pressure) ** 0.286,
        "Tdew (degC)": 237.3 * dew_log / (17.27 - dew_log),
        "rh (%)": humidity,
        "VPmax (mbar)": saturation,
        "VPact (mbar)": vapour,
        "VPdef (mbar)": saturation - vapour,
        "sh (g/kg)": 622 * vapour / (pressure - 0.378 * vapour),
        "H2OC (mmol/mol)": 1000 * vapour / pressure,
        "rho (g/m**3)": pressure * 1e5 / (287.05 * (temperature + 273.15)),
        "wv (m/s)": wind,
        "max. wv (m/s)": wind * (1.6 + 0.2 * np.abs(rng.normal(size=rows))),
        "wd (deg)": (200 + 80 * smooth_noise(rng, rows, 0.9 ** (1 / per_day), 1.0)) % 360,
    }
    return pd.DataFrame(columns, index=dates).round(2)


def write_weather_csv(path, rows, step="10min", seed=0, iso_dates=False):
    """The record as a CSV file like Jena's: "Date Time" first, `01.01.2009 00:10:00` (with
    iso_dates, `2009-01-01 00:10:00`)."""
    frame = weather_frame(rows, step, seed)
    frame.index = frame.index.strftime("%Y-%m-%d %H:%M:%S" if iso_dates else "%d.%m.%Y %H:%M:%S")
    frame.to_csv(path, index_label="Date Time")
    return path


def run_measured(arguments):
    """Run `python <arguments>` in a fresh process: (status, seconds, peak RSS in MiB, stderr).
    A helper process runs it, so that RUSAGE_CHILDREN holds this run's peak alone."""
    probe = (
        "import resource, subprocess, sys; "
        "run = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); "
        "sys.stderr.buffer.write(run.stderr[-3000:]); "
        "print(run.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    status, peak = result.stdout.split()
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return int(status), seconds, int(peak) * unit / 2**20, result.stderr


def data_flags(path, resample=None):
    """The case's flags for the generated file: its target, every other column an input."""
    inputs = [name for name in weather_frame(2).columns if name != TARGET]
    flags = ["--data", str(path), "--target", TARGET, "--inputs", ",".join(inputs)]
    return flags + (["--resample", resample] if resample else [])


def scale_table(sizes, step, resample, extra, folder, iso_dates=False):
    """Run the case on each size; print one row per size as it finishes."""
    print(f"{'rows':>9s} {'file MiB':>9s} {'status':>7s} {'wall s':>8s} {'peak RSS MiB':>13s}")
    for rows in sizes:
        path = write_weather_csv(folder / f"weather_{rows}.csv", rows, step, iso_dates=iso_dates)
        output_dir = ["--output-dir", str(folder / f"out_{rows}")]
        arguments = ["case8_3_gru.py", *data_flags(path, resample), *output_dir, *extra]
        status, seconds, peak, errors = run_measured(arguments)
        size = path.stat().st_size / 2**20
        print(f"{rows:9,d} {size:9.1f} {status:7d} {seconds:8.1f} {peak:13.0f}", flush=True)
        if status != 0:
            print("   " + errors.strip().splitlines()[-1] if errors.strip() else "   (no message)")


def throughput(path, window, batches, resample, seed=42):
    """Windows per second through model.fit, the case's pipeline against Keras' own
    timeseries_dataset_from_array, same model, same windows, `batches` batches each.

    The case's steps prepare the data (load, the test part, Step 5's scaling) with --window and
    --differencing none fixed, so no choice is timed. Returns {"pipeline": windows/s, ...}.
    """
    sys.path.insert(0, str(ROOT))
    import case8_3_gru as case
    from common import forecasting, training, windows

    import keras

    fixed = ["--window", str(window), "--differencing", "none"]
    args = case.build_parser().parse_args([*data_flags(path, resample), *fixed])
    settings = case.SETTINGS
    look = forecasting.look(forecasting.load(args, settings), args, settings)
    choice = forecasting.choose(look, args, settings)  # fixed by the flags: nothing to choose
    prepared = forecasting.prepare(look, choice, args, settings)
    scaled, train_origins = prepared.scaled, prepared.origins["train"]
    targets = scaled[:, 0]
    train_windows, train_targets = windows.model_windows(
        scaled, targets, train_origins, window, seed=seed
    )
    batch_size = training.budget(windows.windows_per_epoch(train_windows), 1, 1)["batch_size"]
    # Keras' own: the window that starts at row i is data[i : i + window], its target targets[i]
    first, last = train_origins[0] - window, train_origins[-1] - window  # first rows of windows
    keras_windows = keras.utils.timeseries_dataset_from_array(
        scaled[:-window].astype("float32"),
        targets[window:].astype("float32"),  # the value right after the window
        sequence_length=window,
        batch_size=batch_size,
        shuffle=True,
        seed=seed,
        start_index=first,
        end_index=last + window,  # the last row a training window reads, plus one
    )
    stream = windows.WindowDataset(
        scaled, targets, train_origins, window, 1, batch_size, (seed, None)
    )
    kind = "arrays" if isinstance(train_windows, np.ndarray) else "WindowDataset"
    fed = {
        f"case pipeline (model_windows: {kind})": (train_windows, train_targets),
        "case WindowDataset (long files)": (stream, None),
        "timeseries_dataset_from_array": (keras_windows, None),
    }
    speeds = {}
    for name, (x, y) in fed.items():
        keras.utils.set_random_seed(seed)
        model = case.build_model(window, scaled.shape[1])
        model.compile(optimizer="adam", loss=case.LOSS)
        # arrays: Keras batches (and shuffles) them; the datasets batch and shuffle themselves
        fit = {"batch_size": batch_size} if y is not None else {"shuffle": False}
        model.fit(x, y, epochs=1, steps_per_epoch=2, verbose=0, **fit)  # compile the step first
        started = time.perf_counter()
        model.fit(x, y, epochs=1, steps_per_epoch=batches, verbose=0, **fit)
        speeds[name] = batches * batch_size / (time.perf_counter() - started)
    print(
        f"training throughput, {len(train_origins):,} training windows of {window} steps x "
        f"{scaled.shape[1]} features, batches of {batch_size}, {batches} batches each:"
    )
    for name, speed in speeds.items():
        print(f"   {name:32s} {speed:9.0f} windows/s")
    return speeds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES))
    parser.add_argument("--step", choices=sorted(STEPS), default="10min")
    parser.add_argument("--resample", help="passed to the case, e.g. 1h")
    parser.add_argument(
        "--case-args", default="", help='more flags for the case, e.g. "--epochs 1"'
    )
    parser.add_argument("--window", type=int, default=144, help="the throughput's window")
    parser.add_argument("--batches", type=int, default=50, help="batches timed per pipeline")
    parser.add_argument(
        "--iso-dates",
        action="store_true",
        help="write 2009-01-01 00:10:00, not 01.01.2009 00:10:00",
    )
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--keep", help="write the files into this folder and keep them")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(args.keep or temporary)
        folder.mkdir(parents=True, exist_ok=True)
        if not args.skip_scale:
            extra = shlex.split(args.case_args)
            scale_table(sizes, args.step, args.resample, extra, folder, args.iso_dates)
        if not args.skip_throughput:
            rows = min(sizes)
            path = folder / f"weather_{rows}.csv"
            write_weather_csv(path, rows, args.step, iso_dates=args.iso_dates)
            throughput(path, args.window, args.batches, args.resample)


if __name__ == "__main__":
    main()
