"""Turn a raw series into model inputs and model outputs back into real units.

Everything here is fitted on the training part only and saved to `preprocessing.json`, so that
`model.keras` plus that file forecast in real units without the case script:

    recipe = Preprocessing.load("outputs/case8_2_lstm/preprocessing.json")
    model = keras.saving.load_model("outputs/case8_2_lstm/model.keras")
    forecasts = forecast_ahead(model, recipe, load_series(...).frame)  # [{"date", "value", ...}]

Differencing (the lesson of case 8-2): a network fed the scaled *level* of a trending series
meets test values larger than any it was trained on, and cannot extrapolate. Forecasting the
change instead removes the trend; the seasonal difference y[t] - y[t-12] removes the yearly
pattern. With lags [12, 1] the model forecasts
    z[t] = (y[t] - y[t-12]) - (y[t-1] - y[t-13])
and the forecast in real units is y[t] = z[t] + y[t-1] + y[t-12] - y[t-13].
"""

import dataclasses
import json
from dataclasses import asdict, dataclass, field

from common.machinery import frequencies
from common.machinery.artifacts import write_text

import keras
import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler


@dataclass(frozen=True)
class Columns:
    """What the model reads at each step: the target, the other measured columns, and the sin
    and cos of the calendar cycles."""

    target: str  # column forecast
    inputs: list  # other measured columns fed beside the target
    frequency: str  # the step's name in machinery/frequencies.py: "daily", "monthly", "hourly", ...
    # The calendar cycles read ("day", "week", "year"); None: the step's table (files saved
    # before the cycles were recorded).
    calendar_cycles: list = None
    # The target's scale: "levels" (as in the file) or "log" (its logarithm, chosen on the
    # validation part when every value is positive: swings that grow with the level become
    # swings of one size). Files saved before the choice existed are on "levels".
    target_scale: str = "levels"


@dataclass(frozen=True)
class Scaling:
    """StandardScaler statistics of the training part, one per feature (column)."""

    names: list = field(default_factory=list)
    mean: list = field(default_factory=list)
    scale: list = field(default_factory=list)


@dataclass(frozen=True)
class Calibration:
    """Prediction intervals: for each level ("80", "95"), the half-width at each step h in real
    units (common/intervals.py), and how they were calibrated."""

    half_widths: dict = field(default_factory=dict)
    method: str = ""
    # The line --forecast repeats when the test part ruled out a promised level (None: it did
    # not, or the file was written before the warning existed).
    warning: str = None


# preprocessing.json keeps one flat object (the fields below, as files have always had them)
FLAT_FIELDS = {
    "columns": {
        "target": "target",
        "inputs": "inputs",
        "frequency": "frequency",
        "calendar_cycles": "calendar_cycles",
        "target_scale": "target_scale",
    },
    "scaling": {"feature_names": "names", "feature_mean": "mean", "feature_scale": "scale"},
    "calibration": {
        "intervals": "half_widths",
        "interval_method": "method",
        "interval_warning": "warning",
    },
}
GROUPS = {"columns": Columns, "scaling": Scaling, "calibration": Calibration}


@dataclass(frozen=True)
class Preprocessing:
    """What turns raw history into the model's input, and its output back into real units.

    Frozen: a step that learns something (the scaling, the intervals) makes a new one with
    `dataclasses.replace`, and the case assigns it where the learner sees it."""

    window: int  # input steps per forecast
    columns: Columns  # what the model reads at each step
    differencing_lags: list  # e.g. [12, 1]: seasonal then first difference; [] = none
    horizon: int = 1  # steps forecast at once from each origin
    # How the differencing was chosen: {"differencing": "seasonal", "validation_rmse": {...}}
    choice: dict = field(default_factory=dict)
    scaling: Scaling = Scaling()  # the training part's statistics
    calibration: Calibration = Calibration()  # the intervals after the file's last date

    target = property(lambda self: self.columns.target)
    inputs = property(lambda self: self.columns.inputs)
    frequency = property(lambda self: self.columns.frequency)
    target_scale = property(lambda self: self.columns.target_scale)
    differencing = property(lambda self: self.choice.get("differencing", ""))
    validation_rmse = property(lambda self: self.choice.get("validation_rmse", {}))
    feature_names = property(lambda self: self.scaling.names)
    feature_mean = property(lambda self: self.scaling.mean)
    feature_scale = property(lambda self: self.scaling.scale)
    intervals = property(lambda self: self.calibration.half_widths)
    interval_method = property(lambda self: self.calibration.method)
    interval_warning = property(lambda self: self.calibration.warning)

    @property
    def cycles(self):
        """The calendar cycles the model reads as sin/cos pairs ("day", "week", "year")."""
        if self.columns.calendar_cycles is None:
            return tuple(frequencies.by_name(self.frequency).calendar)
        return tuple(self.columns.calendar_cycles)

    def flat(self):
        """The recipe as preprocessing.json holds it: one flat object."""
        flat = {"window": self.window, "differencing_lags": self.differencing_lags}
        for group, names in FLAT_FIELDS.items():
            values = asdict(getattr(self, group))
            flat.update({name: values[inner] for name, inner in names.items()})
        flat.update(horizon=self.horizon, calendar_features=bool(self.cycles), **self.choice)
        return flat

    def save(self, path):
        return write_text(path, json.dumps(self.flat(), indent=2) + "\n")

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as file:
            flat = json.load(file)
        groups = {
            group: GROUPS[group](
                **{inner: flat[name] for name, inner in names.items() if name in flat}
            )
            for group, names in FLAT_FIELDS.items()
        }
        if not flat.get("calendar_features", True):  # written before the cycles were recorded
            groups["columns"] = dataclasses.replace(groups["columns"], calendar_cycles=[])
        kept = ("differencing", "validation_rmse", "final")
        choice = {key: flat[key] for key in kept if key in flat}
        lags, horizon = flat["differencing_lags"], flat.get("horizon", 1)
        return cls(
            flat["window"],
            groups["columns"],
            lags,
            horizon,
            choice,
            **{group: groups[group] for group in ("scaling", "calibration")},
        )


def on_model_scale(values, recipe):
    """The target as the model learns it: its logarithm on the log scale, else as it is."""
    values = np.asarray(values, dtype=float)
    if recipe.target_scale == "log":
        with np.errstate(divide="ignore", invalid="ignore"):  # a gap (NaN) stays NaN
            return np.log(values)
    return values


def from_model_scale(values, recipe):
    """Back from the model's scale to the series' units (exp on the log scale)."""
    values = np.asarray(values, dtype=float)
    return np.exp(values) if recipe.target_scale == "log" else values


def bounds(forecasts, half_widths, recipe):
    """(lower, upper) in real units: forecast -/+ half-width on the model's scale, turned back.
    On the log scale an interval is a ratio (e.g. x 0.95 to x 1.05): it widens with the level."""
    centre = on_model_scale(forecasts, recipe)
    half_widths = np.asarray(half_widths, dtype=float)
    return from_model_scale(centre - half_widths, recipe), from_model_scale(
        centre + half_widths, recipe
    )


def errors_on_model_scale(forecasts, actuals, recipe):
    """forecast - actual on the model's scale: in the series' units, or log(forecast / actual)
    on the log scale (where the intervals are calibrated)."""
    return on_model_scale(forecasts, recipe) - on_model_scale(actuals, recipe)


def difference_coefficients(lags):
    """Coefficients c_k of prod(1 - B^lag): z[t] = sum_k c_k * y[t-k].

    [12, 1] -> {0: 1, 1: -1, 12: -1, 13: 1}
    """
    coefficients = {0: 1.0}
    for lag in lags:
        product = dict(coefficients)
        for k, c in coefficients.items():
            product[k + lag] = product.get(k + lag, 0.0) - c
        coefficients = {k: c for k, c in product.items() if c != 0}
    return coefficients


def difference(values, lags):
    """z[t] = sum_k c_k y[t-k]; the first sum(lags) steps are NaN (not enough history)."""
    values = np.asarray(values, dtype=float)
    differenced = np.full_like(values, np.nan)
    span = sum(lags)
    for k, c in difference_coefficients(lags).items():
        differenced[span:] = (
            np.nan_to_num(differenced[span:]) + c * values[span - k : len(values) - k]
        )
    return differenced


def undifference(changes, values, steps, lags):
    """Real-unit forecasts y[t] = z[t] - sum_{k>0} c_k y[t-k] for each t in `steps`.

    changes: forecasts of z at those steps;
    values: the observed series (only steps before t are used).
    """
    values = np.asarray(values, dtype=float)
    steps = np.asarray(steps)
    levels = np.asarray(changes, dtype=float).copy()
    for k, c in difference_coefficients(lags).items():
        if k > 0:
            levels -= c * values[steps - k]
    return levels


def undifference_paths(changes, values, origins, lags):
    """Real-unit paths from H forecast changes per origin, undifferenced step by step.

    changes: (origins, H) forecasts of z at t, t + 1, ..., t + H - 1 for each origin t;
    values: the observed series; only values before each origin are used.
    The forecast at t + h needs y at t + h - k for every lag k; a position at or after the
    origin is not known at the origin, so the path's own earlier forecast stands in for it.
    Zero changes with lags [12, 1] give y[t-1] + y[t+h-12] - y[t-13] for h < 12: last year's
    change held (the `last_year_change` baseline over H steps).
    Returns (origins, H) forecasts in the series' own units.
    """
    values = np.asarray(values, dtype=float)
    changes = np.asarray(changes, dtype=float)
    coefficients = [(k, c) for k, c in difference_coefficients(lags).items() if k > 0]
    paths = np.empty_like(changes)
    for row, origin in enumerate(np.asarray(origins)):
        path = paths[row]
        for h in range(changes.shape[1]):
            level = changes[row, h]
            for k, c in coefficients:
                earlier = h - k  # position of y[t + h - k] along the path; < 0: observed
                level -= c * (path[earlier] if earlier >= 0 else values[origin + earlier])
            path[h] = level
    return paths


def calendar_columns(dates, cycles):
    """(steps, 2 * cycles) array: sin and cos of the position in each calendar cycle (daily:
    the year, so December sits next to January; hourly: the day, the week and the year;
    monthly: none)."""
    return frequencies.calendar_columns(dates, cycles)


def raw_features(frame, recipe):
    """Unscaled model inputs (steps, features): differenced measured columns, then calendar terms.

    Column 0 is the target's own (differenced) value, which is also what the model forecasts.
    """
    target = on_model_scale(frame[recipe.target].to_numpy(), recipe)
    measured = [
        difference(values, recipe.differencing_lags)
        for values in [target, *(frame[name].to_numpy() for name in recipe.inputs)]
    ]
    columns = np.column_stack(measured)
    if recipe.cycles:
        columns = np.column_stack([columns, calendar_columns(frame.index, recipe.cycles)])
    return columns


def feature_names(recipe):
    """Names of raw_features' columns, for traces and preprocessing.json."""
    prefix = "change of " if recipe.differencing_lags else ""
    target = f"log {recipe.target}" if recipe.target_scale == "log" else recipe.target
    names = [prefix + name for name in [target, *recipe.inputs]]
    return names + [f"{cycle}_{part}" for cycle in recipe.cycles for part in ("sin", "cos")]


def fit_scaling(recipe, training_features):
    """A StandardScaler fitted on the training part's features (NaNs ignored). Returns a new
    recipe that holds its statistics (`feature_mean`, `feature_scale`) and the features' names.

    training_features: (steps, features), the steps before the first test target only.
    """
    scaler = StandardScaler().fit(training_features)
    scaling = Scaling(feature_names(recipe), scaler.mean_.tolist(), scaler.scale_.tolist())
    return dataclasses.replace(recipe, scaling=scaling)


def prepare(frame, recipe, fitted_rows):
    """The model's inputs for every row of `frame`: (features, scaled, scaled_recipe).

    features: raw_features (rows, features) in real units and differenced (NaN where a row has
    too little history); scaled: the same standardised with the statistics of the first
    `fitted_rows` rows only (the part before the test targets); scaled_recipe: `recipe` with
    those statistics (`fit_scaling`).
    """
    features = raw_features(frame, recipe)
    scaled_recipe = fit_scaling(recipe, features[:fitted_rows])
    return features, scale(features, scaled_recipe), scaled_recipe


def scale(features, recipe):
    """Standardise with the training statistics: (x - mean) / scale."""
    return (features - np.asarray(recipe.feature_mean)) / np.asarray(recipe.feature_scale)


def to_real_units(predictions, values, steps, recipe):
    """Model outputs (scaled target feature) at `steps` -> forecasts in the series' own units."""
    changes = (
        np.asarray(predictions, dtype=float).reshape(-1) * recipe.feature_scale[0]
        + recipe.feature_mean[0]
    )
    values = on_model_scale(values, recipe)
    return from_model_scale(undifference(changes, values, steps, recipe.differencing_lags), recipe)


def paths_to_real_units(predictions, values, origins, recipe):
    """Model outputs (origins, H), scaled, from each origin -> (origins, H) in real units."""
    predictions = np.asarray(predictions, dtype=float).reshape(len(origins), -1)
    changes = predictions * recipe.feature_scale[0] + recipe.feature_mean[0]
    values = on_model_scale(values, recipe)
    paths = undifference_paths(changes, values, origins, recipe.differencing_lags)
    return from_model_scale(paths, recipe)


def in_real_units(predictions, values, origins, recipe):
    """Model outputs from each origin -> real units: (origins,) for one step ahead (then
    `origins` are the targets' positions), (origins, H) when the recipe forecasts H steps."""
    if recipe.horizon == 1:
        return to_real_units(predictions, values, origins, recipe)
    return paths_to_real_units(predictions, values, origins, recipe)


def next_dates(last_date, frequency, horizon):
    """The `horizon` steps after `last_date` (the next days, the first of the next months, the
    next business days, ...), for the step called `frequency`."""
    return frequencies.by_name(frequency).following(last_date, horizon)


def format_date(date, frequency):
    """A date as the step called `frequency` prints it: 2013-07, 2013-07-01, 2013Q3, ..."""
    return frequencies.by_name(frequency).label(date)


def forecast_ahead(model, recipe, frame):
    """Forecast the `recipe.horizon` periods after the last date of `frame`, in real units.

    Returns one dict per period: {"date", "value", "lower80", "upper80", "lower95", "upper95"}
    (the bounds when `recipe.intervals` holds the half-widths).
    """
    following = next_dates(frame.index[-1], recipe.frequency, recipe.horizon)
    extended = pd.concat(
        [
            frame,
            pd.DataFrame(index=pd.DatetimeIndex(following), columns=frame.columns, dtype=float),
        ]
    )
    features = scale(raw_features(extended, recipe), recipe)  # calendar terms known ahead
    origin = len(frame)  # position of the first new period
    window = features[origin - recipe.window : origin][None].astype("float32")  # (1, window, f)
    prediction = keras.ops.convert_to_numpy(model(window, training=False))  # (1, H), no retrace
    path = paths_to_real_units(prediction, frame[recipe.target].to_numpy(), [origin], recipe)[0]
    return with_intervals([format_date(date, recipe.frequency) for date in following], path, recipe)


def with_intervals(labels, path, recipe):
    """One dict per step: {"date", "value", "lower80", "upper80", "lower95", "upper95"}, the
    bounds from `recipe.intervals`' half-widths (none when it holds none)."""
    forecasts = []
    for h, (label, value) in enumerate(zip(labels, path, strict=True)):
        entry = {"date": label, "value": float(value)}
        for level, half_widths in recipe.intervals.items():
            lower, upper = bounds(value, half_widths[h], recipe)
            entry[f"lower{level}"], entry[f"upper{level}"] = float(lower), float(upper)
        forecasts.append(entry)
    return forecasts
