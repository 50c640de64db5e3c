"""The checks around a forecasting case's lesson: one function per step, each returning a record.

Case 8-2 (LSTM, monthly by default) and case 8-3 (GRU, daily by default) tell the same story
with another cell, other data and other words. Their `main` writes out the lesson (cut the
windows, build, compile, fit, predict). Everything that checks the lesson, rather than teaches
it, is one call here. Each call returns a frozen record: nothing is changed after it is made,
and `print(record)` shows what the step found (the words come from common/report/forecasting.py).

    start = forecasting.start(args)                          # seeds, the output folder
    series = forecasting.load(args, SETTINGS)                # Step 1
    look = forecasting.look(series, args, SETTINGS)          # Step 2: the test part, the season
    noise = forecasting.noise_check(look)                    # Step 3
    choice = forecasting.choose(look, args, SETTINGS)        # Step 4: window, differencing
    prepared = forecasting.prepare(look, choice, args, SETTINGS)  # Step 5: scaling, origins
    baseline = forecasting.forecast_baselines(prepared, fitted, test_windows, SETTINGS)  # 6
    plan = forecasting.plan_training(train, args, SETTINGS, start_loss)  # Step 8, before fit
    kept = training.keep_if_it_helps(model, history, plan, blocks, SETTINGS.loss)  # after fit
    evaluation = forecasting.evaluate(model_forecasts, baseline, noise, SETTINGS)  # Step 9
    next_forecasts = forecasting.forecast_next(model, evaluation)  # Step 10
    forecasting.save(start, model, run)                      # Step 11

`compare_cells.py` prepares its forecasting tasks through the same functions, so the comparison
and the cases score the same targets against the same baselines.

Words: an *origin* is the position of the first target a window forecasts (the window is the
`window` steps just before it). A *step ahead* h counts targets from an origin (1 .. horizon).
An optimizer *update* is one gradient step on one batch.
"""

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from common import (
    ahead,
    baselines,
    classical,
    diagnostics,
    intervals,
    plots,
    preprocessing,
    selection,
    significance,
    training,
    windows,
)
from common.machinery import checks, frequencies, run_files
from common.machinery import series as series_io
from common.machinery.errors import UsageError
from common.report import forecasting as words
from common.report import format_written

import numpy as np


@dataclass(frozen=True)
class EmbeddedFile:
    """The file a case reads without --data, and what its columns are."""

    path: Path
    target: str
    inputs: list  # other measured columns fed beside the target
    units: str  # the target's units, for the tables


@dataclass(frozen=True)
class Budget:
    """How long the network may train, in optimizer updates (converted to epochs by the size
    of the data: a short file trains for more epochs, a long one for fewer)."""

    max_updates: int = 4000  # optimizer updates at most
    patience_updates: int = 600  # early stopping ends after this many updates with no gain
    quick_epochs: int = 3  # epochs with --quick


@dataclass(frozen=True)
class Parts:
    """How the series is cut into parts, and how much of it --quick and forecast.png use."""

    validation_fraction: float = 0.15  # last share of the origins before the test part
    min_training_windows: int = 10  # fewer cannot give a training and a validation part
    quick_rows: int = None  # --quick keeps the last rows of the file (None: all)
    quick_train_windows: int = None  # --quick trains on the most recent windows (None: all)
    recent_steps: int = None  # forecast.png shows the last test targets only (None: all)


@dataclass(frozen=True)
class Settings:
    """What a forecasting case fixes before it sees any data (its settings block)."""

    case: str  # the script's name, e.g. "case8_2_lstm"
    cell: str  # the model's name in tables and verdicts, e.g. "LSTM"
    loss: str  # "mse" or "mae": what the network trains on, and the case's headline score
    size: int  # numbers in the recurrent cell's hidden state (compare_cells.py's units)
    embedded: EmbeddedFile  # the file used without --data
    budget: Budget = Budget()
    parts: Parts = Parts()

    @property
    def metric(self):
        """The headline score that goes with the loss: RMSE with squared errors, MAE with
        absolute ones."""
        return "rmse" if self.loss == "mse" else "mae"


CHECK_SHARE = 1 / 3  # of the validation origins: the check block, which early stopping never sees
MIN_WATCHED_ORIGINS = 6  # early stopping watches at least this many, else no check block
CALIBRATION_FOLDS = 5  # rolling-origin folds over the later half of the part before the test
MIN_FOLD_WINDOWS = 10  # a fold's ridge is fitted on at least this many windows
# With --horizon above 1, the final forecast's weights move this share of the way from
# 1 / (validation error)^2 to equal weights (chosen on the tuned files of docs/RESULTS.md).
SEVERAL_STEPS_SHRINK = 0.5
FAR_BEHIND = 3  # ... but only for members within 3 times the best validation error at that step
# One step ahead, seasonal naive gets no weight: it ignores the last season's values, and its
# small weight raised the test error on 14 of the 23 files of docs/RESULTS.md it was tuned on.
ONE_STEP_LEFT_OUT = ("seasonal_naive",)


@dataclass(frozen=True)
class Start:
    """Before Step 1: where the run writes, when it started, and what Keras runs on."""

    output_dir: Path
    started: float  # time.time() at the start
    environment: dict  # metrics.json's `environment` block
    show: bool  # --show: open the plots at the end
    seed: int  # --seed

    def __str__(self):
        return training.describe_environment(self.environment)


def start(args):
    """Before Step 1: seed Python, NumPy and Keras; set up the plots (--show); check that
    --tensorboard can be used; make the output folder. Returns a Start."""
    plots.configure(args.show)
    training.seed_everything(args.seed)
    training.check_tensorboard(args.tensorboard)
    output_dir = run_files.prepare_output_dir(args.output_dir)
    return Start(output_dir, time.time(), training.environment(), args.show, args.seed)


def load(args, settings):
    """Step 1: the series (--data, or the embedded file) on the complete calendar of its step
    (a minute to a year), cut to the last `quick_rows` rows with --quick.

    Returns the Series: series.frame is (rows, 1 + inputs), indexed by date; series.path is the
    file; series.frequency is its step ("monthly", "hourly", ...).
    """
    series = series_io.load_case_series(
        args, settings.embedded.path, settings.embedded.target, settings.embedded.inputs
    )
    if args.quick and settings.parts.quick_rows:
        return series_io.last_rows(series, settings.parts.quick_rows)
    return series


@dataclass(frozen=True)
class Look:
    """Step 2: where the test part starts, and the season the run uses."""

    series: series_io.Series
    test_start: int  # the position of the first test target
    season: int  # steps in one season (None: none)
    window: int  # the window in force before any choice (--window, or the step's test_window)
    flags: tuple  # (the --season given, or None; --test-fraction)
    cycles: tuple  # the calendar cycles the model reads: "day", "week", "year"

    @property
    def values(self):
        """(rows,) the target in real units."""
        return self.series.frame[self.series.target].to_numpy()

    def __str__(self):
        return words.look(self)


def look(series, args, settings):
    """Step 2: where the test part starts, checked against the flags, and the season the run
    uses (--season, else the step's; a week for daily data with under two years to train on).

    The test part is counted with the window in force before any choice (--window, else the
    step's `test_window`), so every window candidate is scored on the same test targets.
    Returns a Look.
    """
    rows, least = len(series.frame), settings.parts.min_training_windows
    window = args.window or series.step.test_window
    checks.check_sizes(rows, window, args, least, series.step.units)
    test_start = rows - windows.count_test_points(rows, window, args.test_fraction)
    checks.check_varies(series, test_start)
    checks.check_horizon(series, test_start, args, settings)
    given = getattr(args, "season", None)
    season = frequencies.season_for(series.step, test_start, given)
    checks.check_differencing(series, season, test_start, args, least)
    cycles = frequencies.calendar_cycles(series.step, test_start)
    return Look(series, test_start, season, window, (given, args.test_fraction), cycles)


@dataclass(frozen=True)
class Noise:
    """Step 3: the noise check of the training part (Ljung-Box and autocorrelations)."""

    block: dict  # metrics.json's `diagnostics` block (its `learned` part comes from Step 4)
    season: int  # the autocorrelation one season back is shown too
    samples: int  # training values checked

    def __str__(self):
        return "\n".join(f"   {line}" for line in diagnostics.explain(self.block, self.season))


def noise_check(look):
    """Step 3: Ljung-Box and the autocorrelations of the training part. Returns a Noise."""
    training_values = look.values[: look.test_start]
    block = diagnostics.noise_check(training_values)
    return Noise(block, look.season, len(training_values))


def recipe_for(look, lags, window, horizon, scale="levels"):
    """A fresh Preprocessing for one (differencing lags, window, target scale) candidate, with
    the calendar cycles Step 2 chose for the step (common/machinery/frequencies.py)."""
    series = look.series
    columns = preprocessing.Columns(
        series.target, series.inputs, series.frequency, list(look.cycles), scale
    )
    return preprocessing.Preprocessing(window, columns, lags, horizon)


@dataclass(frozen=True)
class Choice:
    """Step 4: the window and the differencing, and why."""

    recipe: preprocessing.Preprocessing  # not scaled yet: Step 5 fits the scaling
    scores: dict  # {window: {differencing: validation RMSE or None}}
    forced: tuple  # (--window given, --differencing given)
    learned: dict  # the noise check of the differenced training part

    def __str__(self):
        return words.choice(self)


def choose(look, args, settings):
    """Step 4: the window and the differencing, chosen on validation (a ridge proxy on three
    rolling blocks before the test part; selection.py), unless --window or --differencing fix
    them. Returns a Choice.
    """
    series = look.series
    window_choices = [args.window] if args.window else list(series.step.window_choices)
    scores = selection.candidate_scores(
        series.frame,
        lambda lags, window, scale: recipe_for(look, lags, window, args.horizon, scale),
        look.season,
        look.test_start,
        (settings.parts.validation_fraction, settings.parts.min_training_windows),
        window_choices,
    )
    default_window = args.window or series.step.test_window
    forced_scale = getattr(args, "scale", None)
    if forced_scale == "log" and not selection.all_positive(look.values[: look.test_start]):
        raise UsageError(
            "--scale log needs every value before the test part above 0; leave --scale out "
            "(or give --scale levels)"
        )
    window, chosen = selection.choose(scores, args.differencing, default_window, forced_scale)
    scale, differencing = selection.split_choice(chosen)  # e.g. ("log", "seasonal+first")
    lags = selection.differencing_lags(differencing, look.season)
    recipe = dataclasses.replace(
        recipe_for(look, lags, window, args.horizon, scale),
        choice={
            "differencing": differencing,
            "validation_rmse": {str(each): by_choice for each, by_choice in scores.items()},
        },
    )
    model_scale = preprocessing.on_model_scale(look.values, recipe)
    changes = preprocessing.difference(model_scale, lags)[sum(lags) : look.test_start]
    learned = {"differencing_lags": lags, **diagnostics.noise_check(changes)}
    forced = (bool(args.window), bool(args.differencing), bool(forced_scale))
    return Choice(recipe, scores, forced, learned)


@dataclass(frozen=True)
class Prepared:
    """Step 5: the model's inputs for every step, and which origins train, validate, check and
    test (each (origins,) positions in time order)."""

    look: Look
    choice: Choice  # Step 4's
    recipe: preprocessing.Preprocessing  # the choice's, with the training part's scaling
    features: np.ndarray  # (rows, features) in real units, differenced; NaN: too little history
    scaled: np.ndarray  # (rows, features) standardised with the training part's statistics
    origins: dict  # {"train", "validation", "check", "test"}: (origins,) positions
    filled: int  # test origins left out: a target was filled (a gap in the file)

    @property
    def test_values(self):
        """What the test origins forecast, in real units: (origins,) or (origins, H)."""
        return windows.target_paths(self.look.values, self.origins["test"], self.recipe.horizon)

    def __str__(self):
        return words.prepared(self)


def prepare(look, choice, args, settings):
    """Step 5: difference and scale every step (the scaling fitted on the training part only),
    then set out the forecast origins of the training, validation, check and test windows.

    Training and validation origins are those whose H targets all lie before the test part
    (validation the last `validation_fraction` of them; its last third is the check block, which
    early stopping never sees). Test origins are those whose H targets all lie in the test part;
    one with a filled target (a gap in the file) is left out. With --quick, only the most
    recent `quick_train_windows` train. Returns a Prepared.
    """
    frame = look.series.frame
    features, scaled, recipe = preprocessing.prepare(frame, choice.recipe, look.test_start)
    horizon = recipe.horizon
    first_origin = sum(recipe.differencing_lags) + recipe.window  # first with a full window
    train, validation, test = windows.chronological_split(
        first_origin, look.test_start, len(frame), settings.parts.validation_fraction, horizon
    )
    if args.quick and settings.parts.quick_train_windows:
        train = train[-settings.parts.quick_train_windows :]
    # The last third of the validation origins is the check block; the paths early stopping
    # watches end before its first target (H - 1 origins left out between them).
    check_size = max(1, round(CHECK_SHARE * len(validation)))
    if len(validation) - check_size - (horizon - 1) >= MIN_WATCHED_ORIGINS:
        check, validation = validation[-check_size:], validation[: -(check_size + horizon - 1)]
    else:  # too short for a check block: training is judged on the validation part alone
        check = validation[:0]
    filled_dates = frame.index.isin(look.series.filled_dates)
    filled = windows.target_paths(filled_dates, test, horizon)
    filled = filled.reshape(len(test), -1).any(axis=1)  # (origins,)
    origins = {"train": train, "validation": validation, "check": check, "test": test[~filled]}
    return Prepared(look, choice, recipe, features, scaled, origins, int(filled.sum()))


@dataclass(frozen=True)
class BaselineForecasts:
    """Step 6: every common-sense forecast of the test targets, in real units."""

    prepared: Prepared  # the targets and windows they forecast
    forecasts: dict  # {name: forecasts shaped like the test values}
    ridge: baselines.RidgeFit  # the `linear` baseline, where the network's linear path starts
    scores: dict  # {name: the case's headline score}
    labels: tuple  # (metric, units in words, horizon)
    references: classical.Found  # ETS, Theta, ARIMA: forms, next steps, validation forecasts
    # (the validation origins, the linear path's forecasts from them, the ridge's own errors):
    # the later half of the part before the test, where the final forecast is chosen
    validation: tuple

    @property
    def chosen(self):
        """{"ets": "ETS(M,A,M)", ...}: the form each classical reference chose."""
        return {name: fit.chosen for name, fit in self.references.fits.items()}

    @property
    def left_out(self):
        """{name: why}: the classical references this series could not have."""
        return self.references.left_out

    @property
    def linear_weights(self):
        """The ridge as the weights of a Dense layer: [kernel (window * features, H), bias]."""
        return baselines.dense_weights(self.ridge)

    def __str__(self):
        return words.baselines(self)


def units_of(series, settings):
    """The target's units in words: the embedded file's, else "the units of <target>"."""
    if series.embedded:
        return settings.embedded.units
    return f"the units of {series.target}"


def forecast_baselines(prepared, fitted_windows, test_windows, settings):
    """Step 6: naive, seasonal naive, last year's change, the training mean, climatology (those
    the series' step has: common/machinery/frequencies.py), `linear`, a ridge regression on the
    network's own windows, flattened (baselines.ridge_on_windows), and the classical references
    `ets`, `theta` and `arima` (common/classical.py), each fitted once on the part before the
    test and left out where the series is too short or too long for it.

    fitted_windows: (train_windows, train_targets, validation_windows, validation_targets): the
    ridge is fitted on the first two; its penalty is chosen on the others.
    Returns a BaselineForecasts.
    """
    look, recipe, test_origins = prepared.look, prepared.recipe, prepared.origins["test"]
    series = look.series
    test = (test_origins, look.test_start, recipe.horizon)
    forecasts = baselines.forecasting_baselines(
        look.values,
        series.frame.index,
        test,
        season=look.season,
        climatology_by=series.step.climatology,
        year_steps=series.step.year_steps,
    )
    ridge, _ = baselines.ridge_on_windows(*fitted_windows)
    forecasts["linear"] = preprocessing.in_real_units(
        baselines.predict_linear(ridge, test_windows), look.values, test_origins, recipe
    )
    validation = validation_forecasts(prepared, ridge)
    references = classical.for_a_run(look.values, test, validation[0], look.season)
    forecasts.update({name: fit.forecasts for name, fit in references.fits.items()})
    average = classical.combination(forecasts)  # M4's benchmark: the average of the three
    if average is not None:
        forecasts["combination"] = average
    metric, test_values = settings.metric, prepared.test_values
    scores = {
        name: baselines.score_forecasts(test_values, forecast)[metric]
        for name, forecast in forecasts.items()
    }
    labels = (metric, units_of(series, settings), recipe.horizon)
    return BaselineForecasts(prepared, forecasts, ridge, scores, labels, references, validation)


@dataclass(frozen=True)
class Plan:
    """Step 8: how long training may go on, in epochs and batches, and its callbacks."""

    budget: dict  # training.budget's: epochs (at most), batch_size, patience, verbose, ...
    callbacks: list  # Ctrl-C, a stop on NaN, early stopping from the start, a clock, TensorBoard
    first_batch: tuple  # the shapes of the first batch: (windows, targets)
    start_loss: float  # the validation loss before training (the linear path alone)
    device: str  # what Keras trains on, e.g. "Keras 3.15.1 (tensorflow backend, ...) on CPU"

    epochs = property(lambda self: self.budget["epochs"])  # at most: early stopping stops sooner
    batch_size = property(lambda self: self.budget["batch_size"])
    patience = property(lambda self: self.budget["patience"])  # epochs with no better loss
    verbose = property(lambda self: self.budget["verbose"])  # Keras' progress display

    @property
    def fit_seconds(self):
        """The time fit() took (after training)."""
        return next(each for each in self.callbacks if isinstance(each, training.Clock)).seconds

    def __str__(self):
        return words.plan(self)


def plan_training(train, args, settings, start_loss):
    """Step 8: epochs from the case's budget of optimizer updates (a short file trains for more
    epochs, a long one for fewer), the batch size, and the callbacks.

    train: (train_windows, train_targets) as windows.model_windows returned them (arrays, or a
    long file's WindowDataset with targets None: then an epoch reads a part of its windows).
    start_loss: the validation loss before training; early stopping keeps the start if no
    epoch beats it. Returns a Plan.
    """
    epochs = args.epochs or (
        settings.budget.quick_epochs if args.quick else None
    )  # None: the budget
    budget = training.budget(
        windows.windows_per_epoch(train[0]),
        settings.budget.max_updates,
        settings.budget.patience_updates,
        args.batch_size,
        epochs,
    )
    first_windows, first_targets = windows.first_batch(*train, budget["batch_size"])
    logs = Path(args.output_dir) / "logs" if args.tensorboard else None  # one folder per run
    callbacks = training.callbacks("val_loss", "min", budget["patience"], logs, start_loss)
    shapes = (tuple(first_windows.shape), tuple(first_targets.shape))
    device = training.describe_environment(training.environment())
    return Plan(budget, [*callbacks, training.Clock()], shapes, start_loss, device)


@dataclass(frozen=True)
class Evaluation:
    """Step 9: the network and every baseline on the same test targets, in real units."""

    model_forecasts: np.ndarray  # (origins,) or (origins, H), real units
    baseline: BaselineForecasts  # Step 6's, with the Prepared record they forecast
    noise: Noise
    results: dict  # {name: {"rmse", "mae"[, "by_horizon"][, "dm"]}}, the network first
    verdict: dict  # {"baseline", "outcome", "p"}: the network against the best baseline
    final: "Final"  # the forecast the run stands behind, chosen on validation, its intervals
    settings: Settings

    @property
    def intervals(self):
        """metrics.json's `intervals` block (the final forecast's), with "final" (the
        half-widths after the file's last date) and "test_half_widths" ({"80": (origins, H)})."""
        return self.final.intervals

    @property
    def prepared(self):
        """Step 5's record: the recipe, the origins and the test values."""
        return self.baseline.prepared

    @property
    def half_widths(self):
        """{"80": (origins, H), "95": ...}: each test forecast's half-width."""
        return self.intervals["test_half_widths"]

    @property
    def bounds(self):
        """{"80": (lower, upper), "95": ...}: each test forecast's bounds, (origins, H) real units
        (on the log scale the half-widths are ratios, so the bounds widen with the level)."""
        forecasts = np.reshape(self.final.forecasts, (len(self.prepared.origins["test"]), -1))
        recipe = self.prepared.recipe
        return {
            level: preprocessing.bounds(forecasts, widths, recipe)
            for level, widths in self.half_widths.items()
        }

    @property
    def recipe(self):
        """The recipe with the intervals for the forecasts after the file's last date."""
        calibration = preprocessing.Calibration(
            self.intervals["final"], self.intervals["method"], self.intervals["warning"]
        )
        look = self.prepared.look
        dates = look.series.frame.index
        fitted = [str(dates[0]), str(dates[look.test_start - 1])]  # the references' fit
        final = {"weights": self.final.weights, "season": look.season, "fitted": fitted}
        choice = {**self.prepared.recipe.choice, "final": final}
        return dataclasses.replace(self.prepared.recipe, calibration=calibration, choice=choice)

    def __str__(self):
        return words.evaluation(self)


def evaluate(test_predictions, baseline, noise, settings):
    """Step 9: the network's test predictions back in the series' units (undifferenced and
    unscaled: preprocessing.in_real_units); then the network and every baseline scored on the
    same test targets in real units,
    the Diebold-Mariano test of the network against each baseline (squared errors with RMSE,
    absolute with MAE), the verdict against the best baseline, and 80 % and 95 % intervals
    with the share of test targets they hold (`calibrate_intervals`). Returns an Evaluation.
    """
    prepared, metric, cell = baseline.prepared, settings.metric, settings.cell
    look, test_origins = prepared.look, prepared.origins["test"]
    model_forecasts = preprocessing.in_real_units(
        test_predictions, look.values, test_origins, prepared.recipe
    )
    test_values = prepared.test_values
    results = {cell: baselines.score_forecasts(test_values, model_forecasts)}
    # Is each difference real? Only p < 0.05 earns a "beats" or a "loses to".
    dm_tests = significance.compare_with_baselines(
        test_values, model_forecasts, baseline.forecasts, metric
    )
    for name, forecast in baseline.forecasts.items():
        results[name] = {**baselines.score_forecasts(test_values, forecast), "dm": dm_tests[name]}
    results["linear"]["penalty"] = float(baseline.ridge.alpha)
    for name, form in baseline.chosen.items():
        results[name]["chosen"] = form  # e.g. "ETS(M,A,M)"
    best = min(baseline.forecasts, key=lambda name: results[name][metric])
    verdict, _ = significance.verdict(
        cell, best, results[cell][metric], results[best][metric], dm_tests[best]
    )
    final = choose_final(baseline, model_forecasts, settings)
    return Evaluation(model_forecasts, baseline, noise, results, verdict, final, settings)


@dataclass(frozen=True)
class Final:
    """Step 9: the forecast the run stands behind: a weighted average of the network, ETS,
    Theta, ARIMA and seasonal naive, each step ahead weighted by how well each did at that step
    on the validation origins (the later half of the part before the test; every member fitted
    only on what came before them). Its intervals are calibrated on its own validation errors."""

    kind: str  # "weighted combination", or the network's name when it is the only member
    forecasts: np.ndarray  # the test forecasts, real units, shaped like the test values
    validation: dict  # {member: validation score (the case's metric), pooled over steps}
    weights: dict  # {member: [weight at step 1, ..., step H]}, each step's summing to 1
    scores: dict  # {"rmse", "mae", "baseline": the best single baseline, "dm": against it}
    # metrics.json's `intervals` block, with "final" (the half-widths after the file's last
    # date) and "test_half_widths" ({"80": (origins, H), ...}) besides
    intervals: dict

    def __str__(self):
        return words.final(self)


def step_scores(members, actual, filled, metric):
    """Each member's validation score at each step ahead and pooled over the steps.
    members: {name: validation forecasts}, shaped like `actual`; filled targets are not
    scored. Returns ({name: (H,) scores}, {name: score pooled over steps})."""
    columns = np.reshape(actual, (len(actual), -1))
    keep = ~np.reshape(filled, columns.shape)
    to_score = np.sqrt if metric == "rmse" else float  # a mean loss -> RMSE or MAE
    by_step, pooled = {}, {}
    for name, forecasts in members.items():
        errors = np.reshape(forecasts, columns.shape) - columns
        losses = errors**2 if metric == "rmse" else np.abs(errors)
        steps = range(columns.shape[1])
        by_step[name] = np.array([to_score(np.mean(losses[keep[:, h], h])) for h in steps])
        pooled[name] = float(to_score(np.mean(losses[keep])))
    return by_step, pooled


def weights_from_scores(by_step):
    """Bates and Granger's weights, one set per step ahead: each member's weight at step h is
    1 / (its validation score at h)^2, scaled so the weights at h sum to 1 (the member with
    half the error gets four times the weight). A forecast of several steps moves each weight
    halfway to equal weights (SEVERAL_STEPS_SHRINK): its paths overlap, so the validation part
    holds fewer independent errors and the weights are less sure. The equal share goes only
    to the members whose error at h is within FAR_BEHIND times the best: a member that failed
    on this series keeps its own small weight.
    One step ahead, seasonal naive gets no weight (ONE_STEP_LEFT_OUT).
    by_step: {name: (H,) validation scores}. Returns {name: (H,) weights}."""
    inverse = {name: 1 / np.maximum(each, 1e-12) ** 2 for name, each in by_step.items()}
    one_step = len(next(iter(by_step.values()))) == 1
    if one_step:  # seasonal naive ignores the last values: no weight one step ahead
        inverse = {name: each * (name not in ONE_STEP_LEFT_OUT) for name, each in inverse.items()}
    total = sum(inverse.values())
    weights = {name: each / total for name, each in inverse.items()}
    if not one_step:  # several steps ahead: halfway to equal weights
        best = np.min(list(by_step.values()), axis=0)  # (H,)
        close = {name: each <= FAR_BEHIND * best for name, each in by_step.items()}
        shrink, count = SEVERAL_STEPS_SHRINK, sum(close.values())  # (H,) members close
        weights = {
            name: (1 - shrink) * each + shrink * close[name] / count
            for name, each in weights.items()
        }
    return weights


def combination_weights(members, actual, filled, metric):
    """The final forecast's weights from the members' validation forecasts (`step_scores`,
    then `weights_from_scores`). Returns ({name: (H,) weights}, {name: score pooled over
    steps})."""
    by_step, pooled = step_scores(members, actual, filled, metric)
    return weights_from_scores(by_step), pooled


def final_members(baseline, model_forecasts, cell):
    """The final forecast's members: ({name: forecasts from the validation origins}, {name:
    test forecasts}), the network (named `cell`) first, then the references and seasonal naive
    where the series has them. On validation the network is its linear path (Step 6)."""
    on_validation = baseline.validation[1]
    members = {cell: on_validation["linear"], **baseline.references.validation}
    if "seasonal_naive" in on_validation and "seasonal_naive" in baseline.forecasts:
        members["seasonal_naive"] = on_validation["seasonal_naive"]
    others = {name: baseline.forecasts[name] for name in members if name != cell}
    return members, {cell: model_forecasts, **others}


def choose_final(baseline, model_forecasts, settings):
    """Step 9: the final forecast (`Final`): the members' test forecasts weighted by
    `combination_weights`, scored on the test part against the best single baseline, with its
    intervals (`calibrate_intervals`)."""
    prepared, metric, cell = baseline.prepared, settings.metric, settings.cell
    look, horizon = prepared.look, prepared.recipe.horizon
    origins, _, train_errors = baseline.validation
    members, on_test = final_members(baseline, model_forecasts, cell)
    actual = windows.target_paths(look.values, origins, horizon)
    filled_dates = look.series.frame.index.isin(look.series.filled_dates)
    filled = windows.target_paths(filled_dates, origins, horizon)
    weights, validation = combination_weights(members, actual, filled, metric)
    forecasts = classical.weighted(on_test, weights)
    errors = preprocessing.errors_on_model_scale(
        classical.weighted(members, weights), actual, prepared.recipe
    )
    errors = np.reshape(np.where(filled, np.nan, errors), (len(origins), -1))
    single = [name for name in baseline.forecasts if name != "combination"]
    best = min(single, key=lambda name: baseline.scores[name])
    scores = baselines.score_forecasts(prepared.test_values, forecasts)
    dm = significance.compare_with_baselines(
        prepared.test_values, forecasts, {best: baseline.forecasts[best]}, metric
    )[best]
    scores = {**scores, "metric": metric, "score": scores[metric], "baseline": best, "dm": dm}
    scores["best_score"] = baseline.scores[best]
    block, half_widths = calibrate_intervals(prepared, (errors, train_errors), forecasts)
    block = {**block, "test_half_widths": half_widths}
    kind = "weighted combination" if len(members) > 1 else cell
    weights = {name: each.tolist() for name, each in weights.items()}
    return Final(kind, forecasts, validation, weights, scores, block)


def validation_forecasts(prepared, ridge):
    """The validation origins (n,); forecasts from them (real units, shaped like their
    targets): the linear path's, out of sample ("linear"), and seasonal naive's where the
    series has a season; and the ridge's own training errors, (origins, H) on the model's scale
    (each step's scale where steps are pooled).

    Every origin before the test part is forecast by the `linear` path (the ridge the network
    starts from, penalty `ridge.alpha`) refitted on rolling-origin folds, each fold on the
    origins whose targets all lie before it. No fit and no early stopping saw these errors;
    the window, the differencing and the penalty were chosen on the same part, so they are
    honest about the fits, not about those choices. Filled targets give no error (NaN).
    """
    look, recipe = prepared.look, prepared.recipe
    horizon = recipe.horizon
    first_origin = sum(recipe.differencing_lags) + recipe.window
    before_test = np.arange(first_origin, look.test_start - horizon + 1)
    scaled = prepared.scaled
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
    origins = before_test[positions]
    forecasts = {"linear": preprocessing.in_real_units(forecasts, look.values, origins, recipe)}
    if look.season:
        seasonal = baselines.seasonal_naive(look.values, origins, look.season, horizon)
        if seasonal is not None:
            forecasts["seasonal_naive"] = seasonal
    fitted = before_test[: positions[0]]  # the origins the first fold's ridge was fitted on
    predictions = baselines.predict_linear(ridge, all_windows[: positions[0]])
    return origins, forecasts, model_scale_errors(prepared, predictions, fitted)


def model_scale_errors(prepared, predictions, origins):
    """Scaled predictions from `origins` -> forecast minus actual, (origins, H), on the
    target's scale (its units; on the log scale, the log of forecast / actual)."""
    values, recipe = prepared.look.values, prepared.recipe
    forecasts = preprocessing.in_real_units(predictions, values, origins, recipe)
    actuals = windows.target_paths(values, origins, recipe.horizon)
    errors = preprocessing.errors_on_model_scale(forecasts, actuals, recipe)
    return np.reshape(errors, (len(origins), -1))


def calibrate_intervals(prepared, errors, model_forecasts):
    """Step 9: 80 % and 95 % intervals, calibrated on honest errors (`validation_forecasts`) and
    adapted along the test part: walking the test part origin by origin, each step's level
    follows the misses already known (adaptive conformal inference, common/intervals.py).

    Its "warning" is the line Step 10 prints when the test part's coverage, counted over the
    origins, rules out a promised level (`intervals.coverage_check`), else None.
    Returns (the `intervals` block of metrics.json, with the half-widths for the forecasts
    after the file's last date in "final"; the test half-widths {"80": (origins, H), ...}).
    """
    test_origins = prepared.origins["test"]
    test_errors = preprocessing.errors_on_model_scale(
        model_forecasts, prepared.test_values, prepared.recipe
    )
    test_errors = np.reshape(test_errors, (len(test_origins), -1))
    errors, train_errors = errors  # (the final forecast's validation errors, the ridge's own)
    walk = intervals.adaptive_walk(errors, test_errors, test_origins, scale_errors=train_errors)
    method = (
        f"conformal, {walk['method']}, on {walk['calibration_errors']} out-of-sample errors per "
        "step of the final forecast's on the validation origins, adapted along the test part "
        f"(adaptive conformal inference, step {intervals.STEP})"
    )
    coverage = intervals.coverage(test_errors, walk["half_widths"])
    block = {  # the half-widths at the first test origin (before any test target is known), and
        level: {  # after the file's last date
            **coverage[level],
            "first_half_widths": walk["half_widths"][level][0].tolist(),
            "half_widths": walk["final"][level],
        }
        for level in coverage
    }
    check = intervals.coverage_check(test_errors, walk["half_widths"])
    counted_in = "origins" if prepared.recipe.horizon > 1 else prepared.look.series.step.units
    block.update(
        method=method,
        pooling=walk["method"],
        calibration_errors=walk["calibration_errors"],
        scale=prepared.recipe.target_scale,  # "log": half-widths are logs of ratios
        warning=words.interval_warning(check, counted_in),
    )
    return {**block, "final": walk["final"]}, walk["half_widths"]


@dataclass(frozen=True)
class NextForecasts:
    """Step 10: the H values after the file's last date, with their intervals, and the warning
    when the test part showed the intervals do not hold what they promise."""

    forecasts: list  # one dict per step: {"date", "value", "lower80", "upper80", ...}
    target: str
    warning: str = None  # Step 9's line, e.g. "warning: on the test part the 80 % ..."; None

    def __str__(self):
        return "\n".join(ahead.describe_forecasts(self.forecasts, self.target, self.warning))


def forecast_next(model, evaluation):
    """Step 10: the H values after the file's last date, with their intervals. The recipe
    carries the intervals Step 9 calibrated, and its warning. Returns a NextForecasts."""
    series, recipe = evaluation.prepared.look.series, evaluation.recipe
    network = preprocessing.forecast_ahead(model, recipe, series.frame)
    following = {name: fit.following for name, fit in evaluation.baseline.references.fits.items()}
    look = evaluation.prepared.look
    following["seasonal_naive"] = classical.seasonal_following(look.values, look.season, recipe)
    forecasts = classical.final_following(network, following, recipe, evaluation.settings.cell)
    return NextForecasts(forecasts, series.target, recipe.interval_warning)


@dataclass(frozen=True)
class Run:
    """What one run learned. metrics.json, the plots and the list of files are made from it."""

    evaluation: Evaluation  # Step 9, linked to Steps 1-6 (prepared, look, series, baselines)
    history: object  # Keras' History from fit()
    plan: Plan  # Step 8: the budget
    kept: training.Kept  # Step 8: which weights were kept, and why
    next_forecasts: NextForecasts  # Step 10


def save(start, model, trained, evaluation, next_forecasts):
    """Step 11: the plots, model.keras, preprocessing.json, history.csv and metrics.json, each
    written atomically (a Ctrl-C never leaves half a file). --show opens the plots at the end.

    trained: (history, plan, kept), Step 8's records. Returns (the metrics.json dict, the
    lines that name each file written).
    """
    run = Run(evaluation, *trained, next_forecasts)
    run_files.save_plots(start.output_dir, run)
    metrics = run_files.metrics(run, start, model.count_params())
    written = run_files.save(start.output_dir, model, run, metrics)
    plots.show(start.show)
    return metrics, format_written(start.output_dir, written)
