"""Case 8-2: forecast a monthly series one month ahead with an LSTM, and check it honestly.

Data: US monthly net electricity generation, 1973-2013 (data/us_electricity_monthly.csv), or
any CSV with a date column and a numeric column, such as the course's milk production file:

    python case8_2_lstm.py
    python case8_2_lstm.py --data monthly_milk_production.csv --window 12

The lesson: an LSTM fed the scaled *level* of a trending series (the course's set-up) cannot
forecast values above any it was trained on, and loses to "same month last year". Here the LSTM
forecasts the seasonally and first-differenced series instead, and is scored on a held-out test
part against three common-sense baselines, in the series' own units.

Good places for a breakpoint (the debugger's variables panel shows the values):
  - after Step 1, on `series = ...`: `series.frame` holds the cleaned table (486 rows by default).
  - on `history = model.fit(...)`: `train_windows` is (samples, window, features), e.g. (324, 12, 1),
    and `train_targets` (samples,), both scaled changes, not pounds or kWh.
  - after `model_forecasts = ...`: real-unit forecasts next to `test_values`.
  - inside Keras' LSTMCell.call with --eager (see the README, "Step through it").
"""

import tempfile
import time
from pathlib import Path

from common import baselines, cli, diagnostics, forecasting, plots, preprocessing, report, training, windows
from common.artifacts import prepare_output_dir

import keras  # noqa: E402  (after `common`, which silences TensorFlow's start-up log)
import numpy as np  # noqa: E402

CASE = "case8_2_lstm"
EMBEDDED_DATA = Path(__file__).resolve().parent / "data" / "us_electricity_monthly.csv"
EMBEDDED_TARGET = "Generation"
EMBEDDED_UNITS = "billion kWh"  # US net electricity generation per month
EMBEDDED_INPUTS = []  # the file has no other measured column
UNITS = 32  # LSTM units
LEARNING_RATE = 1e-3
PATIENCE = 40  # epochs without a better validation loss before stopping
VALIDATION_FRACTION = 0.15  # last 15% of the training windows
QUICK_EPOCHS = 3


def build_parser():
    parser = cli.base_parser(__doc__.splitlines()[0], CASE, epochs=400, batch_size=16)
    return cli.add_forecasting_flags(parser, window=12)


def build_model(window, features, units=UNITS):
    """Input (window, features) -> LSTM -> one number: the next step's scaled change."""
    inputs = keras.Input(shape=(window, features), name="window")
    hidden = keras.layers.LSTM(units, name="lstm")(inputs)  # default activations keep the cuDNN kernel eligible
    outputs = keras.layers.Dense(1, name="next_change")(hidden)
    return keras.Model(inputs, outputs, name="lstm_forecaster")


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    plots.configure(args.show)
    training.seed_everything(args.seed)
    output_dir = prepare_output_dir(args.output_dir)
    epochs = QUICK_EPOCHS if args.quick else args.epochs
    started = time.time()

    report.step(1, "Load the monthly series")
    series, embedded = forecasting.load_case_series(args, EMBEDDED_DATA, EMBEDDED_TARGET, EMBEDDED_INPUTS)
    if series.frequency != "monthly":
        raise cli.UsageError(f"{series.target!r} is a {series.frequency} series: case 8-2 forecasts monthly data (try case8_3_gru.py)")
    frame = series.frame  # (rows, 1 + inputs), indexed by month
    values = frame[series.target].to_numpy()  # (rows,) in real units
    dates = frame.index
    for line in forecasting.describe(series, embedded):
        print(f"   {line}")
    report.trace(args.trace, frame=frame, values=values)

    report.step(2, "Look at the data: trend and yearly seasonality")
    window = args.window
    lags = [12, 1]  # seasonal difference, then first difference
    test_points = windows.count_test_points(len(frame), window, args.test_fraction)
    test_start = len(frame) - test_points  # first test target
    first_step = sum(lags) + window  # first target with a full window of differenced inputs
    if test_start - first_step < 10:
        raise cli.UsageError(
            f"{len(frame)} months are too few for window {window} and {test_points} test months "
            f"(at least {first_step + 10 + test_points} needed): use a smaller --window or a longer series"
        )
    print(f"   test part: the last {test_points} months ({dates[test_start]:%Y-%m} onwards); "
          f"everything is fitted on the {test_start} months before")
    plots.series_overview(frame, series.target, "monthly", output_dir / "data.png")

    report.step(3, "Noise check: is there anything to learn from the past?")
    diagnostics_block = diagnostics.noise_check(values[:test_start])
    for line in diagnostics.explain(diagnostics_block, lag_season=12):
        print(f"   {line}")

    report.step(4, "Prepare: difference away trend and season, scale, cut windows")
    # The LSTM learns z[t] = (y[t] - y[t-12]) - (y[t-1] - y[t-13]): this month's change against
    # last year's change. A level model cannot extrapolate the trend; changes have none.
    prep = preprocessing.Preprocessing(
        window=window, target=series.target, inputs=series.inputs, frequency="monthly",
        differencing_lags=lags, calendar_features=False,
    )
    data = forecasting.window_series(frame, prep, test_start, VALIDATION_FRACTION, max_train_windows=64 if args.quick else None)  # scaling fitted on the training part only
    features, scaled = data.features, data.scaled  # (rows, features) before and after scaling
    train_windows, train_targets = data.train_windows, data.train_targets  # (samples, window, features), (samples,)
    validation_windows, validation_targets = data.validation_windows, data.validation_targets
    test_windows, test_steps = data.test_windows, data.test_steps  # test_steps: positions of the test targets
    test_values = values[test_steps]  # (test_points,) real units
    units = EMBEDDED_UNITS if embedded else f"the units of {series.target}"
    print(f"   windows: {len(train_windows)} train, {len(validation_windows)} validation, {len(test_windows)} test; "
          f"each {window} months x {scaled.shape[1]} feature(s): {', '.join(prep.feature_names)}")
    report.trace(args.trace, features=features, train_windows=train_windows, train_targets=train_targets,
                 validation_windows=validation_windows, test_windows=test_windows, test_values=test_values)

    report.step(5, "Baselines: the common-sense forecasts to beat")
    baseline_forecasts = baselines.forecasting_baselines(values, dates, test_steps, test_start, season=12, daily=False)
    for name, forecast in baseline_forecasts.items():
        print(f"   {name:15s} RMSE {baselines.scores(test_values, forecast)['rmse']:.3f} ({units})")

    report.step(6, "Build the LSTM")
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
    test_predictions = model.predict(test_windows, verbose=0)  # (test_points, 1) scaled changes
    model_forecasts = preprocessing.to_real_units(test_predictions, values, test_steps, prep)  # (test_points,)
    results = {"LSTM": baselines.scores(test_values, model_forecasts)}
    results.update({name: baselines.scores(test_values, forecast) for name, forecast in baseline_forecasts.items()})
    report.results_table(results, ["rmse", "mae"], f"One-step-ahead test errors over {test_points} months, in {units}")
    print("   " + report.verdict(results, "LSTM", baseline_forecasts, "rmse"))
    report.trace(args.trace, test_predictions=test_predictions, model_forecasts=model_forecasts)

    report.step(9, "Forecast the month after the last date in the file")
    next_label, next_value = preprocessing.forecast_next(model, prep, frame)
    print(f"   {series.target} in {next_label}: {next_value:.3f}")

    report.step(10, "Save plots, model and metrics")
    plots.history(history, output_dir / "history.png")
    plots.forecast(dates, values, test_steps, {"LSTM": model_forecasts, "seasonal naive": baseline_forecasts.get("seasonal_naive", baseline_forecasts["naive"])},
                   series.target, output_dir / "forecast.png", recent=4 * test_points)
    plots.autocorrelation(diagnostics_block["acf"], test_start, diagnostics_block["ljung_box_p"], output_dir / "acf.png")
    protocol = {"window": window, "test_fraction": args.test_fraction, "test_points": test_points, "horizon": 1}
    metrics = forecasting.metrics_record(
        CASE, args, series, embedded, EMBEDDED_DATA if embedded else args.data, protocol, results, "LSTM",
        baseline_forecasts, diagnostics_block, (next_label, next_value), history, train_seconds, model.count_params(),
    )
    written = forecasting.save_run(output_dir, model, prep, history, metrics)
    report.written(output_dir, ["data.png", "history.png", "forecast.png", "acf.png"] + [Path(p).name for p in written])
    plots.show(args.show)
    return metrics


if __name__ == "__main__":
    main()
