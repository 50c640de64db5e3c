from common.windows import chronological_split, count_test_points, make_windows

import numpy as np


def test_toy_windows_hold_the_steps_before_each_target():
    series = np.arange(10.0)
    windows, targets = make_windows(series[:, None], series, [3, 4, 9], window=3)
    assert windows.shape == (3, 3, 1)
    np.testing.assert_array_equal(windows[:, :, 0], [[0, 1, 2], [1, 2, 3], [6, 7, 8]])
    np.testing.assert_array_equal(targets, [3, 4, 9])


def test_target_is_never_inside_its_own_window():
    series = np.arange(100.0)
    steps = np.arange(12, 100)
    windows, targets = make_windows(series[:, None], series, steps, window=12)
    assert np.all(windows[:, :, 0].max(axis=1) < targets)
    assert np.all(windows[:, -1, 0] == targets - 1)  # the last input is the step just before


def test_count_test_points_follows_the_contract():
    assert count_test_points(168, 12, 0.2) == 32  # course milk, window 12
    assert count_test_points(486, 12, 0.2) == 95
    assert count_test_points(8000, 30, 0.2) == 1594


def test_count_test_points_is_exact_where_binary_floating_point_overshoots():
    assert 0.14 * 100 > 14  # 14.000000000000002 in binary floating point
    assert count_test_points(112, 12, 0.14) == 14  # not 15
    assert count_test_points(112, 12, 0.145) == 15  # 14.5 rounds up


def test_split_is_strictly_chronological_and_complete():
    train, validation, test = chronological_split(
        first_origin=25, test_start=136, rows=168, validation_fraction=0.15
    )
    assert train[0] == 25 and train[-1] < validation[0] and validation[-1] < test[0]
    assert test[0] == 136 and test[-1] == 167 and len(test) == 32
    assert len(train) + len(validation) == 136 - 25
    assert len(validation) == round(0.15 * 111)
