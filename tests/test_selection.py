"""The differencing chosen on validation: known answers on synthetic series."""

from common import preprocessing, selection

import numpy as np
import pandas as pd

SEASON = 12
WINDOW = 12


def monthly_frame(values):
    index = pd.date_range("1960-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"y": values}, index=index)


def scores_for(values):
    frame = monthly_frame(values)
    test_start = len(values) - 60

    return selection.candidate_scores(frame, recipe_for, SEASON, test_start, (0.15, 10), [WINDOW])


def recipe_for(lags, window, scale="levels"):
    columns = preprocessing.Columns("y", [], "monthly", [], scale)
    return preprocessing.Preprocessing(window, columns, lags)


def best(scores):
    """The differencing chosen on the one window's scores."""
    return selection.choose(scores)[1]


def test_differencing_lags_by_name():
    assert selection.differencing_lags("none", 12) == []
    assert selection.differencing_lags("first", 12) == [1]
    assert selection.differencing_lags("seasonal", 365) == [365]
    assert selection.differencing_lags("seasonal+first", 12) == [12, 1]


def test_a_seasonal_random_walk_gets_the_seasonal_difference():
    # y[t] = y[t-12] + noise: each calendar month wanders on its own. Its seasonal difference
    # is white noise; the level has no fixed mean, and a further first difference adds noise.
    rng = np.random.default_rng(0)
    values = np.zeros(480)
    values[:SEASON] = rng.normal(0, 5, SEASON)
    for t in range(SEASON, len(values)):
        values[t] = values[t - SEASON] + rng.normal()
    scores = scores_for(values)
    assert best(scores) == "seasonal", scores
    assert scores[WINDOW]["seasonal+first"] > 1.03 * scores[WINDOW]["seasonal"]


def test_a_stationary_seasonal_series_gets_no_differencing():
    # A fixed yearly pattern plus noise: differencing only adds noise (y[t] - y[t-12] has twice
    # the variance of the noise).
    rng = np.random.default_rng(1)
    months = np.arange(480)
    values = 10 + 3 * np.sin(2 * np.pi * months / SEASON) + rng.normal(0, 1, len(months))
    scores = scores_for(values)
    assert best(scores) == "none", scores
    assert scores[WINDOW]["seasonal"] > 1.03 * scores[WINDOW]["none"]


def test_a_candidate_without_enough_history_is_skipped():
    # 45 months before the test part: the seasonal candidates cannot leave 10 training
    # windows before the validation blocks.
    values = np.sin(np.arange(90) / 3.0)
    frame = monthly_frame(values)
    scores = selection.candidate_scores(frame, recipe_for, SEASON, 45, (0.15, 10), [WINDOW])
    by_choice = scores[WINDOW]
    assert by_choice["seasonal"] is None and by_choice["seasonal+first"] is None
    assert by_choice["none"] is not None and best(scores) in {"none", "first"}


def test_choose_prefers_the_simpler_choice_and_the_shorter_window_on_a_tie():
    assert best({12: {"none": 1.0, "first": 1.0, "seasonal": None}}) == "none"
    assert best({12: {"none": 2.0, "first": 1.5, "seasonal": 1.2}}) == "seasonal"
    tied = {12: {"none": 2.0, "first": 1.0}, 24: {"none": 1.0, "first": 3.0}}
    assert selection.choose(tied) == (12, "first")


def test_a_series_too_short_for_any_validation_block_keeps_the_series_itself():
    # 11 windows before the test part: a validation block of 2 leaves 9, fewer than 10, to train on.
    frame = monthly_frame(np.sin(np.arange(30) / 3.0))
    scores = selection.candidate_scores(frame, recipe_for, SEASON, 23, (0.15, 10), [WINDOW])
    assert all(score is None for score in scores[WINDOW].values())
    assert best(scores) == "none"


def test_describe_lists_every_candidate_and_the_choice():
    lines = selection.describe({"none": 2.0, "first": None, "seasonal": 1.25}, "seasonal", True)
    assert lines == [
        "none                validation RMSE 2.000",
        "first               too little history",
        "seasonal            validation RMSE 1.250   <- used",
        "--differencing seasonal forces the choice",
    ]


def test_the_window_that_reaches_back_to_the_pattern_is_chosen():
    # A fixed random pattern that repeats every 20 months, plus noise: 24 months of inputs
    # see the same month of the last cycle, 12 do not. Every pair is scored on the same targets.
    rng = np.random.default_rng(2)
    values = np.tile(rng.normal(0, 3, 20), 24) + rng.normal(0, 0.5, 480)
    frame = monthly_frame(values)
    scores = selection.candidate_scores(frame, recipe_for, SEASON, 420, (0.15, 10), [12, 24])
    assert set(scores) == {12, 24} and set(scores[12]) == set(selection.DIFFERENCING_CHOICES)
    # (the values go below zero: the log scale is not offered)
    assert selection.choose(scores) == (24, "none"), scores
    assert scores[24]["none"] < 0.5 * selection.lowest(scores[12])
    # --differencing forces the differencing; the window is still the best for it.
    assert selection.choose(scores, "first") == (24, "first")
    lines = selection.describe_pairs(scores, 24, "none")
    assert len(lines) == 8 and lines[4].startswith("window 24   none ")
    assert lines[4].endswith("<- used")


def test_choose_falls_back_to_the_default_window_when_nothing_is_scored():
    scores = {
        7: dict.fromkeys(selection.DIFFERENCING_CHOICES),
        30: dict.fromkeys(selection.DIFFERENCING_CHOICES),
    }
    assert selection.choose(scores, default_window=30) == (30, "none")
    assert selection.choose(scores, "first", default_window=30) == (30, "first")
    lines = selection.describe_pairs(scores, 30, "none")
    assert lines == [
        "too little history: "
        + ", ".join(
            f"window {window} {name}"
            for window in (7, 30)
            for name in selection.DIFFERENCING_CHOICES
        )
    ]


def test_the_log_scale_is_offered_only_when_every_value_is_positive():
    rng = np.random.default_rng(4)
    months = np.arange(120)
    values = np.exp(months / 40) * (1 + 0.5 * np.sin(2 * np.pi * months / 12))
    values = values * np.exp(rng.normal(0, 0.05, 120))
    scores = selection.candidate_scores(
        monthly_frame(values), recipe_for, SEASON, 100, (0.15, 10), [WINDOW]
    )
    assert {"log none", "log seasonal+first"} <= set(scores[WINDOW])
    assert all(score is not None for score in scores[WINDOW].values())
    values[50] = 0.0  # one zero before the test part: no log
    scores = selection.candidate_scores(
        monthly_frame(values), recipe_for, SEASON, 100, (0.15, 10), [WINDOW]
    )
    assert set(scores[WINDOW]) == set(selection.DIFFERENCING_CHOICES)


def test_the_log_scale_is_chosen_like_any_candidate_and_differencing_forces_only_itself():
    scores = {12: {"none": 2.0, "first": 1.5, "log none": 1.9, "log first": 1.2}}
    assert selection.choose(scores) == (12, "log first")
    assert selection.split_choice("log first") == ("log", "first")
    assert selection.choose(scores, "none") == (12, "log none")
    assert selection.differencing_lags("log seasonal+first", 12) == [12, 1]


def test_scale_forces_the_scale_and_the_best_window_and_differencing_for_it():
    scores = {12: {"none": 2.0, "first": 1.5, "log none": 1.9, "log first": 1.2}}
    assert selection.choose(scores, forced_scale="levels") == (12, "first")
    assert selection.choose(scores, "none", forced_scale="levels") == (12, "none")
    assert selection.choose({12: {"none": None}}, forced_scale="log") == (12, "log none")
