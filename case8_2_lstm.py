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

Good places for a breakpoint (the debugger's variables panel shows the values). Each step
returns a record that does not change afterwards; `print(record)` shows what it found.
  - after Step 1, on `series = ...`: `series.frame` holds the cleaned table (486 rows by default).
  - after Step 4's `choice = ...`: `choice.recipe.window` and `choice.recipe.differencing` are
    the choice (by default 24 months, seasonally differenced); `choice.scores` holds every
    (window, differencing) pair's validation RMSE.
  - after Step 5's `prepared = ...`: `prepared.features` (months, features) is differenced, NaN
    where a month has too little history; `scaled` is the same, standardised with the training
    part's statistics; `origins` says which months train, validate, check and test.
  - on `history = model.fit(...)`: `train_windows` is (samples, window, features), e.g.
    (302, 24, 1), and `train_targets` (samples,), both scaled changes, not pounds or kWh.
    (A file too long for its windows to fit in memory gets a WindowDataset instead.)
  - after `model_forecasts = ...`: forecasts in the series' units, next to
    `evaluation.prepared.test_values`.
  - inside Keras' LSTMCell.call with --eager (see the README, "Step through it").
"""

from pathlib import Path

from common import cli  # reads the command line; loads neither TensorFlow nor Keras

CASE = "case8_2_lstm"


def build_parser():
    return cli.forecasting_parser(__doc__, CASE)


if __name__ == "__main__":
    # TensorFlow takes seconds to load: read the command line first, so that `--help` and a
    # mistyped flag answer at once. `main` reads it again to run.
    cli.read_arguments_first(build_parser)

# `common` comes before Keras: it keeps TensorFlow's start-up log quiet, which must be set up
# before TensorFlow (and so Keras) is imported.
from common import ahead, forecasting, report, training, windows  # noqa: E402

import keras  # noqa: E402

LSTM_SIZE = 32  # numbers in the LSTM's hidden state
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 0.05  # AdamW pulls every weight toward 0: the correction stays small unless it pays
LOSS = "mse"  # the case is scored by RMSE: train on squared errors
MAX_UPDATES = 4000  # optimizer updates at most (converted to epochs by the data size); early
PATIENCE_UPDATES = 600  # stopping ends sooner, after this many updates without a better loss
QUICK_EPOCHS = 3
SETTINGS = forecasting.Settings(
    case=CASE,
    cell="LSTM",
    loss=LOSS,
    size=LSTM_SIZE,
    embedded=forecasting.EmbeddedFile(
        path=Path(__file__).resolve().parent / "data" / "us_electricity_monthly.csv",
        target="Generation",
        inputs=[],  # the file has no other measured column
        units="billion kWh",  # US net electricity generation per month
    ),
    budget=forecasting.Budget(MAX_UPDATES, PATIENCE_UPDATES, QUICK_EPOCHS),
    parts=forecasting.Parts(
        min_training_windows=10,  # fewer cannot give a training and a validation part
        quick_train_windows=64,  # --quick trains on the most recent 64 windows
    ),
)


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
        saved = ahead.forecast_only(args, SETTINGS)
        print(saved)
        return saved.forecasts
    start = forecasting.start(args)  # seeds, the output folder, the clock

    print("\n== Step 1. Load the series on a complete calendar of its step")
    series = forecasting.load(args, SETTINGS)  # series.frame: (months, 1 + inputs) by month
    print(series)

    print("\n== Step 2. Look at the data: trend and yearly seasonality")
    look = forecasting.look(series, args, SETTINGS)  # where the test part starts, the season
    print(look)

    print("\n== Step 3. Noise check: is there anything to learn from the past?")
    noise = forecasting.noise_check(look)  # Ljung-Box on the training part
    print(noise)

    print("\n== Step 4. Choose what the LSTM learns, and how far back it reads (on validation)")
    # A level model cannot extrapolate a trend: the LSTM learns a difference, chosen on validation.
    choice = forecasting.choose(look, args, SETTINGS)
    print(choice)

    print("\n== Step 5. Prepare: difference, scale, cut windows")
    prepared = forecasting.prepare(look, choice, args, SETTINGS)
    recipe, scaled, origins = prepared.recipe, prepared.scaled, prepared.origins
    window, horizon = recipe.window, recipe.horizon  # months read, months forecast at once
    targets = scaled[:, 0]  # (months,) the model forecasts the scaled change of the target
    train_windows, train_targets = windows.model_windows(  # (samples, window, features)
        scaled, targets, origins["train"], window, horizon, args.batch_size, seed=args.seed
    )
    validation = windows.model_windows(scaled, targets, origins["validation"], window, horizon)
    check = windows.model_windows(scaled, targets, origins["check"], window, horizon)
    test_windows, _ = windows.model_windows(scaled, targets, origins["test"], window, horizon)
    print(prepared)

    print("\n== Step 6. Baselines: last value, a season earlier, the mean; ETS, Theta, ARIMA")
    # `linear`: a ridge regression on the LSTM's own windows. Does the LSTM add anything to it?
    fitted = (train_windows, train_targets, *validation)
    baseline = forecasting.forecast_baselines(prepared, fitted, test_windows, SETTINGS)
    print(baseline)

    print("\n== Step 7. Build the LSTM beside a linear path that starts at the `linear` baseline")
    keras.utils.set_random_seed(args.seed)  # the same seed, the same starting weights
    linear_weights = baseline.linear_weights  # [kernel (window * features, H), bias (H,)]
    model = build_model(window, scaled.shape[1], horizon=horizon, linear_weights=linear_weights)
    # AdamW: Adam plus weight decay, which keeps the correction small unless the data insist.
    optimizer = keras.optimizers.AdamW(LEARNING_RATE, WEIGHT_DECAY, clipnorm=args.clipnorm)
    model.compile(optimizer=optimizer, loss=LOSS, run_eagerly=args.eager)
    model.summary()
    start_loss = float(model.evaluate(*validation, verbose=0))  # the linear path alone

    print("\n== Step 8. Train the LSTM (a budget of updates; early stopping keeps the best)")
    plan = forecasting.plan_training((train_windows, train_targets), args, SETTINGS, start_loss)
    print(plan)
    history = model.fit(
        train_windows,
        train_targets,
        validation_data=validation,
        epochs=plan.epochs,
        batch_size=plan.batch_size,
        callbacks=plan.callbacks,
        verbose=plan.verbose,
    )
    # Keep training's weights only if the validation part and the check block (which early
    # stopping never saw) agree that they beat the start; else the linear forecast comes back.
    kept = training.keep_if_it_helps(model, history, plan, (validation, check), LOSS)
    model.set_weights(kept.weights)
    print(kept)
    report.trace(args.trace, train_windows=train_windows, train_targets=train_targets)

    print("\n== Step 9. Evaluate on the test part, in the series' units")
    test_predictions = model.predict(test_windows, verbose=0)  # (origins, H) scaled changes
    # Back to the series' units, then the scores, the verdict, and 80 % and 95 % intervals.
    evaluation = forecasting.evaluate(test_predictions, baseline, noise, SETTINGS)
    model_forecasts = evaluation.model_forecasts  # (origins, H) in the series' units
    report.trace(args.trace, test_windows=test_windows, model_forecasts=model_forecasts)
    print(evaluation)

    print("\n== Step 10. Forecast the steps after the last date in the file")
    next_forecasts = forecasting.forecast_next(model, evaluation)
    print(next_forecasts)

    print("\n== Step 11. Save the LSTM, its pictures and its metrics")
    trained = (history, plan, kept)  # Step 8's records
    metrics, written = forecasting.save(start, model, trained, evaluation, next_forecasts)
    print(written)
    return metrics


if __name__ == "__main__":
    main()
