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
  - in Step 5, after each line: `features` (days, 4) in degrees and sin/cos; `scaled`, the same
    standardised with the training part's statistics.
  - on `history = model.fit(...)`: `train_windows` is (samples, 7, 4): 7 days x [Tmax, Tmin,
    year_sin, year_cos], standardised; `train_targets` (samples,) is the next day's scaled Tmax.
  - after `model_forecasts = ...`: degrees Celsius, next to `test_values`.
  - inside Keras' GRUCell.call with --eager (see the README, "Step through it").
"""

import time
from pathlib import Path

from common import (
    ahead,
    baselines,
    cli,
    diagnostics,
    intervals,
    plots,
    preprocessing,
    report,
    selection,
    significance,
    training,
    windows,
)
from common import series as series_io
from common.artifacts import prepare_output_dir, save_model, write_history, write_json

# `common` comes first: it keeps TensorFlow's start-up log quiet, which must happen before
# TensorFlow (and so Keras) is imported.
import keras

CASE = "case8_3_gru"
EMBEDDED_DATA = Path(__file__).resolve().parent / "data" / "clemson_daily_temperature.csv"
EMBEDDED_TARGET = "Tmax"
EMBEDDED_INPUTS = ["Tmin"]  # yesterday's minimum helps forecast today's maximum
EMBEDDED_UNITS = "degrees Celsius"
WINDOW = 30  # days the GRU reads before each forecast, before any choice (counts the test part)
WINDOW_CHOICES = (7, 14, 30)  # a week, two weeks or a month: validation chooses (or --window)
CALENDAR_FEATURES = True  # sin and cos of the day of the year: where in the yearly cycle a day is
SEASON = 365  # days in a year: the seasonal naive baseline's lag and the seasonal difference
GRU_SIZE = 32  # numbers in the GRU's hidden state
LEARNING_RATE = 1e-3
# Halve the learning rate after half the patience without a better validation loss (Keras'
# ReduceLROnPlateau)? On the embedded series, course milk and data.csv (seeds 1-3) it moved the
# test errors by at most 0.6 %, up as often as down (benchmarks/bench_forecasting.py): off.
HALVE_LEARNING_RATE = False
WEIGHT_DECAY = 0.05  # AdamW pulls every weight toward 0: the correction stays small unless it pays
STEPS = 1500  # optimizer steps at most (converted to epochs by the data size); early stopping
PATIENCE_STEPS = 250  # ends sooner, after this many steps without a better validation loss
VALIDATION_FRACTION = 0.15  # last 15% of the training windows
MIN_TRAINING_WINDOWS = 30  # fewer cannot give a training and a validation part
QUICK_EPOCHS = 2
QUICK_DAYS = 3 * 365 + 60  # --quick keeps the last three years (a season for the seasonal baseline)
RECENT_DAYS = 180  # forecast.png shows the last months of the test part


def build_parser():
    parser = cli.base_parser(__doc__, CASE, epochs=None, batch_size=None)
    return cli.add_forecasting_flags(parser, WINDOW_CHOICES)


def build_model(window, features, recurrent_layer=None, horizon=1, linear_weights=None, name=None):
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
    name: the model's name (the case's seeds: gru_forecaster_1, gru_forecaster_2, ...).
    """
    if recurrent_layer is None:
        recurrent_layer = keras.layers.GRU(GRU_SIZE, name="gru")
    inputs = keras.Input(shape=(window, features), name="window")
    flat = keras.layers.Flatten(name="all_inputs")(inputs)  # (batch, window * features)
    linear = keras.layers.Dense(horizon, kernel_initializer="zeros", name="linear")(flat)
    hidden = recurrent_layer(inputs)  # (batch, GRU_SIZE): the state after the window's last day
    correction = keras.layers.Dense(horizon, kernel_initializer="zeros", name="correction")(hidden)
    outputs = keras.layers.Add(name="next_value")([linear, correction])
    model = keras.Model(inputs, outputs, name=name or f"{recurrent_layer.name}_forecaster")
    if linear_weights is not None:
        model.get_layer("linear").set_weights(linear_weights)
    return model


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.forecast:  # the saved model forecasts the file's next H days; nothing is trained
        return ahead.forecast_only(args, CASE, EMBEDDED_DATA, EMBEDDED_TARGET)
    plots.configure(args.show)
    training.seed_everything(args.seed)
    training.check_tensorboard(args.tensorboard)
    output_dir = prepare_output_dir(args.output_dir)
    started = time.time()

    report.step(1, "Load the daily series and put it on a complete calendar")
    series, data_path, embedded = series_io.load_case_series(
        args, EMBEDDED_DATA, EMBEDDED_TARGET, EMBEDDED_INPUTS
    )
    if series.frequency != "daily":
        raise cli.UsageError(
            f"{series.target!r} is a {series.frequency} series: "
            "case 8-3 forecasts daily data (try case8_2_lstm.py)"
        )
    if args.quick:
        series.frame = series.frame.iloc[-QUICK_DAYS:]
    frame = series.frame  # (days, 1 + inputs), indexed by date
    values = frame[series.target].to_numpy()  # (days,) in real units
    dates = frame.index
    value_units = EMBEDDED_UNITS if embedded else f"the units of {series.target}"
    for line in series_io.describe(series, embedded):
        print(f"   {line}")
    report.trace(args.trace, frame=frame, values=values)

    report.step(2, "Look at the data: the yearly cycle")
    # The test part is counted with the window in force before any choice (--window, else the
    # case's default), so every window candidate is scored on the same test targets.
    window = args.window or WINDOW
    test_points = windows.count_test_points(len(frame), window, args.test_fraction)
    test_start = len(frame) - test_points  # first test target
    if test_start - window < MIN_TRAINING_WINDOWS:
        needed = window + MIN_TRAINING_WINDOWS + test_points
        raise cli.UsageError(
            f"{len(frame)} days are too few for window {window} and {test_points} test days "
            f"(at least {needed} needed): use a smaller --window or a longer series"
        )
    horizon = args.horizon  # days forecast at once from each origin
    if horizon > test_points:
        raise cli.UsageError(
            f"--horizon {horizon} is longer than the {test_points} test days: "
            "use a smaller --horizon or a larger --test-fraction"
        )
    if test_start - window - horizon + 1 < MIN_TRAINING_WINDOWS:  # origins with H known targets
        raise cli.UsageError(
            f"--horizon {horizon} leaves too few days to train on before the test part: "
            "use a smaller --horizon or --test-fraction"
        )
    forced = args.differencing and selection.differencing_lags(args.differencing, SEASON)
    if forced and test_start - (sum(forced) + window + horizon) < MIN_TRAINING_WINDOWS:
        raise cli.UsageError(
            f"--differencing {args.differencing} leaves too few days to train on: "
            "choose none or first, or a longer series"
        )
    print(
        f"   test part: the last {test_points} days ({dates[test_start]:%Y-%m-%d} onwards); "
        f"everything is fitted on the {test_start} days before"
    )
    plots.series_overview(frame, series.target, "daily", output_dir / "data.png")

    report.step(3, "Noise check: is there anything to learn from the past?")
    noise = diagnostics.noise_check(values[:test_start])  # the raw series' training part
    for line in diagnostics.explain(noise, lag_season=SEASON):
        print(f"   {line}")

    report.step(4, "Choose what the GRU learns, and how far back it reads (on validation)")

    # Temperatures have no trend, and the calendar terms carry the season: the series itself is
    # the natural choice. A river's flow or a price may need its first difference. Measured, not
    # assumed: a ridge regression on each candidate's windows forecasts the validation days.
    # The window too: on a year of data, 30 days of inputs give the model many weights to fit
    # from few windows, and a week may forecast better; on ten years, a month may pay.
    def recipe_for(lags, window):  # saved as preprocessing.json at the end
        return preprocessing.Preprocessing(
            window=window,
            target=series.target,
            inputs=series.inputs,
            frequency="daily",
            differencing_lags=lags,
            calendar_features=CALENDAR_FEATURES,
            horizon=horizon,
        )

    window_choices = [args.window] if args.window else list(WINDOW_CHOICES)
    candidate_scores = selection.candidate_scores(
        frame,
        recipe_for,
        SEASON,
        test_start,
        VALIDATION_FRACTION,
        MIN_TRAINING_WINDOWS,
        window_choices,
    )
    window, differencing = selection.choose(candidate_scores, args.differencing, window)
    choice_scores = candidate_scores[window]  # each differencing's, on the chosen window
    for line in selection.describe_pairs(
        candidate_scores, window, differencing, bool(args.window), bool(args.differencing)
    ):
        print(f"   {line}")
    lags = selection.differencing_lags(differencing, SEASON)
    first_step = sum(lags) + window  # first target with a full window
    # The noise check again, on what the GRU learns.
    learned = preprocessing.difference(values, lags)[sum(lags) : test_start]
    noise["learned"] = {"differencing_lags": lags, **diagnostics.noise_check(learned)}
    print(f"   {diagnostics.explain_learned(noise['learned'], f'the {differencing} series')}")

    report.step(5, "Prepare: standardise, add the day of the year, cut windows")
    recipe = recipe_for(lags, window)
    recipe.differencing = differencing
    recipe.validation_rmse = {str(each): scores for each, scores in candidate_scores.items()}
    features = preprocessing.raw_features(frame, recipe)  # (days, features): measured + sin/cos
    preprocessing.fit_scaling(recipe, features[:test_start])  # mean and scale: training part only
    scaled = preprocessing.scale(features, recipe)  # (days, features), mean 0 and sd 1 on training
    train_steps, validation_steps, test_steps = windows.chronological_split(
        first_step, test_start, len(frame), VALIDATION_FRACTION, horizon
    )  # forecast origins (the position of each origin's first target), in time order
    targets = scaled[:, 0]  # (days,) the model forecasts the scaled target
    train_windows, train_targets = windows.make_windows(
        scaled, targets, train_steps, window, horizon
    )  # targets: (samples,) one day ahead, (samples, horizon) for several
    validation_windows, validation_targets = windows.make_windows(
        scaled, targets, validation_steps, window, horizon
    )
    # A target filled by interpolation was computed from later days: never scored. An origin
    # whose targets include one is left out.
    filled = windows.target_paths(dates.isin(series.filled_dates), test_steps, horizon)
    filled = filled.reshape(len(test_steps), -1).any(axis=1)
    test_steps = test_steps[~filled]
    test_windows, _ = windows.make_windows(scaled, targets, test_steps, window, horizon)
    # What the forecasts are scored on, in real units: (test_points,), or (origins, horizon).
    test_values = windows.target_paths(values, test_steps, horizon)
    print(
        f"   windows: {len(train_windows)} train, {len(validation_windows)} validation, "
        f"{len(test_windows)} test; each {window} days x {scaled.shape[1]} features: "
        f"{', '.join(recipe.feature_names)}"
    )
    if horizon > 1:
        print(
            f"   each window forecasts the next {horizon} days at once; the test part is scored "
            f"from {len(test_steps)} origins (every one whose {horizon} days all lie in it)"
        )
    if filled.any() and horizon == 1:
        print(
            f"   {int(filled.sum())} test target(s) were filled by interpolation and are not "
            f"scored: {len(test_steps)} of {test_points} days are"
        )
    elif filled.any():
        print(
            f"   {int(filled.sum())} test origin(s) have a target filled by interpolation and "
            f"are not scored: {len(test_steps)} are"
        )
    report.trace(
        args.trace,
        features=features,
        train_windows=train_windows,
        train_targets=train_targets,
        validation_windows=validation_windows,
        test_windows=test_windows,
        test_values=test_values,
    )

    report.step(6, "Baselines: the common-sense forecasts to beat")
    baseline_forecasts = baselines.forecasting_baselines(
        values, dates, test_steps, test_start, season=SEASON, daily=True, horizon=horizon
    )
    # `linear`: ridge regression on exactly the windows the GRU reads (flattened), its
    # penalty chosen on the validation windows: does the network add anything to a linear model?
    ridge, linear_penalty = baselines.ridge_on_windows(
        train_windows, train_targets, validation_windows, validation_targets
    )
    baseline_forecasts["linear"] = preprocessing.in_real_units(
        baselines.predict_linear(ridge, test_windows), values, test_steps, recipe
    )
    over = f", mean over {horizon} steps ahead" if horizon > 1 else ""
    for name, forecast in baseline_forecasts.items():
        mae = baselines.score_forecasts(test_values, forecast)["mae"]
        print(f"   {name:15s} MAE {mae:.3f} ({value_units}{over})")

    report.step(7, "Build the GRU beside a linear path")
    environment = training.environment()
    print(f"   {training.describe_environment(environment)}")
    training.seed_everything(args.seed)
    # The linear path starts where the `linear` baseline ended: training can only add to it.
    # With --networks N, N networks start from N random starts (one after the other from the
    # seed): a network's forecast depends on the random numbers its weights start from. They
    # train side by side in one Keras model, one output and one loss each (their weights never
    # mix), and after training validation decides whether their average pays. Measured on the
    # embedded series, course milk and data.csv (seeds 1-3, --networks 3): the average never
    # beat the best network on validation (they all start from the same ridge solution and end
    # close together), and training took about twice as long. So the default is one network.
    networks = args.networks
    members = [
        build_model(
            window,
            scaled.shape[1],
            horizon=horizon,
            linear_weights=baselines.dense_weights(ridge),
            name=f"gru_forecaster_{number}" if networks > 1 else None,
        )
        for number in range(1, networks + 1)
    ]
    model = members[0] if networks == 1 else training.side_by_side(members)
    # AdamW: Adam plus weight decay, which shrinks every weight a little at each step, so the
    # GRU's correction stays small unless the data insist. The loss is the case's own score,
    # the mean absolute error: on a river's flow, trained on squared errors, the rare floods
    # dominate and the GRU lost to "same as yesterday" (MAE 1.52 against 1.29); on MAE it wins.
    model.compile(
        optimizer=training.optimizer(LEARNING_RATE, args.clipnorm, WEIGHT_DECAY),
        loss="mae",  # the case is scored by MAE: train on it (a river's spikes then count less)
        run_eagerly=args.eager,
    )
    members[0].summary()  # (each network, with --networks)
    # With several networks, every one learns the same targets.
    train_targets_each = train_targets if networks == 1 else [train_targets] * networks
    validation_targets_each = (
        validation_targets if networks == 1 else [validation_targets] * networks
    )
    # Before training the forecast is the linear one: the validation loss of that starting point
    # is what training must beat; if no epoch does, early stopping puts the starting weights back.
    start = model.evaluate(validation_windows, validation_targets_each, verbose=0, return_dict=True)
    start_loss = float(start["loss"])  # (summed over the networks, with several)
    summed = f", summed over {networks} networks" if networks > 1 else ""
    print(f"   validation loss before training (the linear path alone{summed}): {start_loss:.4f}")

    report.step(8, "Train (a budget of optimizer steps; early stopping keeps the best weights)")
    # A budget of weight updates, not of epochs: four years of days need more epochs than 23.
    plan = training.budget(
        len(train_windows),
        STEPS,
        PATIENCE_STEPS,
        args.batch_size,
        args.epochs or (QUICK_EPOCHS if args.quick else None),
    )
    print(f"   {training.describe_budget(plan, 'windows')}")
    print(
        f"   one batch: inputs {train_windows[: plan['batch_size']].shape}, "
        f"targets {train_targets[: plan['batch_size']].shape}"
    )
    stopper = training.callbacks(
        "val_loss",
        "min",
        plan["patience"],
        output_dir / "logs" if args.tensorboard else None,
        start_loss=start_loss,
        halve_after=max(1, plan["patience"] // 2) if HALVE_LEARNING_RATE else None,
    )
    fit_started = time.time()
    history = model.fit(
        train_windows,
        train_targets_each,
        validation_data=(validation_windows, validation_targets_each),
        epochs=plan["epochs"],
        batch_size=plan["batch_size"],
        callbacks=stopper,
        shuffle=True,
        verbose=training.progress_verbosity(),
    )
    train_seconds = time.time() - fit_started  # the time in fit() alone
    epochs_run = len(history.history["loss"])
    best_loss = min([start_loss, *history.history["val_loss"]])
    kept = "the starting point (no epoch beat it)" if best_loss == start_loss else "its best epoch"
    print(f"   {epochs_run} epochs; best validation loss {best_loss:.4f}, from {kept}")
    chosen = {"trained": 1, "kept": "network 1"}
    if networks > 1:
        # N forecasts, or their mean? Averaging cancels part of each start's own error; it pays
        # only if the average beats every network on validation. The test part is not looked at.
        validation_each = model.predict(validation_windows, verbose=0)  # a list: one per network
        model, choice = training.average_or_best(
            members, validation_each, validation_targets, "mae"
        )
        chosen = {"trained": networks, **choice}
        for line in training.describe_networks(choice, train_seconds):
            print(f"   {line}")

    report.step(9, "Evaluate on the test part, in real units")
    test_predictions = model.predict(test_windows, verbose=0)  # (origins, horizon) scaled values
    model_forecasts = preprocessing.in_real_units(test_predictions, values, test_steps, recipe)
    results = {"GRU": baselines.score_forecasts(test_values, model_forecasts)}
    for name, forecast in baseline_forecasts.items():
        results[name] = baselines.score_forecasts(test_values, forecast)
    # Is each difference real? Diebold-Mariano on the same targets (absolute errors,
    # as the case leads with MAE); only p < 0.05 earns a "beats" or a "loses to".
    tests = significance.compare_with_baselines(
        test_values, model_forecasts, baseline_forecasts, "mae"
    )
    best = min(baseline_forecasts, key=lambda name: results[name]["mae"])
    verdict, verdict_line = significance.verdict(
        "GRU", best, results["GRU"]["mae"], results[best]["mae"], tests[best]
    )
    if horizon == 1:
        title = f"One-step-ahead test errors over {len(test_steps)} days, in {value_units}"
    else:
        title = (
            f"Test errors 1 to {horizon} days ahead from {len(test_steps)} origins, "
            f"mean over the steps, in {value_units}"
        )
    report.results_table(
        results, ["mae", "rmse"], title, p_values={name: test["p"] for name, test in tests.items()}
    )
    print(
        "   (DM p: Diebold-Mariano test of each baseline against the GRU; p < 0.05 is a real gap)"
    )
    if horizon > 1:
        ahead.print_by_horizon(results, "mae", f"Test MAE by days ahead, in {value_units}")
    print(verdict_line)
    print(
        f"   GRU MAE / naive MAE = {results['GRU']['mae'] / results['naive']['mae']:.3f}; "
        f"GRU MAE / mean MAE = {results['GRU']['mae'] / results['mean']['mae']:.3f}"
    )
    if noise["white_noise"]:
        print(
            "   As the noise check said: on white noise the best possible forecast is the mean, "
            "and the GRU ends up there."
        )
    # How far off may a forecast be? The validation origins' errors, step by step, give the
    # half-widths of 80 % and 95 % intervals (split conformal); the test part checks them.
    validation_forecasts = preprocessing.in_real_units(
        model.predict(validation_windows, verbose=0), values, validation_steps, recipe
    )
    validation_errors = validation_forecasts - windows.target_paths(
        values, validation_steps, horizon
    )  # (origins,) or (origins, horizon), real units
    recipe.intervals, recipe.interval_method = intervals.calibrate(
        validation_errors.reshape(len(validation_steps), -1)
    )
    coverage = intervals.coverage(
        (model_forecasts - test_values).reshape(len(test_steps), -1), recipe.intervals
    )
    ahead.print_coverage(coverage, recipe.interval_method, len(test_steps))
    report.trace(args.trace, test_predictions=test_predictions, model_forecasts=model_forecasts)

    report.step(10, "Forecast the days after the last date in the file")
    next_forecasts = preprocessing.forecast_ahead(model, recipe, frame)
    for line in ahead.describe_forecasts(next_forecasts, series.target):
        print(line)

    report.step(11, "Save plots, model and metrics")
    plots.history(history, output_dir / "history.png")
    compared = {"GRU": model_forecasts, "climatology": baseline_forecasts["climatology"]}
    if horizon == 1:
        plots.forecast(
            dates,
            values,
            test_steps,
            compared,
            series.target,
            output_dir / "forecast.png",
            recent=RECENT_DAYS,
        )
    else:
        plots.forecast_paths(
            dates,
            values,
            test_steps,
            model_forecasts,
            recipe.intervals,
            next_forecasts,
            series.target,
            output_dir / "forecast.png",
        )
    plots.autocorrelation(noise["acf"], test_start, noise["ljung_box_p"], output_dir / "acf.png")
    protocol = {
        "window": window,
        "differencing": differencing,
        "differencing_validation_rmse": choice_scores,
        "window_validation_rmse": {
            str(each): selection.lowest(scores) for each, scores in candidate_scores.items()
        },
        "test_fraction": args.test_fraction,
        "test_points": test_points,
        "scored_points": len(test_steps),
        "unscored_filled_targets": int(filled.sum()),
        "horizon": horizon,
        "interval_method": recipe.interval_method,
    }
    if horizon > 1:
        protocol["origins"] = len(test_steps)
    metrics = {
        "schema": 2,
        "case": CASE,
        "data": {
            "path": str(data_path),
            "rows": len(frame),
            "embedded": embedded,
            "target": series.target,
        },
        "protocol": protocol,
        "model": results["GRU"],
        "baselines": {name: {**results[name], "dm": tests[name]} for name in baseline_forecasts},
        "verdict": verdict,
        "intervals": {
            level: {**coverage[level], "half_widths": recipe.intervals[level]} for level in coverage
        },
        "diagnostics": noise,
        "next": next_forecasts,
        "training": {
            "epochs_run": epochs_run,
            "batch_size": plan["batch_size"],
            "max_epochs": plan["epochs"],
            "kept_start": best_loss == start_loss,
            "networks": chosen,
            "seconds": round(train_seconds, 2),
            "total_seconds": round(time.time() - started, 2),
            "params": model.count_params(),
            "seed": args.seed,
        },
        "environment": environment,
    }
    metrics["baselines"]["linear"]["penalty"] = linear_penalty
    written = [
        save_model(output_dir / "model.keras", model),
        recipe.save(output_dir / "preprocessing.json"),
        write_history(output_dir / "history.csv", history),
        write_json(output_dir / "metrics.json", metrics),
    ]
    plotted = ["data.png", "history.png", "forecast.png", "acf.png"]
    report.written(output_dir, plotted + [Path(path).name for path in written])
    plots.show(args.show)
    return metrics


if __name__ == "__main__":
    main()
