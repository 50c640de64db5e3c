"""Choose what the network learns on the validation part: the differencing and the window.

Case 8-2's lesson is that a trending series must be differenced before a network can forecast
it. But which difference? Milk production needs both the seasonal and the first difference; a
series with a stable level and a yearly season only gains noise from them; a series with no
season needs none. So the cases do not fix it: each candidate is scored on the validation part
(the end of the part before the test targets) by a quick linear proxy (ridge regression on the
candidate's windows, as the `linear` baseline), in the series' own units, and the lowest error
wins. The test part is never looked at. `--differencing` forces a choice.

The window matters too: a year of daily history gives a ridge on 30-day windows 30 weights per
feature to fit from 200 windows, and it overfits where 7 days would not; a monthly series whose
season drifts may need two years. So each case offers a few windows (`--window` forces one),
and every (window, differencing) pair is scored on the same validation targets.
"""

import math

from common import baselines, preprocessing, windows
from common.report import decimals_for

import numpy as np
from threadpoolctl import threadpool_limits  # installed with scikit-learn

DIFFERENCING_CHOICES = ("none", "first", "seasonal", "seasonal+first")  # --differencing
FOLDS = 3  # validation blocks, each the size of the case's validation part
# Each block's ridge reads at most about this many training windows: on a longer file, every
# k-th window (the same k for every candidate), so the choice's time stays bounded however long
# the file. The embedded and course files have fewer: every window is read.
SELECTION_WINDOWS = 20_000


LOG = "log "  # a candidate named "log seasonal+first" learns the log of the target


def differencing_lags(choice, season):
    """--differencing name -> lags: none [], first [1], seasonal [season], seasonal+first
    [season, 1] (a "log " candidate's name gives its differencing's lags)."""
    choice = choice.removeprefix(LOG)
    return {"none": [], "first": [1], "seasonal": [season], "seasonal+first": [season, 1]}[choice]


def split_choice(choice):
    """A candidate's name -> (target scale, differencing): "log first" -> ("log", "first")."""
    if choice.startswith(LOG):
        return "log", choice.removeprefix(LOG)
    return "levels", choice


def all_positive(values):
    """True when every known value is above zero: only then can the log scale be offered."""
    values = np.asarray(values, dtype=float)
    known = values[~np.isnan(values)]
    return bool(len(known)) and bool(np.all(known > 0))


def differencing_choices(season):
    """The differencing candidates for a series with that season: all four, or none and first
    when there is no season (yearly data)."""
    return [choice for choice in DIFFERENCING_CHOICES if season or "seasonal" not in choice]


def candidate_scores(frame, recipe_for, season, test_start, sizes, window_choices, folds=FOLDS):
    """{window: {choice: rmse or None}}: the validation RMSE (real units) of ridge on each
    (window, differencing) candidate's windows; over all H steps of each path when the recipe
    forecasts H steps ahead (recipe.horizon).

    recipe_for(lags, window, scale) -> a fresh Preprocessing with those differencing lags, that
    window and that target scale ("levels" or "log"; inputs and calendar terms as the case uses
    them). Each differencing is tried on the log of the target too ("log seasonal", ...) when
    every value before the test part is positive. season: the seasonal lag (None:
    the seasonal candidates are left out). sizes: (validation_fraction, min_windows).
    window_choices: the windows to try; the blocks are sized with the longest.
    A single validation block of a short monthly series is 17 months: too few to tell the
    candidates apart (course milk's would pick the wrong one). So each candidate is scored on
    `folds` consecutive blocks of that size at the end of the part before `test_start`, each
    forecast by a ridge fitted on everything before the block (a rolling origin), and the
    errors are pooled. Every candidate is scored on the same targets. A candidate that leaves
    fewer than `min_windows` training windows before the first block is skipped (its score is
    None); fewer blocks are used when every candidate would be, and every score is None when a
    single block is still too many. On a file with more than SELECTION_WINDOWS windows before
    the blocks, the ridges read every k-th of them (k the same for all).
    """
    validation_fraction, min_windows = sizes
    choices = differencing_choices(season)
    target = recipe_for([], window_choices[0], "levels").target
    if all_positive(frame[target].to_numpy()[:test_start]):
        choices += [LOG + choice for choice in choices]
    candidates = [
        (window, choice, differencing_lags(choice, season))
        for window in window_choices
        for choice in choices
    ]
    block = max(1, round(validation_fraction * (test_start - max(window_choices))))
    for used_folds in range(folds, 0, -1):  # fewer blocks when even `none` lacks the history
        first_target = test_start - used_folds * block
        usable = [
            (window, choice, lags)
            for window, choice, lags in candidates
            if first_target - (sum(lags) + window) >= min_windows
        ]
        if usable:
            break
    scores = {window: dict.fromkeys(choices) for window in window_choices}
    stride = math.ceil(max(first_target, 1) / SELECTION_WINDOWS)  # 1: every window
    blocks = range(first_target, test_start, block), block, test_start
    for window, choice, lags in usable:
        recipe = recipe_for(lags, window, split_choice(choice)[0])
        # One BLAS thread: the sums of many small chunks wait on each other with more (an
        # hourly file's choice took 130-190 s with the default threads, 5-7 s with one).
        with threadpool_limits(limits=1):
            errors = rolling_errors(frame, recipe, blocks, stride, min_windows)
        if errors:
            scores[window][choice] = float(np.sqrt(np.mean(np.concatenate(errors) ** 2)))
    return scores


def rolling_errors(frame, recipe, blocks, stride, min_windows):
    """One candidate's validation errors, real units: [(block targets,), ...] one array per
    block, each forecast by a ridge fitted on every window before the block.

    blocks: (the first target of each block, the block's size, test_start); stride: every
    k-th training window is read.
    """
    starts, block, test_start = blocks
    values, horizon, window = frame[recipe.target].to_numpy(), recipe.horizon, recipe.window
    _, scaled, recipe = preprocessing.prepare(frame, recipe, test_start)
    first_origin = sum(recipe.differencing_lags) + window  # the first with a full window
    # Each block's ridge is fitted on every window before it: the next block's training
    # windows are the last one's plus those in between, so the sums grow block by block
    # and no window is read twice (nor are they ever all in memory: stride views).
    equations, added = baselines.NormalEquations(), first_origin
    errors = []
    for start in starts:
        # origins whose H targets lie before the block, and in the block (and before the test)
        train_end = start - horizon + 1
        new_origins = np.arange(added, train_end)
        new_origins = new_origins[(new_origins - first_origin) % stride == 0]
        new_windows, new_targets = windows.make_windows(
            scaled, scaled[:, 0], new_origins, window, horizon
        )
        equations.add(new_windows, new_targets)
        added = max(added, train_end)
        validation_origins = np.arange(start, min(start + block, test_start - horizon + 1))
        if len(validation_origins) == 0 or train_end - first_origin < min_windows:
            continue
        validation_windows, validation_targets = windows.make_windows(
            scaled, scaled[:, 0], validation_origins, window, horizon
        )
        ridge = baselines.choose_penalty(equations, validation_windows, validation_targets)
        predictions = baselines.predict_linear(ridge, validation_windows)
        forecasts = preprocessing.in_real_units(predictions, values, validation_origins, recipe)
        paths = windows.target_paths(values, validation_origins, horizon)
        errors.append((forecasts - paths).reshape(-1))
    return errors


def describe(scores, chosen, forced=False):
    """The run's lines for Step 4: each candidate's validation score, which one is used, and
    whether --differencing forced it."""
    lines = []
    places = decimals_for(list(scores.values()))
    for name, score in scores.items():
        shown = "too little history" if score is None else f"validation RMSE {score:.{places}f}"
        lines.append(f"{name:19s} {shown}{'   <- used' if name == chosen else ''}")
    if forced:
        lines.append(f"--differencing {chosen} forces the choice")
    return lines


def choose(scores, forced_differencing=None, default_window=None, forced_scale=None):
    """(window, differencing) with the lowest validation error over `candidate_scores`' table,
    the shorter window and the simpler differencing on a tie; with --differencing, the best
    window for that differencing. `default_window` (else the first) and `none` (or the forced
    differencing) when nothing could be scored."""
    first = default_window or next(iter(scores))
    scored = [
        (score, window, i, choice)
        for window, by_choice in scores.items()
        for i, (choice, score) in enumerate(by_choice.items())
        if score is not None
        and forced_differencing in (None, split_choice(choice)[1])
        and forced_scale in (None, split_choice(choice)[0])
    ]
    if not scored:
        name = forced_differencing or "none"
        return first, (LOG + name if forced_scale == "log" else name)
    _, window, _, choice = min(scored)
    return window, choice


def describe_pairs(scores, window, differencing, forced_window=False, forced_differencing=False):
    """Step 4's lines: every (window, differencing) candidate's validation score and the choice;
    the plain differencing list (`describe`) when there is one window."""
    if len(scores) == 1:
        return describe(scores[window], differencing, forced_differencing) + (
            [f"--window {window} forces the window"] if forced_window else []
        )
    lines = []
    places = decimals_for([score for by in scores.values() for score in by.values()])
    for each, by_choice in scores.items():
        for name, score in by_choice.items():
            if score is not None:
                used = "   <- used" if (each, name) == (window, differencing) else ""
                shown = f"validation RMSE {score:.{places}f}"
                lines.append(f"window {each:<4d} {name:19s} {shown}{used}")
    unscored = [
        f"window {each} {name}" for each, by in scores.items() for name in by if by[name] is None
    ]
    if unscored:
        lines.append(f"too little history: {', '.join(unscored)}")
    if forced_differencing:
        lines.append(f"--differencing {split_choice(differencing)[1]} forces the choice")
    return lines


def lowest(scores):
    """The lowest score of {choice: rmse or None}; None when none was scored."""
    scored = [score for score in scores.values() if score is not None]
    return min(scored) if scored else None
