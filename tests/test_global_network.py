"""The global network's benchmark (benchmarks/global_network.py) learns only from the past and
turns its forecasts back into the series' units. Small arrays only: nothing is downloaded or
trained."""

import numpy as np
import pytest
from global_network import (
    LOOK_BACK,
    UNDATED,
    deseasonalised,
    examples,
    forecasts,
    month_inputs,
    normalised,
    quarterly_means,
    seasonal_pattern,
    shaped,
)


def test_examples_hold_only_targets_dated_before_the_cutoff():
    months = np.arange(600, 640)  # 40 months
    values = np.arange(1.0, 41.0)
    windows, targets, target_months = examples(months, values, 12, cutoff=630)
    assert LOOK_BACK[12] == 24
    np.testing.assert_array_equal(target_months, np.arange(624, 630))  # the 6 before 630
    np.testing.assert_allclose(targets, np.log(values[24:30]))
    np.testing.assert_allclose(windows[0], np.log(values[:24]))  # the 24 values before


def test_examples_leave_out_windows_with_a_missing_value():
    values = np.arange(1.0, 41.0)
    values[30] = np.nan  # in the windows of targets 31-39, and target 30 itself
    _, _, target_months = examples(np.arange(40), values, 12, cutoff=40)
    np.testing.assert_array_equal(target_months, np.arange(24, 30))


def test_a_series_with_a_value_at_or_below_zero_stays_on_its_own_scale():
    values = np.sin(np.arange(40.0))
    _, targets, _ = examples(np.arange(40), values, 12, cutoff=40)
    np.testing.assert_allclose(targets, values[24:])


def test_quarterly_means_keep_only_whole_quarters():
    months = np.arange(2, 12)  # March to December: the first quarter is incomplete
    quarters, means = quarterly_means(months, months * 1.0)
    np.testing.assert_array_equal(quarters, [3, 6, 9])
    np.testing.assert_allclose(means, [4.0, 7.0, 10.0])


class Knows:
    """A stand-in network that outputs the true next value on the normalised scale."""

    def __init__(self, outputs):
        self.outputs = outputs

    def predict(self, inputs, verbose=0):
        return self.outputs[:, None]


@pytest.mark.parametrize("positive", [True, False])
def test_forecasts_undo_the_scale_the_window_was_put_on(positive):
    rng = np.random.default_rng(0)
    values = 100 + 10 * rng.standard_normal(60) if positive else rng.standard_normal(60)
    origins = np.array([30, 45, 59])
    scaled = np.log(values) if positive else values
    windows = np.stack([scaled[origin - 24 : origin] for origin in origins])
    _, level, scale = normalised(windows, 12)
    truth = (scaled[origins] - level[:, 0]) / scale[:, 0]
    found = forecasts([Knows(truth), Knows(truth)], np.arange(60), values, origins, 12)
    np.testing.assert_allclose(found, values[origins])
    zero = forecasts([Knows(np.zeros(3))], np.arange(60), values, origins, 12)
    expected = np.exp(level[:, 0]) if positive else level[:, 0]  # the last season's mean
    np.testing.assert_allclose(zero, expected)


def test_an_undated_series_gives_every_window_and_no_month():
    values = np.arange(1.0, 41.0)
    windows, _, target_months = examples(None, values, 12, cutoff=0)
    assert len(windows) == 16  # targets 24-39: no date, so no cutoff
    assert np.all(target_months == UNDATED)
    np.testing.assert_array_equal(month_inputs(target_months), np.zeros((16, 2)))
    assert np.abs(month_inputs(np.array([0, 3]))).sum(axis=1).min() > 0.99  # dated: a month


def test_the_seasonal_indices_come_from_the_known_part_only():
    t = np.arange(120.0)
    season = 3.0 * np.sin(2 * np.pi * t / 12)
    values = 0.05 * t + season
    pattern = seasonal_pattern(values, 12, known=96)
    np.testing.assert_allclose(pattern, season[:12], atol=0.05)
    changed = values.copy()
    changed[96:] += 100 * (t[96:] % 12 == 0)  # a new season after the known part
    np.testing.assert_array_equal(seasonal_pattern(changed, 12, known=96), pattern)
    assert np.all(seasonal_pattern(values, 12, known=30) == 0)  # under three seasons
    adjusted, at = deseasonalised(values, 12, known=96)
    np.testing.assert_allclose(adjusted + at, values)
    np.testing.assert_allclose(at[:24], np.tile(pattern, 2))


class Shaped:
    def __init__(self, input_shape):
        self.input_shape = input_shape


def test_an_lstm_reads_each_value_with_the_target_month_beside_it():
    inputs = np.column_stack([np.arange(8.0).reshape(2, 4), [[0.5, -0.5], [1.0, 0.0]]])
    assert shaped(inputs, Shaped((None, 6))) is inputs  # dense: flat as it is
    steps = shaped(inputs, Shaped((None, 4, 3)))
    assert steps.shape == (2, 4, 3)
    np.testing.assert_array_equal(steps[1, :, 0], [4.0, 5.0, 6.0, 7.0])
    np.testing.assert_array_equal(steps[0, :, 1:], np.tile([0.5, -0.5], (4, 1)))
