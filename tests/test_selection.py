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

    def recipe_for(lags):
        return preprocessing.Preprocessing(
            window=WINDOW,
            target="y",
            inputs=[],
            frequency="monthly",
            differencing_lags=lags,
            calendar_features=False,
        )

    return selection.validation_scores(frame, recipe_for, SEASON, test_start, 0.15, 10)


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
    assert selection.best(scores) == "seasonal", scores
    assert scores["seasonal+first"] > 1.03 * scores["seasonal"]


def test_a_stationary_seasonal_series_gets_no_differencing():
    # A fixed yearly pattern plus noise: differencing only adds noise (y[t] - y[t-12] has twice
    # the variance of the noise).
    rng = np.random.default_rng(1)
    months = np.arange(480)
    values = 10 + 3 * np.sin(2 * np.pi * months / SEASON) + rng.normal(0, 1, len(months))
    scores = scores_for(values)
    assert selection.best(scores) == "none", scores
    assert scores["seasonal"] > 1.03 * scores["none"]


def test_a_candidate_without_enough_history_is_skipped():
    # 45 months before the test part: the seasonal candidates cannot leave 10 training
    # windows before the validation blocks.
    values = np.sin(np.arange(90) / 3.0)
    frame = monthly_frame(values)

    def recipe_for(lags):
        return preprocessing.Preprocessing(WINDOW, "y", [], "monthly", lags, False)

    scores = selection.validation_scores(frame, recipe_for, SEASON, 45, 0.15, 10)
    assert scores["seasonal"] is None and scores["seasonal+first"] is None
    assert scores["none"] is not None and selection.best(scores) in {"none", "first"}


def test_best_prefers_the_simpler_choice_on_a_tie():
    assert selection.best({"none": 1.0, "first": 1.0, "seasonal": None}) == "none"
    assert selection.best({"none": 2.0, "first": 1.5, "seasonal": 1.2}) == "seasonal"


def test_a_series_too_short_for_any_validation_block_keeps_the_series_itself():
    # 11 windows before the test part: a validation block of 2 leaves 9, fewer than 10, to train on.
    frame = monthly_frame(np.sin(np.arange(30) / 3.0))

    def recipe_for(lags):
        return preprocessing.Preprocessing(WINDOW, "y", [], "monthly", lags, False)

    scores = selection.validation_scores(frame, recipe_for, SEASON, 23, 0.15, 10)
    assert all(score is None for score in scores.values())
    assert selection.best(scores) == "none"


def test_describe_lists_every_candidate_and_the_choice():
    lines = selection.describe({"none": 2.0, "first": None, "seasonal": 1.25}, "seasonal", True)
    assert lines == [
        "none            validation RMSE 2.000",
        "first           too little history",
        "seasonal        validation RMSE 1.250   <- used",
        "--differencing seasonal forces the choice",
    ]
