import dataclasses
import json

from common import preprocessing
from common.preprocessing import (
    Calibration,
    Columns,
    Preprocessing,
    Scaling,
    calendar_columns,
    difference,
    difference_coefficients,
    fit_scaling,
    prepare,
    raw_features,
    scale,
    to_real_units,
    undifference,
)

import numpy as np
import pandas as pd
import pytest


def monthly_frame(values):
    index = pd.date_range("2000-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"y": values}, index=index)


def test_seasonal_and_first_difference_by_hand():
    assert difference_coefficients([12, 1]) == {0: 1.0, 1: -1.0, 12: -1.0, 13: 1.0}
    values = np.arange(30.0) ** 2
    z = difference(values, [12, 1])
    assert np.isnan(z[:13]).all()
    t = 20
    assert z[t] == (values[t] - values[t - 12]) - (values[t - 1] - values[t - 13])
    # A pure quadratic's seasonal+first difference is constant: 2 * 12 * 1.
    np.testing.assert_allclose(z[13:], 24.0)


def test_differencing_is_inverted_exactly():
    rng = np.random.default_rng(0)
    values = np.cumsum(rng.normal(size=80)) + 10 * np.sin(np.arange(80) * 2 * np.pi / 12)
    for lags in ([12, 1], [1], [7], []):
        z = difference(values, lags)
        steps = np.arange(sum(lags), 80)
        np.testing.assert_allclose(
            undifference(z[steps], values, steps, lags), values[steps], atol=1e-9
        )


def test_scaling_uses_the_training_part_only():
    """prepare(), as the cases call it with the first test target's position: the statistics
    come from the rows before it, whatever the test part holds, and every row is scaled by
    them (the test rows too, without refitting)."""
    values = np.concatenate([np.linspace(100, 200, 60), np.full(20, 1e6)])  # absurd test values
    recipe = Preprocessing(
        window=12,
        columns=Columns("y", [], "monthly", []),
        differencing_lags=[],
    )
    features, scaled, recipe = prepare(monthly_frame(values), recipe, 60)
    assert recipe.feature_mean[0] == pytest.approx(150.0)  # the mean of 100 .. 200
    assert recipe.feature_scale[0] == pytest.approx(np.std(np.linspace(100, 200, 60)))
    assert scaled[:60, 0].mean() == pytest.approx(0.0, abs=1e-12)
    assert scaled[-1, 0] == pytest.approx((1e6 - 150.0) / recipe.feature_scale[0])
    changed = values.copy()
    changed[60:] = -5.0  # whatever the test part holds, the statistics stay the same
    _, scaled_again, _ = prepare(monthly_frame(changed), recipe, 60)
    assert recipe.feature_mean[0] == pytest.approx(150.0)
    np.testing.assert_array_equal(scaled_again[:60], scaled[:60])


def test_scaled_model_output_maps_back_to_real_units():
    values = 500 + 3 * np.arange(60.0) + 20 * np.sin(np.arange(60) * 2 * np.pi / 12)
    recipe = Preprocessing(
        window=12,
        columns=Columns("y", [], "monthly", []),
        differencing_lags=[12, 1],
    )
    features = raw_features(monthly_frame(values), recipe)
    recipe = fit_scaling(recipe, features[:48])
    scaled = scale(features, recipe)
    steps = np.arange(48, 60)
    # A perfect model outputs the true scaled change; its real-unit forecast is then exact.
    np.testing.assert_allclose(
        to_real_units(scaled[steps, 0], values, steps, recipe), values[steps], atol=1e-9
    )


def test_calendar_columns_put_december_next_to_january():
    dates = pd.to_datetime(["2001-01-01", "2001-12-31", "2001-07-02"])
    columns = calendar_columns(dates, ["year"])
    assert columns.shape == (3, 2)
    assert np.linalg.norm(columns[0] - columns[1]) < 0.05
    assert np.linalg.norm(columns[0] - columns[2]) > 1.9


def test_preprocessing_round_trips_through_json(tmp_path):
    recipe = Preprocessing(
        window=30,
        columns=Columns("Tmax", ["Tmin"], "daily", None),
        differencing_lags=[],
        scaling=Scaling(["a"], [1.5], [2.0]),
    )
    recipe.save(tmp_path / "preprocessing.json")
    assert Preprocessing.load(tmp_path / "preprocessing.json") == recipe


def test_a_preprocessing_json_saved_before_the_grouped_recipe_still_loads(tmp_path):
    old = {  # the flat file of earlier runs: no calendar_cycles
        "window": 24, "target": "Generation", "inputs": [], "frequency": "monthly",
        "differencing_lags": [12], "calendar_features": False, "differencing": "seasonal",
        "validation_rmse": {"24": {"seasonal": 9.5}}, "horizon": 1,
        "intervals": {"80": [5.0]}, "interval_method": "conformal", "feature_names": ["x"],
        "feature_mean": [0.5], "feature_scale": [2.0],
    }  # fmt: skip
    (tmp_path / "preprocessing.json").write_text(json.dumps(old))
    recipe = Preprocessing.load(tmp_path / "preprocessing.json")
    assert (recipe.window, recipe.target, recipe.differencing, recipe.cycles) == (
        24,
        "Generation",
        "seasonal",
        (),
    )
    assert recipe.feature_scale == [2.0] and recipe.intervals == {"80": [5.0]}
    assert recipe.target_scale == "levels"  # files from before the log scale learn levels
    unknown = {"calendar_cycles": None, "interval_warning": None, "target_scale": "levels"}
    assert {**recipe.flat(), **unknown} == {**old, **unknown}


def test_a_preprocessing_json_written_before_the_interval_warning_still_loads(tmp_path):
    """Files saved before `interval_warning` existed load with no warning; a saved warning
    comes back word for word."""
    recipe = Preprocessing(
        window=12,
        columns=Columns("y", [], "monthly", []),
        differencing_lags=[12],
        calibration=Calibration({"80": [1.0], "95": [2.0]}),
    )
    recipe.save(tmp_path / "preprocessing.json")
    saved = json.loads((tmp_path / "preprocessing.json").read_text(encoding="utf-8"))
    assert saved.pop("interval_warning") is None
    (tmp_path / "old.json").write_text(json.dumps(saved), encoding="utf-8")
    assert Preprocessing.load(tmp_path / "old.json") == recipe
    line = "warning: on the test part the 80 % intervals held 0.50 of the values (...)"
    warned = dataclasses.replace(recipe, calibration=Calibration(recipe.intervals, "", line))
    warned.save(tmp_path / "warned.json")
    assert Preprocessing.load(tmp_path / "warned.json").interval_warning == line


def test_the_log_scale_round_trips_and_its_intervals_widen_with_the_level():
    recipe = Preprocessing(24, Columns("y", [], "monthly", [], "log"), [12])
    values = np.array([10.0, 100.0, 1000.0])
    assert np.allclose(
        preprocessing.from_model_scale(preprocessing.on_model_scale(values, recipe), recipe), values
    )
    lower, upper = preprocessing.bounds(values, np.full(3, np.log(1.1)), recipe)
    assert np.allclose(upper, values * 1.1) and np.allclose(lower, values / 1.1)
    assert np.allclose(upper - lower, values * (1.1 - 1 / 1.1))  # ten times the level, ten times
    levels = dataclasses.replace(recipe, columns=Columns("y", [], "monthly", [], "levels"))
    lower, upper = preprocessing.bounds(values, np.full(3, 2.0), levels)
    assert np.allclose(upper - lower, 4.0)


def test_log_differences_undo_to_the_series_own_units():
    frame = pd.DataFrame(
        {"y": np.exp(np.linspace(0, 3, 40)) * (1.5 + np.sin(np.arange(40)))},
        index=pd.date_range("2000-01-01", periods=40, freq="MS"),
    )
    recipe = Preprocessing(3, Columns("y", [], "monthly", [], "log"), [1])
    features, scaled, recipe = preprocessing.prepare(frame, recipe, 30)
    steps = np.arange(5, 40)
    exact = preprocessing.to_real_units(scaled[steps, 0], frame["y"].to_numpy(), steps, recipe)
    assert np.allclose(exact, frame["y"].to_numpy()[steps])  # the true change gives the value
