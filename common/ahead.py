"""Forecasting several steps ahead: the tables a run prints, and `--forecast`.

The forecasting cases forecast H steps at once from each origin (a direct multi-output head:
one output per step, all read from the same window). On the test part every origin whose H
targets all lie in it is scored ("rolling forecast origins"), step by step.
"""

import types
from pathlib import Path

from common import preprocessing, report
from common.machinery import frequencies
from common.machinery import series as series_io
from common.machinery.errors import UsageError

import keras


def describe_forecasts(forecasts, target):
    """Lines for the next H values: date, value and the 80 % and 95 % intervals."""
    lines = []
    places = report.decimals_for([entry["value"] for entry in forecasts])
    for entry in forecasts:
        line = f"   {target} in {entry['date']}: {entry['value']:.{places}f}"
        if "lower80" in entry:
            line += (
                f"   80%: {entry['lower80']:.{places}f} to {entry['upper80']:.{places}f}"
                f"   95%: {entry['lower95']:.{places}f} to {entry['upper95']:.{places}f}"
            )
        lines.append(line)
    return lines


def print_by_horizon(results, metric, title):
    """One row per model, one column per step h: the `metric` over the origins."""
    table = {
        name: {
            **{f"h={step['h']}": step[metric] for step in scores["by_horizon"]},
            "pooled": scores[metric],
        }
        for name, scores in results.items()
    }
    columns = list(next(iter(table.values())))
    report.results_table(table, columns, title)


def print_coverage(coverage, method, origins):
    """The test part's coverage of the 80 % and 95 % intervals, per step and pooled."""
    table = {
        f"{level}% interval": {
            **{f"h={h + 1}": share for h, share in enumerate(result["by_horizon"])},
            "pooled": result["coverage"],
            "CI low": result["coverage_interval"][0],
            "CI high": result["coverage_interval"][1],
        }
        for level, result in coverage.items()
    }
    columns = list(next(iter(table.values())))
    report.results_table(
        table,
        columns,
        f"Share of test values inside the intervals (over {origins} origins; nominal 0.80 and "
        "0.95; CI: the pooled share's binomial 95 % interval)",
    )
    print(f"   intervals: {method}")


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


def forecast_only(args, settings):
    """--forecast: the next H values and their intervals from the saved model; train nothing.

    The file (--data or the embedded one) may have gained rows since training: the forecast
    starts after its last date. The target and inputs are the ones the model was trained on.
    """
    model, recipe = load_trained(args.output_dir, settings.case)
    loading = types.SimpleNamespace(**vars(args))
    loading.target = args.target or recipe.target
    loading.inputs = args.inputs if args.inputs is not None else recipe.inputs
    series = series_io.load_case_series(
        loading, settings.embedded_data, settings.embedded_target, recipe.inputs
    )
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
    print(
        f"The next {recipe.horizon} value(s) of {recipe.target} after "
        f"{preprocessing.format_date(series.frame.index[-1], recipe.frequency)} "
        f"({data_path.name}), with intervals from {args.output_dir}:"
    )
    for line in describe_forecasts(forecasts, recipe.target):
        print(line)
    return forecasts
