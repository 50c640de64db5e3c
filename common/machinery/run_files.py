"""What a forecasting run writes into its output folder, made from its run record.

The plots (data.png, acf.png, history.png, forecast.png), model.keras, preprocessing.json,
history.csv and metrics.json (its fields: docs/PROTOCOL.md). Every file is written at the end
of the run, atomically. A learner never needs to step in here.
"""

import time
from pathlib import Path

from common import plots, selection, training, windows
from common.machinery.artifacts import (
    prepare_output_dir,
    save_model,
    write_history,
    write_json,
)

__all__ = ["prepare_output_dir", "save_plots", "metrics", "save", "ARTIFACTS"]

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


def save_plots(output_dir, run):
    """data.png, acf.png, history.png and forecast.png in `output_dir`."""
    output_dir = Path(output_dir)
    evaluation = run.evaluation
    look = evaluation.prepared.look
    series = look.series
    plots.series_overview(series.frame, series.target, series.step, output_dir / "data.png")
    noise = evaluation.noise
    plots.autocorrelation(
        noise.block["acf"], noise.samples, noise.block["ljung_box_p"], output_dir / "acf.png"
    )
    _, kept_epoch, _ = run.kept.epochs
    plots.history(
        run.history,
        output_dir / "history.png",
        kept_epoch=kept_epoch,
        start_value=run.plan.start_loss,
    )
    plot_forecasts(output_dir / "forecast.png", run)


def plot_forecasts(path, run):
    """forecast.png. One step ahead: the test part beside the whole series, with the network
    and its 80 % interval, the naive forecast (does the network only copy the last value?) and
    the baseline the verdict names. Several steps ahead: paths from the last test origins with
    their intervals, and the next H values."""
    evaluation = run.evaluation
    prepared, settings = evaluation.prepared, evaluation.settings
    series, test_origins = prepared.look.series, prepared.origins["test"]
    values, dates = prepared.look.values, series.frame.index
    if prepared.recipe.horizon > 1:
        return plots.forecast_paths(
            (dates, values, series.target),
            test_origins,
            evaluation.model_forecasts,
            evaluation.bounds,
            run.next_forecasts.forecasts,
            path,
        )
    baseline = evaluation.baseline.forecasts
    # When training's weights were dropped, the network is the linear path: its line hides
    # under `linear`'s, so the legend says why.
    network = settings.cell if run.kept.kept else f"{settings.cell} = linear: correction dropped"
    compared = {network: evaluation.model_forecasts, "naive": baseline["naive"]}
    compared[evaluation.verdict["baseline"]] = baseline[evaluation.verdict["baseline"]]
    band = [bound[:, 0] for bound in evaluation.bounds["80"]]  # (lower, upper) of each forecast
    return plots.forecast(
        (dates, values, series.target),
        test_origins,
        compared,
        path,
        band,
        settings.parts.recent_steps,
    )


def protocol(run):
    """metrics.json's `protocol` block: the choice, the test part and how it was scored."""
    evaluation = run.evaluation
    prepared = evaluation.prepared
    look, recipe, test_origins = prepared.look, prepared.recipe, prepared.origins["test"]
    rows, horizon = len(look.series.frame), recipe.horizon
    test_fraction = look.flags[1]
    test_points = windows.count_test_points(rows, look.window, test_fraction)
    scoreable = test_points - horizon + 1  # test origins before any is left out
    window_scores = recipe.validation_rmse
    block = {
        "window": recipe.window,
        "differencing": recipe.differencing,
        "target_scale": recipe.target_scale,
        "differencing_validation_rmse": window_scores[str(recipe.window)],
        "window_validation_rmse": {
            each: selection.lowest(scores) for each, scores in window_scores.items()
        },
        "test_fraction": test_fraction,
        "test_points": test_points,
        "scored_points": len(test_origins),
        "unscored_filled_targets": scoreable - len(test_origins),
        "horizon": horizon,
        "interval_method": evaluation.intervals["pooling"],
    }
    if horizon > 1:
        block["origins"] = len(test_origins)
    return block


def training_block(run, params, seed):
    """metrics.json's `training` block (its `total_seconds` is filled in by `metrics`).
    params: the model's weights counted; seed: --seed."""
    epochs_run, _, _ = run.kept.epochs
    return {
        "epochs_run": epochs_run,
        "batch_size": run.plan.batch_size,
        "max_epochs": run.plan.epochs,
        "kept_start": not run.kept.kept,
        "validation_blocks": run.kept.blocks,
        "kept_p": run.kept.p,
        "kept_by_earlier_rule": run.kept.earlier_rule,
        "seconds": round(run.plan.fit_seconds, 2),
        "params": params,
        "seed": seed,
    }


def final_block(final):
    """metrics.json's `final` block: the forecast the run stands behind (`kind`), its test
    scores, the test against the best single baseline, and every candidate's validation score."""
    scores = final.scores
    return {
        "kind": final.kind,
        "rmse": scores["rmse"],
        "mae": scores["mae"],
        **({"by_horizon": scores["by_horizon"]} if "by_horizon" in scores else {}),
        "baseline": scores["baseline"],
        "dm": scores["dm"],
        "validation": final.validation,
        "weights": final.weights,
    }


def metrics(run, start, params):
    """The metrics.json dict (docs/PROTOCOL.md), from the run record, the Start record and the
    model's count of weights."""
    evaluation = run.evaluation
    look, settings = evaluation.prepared.look, evaluation.settings
    series, cell, results = look.series, settings.cell, evaluation.results
    intervals = {
        key: value
        for key, value in evaluation.intervals.items()
        if key not in ("final", "test_half_widths")
    }
    return {
        "schema": 2,
        "case": settings.case,
        "data": {
            "path": str(series.path),
            "rows": len(series.frame),
            "embedded": series.embedded,
            "target": series.target,
            "frequency": series.frequency,
            "season": look.season,
        },
        "protocol": protocol(run),
        "model": {**results[cell], "kind": cell if run.kept.kept else "linear path"},
        "baselines": {name: scores for name, scores in results.items() if name != cell},
        "verdict": evaluation.verdict,
        "final": final_block(evaluation.final),
        "intervals": intervals,
        "diagnostics": {**evaluation.noise.block, "learned": evaluation.prepared.choice.learned},
        "next": run.next_forecasts.forecasts,
        "training": {
            **training_block(run, params, start.seed),
            "total_seconds": round(time.time() - start.started, 2),
        },
        "environment": training.environment(),
    }


def save(output_dir, model, run, metrics_block):
    """model.keras, preprocessing.json, history.csv and metrics.json, each written atomically.
    Returns the names of every file the run wrote, in order."""
    output_dir = Path(output_dir)
    save_model(output_dir / "model.keras", model)
    run.evaluation.recipe.save(output_dir / "preprocessing.json")
    write_history(output_dir / "history.csv", run.history)
    write_json(output_dir / "metrics.json", metrics_block)
    return ARTIFACTS
