"""The checks around a forecasting case's lesson, one function per step.

Case 8-2 (LSTM, monthly by default) and case 8-3 (GRU, daily by default) tell the same story
with another cell, other data and other words; both read any regular step from a minute to a
year (common/machinery/frequencies.py decides the season, the windows tried and the calendar terms).
Their `main` writes out the lesson (scale, cut windows, build, compile, fit, predict);
everything that checks the lesson rather than teaches it is one call here:

    output_dir, started = start(args)                        # seeds, plots, the output folder
    series = load(args, SETTINGS)                            # Step 1
    test_start = look(series, args, SETTINGS, output_dir)    # Step 2: the test part, the season
    noise = noise_check(values[:test_start], series.season)  # Step 3
    recipe, learned = choose(...)                            # Step 4: window and differencing
    train, validation, test = origins(...)                   # Step 5: the forecast origins
    baseline_forecasts, ridge = forecast_baselines(...)      # Step 6
    summary = training_summary(history, ...)                 # Step 8, after fit()
    results, verdict = evaluate(...)                         # Step 9: scores, the verdict
    intervals = calibrate_intervals(...)                     # Step 9: 80 % and 95 %
    next_forecasts = forecast_next(model, recipe, series)    # Step 10
    plot_forecasts(...); metrics(...); save(...)             # Step 11

`compare_cells.py` prepares its forecasting tasks through the same functions, so the comparison
and the cases score the same targets against the same baselines.

Words: an *origin* is the position of the first target a window forecasts (the window is the
`window` steps just before it); a *step ahead* h counts targets from an origin (1 .. horizon);
an optimizer *update* is one gradient step on one batch.
"""

import time
from dataclasses import dataclass
from pathlib import Path

from common import (
    ahead,
    baselines,
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
from common.cli import DEFAULT_TEST_FRACTION
from common.machinery import frequencies
from common.machinery import series as series_io
from common.machinery.artifacts import prepare_output_dir, save_model, write_history, write_json
from common.machinery.errors import UsageError

import numpy as np

ARTIFACTS = [  # what a run writes into its output folder, in the order it writes them
    "data.png",
    "acf.png",
    "history.png",
    "forecast.png",
    "model.keras",
    "preprocessing.json",
    "history.csv",
    "metrics.json",
]


@dataclass(frozen=True)
class Settings:
    """What a forecasting case fixes before it sees any data (its settings block)."""

    case: str  # the script's name, e.g. "case8_2_lstm"
    title: str  # the case in words, e.g. "case 8-2"
    cell: str  # the model's name in tables and verdicts, e.g. "LSTM"
    embedded_data: Path  # the file used without --data
    embedded_target: str
    embedded_inputs: list  # other measured columns of the embedded file fed beside the target
    embedded_units: str  # the embedded target's units, for the tables
    loss: str  # "mse" or "mae": what the network trains on, and the case's headline score
    size: int  # numbers in the recurrent cell's hidden state (compare_cells.py's units)
    validation_fraction: float = 0.15  # last share of the origins before the test part
    min_training_windows: int = 10  # fewer cannot give a training and a validation part
    quick_rows: int = None  # --quick keeps the last rows of the file (None: all)
    quick_train_windows: int = None  # --quick trains on the most recent windows (None: all)
    recent_steps: int = None  # forecast.png shows the last test targets only (None: all)

    @property
    def metric(self):
        """The headline score that goes with the loss: RMSE with squared errors, MAE with
        absolute ones."""
        return "rmse" if self.loss == "mse" else "mae"


CHECK_SHARE = 1 / 3  # of the validation origins: the check block, which early stopping never sees
MIN_WATCHED_ORIGINS = 6  # early stopping watches at least this many, else no check block
CALIBRATION_FOLDS = 5  # rolling-origin folds over the later half of the part before the test
MIN_FOLD_WINDOWS = 10  # a fold's ridge is fitted on at least this many windows


def start(args):
    """Before Step 1: seed Python, NumPy and Keras, set up the plots (--show), check that
    --tensorboard can be honoured, make the output folder, and say what Keras runs on.
    Returns (output_dir, started): the output folder (a Path) and the start time (time.time()).
    """
    plots.configure(args.show)
    training.seed_everything(args.seed)
    training.check_tensorboard(args.tensorboard)
    output_dir = prepare_output_dir(args.output_dir)
    print(training.describe_environment(training.environment()))
    return output_dir, time.time()


def load(args, settings):
    """Step 1: the series (--data, or the embedded file), on the complete calendar of its step
    (a minute to a year), cut to the last `quick_rows` with --quick. Prints the data summary.

    Returns the Series: series.frame is (rows, 1 + inputs), indexed by date; series.path the file;
    series.frequency its step ("monthly", "hourly", ...).
    """
    series = series_io.load_case_series(
        args, settings.embedded_data, settings.embedded_target, settings.embedded_inputs
    )
    if args.quick and settings.quick_rows:
        series.frame = series.frame.iloc[-settings.quick_rows :]
    for line in series_io.describe(series, series.embedded):
        print(f"   {line}")
    return series


def leaves_enough(rows, window, test_fraction, least):
    """Whether `rows` steps hold a test part (counted with `window`) and at least `least`
    training windows before it."""
    if window >= rows:
        return False
    test_points = windows.count_test_points(rows, window, test_fraction)
    return rows - test_points - window >= least


def check_sizes(rows, window, args, least, units):
    """A usage error when `window` (the one in force) and --test-fraction leave fewer than
    `least` training windows before the test part, naming the flag to change: --test-fraction
    when the default fraction would fit, --window when a shorter one would, else the series."""
    fraction = args.test_fraction
    if leaves_enough(rows, window, fraction, least):
        return
    fitting = [each for each in range(1, rows) if leaves_enough(rows, each, fraction, least)]
    # The window to advise: the longest that leaves twice its length in training windows (see
    # look's warning), else the longest that fits at all.
    roomy = [each for each in fitting if leaves_enough(rows, each, fraction, 2 * each)]
    longest = max(roomy or fitting, default=0)
    if fraction > DEFAULT_TEST_FRACTION and leaves_enough(
        rows, window, DEFAULT_TEST_FRACTION, least
    ):
        largest = max(
            each / 100 for each in range(1, 100) if leaves_enough(rows, window, each / 100, least)
        )
        test_points = windows.count_test_points(rows, window, fraction)
        raise UsageError(
            f"--test-fraction {fraction} holds out {test_points} of {rows} {units}, leaving too "
            f"few to train on with window {window} (at least {least} training windows): use a "
            f"smaller --test-fraction (at most {largest:g} here)"
        )
    if longest and args.window:
        raise UsageError(
            f"--window {window} is too long for {rows} {units} with --test-fraction {fraction} "
            f"(at least {least} training windows are needed before the test part): use "
            f"--window {longest} or less, or a longer series"
        )
    if longest:
        raise UsageError(
            f"{rows} {units} are too few for the default window of {window} with --test-fraction "
            f"{fraction} (at least {least} training windows are needed before the test part): "
            f"give a shorter --window ({longest} or less) or use a longer series"
        )
    needed = rows
    while not leaves_enough(needed, window, fraction, least):
        needed += 1
    raise UsageError(
        f"{rows} {units} are too few for window {window} and --test-fraction {fraction} "
        f"(at least {needed} needed): use a longer series"
    )


def look(series, args, settings, output_dir=None):
    """Step 2: where the test part starts, checked against the flags; the season the run uses
    (series.season); and data.png.

    The test part is counted with the window in force before any choice (--window, else the
    frequency's `test_window`), so every window candidate is scored on the same test targets.
    Returns test_start, the position of the first test target.
    """
    step = series.step
    rows, steps = len(series.frame), step.units
    window = args.window or step.test_window
    least = settings.min_training_windows
    check_sizes(rows, window, args, least, steps)
    test_points = windows.count_test_points(rows, window, args.test_fraction)
    test_start = rows - test_points
    if args.horizon > test_points:
        raise UsageError(
            f"--horizon {args.horizon} is longer than the {test_points} test {steps}: "
            "use a smaller --horizon or a larger --test-fraction"
        )
    train_origins, _, _ = windows.chronological_split(
        window, test_start, rows, settings.validation_fraction, args.horizon
    )
    if test_start - window - args.horizon + 1 < least or len(train_origins) < 1:
        raise UsageError(
            f"--horizon {args.horizon} leaves too few {steps} to train on before the test part: "
            "use a smaller --horizon or --test-fraction"
        )
    series.season = frequencies.season_for(step, test_start, getattr(args, "season", None))
    if args.differencing and "seasonal" in args.differencing and not series.season:
        raise UsageError(
            f"--differencing {args.differencing} needs a season, and {series.frequency} data "
            "have none: choose none or first, or give one with --season N"
        )
    lags = args.differencing and selection.differencing_lags(args.differencing, series.season)
    if lags and test_start - (sum(lags) + window + args.horizon) < least:
        raise UsageError(
            f"--differencing {args.differencing} leaves too few {steps} to train on: "
            "choose none or first, or a longer series"
        )
    first_test = step.label(series.frame.index[test_start])
    print(
        f"   test part: the last {test_points} {steps} ({first_test} onwards); "
        f"everything is fitted on the {test_start} {steps} before"
    )
    for line in describe_season(series, test_start, args):
        print(f"   {line}")
    if test_start - window < 2 * window:
        print(
            f"   warning: window {window} leaves {test_start - window} windows to fit on, fewer "
            f"than twice the {window} {steps} each holds: the model has about as many weights "
            "as examples; a smaller --window gives more windows"
        )
    if output_dir is not None:
        path = Path(output_dir) / "data.png"
        plots.series_overview(series.frame, series.target, step, path)
    return test_start


def describe_season(series, test_start, args):
    """Step 2's lines on the season (and, for records finer than 5 minutes, --resample)."""
    step, season = series.step, series.season
    if not season:
        lines = [
            f"season: none for {series.frequency} data (no seasonal naive, no seasonal "
            "differencing; --season N gives one)"
        ]
    elif getattr(args, "season", None):
        lines = [f"season: {season} {step.units} (--season)"]
    elif season != step.season:
        lines = [
            f"season: {season} {step.units}, a week: the {test_start} {step.units} before the "
            f"test part hold less than two years ({2 * step.season})"
        ]
    else:
        lines = [f"season: {season} {step.units} (seasonal naive's lag, the seasonal difference)"]
    if step.name.endswith("-minute") and step.season > frequencies.LONGEST_MINUTE_WINDOW:
        lines.append(
            f"a day is {step.season} {step.units}; windows stop at {step.window_choices[-1]}: "
            "--resample 5min (or 1h) averages the record to fewer, longer steps"
        )
    return lines


def noise_check(training_values, season, output_dir=None):
    """Step 3: Ljung-Box and the autocorrelations of the training part; prints what they say
    (with the autocorrelation one `season` back, if any) and draws them with the white-noise
    band (acf.png).

    Returns the `diagnostics` block of metrics.json. (No picture when output_dir is None.)
    """
    noise = diagnostics.noise_check(training_values)
    for line in diagnostics.explain(noise, lag_season=season):
        print(f"   {line}")
    if output_dir is not None:
        path = Path(output_dir) / "acf.png"
        plots.autocorrelation(noise["acf"], len(training_values), noise["ljung_box_p"], path)
    return noise


def recipe_for(series, lags, window, horizon):
    """A fresh Preprocessing for one (differencing lags, window) candidate; calendar terms as
    the series' step has them (common/machinery/frequencies.py)."""
    return preprocessing.Preprocessing(
        window=window,
        target=series.target,
        inputs=series.inputs,
        frequency=series.frequency,
        differencing_lags=lags,
        calendar_features=bool(series.step.calendar),
        horizon=horizon,
    )


def choose(series, test_start, args, settings):
    """Step 4: the window and the differencing, chosen on validation (a ridge proxy on three
    rolling blocks before the test part; selection.py), unless --window or --differencing fix
    them. Prints every candidate's score and the noise check of what the network learns.

    Returns (recipe, learned): the Preprocessing to fit (window, lags, differencing and every
    candidate's validation RMSE in `validation_rmse`), and the noise check's block of the
    differenced training part.
    """
    window_choices = [args.window] if args.window else list(series.step.window_choices)
    scores = selection.candidate_scores(
        series.frame,
        lambda lags, window: recipe_for(series, lags, window, args.horizon),
        series.season,
        test_start,
        settings.validation_fraction,
        settings.min_training_windows,
        window_choices,
    )
    default_window = args.window or series.step.test_window
    window, differencing = selection.choose(scores, args.differencing, default_window)
    for line in selection.describe_pairs(
        scores, window, differencing, bool(args.window), bool(args.differencing)
    ):
        print(f"   {line}")
    lags = selection.differencing_lags(differencing, series.season)
    recipe = recipe_for(series, lags, window, args.horizon)
    recipe.differencing = differencing
    recipe.validation_rmse = {str(each): by_choice for each, by_choice in scores.items()}
    values = series.frame[series.target].to_numpy()
    changes = preprocessing.difference(values, lags)[sum(lags) : test_start]
    learned = {"differencing_lags": lags, **diagnostics.noise_check(changes)}
    print(f"   {diagnostics.explain_learned(learned, f'the {differencing} series')}")
    return recipe, learned


def origins(series, recipe, test_start, args, settings):
    """Step 5: the forecast origins of the training, validation and test windows, in time order.

    Training and validation origins are those whose H targets all lie before the test part
    (validation the last `validation_fraction` of them, its last third the check block that
    early stopping never sees); test origins those whose H targets all lie in it. A test origin
    with a filled target (a gap in the file) is left out: it is not an observation. With
    --quick, only the most recent `quick_train_windows` train.
    Returns (train_origins, validation_origins, check_origins, test_origins), each (origins,)
    positions in time order.
    """
    rows, horizon = len(series.frame), recipe.horizon
    first_origin = sum(recipe.differencing_lags) + recipe.window  # first with a full window
    train_origins, validation_origins, test_origins = windows.chronological_split(
        first_origin, test_start, rows, settings.validation_fraction, horizon
    )
    if args.quick and settings.quick_train_windows:
        train_origins = train_origins[-settings.quick_train_windows :]
    # The last third of the validation origins is the check block; the paths early stopping
    # watches end before its first target (H - 1 origins left out between them).
    check_size = max(1, round(CHECK_SHARE * len(validation_origins)))
    if len(validation_origins) - check_size - (horizon - 1) >= MIN_WATCHED_ORIGINS:
        check_origins = validation_origins[-check_size:]
        validation_origins = validation_origins[: -(check_size + horizon - 1)]
    else:  # too short for a check block: training is judged on the validation part alone
        check_origins = validation_origins[:0]
        print(
            f"   {len(validation_origins)} validation origins: too few to set a check block "
            f"apart ({horizon - 1} would be left out between them); training's weights are "
            "judged on the validation part's three blocks"
        )
    filled_dates = series.frame.index.isin(series.filled_dates)
    filled = windows.target_paths(filled_dates, test_origins, horizon)
    filled = filled.reshape(len(test_origins), -1).any(axis=1)  # (origins,)
    test_origins = test_origins[~filled]
    steps, test_points = series.step.units, rows - test_start
    if horizon > 1:
        print(
            f"   each window forecasts the next {horizon} {steps} at once; the test part is "
            f"scored from {len(test_origins)} origins (every one whose {horizon} {steps} all "
            "lie in it)"
        )
    if filled.any() and horizon == 1:
        print(
            f"   {int(filled.sum())} test target(s) were filled (gaps in the file) and are not "
            f"scored: {len(test_origins)} of {test_points} {steps} are"
        )
    elif filled.any():
        print(
            f"   {int(filled.sum())} test origin(s) have a filled target (a gap in the file) and "
            f"are not scored: {len(test_origins)} are"
        )
    return train_origins, validation_origins, check_origins, test_origins


def forecast_baselines(
    series, test_start, fitted_windows, test_windows, test_origins, test_values, recipe, settings
):
    """Step 6: every common-sense forecast of the test targets in real units, each printed with
    its score: naive, seasonal naive, last year's change, the training mean, climatology (those
    the series' step has: common/machinery/frequencies.py), and `linear`, a ridge regression on the
    network's own windows, flattened (baselines.ridge_on_windows).

    fitted_windows: (train_windows, train_targets, validation_windows, validation_targets): the
    ridge is fitted on the first two, its penalty chosen on the others.
    test_values: what the test origins forecast, (origins,) or (origins, H), real units.
    Returns (baseline_forecasts, ridge): {name: forecasts shaped like test_values}, and the
    fitted baselines.RidgeFit (its penalty in `ridge.alpha`), where the network's linear path
    starts.
    """
    values = series.frame[series.target].to_numpy()
    baseline_forecasts = baselines.forecasting_baselines(
        values,
        series.frame.index,
        test_origins,
        test_start,
        season=series.season,
        horizon=recipe.horizon,
        climatology_by=series.step.climatology,
        year_steps=series.step.year_steps,
    )
    ridge, _ = baselines.ridge_on_windows(*fitted_windows)
    baseline_forecasts["linear"] = preprocessing.in_real_units(
        baselines.predict_linear(ridge, test_windows), values, test_origins, recipe
    )
    metric, units = settings.metric, units_of(series, settings)
    over = f", pooled over {recipe.horizon} steps ahead" if recipe.horizon > 1 else ""
    scores = {
        name: baselines.score_forecasts(test_values, forecast)[metric]
        for name, forecast in baseline_forecasts.items()
    }
    places = report.decimals_for(list(scores.values()))
    for name, score in scores.items():
        print(f"   {name:17s} {metric.upper()} {score:.{places}f} ({units}{over})")
    return baseline_forecasts, ridge


def units_of(series, settings):
    """The target's units in words: the embedded file's, else "the units of <target>"."""
    if series.embedded:
        return settings.embedded_units
    return f"the units of {series.target}"


def evaluate(test_values, model_forecasts, baseline_forecasts, ridge, noise, series, settings):
    """Step 9: the network and every baseline scored on the same test targets in real units, the
    Diebold-Mariano test of the network against each baseline (squared errors with RMSE,
    absolute with MAE), the table, and the one verdict line against the best baseline.

    ridge: the `linear` baseline's model (its penalty is recorded); noise: Step 3's block.
    Returns (results, verdict): results {name: {"rmse", "mae"[, "by_horizon"][, "dm"]}} with the
    network first (a baseline's "dm" is its test against the network), and the verdict block of
    metrics.json.
    """
    metric, cell, steps = settings.metric, settings.cell, series.step.units
    results = {cell: baselines.score_forecasts(test_values, model_forecasts)}
    # Is each difference real? Only p < 0.05 earns a "beats" or a "loses to".
    dm_tests = significance.compare_with_baselines(
        test_values, model_forecasts, baseline_forecasts, metric
    )
    for name, forecast in baseline_forecasts.items():
        results[name] = {**baselines.score_forecasts(test_values, forecast), "dm": dm_tests[name]}
    results["linear"]["penalty"] = float(ridge.alpha)
    best = min(baseline_forecasts, key=lambda name: results[name][metric])
    verdict, verdict_line = significance.verdict(
        cell, best, results[cell][metric], results[best][metric], dm_tests[best]
    )
    units = units_of(series, settings)
    origins = len(test_values)
    if np.ndim(test_values) == 1:
        title = f"One-step-ahead test errors over {origins} {steps}, in {units}"
    else:
        horizon = np.shape(test_values)[1]
        title = (
            f"Test errors 1 to {horizon} {steps} ahead from {origins} origins, "
            f"pooled over every origin and step, in {units}"
        )
    other = [name for name in ("rmse", "mae") if name != metric]
    report.results_table(
        results,
        [metric, *other],
        title,
        p_values={name: test["p"] for name, test in dm_tests.items()},
    )
    print(
        "   (DM p: Diebold-Mariano test of each baseline against the "
        f"{cell}; p < 0.05 is a real gap)"
    )
    if np.ndim(test_values) == 2:
        ahead.print_by_horizon(
            results, metric, f"Test {metric.upper()} by {steps} ahead, in {units}"
        )
    print(verdict_line)
    ratios = [
        f"{cell} {metric.upper()} / {name} {metric.upper()} = "
        f"{results[cell][metric] / results[name][metric]:.3f}"
        for name in ("naive", "mean")
    ]
    print(f"   {'; '.join(ratios)}")
    if noise["white_noise"]:
        print(
            "   As the noise check said: on white noise the best possible forecast is the mean, "
            f"and the {cell} ends up there."
        )
    return results, verdict


def calibrate_intervals(scaled, ridge, test_start, test_errors, test_origins, series, recipe):
    """Step 9: 80 % and 95 % intervals, calibrated on honest errors and adapted along the test
    part (common/intervals.py), and the share of test targets they hold.

    The calibration errors: every origin before the test part is forecast by the `linear`
    path (the ridge the network starts from, penalty `ridge.alpha`) refitted on rolling-origin
    folds, each fold on the origins whose targets all lie before it: out-of-sample errors that
    no fit and no early stopping saw (the network keeps a correction to that path only where
    every validation block says it helps). Each step's scale, where steps must be pooled, comes
    from the ridge's training errors. Then, walking the test part origin by origin, each
    step's level follows the misses already known (adaptive conformal inference).
    scaled: (rows, features) the network's scaled inputs; test_errors: the network's test
    forecasts minus the actual values, (origins,) or (origins, H), real units.
    Returns (the `intervals` block of metrics.json, test_half_widths {"80": (origins, H), ...}:
    the half-width of each test forecast's interval). The half-widths for the forecasts after
    the file's last date go in `recipe.intervals`.
    """
    values = series.frame[series.target].to_numpy()
    horizon = recipe.horizon
    first_origin = sum(recipe.differencing_lags) + recipe.window
    before_test = np.arange(first_origin, test_start - horizon + 1)  # every path before the test
    all_windows, all_targets = windows.make_windows(
        scaled, scaled[:, 0], before_test, recipe.window, horizon
    )
    positions, forecasts = baselines.rolling_origin_forecasts(
        all_windows, all_targets, ridge.alpha, horizon, CALIBRATION_FOLDS, MIN_FOLD_WINDOWS
    )
    if len(positions) == 0:
        raise UsageError(
            f"too few windows before the test part to calibrate intervals on rolling folds "
            f"(a fold needs {MIN_FOLD_WINDOWS}): use a longer file, a smaller --window or "
            "--horizon, or a smaller --test-fraction"
        )

    def errors_in_real_units(predictions, origins):  # (origins, H): forecast minus actual
        errors = preprocessing.in_real_units(predictions, values, origins, recipe)
        errors = errors - windows.target_paths(values, origins, horizon)
        return np.reshape(errors, (len(origins), -1))

    origins = before_test[positions]
    calibration_errors = errors_in_real_units(forecasts, origins)
    filled = windows.target_paths(series.frame.index.isin(series.filled_dates), origins, horizon)
    calibration_errors[np.reshape(filled, calibration_errors.shape)] = np.nan  # not errors
    fitted = before_test[: positions[0]]  # the origins the first fold's ridge was fitted on
    train_errors = errors_in_real_units(
        baselines.predict_linear(ridge, all_windows[: positions[0]]), fitted
    )
    walk = intervals.adaptive_walk(
        calibration_errors,
        np.reshape(test_errors, (len(test_origins), -1)),
        test_origins,
        scale_errors=train_errors,
    )
    recipe.intervals = walk["final"]
    recipe.interval_method = (
        f"conformal, {walk['method']}, on {walk['calibration_errors']} out-of-sample errors per "
        f"step (the linear path on {CALIBRATION_FOLDS} rolling-origin folds), adapted along the "
        f"test part (adaptive conformal inference, step {intervals.STEP})"
    )
    coverage = intervals.coverage(test_errors, walk["half_widths"])
    ahead.print_coverage(coverage, recipe.interval_method, len(test_origins))
    block = {  # the half-widths at the first test origin (before any test target is known), and
        level: {  # after the file's last date
            **coverage[level],
            "first_half_widths": walk["half_widths"][level][0].tolist(),
            "half_widths": recipe.intervals[level],
        }
        for level in coverage
    }
    block.update(
        method=recipe.interval_method,
        pooling=walk["method"],
        calibration_errors=walk["calibration_errors"],
    )
    return block, walk["half_widths"]


def forecast_next(model, recipe, series):
    """Step 10: the H values after the file's last date, with their intervals; printed.
    Returns the `next` list of metrics.json."""
    next_forecasts = preprocessing.forecast_ahead(model, recipe, series.frame)
    for line in ahead.describe_forecasts(next_forecasts, series.target):
        print(line)
    return next_forecasts


def plot_forecasts(
    series,
    test_origins,
    model_forecasts,
    baseline_forecasts,
    verdict,
    next_forecasts,
    test_half_widths,
    recipe,
    settings,
    output_dir,
):
    """Step 11: forecast.png in `output_dir`. One step ahead: the test part beside the whole
    series, with the network and its 80 % interval, the naive forecast (does the network only
    copy the last value?) and the baseline the verdict names. Several steps ahead: paths from
    the last test origins with their intervals, and the next H values."""
    path = Path(output_dir) / "forecast.png"
    values, dates = series.frame[series.target].to_numpy(), series.frame.index
    if recipe.horizon > 1:
        return plots.forecast_paths(
            dates,
            values,
            test_origins,
            model_forecasts,
            test_half_widths,
            next_forecasts,
            series.target,
            path,
        )
    compared = {settings.cell: model_forecasts, "naive": baseline_forecasts["naive"]}
    compared[verdict["baseline"]] = baseline_forecasts[verdict["baseline"]]
    band = test_half_widths["80"][:, 0]  # (origins,) each test forecast's 80 % half-width
    recent = settings.recent_steps
    return plots.forecast(dates, values, test_origins, compared, series.target, path, band, recent)


def training_summary(history, plan, start_loss, fit_started, judged, model, seed, output_dir):
    """Step 8, after fit(): prints how many epochs ran and which weights early stopping kept,
    draws history.png (the loss early stopping watched, the kept epoch marked).

    judged: training.keep_if_it_helps' answer: were training's weights kept, block by block?

    Returns the `training` block of metrics.json (its `total_seconds` is filled in at the end).
    """
    seconds = time.time() - fit_started  # the time in fit() alone
    validation_losses = history.history["val_loss"]
    best_loss = min([start_loss, *validation_losses])
    kept_start = not judged["kept"]
    kept_epoch = 0 if kept_start else 1 + validation_losses.index(best_loss)
    kept = f"epoch {kept_epoch}" if judged["kept"] else "the starting point"
    print(
        f"   {len(history.epoch)} epochs in {seconds:.1f} s; best validation loss "
        f"{best_loss:.4f}; the weights kept: {kept}"
    )
    path = Path(output_dir) / "history.png"
    plots.history(history, path, kept_epoch=kept_epoch, start_value=start_loss)
    return {
        "epochs_run": len(history.epoch),
        "batch_size": plan["batch_size"],
        "max_epochs": plan["epochs"],
        "kept_start": kept_start,
        "validation_blocks": judged["blocks"],
        "kept_p": judged.get("p"),
        "seconds": round(seconds, 2),
        "params": model.count_params(),
        "seed": seed,
    }


def metrics(
    args,
    settings,
    series,
    recipe,
    test_origins,
    noise,
    results,
    verdict,
    intervals_block,
    next_forecasts,
    training_block,
    started,
):
    """Step 11: the metrics.json dict (docs/PROTOCOL.md), from what the steps returned.

    results: `evaluate`'s, the network first; intervals_block: `calibrate_intervals`';
    training_block: `training_summary`'s; started: the run's start (time.time()).
    """
    rows, horizon, cell = len(series.frame), recipe.horizon, settings.cell
    test_points = windows.count_test_points(
        rows, args.window or series.step.test_window, args.test_fraction
    )
    scoreable = test_points - horizon + 1  # test origins before any is left out
    window_scores = recipe.validation_rmse
    protocol = {
        "window": recipe.window,
        "differencing": recipe.differencing,
        "differencing_validation_rmse": window_scores[str(recipe.window)],
        "window_validation_rmse": {
            each: selection.lowest(scores) for each, scores in window_scores.items()
        },
        "test_fraction": args.test_fraction,
        "test_points": test_points,
        "scored_points": len(test_origins),
        "unscored_filled_targets": scoreable - len(test_origins),
        "horizon": horizon,
        "interval_method": intervals_block["pooling"],
    }
    if horizon > 1:
        protocol["origins"] = len(test_origins)
    return {
        "schema": 2,
        "case": settings.case,
        "data": {
            "path": str(series.path),
            "rows": rows,
            "embedded": series.embedded,
            "target": series.target,
            "frequency": series.frequency,
            "season": series.season,
        },
        "protocol": protocol,
        "model": results[cell],
        "baselines": {name: scores for name, scores in results.items() if name != cell},
        "verdict": verdict,
        "intervals": intervals_block,
        "diagnostics": noise,
        "next": next_forecasts,
        "training": {**training_block, "total_seconds": round(time.time() - started, 2)},
        "environment": training.environment(),
    }


def save(output_dir, model, recipe, history, metrics):
    """Step 11: model.keras, preprocessing.json, history.csv and metrics.json, each written
    atomically (a Ctrl-C never leaves half a file); prints every artifact of the run."""
    save_model(Path(output_dir) / "model.keras", model)
    recipe.save(Path(output_dir) / "preprocessing.json")
    write_history(Path(output_dir) / "history.csv", history)
    write_json(Path(output_dir) / "metrics.json", metrics)
    report.written(Path(output_dir), ARTIFACTS)
