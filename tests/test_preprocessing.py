from common.preprocessing import (
    Preprocessing,
    calendar_columns,
    difference,
    difference_coefficients,
    fit_scaling,
    raw_features,
    scale,
    to_real_units,
    undifference,
)

import numpy as np
import pandas as pd


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
    values = np.concatenate([np.linspace(100, 200, 60), np.full(20, 1e6)])  # absurd test values
    recipe = Preprocessing(
        window=12,
        target="y",
        inputs=[],
        frequency="monthly",
        differencing_lags=[],
        calendar_features=False,
    )
    features = raw_features(monthly_frame(values), recipe)
    fit_scaling(recipe, features[:60])
    assert recipe.feature_mean[0] == np.mean(values[:60])
    assert recipe.feature_scale[0] == np.std(values[:60])
    changed = values.copy()
    changed[60:] = -5.0  # whatever the test part holds, the statistics stay the same
    fit_scaling(recipe, raw_features(monthly_frame(changed), recipe)[:60])
    assert recipe.feature_mean[0] == np.mean(values[:60])


def test_scaled_model_output_maps_back_to_real_units():
    values = 500 + 3 * np.arange(60.0) + 20 * np.sin(np.arange(60) * 2 * np.pi / 12)
    recipe = Preprocessing(
        window=12,
        target="y",
        inputs=[],
        frequency="monthly",
        differencing_lags=[12, 1],
        calendar_features=False,
    )
    features = raw_features(monthly_frame(values), recipe)
    fit_scaling(recipe, features[:48])
    scaled = scale(features, recipe)
    steps = np.arange(48, 60)
    # A perfect model outputs the true scaled change; its real-unit forecast is then exact.
    np.testing.assert_allclose(
        to_real_units(scaled[steps, 0], values, steps, recipe), values[steps], atol=1e-9
    )


def test_calendar_columns_put_december_next_to_january():
    dates = pd.to_datetime(["2001-01-01", "2001-12-31", "2001-07-02"])
    columns = calendar_columns(dates, "daily")
    assert columns.shape == (3, 2)
    assert np.linalg.norm(columns[0] - columns[1]) < 0.05
    assert np.linalg.norm(columns[0] - columns[2]) > 1.9


def test_preprocessing_round_trips_through_json(tmp_path):
    recipe = Preprocessing(
        window=30,
        target="Tmax",
        inputs=["Tmin"],
        frequency="daily",
        differencing_lags=[],
        calendar_features=True,
        feature_names=["a"],
        feature_mean=[1.5],
        feature_scale=[2.0],
    )
    recipe.save(tmp_path / "preprocessing.json")
    assert Preprocessing.load(tmp_path / "preprocessing.json") == recipe
