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

Good places for a breakpoint (the debugger's variables panel shows the values). Each step
returns a record that does not change afterwards; `print(record)` shows what it found.
  - after Step 1: `series.frame` is the cleaned daily table (8,401 rows; 2 days were filled in).
  - after Step 4's `choice = ...`: `choice.recipe.window` (7 days by default) and
    `choice.recipe.differencing` ("none"); `choice.scores` holds every candidate's score.
  - after Step 5's `prepared = ...`: `prepared.features` (days, 4) in degrees and sin/cos;
    `scaled` is the same, standardised with the training part's statistics.
  - on `history = model.fit(...)`: `train_windows` is (samples, 7, 4): 7 days x [Tmax, Tmin,
    year_sin, year_cos], standardised; `train_targets` (samples,) is the next day's scaled Tmax.
    (A file too long for its windows to fit in memory gets a WindowDataset instead.)
  - after `model_forecasts = ...`: degrees Celsius, next to `evaluation.prepared.test_values`.
  - inside Keras' GRUCell.call with --eager (see the README, "Step through it").
"""

from pathlib import Path

from common import cli  # reads the command line; loads neither TensorFlow nor Keras

CASE = "case8_3_gru"


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
    case=CASE,
    cell="GRU",
    loss=LOSS,
    size=GRU_SIZE,
    embedded=forecasting.EmbeddedFile(
        path=Path(__file__).resolve().parent / "data" / "clemson_daily_temperature.csv",
        target="Tmax",
        inputs=["Tmin"],  # yesterday's minimum helps forecast today's maximum
        units="degrees Celsius",
    ),
    budget=forecasting.Budget(MAX_UPDATES, PATIENCE_UPDATES, QUICK_EPOCHS),
    parts=forecasting.Parts(
        min_training_windows=30,  # fewer cannot give a training and a validation part
        quick_rows=3 * 365 + 60,  # --quick keeps the last three years (a season for naive)
        recent_steps=180,  # forecast.png shows the last half year of the test part up close
    ),
)


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
    compare_cells.py passes a SimpleRNN or an LSTM here to train the same network with another
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
        saved = ahead.forecast_only(args, SETTINGS)
        print(saved)
        return saved.forecasts
    start = forecasting.start(args)  # seeds, the output folder, the clock

    print("\n== Step 1. Load the series on a complete calendar of its step")
    series = forecasting.load(args, SETTINGS)  # series.frame: (days, 1 + inputs) by date
    print(series)

    print("\n== Step 2. Look at the data: the test part and the season")
    look = forecasting.look(series, args, SETTINGS)  # where the test part starts, the season
    print(look)

    print("\n== Step 3. Noise check: is there anything to learn from the past?")
    noise = forecasting.noise_check(look)  # Ljung-Box on the training part
    print(noise)

    print("\n== Step 4. Choose what the GRU learns, and how far back it reads (on validation)")
    # Temperatures have no trend: no difference is the natural choice (a river may need one).
    choice = forecasting.choose(look, args, SETTINGS)
    print(choice)

    print("\n== Step 5. Prepare: standardise, add the calendar terms, cut windows")
    prepared = forecasting.prepare(look, choice, args, SETTINGS)
    recipe, scaled, origins = prepared.recipe, prepared.scaled, prepared.origins
    window, horizon = recipe.window, recipe.horizon  # days read, days forecast at once
    targets = scaled[:, 0]  # (days,) the model forecasts the scaled target
    train_windows, train_targets = windows.model_windows(  # (samples, window, features)
        scaled, targets, origins["train"], window, horizon, args.batch_size, seed=args.seed
    )
    validation = windows.model_windows(scaled, targets, origins["validation"], window, horizon)
    check = windows.model_windows(scaled, targets, origins["check"], window, horizon)
    test_windows, _ = windows.model_windows(scaled, targets, origins["test"], window, horizon)
    print(prepared)

    print("\n== Step 6. Baselines: last value, climatology, the mean; ETS, Theta, ARIMA")
    # `linear`: a ridge regression on the GRU's own windows. Does the GRU add anything to it?
    fitted = (train_windows, train_targets, *validation)
    baseline = forecasting.forecast_baselines(prepared, fitted, test_windows, SETTINGS)
    print(baseline)

    print("\n== Step 7. Build the GRU beside a linear path that starts at the `linear` baseline")
    keras.utils.set_random_seed(args.seed)  # the same seed, the same starting weights
    linear_weights = baseline.linear_weights  # [kernel (window * features, H), bias (H,)]
    model = build_model(window, scaled.shape[1], horizon=horizon, linear_weights=linear_weights)
    # AdamW: Adam plus weight decay, which keeps the correction small unless the data insist.
    optimizer = keras.optimizers.AdamW(LEARNING_RATE, WEIGHT_DECAY, clipnorm=args.clipnorm)
    model.compile(optimizer=optimizer, loss=LOSS, run_eagerly=args.eager)
    model.summary()
    start_loss = float(model.evaluate(*validation, verbose=0))  # the linear path alone

    print("\n== Step 8. Train the GRU (a budget of updates; early stopping keeps the best)")
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
    test_predictions = model.predict(test_windows, verbose=0)  # (origins, H) scaled values
    # Back to the series' units, then the scores, the verdict, and 80 % and 95 % intervals.
    evaluation = forecasting.evaluate(test_predictions, baseline, noise, SETTINGS)
    model_forecasts = evaluation.model_forecasts  # (origins, H) in the series' units
    report.trace(args.trace, test_windows=test_windows, model_forecasts=model_forecasts)
    print(evaluation)

    print("\n== Step 10. Forecast the steps after the last date in the file")
    next_forecasts = forecasting.forecast_next(model, evaluation)
    print(next_forecasts)

    print("\n== Step 11. Save the GRU, its pictures and its metrics")
    trained = (history, plan, kept)  # Step 8's records
    metrics, written = forecasting.save(start, model, trained, evaluation, next_forecasts)
    print(written)
    return metrics


if __name__ == "__main__":
    main()
