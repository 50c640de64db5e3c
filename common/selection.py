"""Choose what the network learns on the validation part: the differencing.

Case 8-2's lesson is that a trending series must be differenced before a network can forecast
it. But which difference? Milk production needs both the seasonal and the first difference; a
series with a stable level and a yearly season only gains noise from them; a series with no
season needs none. So the cases do not fix it: each candidate is scored on the validation part
(the end of the part before the test targets) by a quick linear proxy (ridge regression on the
candidate's windows, as the `linear` baseline), in the series' own units, and the lowest error
wins. The test part is never looked at. `--differencing` forces a choice.
"""

from common import baselines, preprocessing, windows
from common.cli import DIFFERENCING_CHOICES as CHOICES

import numpy as np

FOLDS = 3  # validation blocks, each the size of the case's validation part


def differencing_lags(choice, season):
    """--differencing name -> lags: none [], first [1], seasonal [season], seasonal+first
    [season, 1]."""
    return {"none": [], "first": [1], "seasonal": [season], "seasonal+first": [season, 1]}[choice]


def validation_scores(
    frame, recipe_for, season, test_start, validation_fraction, min_windows, folds=FOLDS
):
    """Validation RMSE (real units) of ridge on each differencing candidate's windows; over all
    H steps of each path when the recipe forecasts H steps ahead (recipe.horizon).

    recipe_for(lags) -> a fresh Preprocessing with those differencing lags (window, inputs and
    calendar terms as the case uses them). A single validation block of a short monthly series
    is 17 months: too few to tell the candidates apart (course milk's would pick the wrong one).
    So each candidate is scored on `folds` consecutive blocks of that size at the end of the part
    before `test_start`, each forecast by a ridge fitted on everything before the block (a
    rolling origin), and the errors are pooled. Every candidate is scored on the same targets;
    one that leaves fewer than `min_windows` training windows before the first block is skipped
    (its score is None); fewer blocks are used when even `none` would be, and every score is None
    when a single block is still too many. Returns {choice: rmse or None}.
    """
    window = recipe_for([]).window
    horizon = recipe_for([]).horizon  # H steps ahead: each candidate is scored on H-step paths
    candidates = {choice: differencing_lags(choice, season) for choice in CHOICES}
    block = max(1, round(validation_fraction * (test_start - window)))
    for used_folds in range(folds, 0, -1):  # fewer blocks when even `none` lacks the history
        first_target = test_start - used_folds * block
        usable = {
            choice: lags
            for choice, lags in candidates.items()
            if first_target - (sum(lags) + window) >= min_windows
        }
        if usable:
            break
    scores = dict.fromkeys(CHOICES)
    for choice, lags in usable.items():
        recipe = recipe_for(lags)
        values = frame[recipe.target].to_numpy()
        features = preprocessing.raw_features(frame, recipe)
        preprocessing.fit_scaling(recipe, features[:test_start])
        scaled = preprocessing.scale(features, recipe)
        errors = []
        for start in range(first_target, test_start, block):
            # origins whose H targets lie before the block, and in the block (and before the test)
            train_steps = np.arange(sum(lags) + window, start - horizon + 1)
            validation_steps = np.arange(start, min(start + block, test_start - horizon + 1))
            if len(validation_steps) == 0 or len(train_steps) < min_windows:
                continue
            train_windows, train_targets = windows.make_windows(
                scaled, scaled[:, 0], train_steps, window, horizon
            )
            validation_windows, validation_targets = windows.make_windows(
                scaled, scaled[:, 0], validation_steps, window, horizon
            )
            predictions, _ = baselines.linear_on_windows(
                train_windows,
                train_targets,
                validation_windows,
                validation_targets,
                validation_windows,
            )
            forecasts = preprocessing.in_real_units(predictions, values, validation_steps, recipe)
            paths = windows.target_paths(values, validation_steps, horizon)
            errors.append((forecasts - paths).reshape(-1))
        if errors:
            scores[choice] = float(np.sqrt(np.mean(np.concatenate(errors) ** 2)))
    return scores


def describe(scores, chosen, forced=False):
    """The run's lines for Step 4: each candidate's validation score, which one is used, and
    whether --differencing forced it."""
    lines = []
    for name, score in scores.items():
        shown = "too little history" if score is None else f"validation RMSE {score:.3f}"
        lines.append(f"{name:15s} {shown}{'   <- used' if name == chosen else ''}")
    if forced:
        lines.append(f"--differencing {chosen} forces the choice")
    return lines


def best(scores):
    """The candidate with the lowest validation error (the simpler one on a tie); `none` when
    the series is too short to score any candidate."""
    scored = [
        (score, i, choice) for i, (choice, score) in enumerate(scores.items()) if score is not None
    ]
    return min(scored)[2] if scored else "none"
