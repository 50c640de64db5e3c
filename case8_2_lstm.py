"""Case 8-2: forecast a monthly series one month ahead with an LSTM, and check it honestly.

Data: US monthly net electricity generation, 1973-2013 (data/us_electricity_monthly.csv), or
any CSV with a date column and a numeric column, such as the course's milk production file:

    python case8_2_lstm.py
    python case8_2_lstm.py --quick
    python case8_2_lstm.py --data monthly_milk_production.csv --window 12
    python case8_2_lstm.py --data my_sales.csv --date-column Month --target Sales
    python case8_2_lstm.py --horizon 12          # the next 12 months at once, with intervals
    python case8_2_lstm.py --horizon 12 --forecast   # again from the saved model, no training

The lesson: an LSTM fed the scaled *level* of a trending series (the course's set-up) cannot
forecast values above any it was trained on, and loses to "same month last year". Here the LSTM
learns a differenced series instead (which difference is chosen on the validation part), reads
its window beside a linear path so that it starts from, and can only improve on, a plain linear
forecast, and is scored on a held-out test part against common-sense baselines, in the series'
own units, with a significance test behind every "beats".

Good places for a breakpoint (the debugger's variables panel shows the values):
  - after Step 1, on `series = ...`: `series.frame` holds the cleaned table (486 rows by default).
  - in Step 4, after `recipe, noise["learned"] = ...`: `recipe.window` and `recipe.differencing`
    are the choice (by default 24 months, seasonally differenced); `recipe.validation_rmse` holds
    every (window, differencing) pair's validation RMSE.
  - in Step 5, after each line: `features` (months, features) differenced, NaN where a month has
    too little history; `scaled`, the same standardised with the training part's statistics.
  - on `history = model.fit(...)`: `train_windows` is (samples, window, features), e.g.
    (302, 24, 1), and `train_targets` (samples,), both scaled changes, not pounds or kWh.
    (A file too long for its windows to fit in memory gets a WindowDataset instead: Step 5.)
  - after `model_forecasts = ...`: real-unit forecasts next to `test_values`.
  - inside Keras' LSTMCell.call with --eager (see the README, "Step through it").
"""

import time
from pathlib import Path

from common import (
    ahead,
    baselines,
    cli,
    forecasting,
    plots,
    preprocessing,
    report,
    training,
    windows,
)

# `common` comes first: it keeps TensorFlow's start-up log quiet, which must happen before
# TensorFlow (and so Keras) is imported.
import keras

LSTM_SIZE = 32  # numbers in the LSTM's hidden state
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 0.05  # AdamW pulls every weight toward 0: the correction stays small unless it pays
LOSS = "mse"  # the case is scored by RMSE: train on squared errors
MAX_UPDATES = 4000  # optimizer updates at most (converted to epochs by the data size); early
PATIENCE_UPDATES = 600  # stopping ends sooner, after this many updates without a better loss
QUICK_EPOCHS = 3
SETTINGS = forecasting.Settings(
    case="case8_2_lstm",
    title="case 8-2",
    cell="LSTM",
    embedded_data=Path(__file__).resolve().parent / "data" / "us_electricity_monthly.csv",
    embedded_target="Generation",
    embedded_inputs=[],  # the file has no other measured column
    embedded_units="billion kWh",  # US net electricity generation per month
    loss=LOSS,
    size=LSTM_SIZE,
    min_training_windows=10,  # fewer cannot give a training and a validation part
    quick_train_windows=64,  # --quick trains on the most recent 64 windows
)


def build_parser():
    return cli.forecasting_parser(__doc__, SETTINGS.case)


def build_model(window, features, recurrent_layer=None, horizon=1, linear_weights=None):
    """Input (window, features) -> linear path + LSTM correction -> the next `horizon` steps'
    scaled values (one output per step: the direct strategy).

    forecast = (a weighted sum of every number in the window) + (a correction read by the LSTM).
    Before training, the forecast is the linear path alone, started at the `linear` baseline's
    ridge solution (`linear_weights`), the correction at zero: training starts from the linear
    forecast, and early stopping keeps that starting point if no epoch beats it on validation.
    (With linear_weights=None both start at zero: the zero forecast in scaled units, the training
    mean of what the LSTM learns; after differencing, "last year's change continues".)
    The LSTM only has to learn what a straight line misses.
    recurrent_layer: the layer that reads the window (default: the case's LSTM);
    compare_cells.py passes a SimpleRNN or a GRU here to train the same network with another cell.
    """
    if recurrent_layer is None:
        # Default activations keep the cuDNN kernel eligible on a GPU.
        recurrent_layer = keras.layers.LSTM(LSTM_SIZE, name="lstm")
    inputs = keras.Input(shape=(window, features), name="window")
    flat = keras.layers.Flatten(name="all_inputs")(inputs)  # (batch, window * features)
    linear = keras.layers.Dense(horizon, kernel_initializer="zeros", name="linear")(flat)
    hidden = recurrent_layer(inputs)  # (batch, LSTM_SIZE): the state after the window's last month
    correction = keras.layers.Dense(horizon, kernel_initializer="zeros", name="correction")(hidden)
    outputs = keras.layers.Add(name="next_value")([linear, correction])
    model = keras.Model(inputs, outputs, name=f"{recurrent_layer.name}_forecaster")
    if linear_weights is not None:
        model.get_layer("linear").set_weights(linear_weights)
    return model


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.forecast:  # the saved model forecasts the file's next H months; nothing is trained
        return ahead.forecast_only(args, SETTINGS)
    output_dir, started = forecasting.start(args)  # seeds, plots, the output folder, the clock

    report.step(1, "Load the series (monthly by default) on a complete calendar")
    series = forecasting.load(args, SETTINGS)
    frame = series.frame  # (months, 1 + inputs), indexed by month
    values = frame[series.target].to_numpy()  # (months,) in real units

    report.step(2, "Look at the data: trend and yearly seasonality")
    test_start = forecasting.look(series, args, SETTINGS, output_dir)  # first test target

    report.step(3, "Noise check: is there anything to learn from the past?")
    noise = forecasting.noise_check(values[:test_start], series.season, output_dir)  # training

    report.step(4, "Choose what the LSTM learns, and how far back it reads (on validation)")
    # A level model cannot extrapolate a trend: the LSTM learns a difference, which one (and one
    # year of inputs or two) measured, e.g. z[t] = (y[t] - y[t-12]) - (y[t-1] - y[t-13]).
    recipe, noise["learned"] = forecasting.choose(series, test_start, args, SETTINGS)
    window, horizon = recipe.window, recipe.horizon  # months read, months forecast at once

    report.step(5, "Prepare: difference, scale, cut windows")
    features, scaled = preprocessing.prepare(frame, recipe, test_start)  # (months, features)
    train_origins, validation_origins, check_origins, test_origins = forecasting.origins(
        series, recipe, test_start, args, SETTINGS
    )
    targets = scaled[:, 0]  # (months,) the model forecasts the scaled change of the target
    # What the LSTM reads. Windows that fit in memory (this file's, and any of its size) are
    # (samples, window, features) arrays, stride views of `scaled`, with their targets; a long
    # file's are windows.WindowDataset objects (keras.utils.PyDataset) that cut each batch of
    # windows and targets as Keras reads it: their targets are then None.
    train_windows, train_targets = windows.model_windows(
        scaled, targets, train_origins, window, horizon, args.batch_size, seed=args.seed
    )
    validation_windows, validation_targets = windows.model_windows(
        scaled, targets, validation_origins, window, horizon
    )
    check_windows, check_targets = windows.model_windows(  # judges training afterwards
        scaled, targets, check_origins, window, horizon
    )
    test_windows, _ = windows.model_windows(scaled, targets, test_origins, window, horizon)
    test_values = windows.target_paths(values, test_origins, horizon)  # real units: scored
    print(
        f"   windows: {len(train_origins)} train, {len(validation_origins)} validation, "
        f"{len(check_origins)} check, {len(test_origins)} test; each {window} "
        f"{series.step.units} x {recipe.feature_names}"
    )

    report.step(6, "Baselines: last value, a season earlier, last year's change, the mean")
    # `linear`: a ridge regression on the LSTM's own windows. Does the LSTM add anything to it?
    fitted = (train_windows, train_targets, validation_windows, validation_targets)
    baseline_forecasts, ridge = forecasting.forecast_baselines(
        series, test_start, fitted, test_windows, test_origins, test_values, recipe, SETTINGS
    )

    report.step(7, "Build the LSTM beside a linear path")
    keras.utils.set_random_seed(args.seed)  # the same seed, the same starting weights
    # The linear path starts where the `linear` baseline ended: training can only add to it.
    linear_weights = baselines.dense_weights(ridge)  # [kernel (window * features, H), bias (H,)]
    model = build_model(window, scaled.shape[1], horizon=horizon, linear_weights=linear_weights)
    # AdamW: Adam plus weight decay, which shrinks every weight a little at each step. With a
    # hundred training windows, it keeps the LSTM's correction small unless the data insist.
    optimizer = keras.optimizers.AdamW(LEARNING_RATE, WEIGHT_DECAY, clipnorm=args.clipnorm)
    model.compile(optimizer=optimizer, loss=LOSS, run_eagerly=args.eager)
    model.summary()
    # Before training the forecast is the linear one: training must beat its validation loss,
    # and if no epoch does, early stopping puts the starting weights back.
    start_loss = float(model.evaluate(validation_windows, validation_targets, verbose=0))
    print(f"   validation loss before training (the linear path, LSTM at 0): {start_loss:.4f}")

    report.step(8, "Train the LSTM (a budget of optimizer updates; early stopping keeps the best)")
    # A budget of weight updates, not of epochs: 100 windows need many epochs, 10,000 few.
    epochs = args.epochs or (QUICK_EPOCHS if args.quick else None)  # None: from the budget
    epoch_windows = windows.windows_per_epoch(train_windows)  # all, or a long file's share
    plan = training.budget(epoch_windows, MAX_UPDATES, PATIENCE_UPDATES, args.batch_size, epochs)
    batch, patience = plan["batch_size"], plan["patience"]
    first_windows, first_targets = windows.first_batch(train_windows, train_targets, batch)
    print(
        f"   {plan['epochs']} epochs at most, patience {patience}; one batch of {batch} windows "
        f"of {window} {series.step.units}: {first_windows.shape} -> {first_targets.shape}"
    )
    logs = output_dir / "logs" if args.tensorboard else None  # TensorBoard's, one folder a run
    callbacks = training.callbacks("val_loss", "min", patience, logs, start_loss)
    fit_started = time.time()
    # Here train_windows is (samples, window, features) and train_targets (samples,) or
    # (samples, H): Keras shuffles them and cuts the batches. On a long file train_windows is a
    # WindowDataset that cuts each shuffled batch as fit() asks for it (train_targets is None),
    # each epoch reading the next share of the windows (windows.STREAMED_EPOCH_WINDOWS).
    history = model.fit(
        train_windows,
        train_targets,
        validation_data=(validation_windows, validation_targets),
        epochs=plan["epochs"],
        batch_size=batch,
        callbacks=callbacks,
        verbose=plan["verbose"],
    )
    # Early stopping chose the best of many epochs on the validation months: it looks better
    # there than it is. Keep the LSTM's correction only if it beats the start (the linear
    # forecast) by 1 % in each half of the validation part and in the check block, which early
    # stopping never saw; else the linear forecast comes back.
    judged = training.keep_if_it_helps(
        model,
        callbacks,
        (validation_windows, validation_targets),
        (check_windows, check_targets),
        LOSS,
    )
    summary = forecasting.training_summary(
        history, plan, start_loss, fit_started, judged, model, args.seed, output_dir
    )
    report.trace(args.trace, train_windows=train_windows, train_targets=train_targets)

    report.step(9, "Evaluate on the test part, in the series' units")
    test_predictions = model.predict(test_windows, verbose=0)  # (origins, horizon) scaled changes
    model_forecasts = preprocessing.in_real_units(test_predictions, values, test_origins, recipe)
    report.trace(args.trace, test_windows=test_windows, model_forecasts=model_forecasts)
    results, verdict = forecasting.evaluate(
        test_values, model_forecasts, baseline_forecasts, ridge, noise, series, SETTINGS
    )
    # How far off may a forecast be? Errors of forecasts that no fit saw (the linear path refitted
    # on rolling folds before the test part) give 80 % and 95 % intervals; along the test months
    # each interval widens after misses already known, and narrows after hits.
    intervals, test_half_widths = forecasting.calibrate_intervals(
        scaled, ridge, test_start, model_forecasts - test_values, test_origins, series, recipe
    )

    report.step(10, "Forecast the steps after the last date in the file")
    next_forecasts = forecasting.forecast_next(model, recipe, series)

    report.step(11, "Save the LSTM, its pictures and its metrics")
    forecasting.plot_forecasts(
        series,
        test_origins,
        model_forecasts,
        baseline_forecasts,
        verdict,
        next_forecasts,
        test_half_widths,
        recipe,
        SETTINGS,
        output_dir,
    )
    metrics = forecasting.metrics(
        args,
        SETTINGS,
        series,
        recipe,
        test_origins,
        noise,
        results,
        verdict,
        intervals,
        next_forecasts,
        summary,
        started,
    )
    forecasting.save(output_dir, model, recipe, history, metrics)
    plots.show(args.show)
    return metrics


if __name__ == "__main__":
    main()
