"""The words of the forecasting cases: each step's record as the lines a run prints.

Each function takes one record of common/forecasting.py and returns text; the case prints it
with `print(record)`. Nothing here computes a result.
"""

from common import diagnostics, selection, significance
from common.machinery import frequencies
from common.report import decimals_for, format_table

import numpy as np


def indent(lines):
    """The lines of a step, indented under its heading."""
    return "\n".join(f"   {line}" for line in lines)


def season_lines(look):
    """Step 2's lines on the season (and, for records finer than 5 minutes, --resample)."""
    series, season, given = look.series, look.season, look.flags[0]
    step = series.step
    if not season:
        lines = [
            f"season: none for {series.frequency} data (no seasonal naive, no seasonal "
            "differencing; --season N gives one)"
        ]
    elif given:
        lines = [f"season: {season} {step.units} (--season)"]
    elif season != step.season:
        lines = [
            f"season: {season} {step.units}, a week: the {look.test_start} {step.units} before "
            f"the test part hold less than two years ({2 * step.season})"
        ]
    else:
        lines = [f"season: {season} {step.units} (seasonal naive's lag, the seasonal difference)"]
    if step.name.endswith("-minute") and step.season > frequencies.LONGEST_MINUTE_WINDOW:
        lines.append(
            f"a day is {step.season} {step.units}; windows stop at {step.window_choices[-1]}: "
            "--resample 5min (or 1h) averages the record to fewer, longer steps"
        )
    return lines


def look(record):
    """Step 2: where the test part starts, the season, and a warning when the window leaves
    few windows to fit on."""
    series, test_start, window = record.series, record.test_start, record.window
    steps = series.step.units
    test_points = len(series.frame) - test_start
    first_test = series.step.label(series.frame.index[test_start])
    lines = [
        f"test part: the last {test_points} {steps} ({first_test} onwards); "
        f"everything is fitted on the {test_start} {steps} before",
        *season_lines(record),
    ]
    if test_start - window < 2 * window:
        lines.append(
            f"warning: window {window} leaves {test_start - window} windows to fit on, fewer "
            f"than twice the {window} {steps} each holds: the model has about as many weights "
            "as examples; a smaller --window gives more windows"
        )
    return indent(lines)


def choice(record):
    """Step 4: every candidate's validation score, the one used, and the noise check of what
    the network learns."""
    recipe, (window_given, differencing_given, scale_given) = record.recipe, record.forced
    log = recipe.target_scale == "log"
    chosen = (selection.LOG if log else "") + recipe.differencing
    lines = selection.describe_pairs(
        record.scores, recipe.window, chosen, window_given, differencing_given
    )
    scored = {name for by_choice in record.scores.values() for name in by_choice}
    if not any(name.startswith(selection.LOG) for name in scored):
        lines.append("the log scale is not offered: it needs every value before the test above 0")
    if scale_given:
        lines.append(f"--scale {recipe.target_scale} forces the scale")
    elif log:
        lines.append(
            f"the network learns the log of {recipe.target}: its swings grow with its level, "
            "and on the log scale they keep one size"
        )
    lines.append(diagnostics.explain_learned(record.learned, f"the {chosen} series"))
    return indent(lines)


def prepared(record):
    """Step 5: how many windows each part has, the check block, and unscored filled targets."""
    origins, recipe = record.origins, record.recipe
    steps = record.look.series.step.units
    horizon, test = recipe.horizon, len(origins["test"])
    lines = []
    if len(origins["check"]) == 0:
        lines.append(
            f"{len(origins['validation'])} validation origins: too few to set a check block "
            f"apart ({horizon - 1} would be left out between them); training's weights are "
            "judged on the validation part's three blocks"
        )
    if horizon > 1:
        lines.append(
            f"each window forecasts the next {horizon} {steps} at once; the test part is "
            f"scored from {test} origins (every one whose {horizon} {steps} all lie in it)"
        )
    test_points = len(record.look.series.frame) - record.look.test_start
    if record.filled and horizon == 1:
        lines.append(
            f"{record.filled} test target(s) were filled (gaps in the file) and are not "
            f"scored: {test} of {test_points} {steps} are"
        )
    elif record.filled:
        lines.append(
            f"{record.filled} test origin(s) have a filled target (a gap in the file) and "
            f"are not scored: {test} are"
        )
    lines.append(
        f"windows: {len(origins['train'])} train, {len(origins['validation'])} validation, "
        f"{len(origins['check'])} check, {test} test; each {recipe.window} {steps} x "
        f"{recipe.feature_names}"
    )
    return indent(lines)


def baselines(record):
    """Step 6: each baseline's score on the test targets (with the form each classical
    reference chose), then a note for each classical reference left out."""
    metric, units, horizon = record.labels
    over = f", pooled over {horizon} steps ahead" if horizon > 1 else ""
    places = decimals_for(list(record.scores.values()))
    lines = [
        f"{name:17s} {metric.upper()} {score:.{places}f} ({units}{over})"
        + (f" {record.chosen[name]}" if name in record.chosen else "")
        for name, score in record.scores.items()
    ]
    lines += [f"note: {name} left out: {why}" for name, why in record.left_out.items()]
    return indent(lines)


def plan(record):
    """Step 8: the budget, and the shapes of the first batch the model reads."""
    first_windows, first_targets = record.first_batch
    return (
        f"   {record.device}\n"
        f"   {record.epochs} epochs at most, patience {record.patience}; one batch of "
        f"{record.batch_size} windows: {first_windows} -> {first_targets}"
    )


def results_title(evaluation):
    """The title of Step 9's table: one step ahead, or pooled over H steps."""
    series = evaluation.prepared.look.series
    _, units, _ = evaluation.baseline.labels  # Step 6's: the target's units in words
    origins, steps = len(evaluation.model_forecasts), series.step.units
    if np.ndim(evaluation.model_forecasts) == 1:
        return f"One-step-ahead test errors over {origins} {steps}, in {units}", units
    horizon = np.shape(evaluation.model_forecasts)[1]
    return (
        f"Test errors 1 to {horizon} {steps} ahead from {origins} origins, "
        f"pooled over every origin and step, in {units}"
    ), units


def by_horizon(results, metric, title):
    """One row per model, one column per step h: the `metric` over the origins."""
    table = {
        name: {
            **{f"h={step['h']}": step[metric] for step in scores["by_horizon"]},
            "pooled": scores[metric],
        }
        for name, scores in results.items()
    }
    return format_table(table, list(next(iter(table.values()))), title)


def coverage(block, origins):
    """The test part's coverage of the 80 % and 95 % intervals, per step and pooled."""
    table = {
        f"{level}% interval": {
            **{f"h={h + 1}": share for h, share in enumerate(block[level]["by_horizon"])},
            "pooled": block[level]["coverage"],
            "CI low": block[level]["coverage_interval"][0],
            "CI high": block[level]["coverage_interval"][1],
        }
        for level in ("80", "95")
    }
    title = (
        f"Share of test values inside the intervals (over {origins} origins; nominal 0.80 and "
        "0.95; CI: the pooled share's binomial 95 % interval)"
    )
    table_text = format_table(table, list(next(iter(table.values()))), title)
    lines = [table_text, f"   intervals: {block['method']}"]
    if len(block["80"]["by_horizon"]) > 1:
        lines.append(
            "   (the CI counts every (origin, step) pair, but the steps of one origin miss "
            "together: the check under the forecast after the last date counts origins)"
        )
    return "\n".join(lines)


def evaluation(record):
    """Step 9: the results table, the verdict, and the intervals' coverage."""
    settings, results, verdict = record.settings, record.results, record.verdict
    metric, cell = settings.metric, settings.cell
    title, units = results_title(record)
    other = [name for name in ("rmse", "mae") if name != metric]
    p_values = {name: scores["dm"]["p"] for name, scores in results.items() if "dm" in scores}
    parts = [
        format_table(results, [metric, *other], title, p_values=p_values),
        f"   (DM p: Diebold-Mariano test of each baseline against the {cell}; a gap is real "
        f"when p < {significance.SIGNIFICANCE:g} and the scores differ by at least "
        f"{significance.SMALLEST_GAP:.1%})",
    ]
    if np.ndim(record.model_forecasts) == 2:
        steps = record.prepared.look.series.step.units
        parts.append(
            by_horizon(results, metric, f"Test {metric.upper()} by {steps} ahead, in {units}")
        )
    best = verdict["baseline"]
    _, line = significance.verdict(
        cell, best, results[cell][metric], results[best][metric], results[best]["dm"]
    )
    parts.append(line)
    ratios = [
        f"{cell} {metric.upper()} / {name} {metric.upper()} = "
        f"{results[cell][metric] / results[name][metric]:.3f}"
        for name in ("naive", "mean")
    ]
    parts.append(f"   {'; '.join(ratios)}")
    if record.noise.block["white_noise"]:
        parts.append(
            "   As the noise check said: on white noise the best possible forecast is the mean, "
            f"and the {cell} ends up there."
        )
    parts.append(final(record.final))
    parts.append(coverage(record.intervals, len(record.model_forecasts)))
    return "\n".join(parts)


def final(record):
    """Step 9: the final forecast: each member's validation score and weight, and how the
    weighted forecast did on the test part against the best single baseline."""
    places = decimals_for(list(record.validation.values()))
    metric = record.scores["metric"].upper()
    rule = "1 / (its validation error)^2"
    if len(next(iter(record.weights.values()))) > 1:  # one weight per step ahead
        rule = f"halfway between {rule} and equal shares (members close to the best), at each step"
    elif "seasonal_naive" in record.weights:
        rule = f"{rule}, but seasonal naive 0 one step ahead"
    lines = [
        f"\nThe final forecast: each member weighted by {rule}, on the validation origins "
        "(before the test part):"
    ]
    for name, score in record.validation.items():
        weights = record.weights[name]
        shown = f"{min(weights):.2f}" + ("" if len(weights) == 1 else f"-{max(weights):.2f}")
        lines.append(f"   {name:16s} validation {metric} {score:.{places}f}   weight {shown}")
    network = next(iter(record.validation))
    best = min(record.validation, key=record.validation.get)
    if best != network:
        lines.append(f"   On validation the {network} alone did not beat {best}.")
    scores, baseline = record.scores, record.scores["baseline"]
    _, line = significance.verdict(
        "the final forecast", baseline, scores["score"], scores["best_score"], scores["dm"]
    )
    places = decimals_for([scores["score"], scores["best_score"]])
    lines.append(
        f"   On the test part: final {metric} {scores['score']:.{places}f}, {baseline} "
        f"{scores['best_score']:.{places}f}; {line}"
    )
    return "\n".join(lines)


def interval_warning(check, units):
    """The line that warns when the test part's coverage rules out a promised level, or None.

    check: intervals.coverage_check's {"origins", "levels"}; units: what an origin is counted
    in at one step ahead ("months"). One line for both levels, e.g. "warning: on the test part
    the 95 % intervals held 0.87 of the values (0.76-0.94 with 95 % confidence, over 59
    origins): they are too narrow here; trust them less".
    """
    missed = [(level, each) for level, each in check["levels"].items() if each["verdict"]]
    if not missed:
        return None
    held = " and ".join(
        f"the {level} % intervals held {each['held']:.2f}" for level, each in missed
    )
    ranges = " and ".join(
        f"{each['interval'][0]:.2f}-{each['interval'][1]:.2f}" for _, each in missed
    )
    verdicts = [each["verdict"] for _, each in missed]
    if len(set(verdicts)) == 1:
        meaning = f"they are {verdicts[0]} here"
    else:  # rare: one level too narrow, the other too wide
        meaning = " and ".join(
            f"the {level} % ones are {each['verdict']}" for level, each in missed
        )
        meaning += " here"
    if "too narrow" in verdicts:
        meaning += "; trust them less"
    else:
        meaning += ": the values stayed closer to the forecasts than the intervals say"
    return (
        f"warning: on the test part {held} of the values ({ranges} with 95 % confidence, over "
        f"{check['origins']} {units}): {meaning}"
    )
