"""The warning on intervals: coverage counted over forecast origins, with a Clopper-Pearson
interval, checked against scipy on misses made by hand."""

from common import intervals
from common.report import forecasting as words

import numpy as np
import pytest
from scipy import stats


def scipy_interval(held, count):
    """scipy's exact (Clopper-Pearson) 95 % interval of held / count, as [low, high]."""
    interval = stats.binomtest(held, count).proportion_ci(0.95, method="exact")
    return [interval.low, interval.high]


@pytest.mark.parametrize(("held", "count"), [(0, 10), (3, 10), (11, 21), (26, 33), (33, 33)])
def test_clopper_pearson_is_scipys_on_whole_counts(held, count):
    np.testing.assert_allclose(
        intervals.clopper_pearson(held, count), scipy_interval(held, count), atol=1e-12
    )


def test_one_step_ahead_the_check_counts_each_target_once():
    """33 test targets, 7 of them missed by hand (errors of 3 against half-widths of 1): the
    interval is scipy's for 26 of 33, and it leaves out 0.95 but not 0.80."""
    errors = np.full((33, 1), 0.5)
    errors[[2, 5, 9, 14, 20, 27, 31]] = -3.0  # the misses
    check = intervals.coverage_check(errors, {"80": [1.0], "95": [1.0]})
    assert check["origins"] == 33
    for level in ("80", "95"):
        assert check["levels"][level]["held"] == pytest.approx(26 / 33)
        np.testing.assert_allclose(
            check["levels"][level]["interval"], scipy_interval(26, 33), atol=1e-12
        )
    assert check["levels"]["80"]["verdict"] is None  # 0.80 lies in [0.61, 0.91]
    assert check["levels"]["95"]["verdict"] == "too narrow"


def test_several_steps_ahead_the_check_counts_origins_not_pairs():
    """20 origins of 3 steps: 5 origins miss every step, the others none. 15 of 20 origins
    held: the interval is scipy's for 15 of 20, not the narrower one for 45 of 60 pairs."""
    errors = np.zeros((20, 3))
    errors[[0, 4, 8, 12, 16]] = 5.0  # whole paths missed
    check = intervals.coverage_check(errors, {"80": np.ones(3)})
    result = check["levels"]["80"]
    assert check["origins"] == 20 and result["held"] == pytest.approx(0.75)
    np.testing.assert_allclose(result["interval"], scipy_interval(15, 20), atol=1e-12)
    pairs = intervals.coverage(errors, {"80": np.ones(3)})["80"]["coverage_interval"]
    assert pairs[1] - pairs[0] < result["interval"][1] - result["interval"][0]  # pairs overclaim
    # A share of an origin's steps counts as that fraction of one origin: 13 origins inside,
    # 7 with one step of three missed, 13 + 7 * 2 / 3 = 17.67 held of 20 origins, which lies
    # between scipy's intervals for 17 and for 18.
    errors = np.zeros((20, 3))
    errors[:7, 1] = 5.0
    low, high = intervals.coverage_check(errors, {"80": np.ones(3)})["levels"]["80"]["interval"]
    assert scipy_interval(17, 20)[0] < low < scipy_interval(18, 20)[0]
    assert scipy_interval(17, 20)[1] < high < scipy_interval(18, 20)[1]


def test_unscored_steps_are_left_out_of_their_origins_share():
    errors = np.zeros((10, 2))
    errors[0] = [np.nan, 5.0]  # origin 0: its one scored step missed -> share 0
    errors[1] = [np.nan, np.nan]  # origin 1: nothing scored -> not an origin of the count
    check = intervals.coverage_check(errors, {"80": np.ones(2)})
    assert check["origins"] == 9 and check["levels"]["80"]["held"] == pytest.approx(8 / 9)


def test_intervals_made_too_narrow_on_purpose_warn_and_the_right_width_does_not():
    """Half-widths calibrated on errors with a standard deviation of 1: on test errors with
    the same spread they hold about what they promise (no warning); on test errors twice as
    large (the intervals half as wide as they need to be), they hold about 0.47 and 0.68 of 60
    origins, and the line says so."""
    rng = np.random.default_rng(0)
    half_widths, _ = intervals.calibrate(rng.normal(size=(400, 12)))  # (H,) per level
    right = intervals.coverage_check(rng.normal(size=(60, 12)), half_widths)
    assert all(each["verdict"] is None for each in right["levels"].values())
    assert words.interval_warning(right, "origins") is None
    narrow = intervals.coverage_check(2 * rng.normal(size=(60, 12)), half_widths)
    assert [each["verdict"] for each in narrow["levels"].values()] == ["too narrow"] * 2
    low80, high80 = narrow["levels"]["80"]["interval"]
    assert high80 < 0.80 and narrow["levels"]["80"]["held"] == pytest.approx(0.47, abs=0.08)
    line = words.interval_warning(narrow, "origins")
    held80, held95 = (f"{narrow['levels'][level]['held']:.2f}" for level in ("80", "95"))
    assert line.startswith(
        f"warning: on the test part the 80 % intervals held {held80} and the 95 % intervals "
        f"held {held95} of the values ({low80:.2f}-{high80:.2f} and "
    )
    assert line.endswith(
        "with 95 % confidence, over 60 origins): they are too narrow here; trust them less"
    )
    assert "\n" not in line


def test_intervals_much_wider_than_needed_say_so():
    check = intervals.coverage_check(np.zeros((100, 1)), {"80": [1.0]})
    assert check["levels"]["80"]["verdict"] == "too wide"  # 100 of 100: [0.96, 1]
    line = words.interval_warning(check, "days")
    assert "held 1.00 of the values (0.96-1.00 with 95 % confidence, over 100 days)" in line
    assert line.endswith(
        "they are too wide here: the values stayed closer to the forecasts than the intervals say"
    )


def test_adaptive_intervals_that_cannot_catch_up_still_warn():
    """Test errors five times the calibration errors over 40 origins: adaptive conformal
    inference widens the intervals after each known miss, but never beyond the largest
    calibration error (about 3 of their standard deviations, 0.6 of the test errors'); the
    check says both levels held too little."""
    rng = np.random.default_rng(1)
    calibration = rng.normal(size=(200, 1))
    test_errors = 5 * rng.normal(size=(40, 1))
    walk = intervals.adaptive_walk(calibration, test_errors, np.arange(500, 540))
    check = intervals.coverage_check(test_errors, walk["half_widths"])
    assert [each["verdict"] for each in check["levels"].values()] == ["too narrow"] * 2
    assert check["levels"]["95"]["held"] == pytest.approx(0.53, abs=0.01)


def test_one_level_too_narrow_and_the_other_too_wide_are_named_apart():
    check = {
        "origins": 200,
        "levels": {
            "80": {"held": 0.70, "interval": [0.63, 0.76], "verdict": "too narrow"},
            "95": {"held": 0.99, "interval": [0.96, 1.00], "verdict": "too wide"},
        },
    }
    assert words.interval_warning(check, "days") == (
        "warning: on the test part the 80 % intervals held 0.70 and the 95 % intervals held "
        "0.99 of the values (0.63-0.76 and 0.96-1.00 with 95 % confidence, over 200 days): the "
        "80 % ones are too narrow and the 95 % ones are too wide here; trust them less"
    )
