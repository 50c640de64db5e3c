"""Forecasting several steps ahead: the tables a run prints, and `--forecast`.

The forecasting cases forecast H steps at once from each origin (a direct multi-output head:
one output per step, all read from the same window). On the test part every origin whose H
targets all lie in it is scored ("rolling forecast origins"), step by step.
"""

import types
from dataclasses import dataclass
from pathlib import Path

from common import classical, preprocessing
from common.machinery import frequencies
from common.machinery import series as series_io
from common.machinery.errors import UsageError
from common.report import decimals_for

import keras


def describe_forecasts(forecasts, target, warning=None):
    """Lines for the next H values: date, value and the 80 % and 95 % intervals; then the
    `warning` line, if any (the test part's coverage ruled out a promised level)."""
    lines = []
    places = decimals_for([entry["value"] for entry in forecasts])
    for entry in forecasts:
        line = f"   {target} in {entry['date']}: {entry['value']:.{places}f}"
        if "lower80" in entry:
            line += (
                f"   80%: {entry['lower80']:.{places}f} to {entry['upper80']:.{places}f}"
                f"   95%: {entry['lower95']:.{places}f} to {entry['upper95']:.{places}f}"
            )
        lines.append(line)
    same = [
        entry["date"]
        for entry in forecasts
        if "lower80" in entry
        and (entry["lower80"], entry["upper80"]) == (entry["lower95"], entry["upper95"])
    ]
    if same:  # both levels at the largest validation error (intervals.quantile_of_sorted)
        lines.append(
            f"   note: in {len(same)} of {len(forecasts)} steps (first {same[0]}) the 80 % and "
            "95 % intervals are the same. The test part's misses widened both to the largest "
            "error seen on validation, as wide as these intervals can get."
        )
    if warning:
        lines.append(f"   {warning}")
    return lines


def load_trained(output_dir, case):
    """model.keras and preprocessing.json a training run saved in `output_dir`."""
    model_path = Path(output_dir) / "model.keras"
    recipe_path = Path(output_dir) / "preprocessing.json"
    if not model_path.exists() or not recipe_path.exists():
        raise UsageError(
            f"no trained model in {output_dir} (model.keras and preprocessing.json): train first "
            f"with `python {case}.py --output-dir {output_dir}` (without --forecast), then ask "
            "again"
        )
    return keras.saving.load_model(model_path), preprocessing.Preprocessing.load(recipe_path)


def read_for_forecast(args, settings, recipe):
    """--forecast: the series to forecast from (--data, or the embedded file), read with the
    saved model's target and inputs. A usage error when --horizon asks for another H than the
    model's, or when the embedded file (read because --data is missing) lacks its columns."""
    if args.horizon not in (1, recipe.horizon):  # 1: the default, the model's own H is used
        raise UsageError(
            f"the model in {args.output_dir} forecasts {recipe.horizon} step(s) at once (it was "
            f"trained with --horizon {recipe.horizon}), and --forecast prints them all: leave "
            f"out --horizon, or train a model with --horizon {args.horizon}"
        )
    loading = types.SimpleNamespace(
        **{
            **vars(args),
            "target": args.target or recipe.target,
            "inputs": args.inputs if args.inputs is not None else recipe.inputs,
        }
    )
    try:
        return series_io.load_case_series(
            loading, settings.embedded.path, settings.embedded.target, recipe.inputs
        )
    except UsageError as error:
        if args.data is not None:
            raise
        raise UsageError(
            f"--forecast without --data reads the embedded file {settings.embedded.path.name}, "
            f"and there {error}: give the file the model was trained on with --data"
        ) from None


def forecast_only(args, settings):
    """--forecast: the next H values and their intervals from the saved model; train nothing.
    Returns a SavedForecasts (print it to see them).

    The file (--data or the embedded one) may have gained rows since training: the forecast
    starts after its last date. The target and inputs are the ones the model was trained on.
    """
    model, recipe = load_trained(args.output_dir, settings.case)
    series = read_for_forecast(args, settings, recipe)
    data_path = series.path
    if series.target != recipe.target or list(series.inputs) != list(recipe.inputs):
        raise UsageError(
            f"the model in {args.output_dir} forecasts {recipe.target!r} from "
            f"{[recipe.target, *recipe.inputs]}; {data_path} gives {series.target!r} from "
            f"{[series.target, *series.inputs]}"
        )
    if series.frequency != recipe.frequency:
        alias = frequencies.by_name(recipe.frequency).alias
        raise UsageError(
            f"the model in {args.output_dir} forecasts {recipe.frequency} data; "
            f"{data_path} is {series.frequency} (--resample {alias} averages a finer record to "
            "the model's step, as in training)"
        )
    needed = recipe.window + sum(recipe.differencing_lags)
    if len(series.frame) < needed:
        raise UsageError(
            f"{data_path} has {len(series.frame)} rows: the model needs the last {needed}"
        )
    forecasts = preprocessing.forecast_ahead(model, recipe, series.frame)
    combined = classical.combined_members(recipe, settings.cell) is not None
    if combined:  # the final forecast weighs the references and seasonal naive in
        following = classical.following_on_file(series.frame, recipe)
        forecasts = classical.final_following(forecasts, following, recipe, settings.cell)
    heading = (
        f"The next {recipe.horizon} value(s) of {recipe.target} after "
        f"{preprocessing.format_date(series.frame.index[-1], recipe.frequency)} "
        f"({data_path.name}), with intervals from {args.output_dir}:"
    )
    if combined:
        heading += (
            "\n(the final forecast: the network, the references and seasonal naive weighted as "
            "on validation in training)"
        )
    return SavedForecasts(forecasts, recipe.target, heading, recipe.interval_warning)


@dataclass(frozen=True)
class SavedForecasts:
    """--forecast: the next H values from the saved model, and where they come from."""

    forecasts: list  # one dict per step: {"date", "value", "lower80", "upper80", ...}
    target: str
    heading: str
    warning: str = None  # the training run's line on its intervals (preprocessing.json); None

    def __str__(self):
        lines = describe_forecasts(self.forecasts, self.target, self.warning)
        return "\n".join([self.heading, *lines])
