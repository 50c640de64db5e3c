"""Case 8-3: forecast tomorrow's temperature with a GRU, after checking there is anything to learn.

Data: daily maximum and minimum temperature at Clemson, South Carolina, 1982-2004
(data/clemson_daily_temperature.csv), or any CSV with a date column and a numeric column, such
as the course's data.csv:

    python case8_3_gru.py
    python case8_3_gru.py --data data.csv

The lesson the course misses: its data.csv is pure white noise (25 + 5 N(0,1)). Before training,
this script runs a noise check (Ljung-Box on the training part). On white noise it says so in
plain words, trains anyway, and the held-out test part shows the GRU no better than the mean.
On a real temperature record the GRU beats "same as yesterday", "same day last year",
"climatology" (the training mean for that day of the year) and the mean.

Inputs (embedded data): the last 30 days of Tmax (the target), Tmin (yesterday's minimum helps
forecast today's maximum) and the day of the year as sin/cos, all standardised on the
training part.

Good places for a breakpoint (the debugger's variables panel shows the values):
  - after Step 1: `series.frame` is the cleaned daily table (8,401 rows; 2 days were filled in).
  - on `history = model.fit(...)`: `train_windows` is (samples, 30, 4): 30 days x [Tmax, Tmin,
    year_sin, year_cos], standardised; `train_targets` (samples,) is the next day's scaled Tmax.
  - after `model_forecasts = ...`: degrees Celsius, next to `test_values`.
  - inside Keras' GRUCell.call with --eager (see the README, "Step through it").
"""

import tempfile
import time
from pathlib import Path

from common import baselines, cli, diagnostics, forecasting, plots, preprocessing, report, training, windows
from common.artifacts import prepare_output_dir

import keras  # noqa: E402  (after `common`, which silences TensorFlow's start-up log)
import numpy as np  # noqa: E402

CASE = "case8_3_gru"
EMBEDDED_DATA = Path(__file__).resolve().parent / "data" / "clemson_daily_temperature.csv"
EMBEDDED_TARGET = "Tmax"
EMBEDDED_INPUTS = ["Tmin"]  # yesterday's minimum helps forecast today's maximum
EMBEDDED_UNITS = "degrees Celsius"
UNITS = 32  # GRU units
LEARNING_RATE = 1e-3
PATIENCE = 6  # epochs without a better validation loss before stopping
VALIDATION_FRACTION = 0.15  # last 15% of the training windows
QUICK_EPOCHS = 2
QUICK_DAYS = 3 * 365 + 60  # --quick keeps the last three years (a season for the seasonal baseline)
RECENT_DAYS = 180  # forecast.png shows the last months of the test part


def build_parser():
    parser = cli.base_parser(__doc__.splitlines()[0], CASE, epochs=60, batch_size=256)
    return cli.add_forecasting_flags(parser, window=30)


def build_model(window, features, units=UNITS):
    """Input (window, features) -> GRU -> one number: tomorrow's scaled value.

    Default activations, recurrent_dropout=0, reset_after=True and no unrolling keep the GRU
    eligible for the fast cuDNN kernel on a GPU.
    """
    inputs = keras.Input(shape=(window, features), name="window")
    hidden = keras.layers.GRU(units, name="gru")(inputs)
    outputs = keras.layers.Dense(1, name="next_value")(hidden)
    return keras.Model(inputs, outputs, name="gru_forecaster")


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    plots.configure(args.show)
    training.seed_everything(args.seed)
    output_dir = prepare_output_dir(args.output_dir)
    epochs = QUICK_EPOCHS if args.quick else args.epochs
    started = time.time()

    report.step(1, "Load the daily series and put it on a complete calendar")
    series, embedded = forecasting.load_case_series(args, EMBEDDED_DATA, EMBEDDED_TARGET, EMBEDDED_INPUTS)
    if series.frequency != "daily":
        raise cli.UsageError(f"{series.target!r} is a {series.frequency} series: case 8-3 forecasts daily data (try case8_2_lstm.py)")
    if args.quick:
        series.frame = series.frame.iloc[-QUICK_DAYS:]
    frame = series.frame  # (days, 1 + inputs), indexed by date
    values = frame[series.target].to_numpy()  # (days,) in real units
    dates = frame.index
    for line in forecasting.describe(series, embedded):
        print(f"   {line}")
    report.trace(args.trace, frame=frame, values=values)

    report.step(2, "Look at the data: the yearly cycle")
    window = args.window
    test_points = windows.count_test_points(len(frame), window, args.test_fraction)
    test_start = len(frame) - test_points  # first test target
    if test_start - window < 30:
        raise cli.UsageError(
            f"{len(frame)} days are too few for window {window} and {test_points} test days "
            f"(at least {window + 30 + test_points} needed): use a smaller --window or a longer series"
        )
    print(f"   test part: the last {test_points} days ({dates[test_start]:%Y-%m-%d} onwards); "
          f"everything is fitted on the {test_start} days before")
    plots.series_overview(frame, series.target, "daily", output_dir / "data.png")

    report.step(3, "Noise check: is there anything to learn from the past?")
    diagnostics_block = diagnostics.noise_check(values[:test_start])
    for line in diagnostics.explain(diagnostics_block, lag_season=365):
        print(f"   {line}")

    report.step(4, "Prepare: standardise, add the day of the year, cut windows")
    prep = preprocessing.Preprocessing(
        window=window, target=series.target, inputs=series.inputs, frequency="daily",
        differencing_lags=[], calendar_features=True,
    )
    data = forecasting.window_series(frame, prep, test_start, VALIDATION_FRACTION)  # scaling fitted on the training part only
    features, scaled = data.features, data.scaled  # (rows, features) before and after scaling
    train_windows, train_targets = data.train_windows, data.train_targets  # (samples, window, features), (samples,)
    validation_windows, validation_targets = data.validation_windows, data.validation_targets
    test_windows, test_steps = data.test_windows, data.test_steps  # test_steps: positions of the test targets
    test_values = values[test_steps]  # (test_points,) real units
    units = EMBEDDED_UNITS if embedded else f"the units of {series.target}"
    print(f"   windows: {len(train_windows)} train, {len(validation_windows)} validation, {len(test_windows)} test; "
          f"each {window} days x {scaled.shape[1]} features: {', '.join(prep.feature_names)}")
    report.trace(args.trace, features=features, train_windows=train_windows, train_targets=train_targets,
                 validation_windows=validation_windows, test_windows=test_windows, test_values=test_values)

    report.step(5, "Baselines: the common-sense forecasts to beat")
    baseline_forecasts = baselines.forecasting_baselines(values, dates, test_steps, test_start, season=365, daily=True)
    for name, forecast in baseline_forecasts.items():
        print(f"   {name:15s} MAE {baselines.scores(test_values, forecast)['mae']:.3f} ({units})")

    report.step(6, "Build the GRU")
    training.seed_everything(args.seed)
    model = build_model(window, scaled.shape[1])
    model.compile(optimizer=training.optimizer(LEARNING_RATE, args.clipnorm), loss="mse", run_eagerly=args.eager)
    model.summary()
    print(f"   one batch: inputs {train_windows[: args.batch_size].shape}, targets {train_targets[: args.batch_size].shape}")

    report.step(7, "Train (early stopping on the validation loss)")
    with tempfile.TemporaryDirectory() as checkpoint_dir:
        checkpoint = str(Path(checkpoint_dir) / "best.weights.h5")
        history = model.fit(
            train_windows,
            train_targets,
            validation_data=(validation_windows, validation_targets),
            epochs=epochs,
            batch_size=args.batch_size,
            callbacks=training.callbacks(checkpoint, monitor="val_loss", mode="min", patience=PATIENCE),
            shuffle=True,
            verbose=training.progress_verbosity(),
        )
        model.load_weights(checkpoint)  # the best epoch, not the last
    train_seconds = time.time() - started
    print(f"   {len(history.history['loss'])} epochs; best validation loss {min(history.history['val_loss']):.4f}")

    report.step(8, "Evaluate on the test part, in real units")
    test_predictions = model.predict(test_windows, verbose=0)  # (test_points, 1) scaled values
    model_forecasts = preprocessing.to_real_units(test_predictions, values, test_steps, prep)  # (test_points,)
    results = {"GRU": baselines.scores(test_values, model_forecasts)}
    results.update({name: baselines.scores(test_values, forecast) for name, forecast in baseline_forecasts.items()})
    report.results_table(results, ["mae", "rmse"], f"One-step-ahead test errors over {test_points} days, in {units}")
    print("   " + report.verdict(results, "GRU", baseline_forecasts, "mae"))
    print(f"   GRU MAE / naive MAE = {results['GRU']['mae'] / results['naive']['mae']:.3f}; "
          f"GRU MAE / mean MAE = {results['GRU']['mae'] / results['mean']['mae']:.3f}")
    if diagnostics_block["white_noise"]:
        print("   As the noise check said: on white noise the best possible forecast is the mean, and the GRU ends up there.")
    report.trace(args.trace, test_predictions=test_predictions, model_forecasts=model_forecasts)

    report.step(9, "Forecast the day after the last date in the file")
    next_label, next_value = preprocessing.forecast_next(model, prep, frame)
    print(f"   {series.target} on {next_label}: {next_value:.2f}")

    report.step(10, "Save plots, model and metrics")
    plots.history(history, output_dir / "history.png")
    plots.forecast(dates, values, test_steps, {"GRU": model_forecasts, "climatology": baseline_forecasts["climatology"]},
                   series.target, output_dir / "forecast.png", recent=RECENT_DAYS)
    plots.autocorrelation(diagnostics_block["acf"], test_start, diagnostics_block["ljung_box_p"], output_dir / "acf.png")
    protocol = {"window": window, "test_fraction": args.test_fraction, "test_points": test_points, "horizon": 1}
    metrics = forecasting.metrics_record(
        CASE, args, series, embedded, EMBEDDED_DATA if embedded else args.data, protocol, results, "GRU",
        baseline_forecasts, diagnostics_block, (next_label, next_value), history, train_seconds, model.count_params(),
    )
    written = forecasting.save_run(output_dir, model, prep, history, metrics)
    report.written(output_dir, ["data.png", "history.png", "forecast.png", "acf.png"] + [Path(p).name for p in written])
    plots.show(args.show)
    return metrics


if __name__ == "__main__":
    main()
