"""Checks of the flags against the file's size, for the forecasting cases.

Each check raises `UsageError` with real numbers and the flag to change, so a learner knows
what to do next. A learner never needs to step in here.
"""

from common import selection, windows
from common.cli import DEFAULT_TEST_FRACTION
from common.machinery.errors import UsageError

import numpy as np


def leaves_enough(rows, window, test_fraction, least):
    """Whether `rows` steps hold a test part (counted with `window`) and at least `least`
    training windows before it."""
    if window >= rows:
        return False
    test_points = windows.count_test_points(rows, window, test_fraction)
    return rows - test_points - window >= least


def calibrates(rows, window, test_fraction, horizon=1):
    """Whether the part before the test holds enough windows (with no differencing) for the
    intervals' rolling-origin folds (forecasting.calibration_errors): advice to try a window
    must pass this too, or following it fails a step later."""
    from common.forecasting import CALIBRATION_FOLDS, MIN_FOLD_WINDOWS  # it imports this module

    test_start = rows - windows.count_test_points(rows, window, test_fraction)
    origins = test_start - horizon + 1 - window
    blocks = np.array_split(np.arange(origins // 2, max(origins, 0)), CALIBRATION_FOLDS)
    return any(len(block) and block[0] - horizon + 1 >= MIN_FOLD_WINDOWS for block in blocks)


def workable(rows, window, test_fraction, least, horizon=1):
    """Whether a run with this window can go on: training windows and calibration folds."""
    return leaves_enough(rows, window, test_fraction, least) and calibrates(
        rows, window, test_fraction, horizon
    )


def check_sizes(rows, window, args, least, units):
    """A usage error when `window` (the one in force) and --test-fraction leave fewer than
    `least` training windows before the test part. It names the flag to change: --test-fraction
    when the default fraction would fit, --window when a shorter one would, else the series."""
    fraction = args.test_fraction
    if leaves_enough(rows, window, fraction, least):
        return
    horizon = getattr(args, "horizon", 1)
    fitting = [each for each in range(2, rows) if workable(rows, each, fraction, least, horizon)]
    # The window to advise: the longest that leaves twice its length in training windows (see
    # the warning in forecasting.look), else the longest that fits at all.
    roomy = [each for each in fitting if leaves_enough(rows, each, fraction, 2 * each)]
    longest = max(roomy or fitting, default=0)
    if fraction > DEFAULT_TEST_FRACTION and workable(
        rows, window, DEFAULT_TEST_FRACTION, least, horizon
    ):
        largest = max(
            each / 100
            for each in range(1, 100)
            if workable(rows, window, each / 100, least, horizon)
        )
        test_points = windows.count_test_points(rows, window, fraction)
        raise UsageError(
            f"--test-fraction {fraction} holds out {test_points} of {rows} {units}, leaving too "
            f"few to train on with window {window} (at least {least} training windows): use a "
            f"smaller --test-fraction (at most {largest:g} here)"
        )
    if longest and args.window:
        raise UsageError(
            f"--window {window} is too long for {rows} {units} with --test-fraction {fraction} "
            f"(at least {least} training windows are needed before the test part): use "
            f"--window {longest} or less, or a longer series"
        )
    if longest:
        raise UsageError(
            f"{rows} {units} are too few for the default window of {window} with --test-fraction "
            f"{fraction} (at least {least} training windows are needed before the test part): "
            f"give a shorter --window ({longest} or less) or use a longer series"
        )
    needed = rows
    while not workable(needed, window, fraction, least, horizon):
        needed += 1
    raise UsageError(
        f"{rows} {units} are too few for window {window} and --test-fraction {fraction} "
        f"(at least {needed} needed): use a longer series"
    )


def check_horizon(series, test_start, args, settings):
    """A usage error when --horizon is longer than the test part, or leaves too few steps to
    train on before it."""
    steps, test_points = series.step.units, len(series.frame) - test_start
    if args.horizon > test_points:
        raise UsageError(
            f"--horizon {args.horizon} is longer than the {test_points} test {steps}: "
            "use a smaller --horizon or a larger --test-fraction"
        )
    window = args.window or series.step.test_window
    train_origins, _, _ = windows.chronological_split(
        window, test_start, len(series.frame), settings.parts.validation_fraction, args.horizon
    )
    least = settings.parts.min_training_windows
    if test_start - window - args.horizon + 1 < least or len(train_origins) < 1:
        raise UsageError(
            f"--horizon {args.horizon} leaves too few {steps} to train on before the test part: "
            "use a smaller --horizon or --test-fraction"
        )


def check_differencing(series, season, test_start, args, least):
    """A usage error when --differencing asks for a season the data lack, or for more history
    than the part before the test holds."""
    if args.differencing and "seasonal" in args.differencing and not season:
        raise UsageError(
            f"--differencing {args.differencing} needs a season, and {series.frequency} data "
            "have none: choose none or first, or give one with --season N"
        )
    lags = args.differencing and selection.differencing_lags(args.differencing, season)
    window = args.window or series.step.test_window
    if lags and test_start - (sum(lags) + window + args.horizon) < least:
        raise UsageError(
            f"--differencing {args.differencing} leaves too few {series.step.units} to train "
            "on: choose none or first, or a longer series"
        )


def check_varies(series, test_start):
    """A usage error when the target never changes before the test part: nothing to learn
    from, and no scale to measure errors against."""
    before = series.frame[series.target].iloc[:test_start]
    if before.nunique() > 1:
        return
    if series.frame[series.target].nunique() == 1:
        raise UsageError(
            f"the target {series.target!r} never changes (every value is {before.iloc[0]:g}): "
            "there is nothing to forecast; choose another column with --target"
        )
    raise UsageError(
        f"the target {series.target!r} never changes in the {test_start} {series.step.units} "
        f"before the test part (every value is {before.iloc[0]:g}): there is nothing to learn "
        "from; use a longer stretch of the series or a smaller --test-fraction"
    )
