"""Case 8-3: forecast tomorrow's temperature with a GRU, after checking there is anything to learn.

Data: daily maximum and minimum temperature at Clemson, South Carolina, 1982-2004
(data/clemson_daily_temperature.csv), or any CSV with a date column and a numeric column, such
as the course's data.csv:

    python case8_3_gru.py
    python case8_3_gru.py --quick
    python case8_3_gru.py --data data.csv
    python case8_3_gru.py --data my_weather.csv --target Tmax --inputs Tmin
    python case8_3_gru.py --horizon 7            # the next 7 days at once, with intervals
    python case8_3_gru.py --horizon 7 --forecast # again from the saved model, no training

The lesson the course misses: its data.csv is pure white noise (25 + 5 N(0,1)). Before training,
this script runs a noise check (Ljung-Box on the training part). On white noise it says so in
plain words, trains anyway, and the held-out test part shows the GRU no better than the mean.
On a real temperature record the GRU beats "same as yesterday", "same day last year",
"climatology" (the training mean for that day of the year) and the mean.

Inputs (embedded data): the last days of Tmax (the target), Tmin (yesterday's minimum helps
forecast today's maximum) and the day of the year as sin/cos, all standardised on the
training part; how many days (7, 14 or 30) is chosen on validation: 7 on the embedded data.

Good places for a breakpoint (the debugger's variables panel shows the values):
  - after Step 1: `series.frame` is the cleaned daily table (8,401 rows; 2 days were filled in).
  - in Step 4, after `recipe, noise["learned"] = ...`: `recipe.window` (7 days by default) and
    `recipe.differencing` ("none"); `recipe.validation_rmse` holds every candidate's score.
  - in Step 5, after each line: `features` (days, 4) in degrees and sin/cos; `scaled`, the same
    standardised with the training part's statistics.
  - on `history = model.fit(...)`: `train_windows` is (samples, 7, 4): 7 days x [Tmax, Tmin,
    year_sin, year_cos], standardised; `train_targets` (samples,) is the next day's scaled Tmax.
    (A file too long for its windows to fit in memory gets a WindowDataset instead: Step 5.)
  - after `model_forecasts = ...`: degrees Celsius, next to `test_values`.
  - inside Keras' GRUCell.call with --eager (see the README, "Step through it").
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

GRU_SIZE = 32  # numbers in the GRU's hidden state
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 0.05  # AdamW pulls every weight toward 0: the correction stays small unless it pays
# The case's own score is the mean absolute error: train on it. On a river's flow, trained on
# squared errors, the rare floods dominate and the GRU lost to "same as yesterday" (MAE 1.52
# against 1.29); on absolute errors it wins.
LOSS = "mae"
MAX_UPDATES = 1500  # optimizer updates at most (converted to epochs by the data size); early
PATIENCE_UPDATES = 250  # stopping ends sooner, after this many updates without a better loss
QUICK_EPOCHS = 2
SETTINGS = forecasting.Settings(
    case="case8_3_gru",
    title="case 8-3",
    cell="GRU",
    embedded_data=Path(__file__).resolve().parent / "data" / "clemson_daily_temperature.csv",
    embedded_target="Tmax",
    embedded_inputs=["Tmin"],  # yesterday's minimum helps forecast today's maximum
    embedded_units="degrees Celsius",
    loss=LOSS,
    size=GRU_SIZE,
    min_training_windows=30,  # fewer cannot give a training and a validation part
    quick_rows=3 * 365 + 60,  # --quick keeps the last three years (a season for seasonal naive)
    recent_steps=180,  # forecast.png shows the last half year of the test part up close
)


def build_parser():
    return cli.forecasting_parser(__doc__, SETTINGS.case)


def build_model(window, features, recurrent_layer=None, horizon=1, linear_weights=None):
    """Input (window, features) -> linear path + GRU correction -> the next `horizon` days'
    scaled values (tomorrow's alone by default; one output per day: the direct strategy).

    forecast = (a weighted sum of every number in the window) + (a correction read by the GRU).
    Before training, the forecast is the linear path alone, started at the `linear` baseline's
    ridge solution (`linear_weights`), the correction at zero: training starts from the linear
    forecast, and early stopping keeps that starting point if no epoch beats it on validation.
    (With linear_weights=None both start at zero: the training mean.)
    The GRU only has to learn what a straight line misses.
    recurrent_layer: the layer that reads the window (default: the case's GRU);
    compare_cells.py passes a SimpleRNN or an GRU here to train the same network with another
    cell. Default activations, recurrent_dropout=0, reset_after=True and no unrolling keep the
    GRU eligible for the fast cuDNN kernel on a GPU.
    """
    if recurrent_layer is None:
        recurrent_layer = keras.layers.GRU(GRU_SIZE, name="gru")
    inputs = keras.Input(shape=(window, features), name="window")
    flat = keras.layers.Flatten(name="all_inputs")(inputs)  # (batch, window * features)
    linear = keras.layers.Dense(horizon, kernel_initializer="zeros", name="linear")(flat)
    hidden = recurrent_layer(inputs)  # (batch, GRU_SIZE): the state after the window's last day
    correction = keras.layers.Dense(horizon, kernel_initializer="zeros", name="correction")(hidden)
    outputs = keras.layers.Add(name="next_value")([linear, correction])
    model = keras.Model(inputs, outputs, name=f"{recurrent_layer.name}_forecaster")
    if linear_weights is not None:
        model.get_layer("linear").set_weights(linear_weights)
    return model


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.forecast:  # the saved model forecasts the file's next H days; nothing is trained
        return ahead.forecast_only(args, SETTINGS)
    output_dir, started = forecasting.start(args)  # seeds, plots, the output folder, the clock

    report.step(1, "Load the series (daily by default) on a complete calendar")
    series = forecasting.load(args, SETTINGS)
    frame = series.frame  # (days, 1 + inputs), indexed by date
    values = frame[series.target].to_numpy()  # (days,) in real units

    report.step(2, "Look at the data: the yearly cycle")
    test_start = forecasting.look(series, args, SETTINGS, output_dir)  # first test target

    report.step(3, "Noise check: is there anything to learn from the past?")
    noise = forecasting.noise_check(values[:test_start], series.season, output_dir)  # training

    report.step(4, "Choose what the GRU learns, and how far back it reads (on validation)")
    # Temperatures have no trend and the calendar terms carry the season: no difference is the
    # natural choice (a river may need one); a week of inputs may beat 30 days. Both measured.
    recipe, noise["learned"] = forecasting.choose(series, test_start, args, SETTINGS)
    window, horizon = recipe.window, recipe.horizon  # days read, days forecast at once

    report.step(5, "Prepare: standardise, add the day of the year, cut windows")
    features, scaled = preprocessing.prepare(frame, recipe, test_start)  # (days, features)
    train_origins, validation_origins, check_origins, test_origins = forecasting.origins(
        series, recipe, test_start, args, SETTINGS
    )
    targets = scaled[:, 0]  # (days,) the model forecasts the scaled target
    # What the GRU reads. Windows that fit in memory (this file's, and any of its size) are
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

    report.step(6, "Baselines: last value, a season earlier, climatology, the mean")
    # `linear`: a ridge regression on the GRU's own windows. Does the GRU add anything to it?
    fitted = (train_windows, train_targets, validation_windows, validation_targets)
    baseline_forecasts, ridge = forecasting.forecast_baselines(
        series, test_start, fitted, test_windows, test_origins, test_values, recipe, SETTINGS
    )

    report.step(7, "Build the GRU beside a linear path")
    keras.utils.set_random_seed(args.seed)  # the same seed, the same starting weights
    # The linear path starts where the `linear` baseline ended: training can only add to it.
    linear_weights = baselines.dense_weights(ridge)  # [kernel (window * features, H), bias (H,)]
    model = build_model(window, scaled.shape[1], horizon=horizon, linear_weights=linear_weights)
    # AdamW: Adam plus weight decay, which shrinks every weight a little at each step. So
    # the GRU's correction stays small unless the data insist.
    optimizer = keras.optimizers.AdamW(LEARNING_RATE, WEIGHT_DECAY, clipnorm=args.clipnorm)
    model.compile(optimizer=optimizer, loss=LOSS, run_eagerly=args.eager)
    model.summary()
    # Before training the forecast is the linear one: training must beat its validation loss,
    # and if no epoch does, early stopping puts the starting weights back.
    start_loss = float(model.evaluate(validation_windows, validation_targets, verbose=0))
    print(f"   validation loss before training (the linear path, GRU at 0): {start_loss:.4f}")

    report.step(8, "Train the GRU (a budget of optimizer updates; early stopping keeps the best)")
    # A budget of weight updates, not of epochs: four years of days need more epochs than 23.
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
    # Early stopping chose the best of many epochs on the validation days: it looks better
    # there than it is. Keep the GRU's correction only if it beats the start (the linear
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

    report.step(9, "Evaluate on the test part, in degrees (or your file's units)")
    test_predictions = model.predict(test_windows, verbose=0)  # (origins, horizon) scaled values
    model_forecasts = preprocessing.in_real_units(test_predictions, values, test_origins, recipe)
    report.trace(args.trace, test_windows=test_windows, model_forecasts=model_forecasts)
    results, verdict = forecasting.evaluate(
        test_values, model_forecasts, baseline_forecasts, ridge, noise, series, SETTINGS
    )
    # How far off may a forecast be? Errors of forecasts that no fit saw (the linear path refitted
    # on rolling folds before the test part) give 80 % and 95 % intervals; along the test days
    # each interval widens after misses already known, and narrows after hits.
    intervals, test_half_widths = forecasting.calibrate_intervals(
        scaled, ridge, test_start, model_forecasts - test_values, test_origins, series, recipe
    )

    report.step(10, "Forecast the steps after the last date in the file")
    next_forecasts = forecasting.forecast_next(model, recipe, series)

    report.step(11, "Save the GRU, its pictures and its metrics")
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
