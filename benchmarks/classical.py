"""Classical one-step-ahead forecasts on exactly the forecasting cases' test parts.

    python benchmarks/classical.py                 # embedded electricity, daily Clemson Tmax
    python benchmarks/classical.py --json classical.json
    python benchmarks/classical.py --skip-daily    # monthly series only
    COURSE_DATA_DIR=/path/to/course-files python benchmarks/classical.py   # + the course's milk

For the README's comparison: how the recurrent cases fare against the models a statistician
would fit first. Every series gets the cases' own test part (docs/PROTOCOL.md): the last
ceil(0.2 x (rows - window)) observations, with window 12 for monthly series (case 8-2) and
30 for the daily one (case 8-3). Each model's parameters are fitted once, on the observations
before the first test target; the fitted model then forecasts each test target one step ahead
from all observations before it, without refitting (as the recurrent cases do).

Monthly series (embedded US electricity generation; the course's milk production when
COURSE_DATA_DIR is set):

- sarima: SARIMAX(order=(1,1,1), seasonal_order=(0,1,1,12)); the fitted results are extended
  over the test values with `results.append(..., refit=False)` and the one-step predictions
  (`get_prediction(dynamic=False)`) are read at the test targets.
- holt_winters_add / holt_winters_mul: ExponentialSmoothing(trend="add", seasonal="add" or
  "mul", seasonal_periods=12) fitted on the training part; its smoothing parameters and
  initial states are then fixed (`initialization_method="known"`, `optimized=False`) on the
  whole series, whose fitted values are the one-step forecasts: each uses only y[:t].
- seasonal_naive y[t-12], naive y[t-1], last_year_change y[t-1] + y[t-12] - y[t-13].

Daily series (embedded Clemson Tmax, window 30; `--skip-daily` leaves it out): Holt-Winters with a
365-day season is not meaningful to fit here, so the classical model is arima_fourier, an
ARIMA(2,0,1) with a constant and two yearly sine/cosine pairs of the day of the year as
regressors (about 10 s on 2 CPU cores), beside naive, seasonal_naive (365 days) and climatology.
It reads Tmax alone: Tmin, which case 8-3 also feeds its GRU, is not used.

Prints one table of RMSE and MAE in the series' units per series; `--json PATH` writes the same
numbers. The course's files are read only from COURSE_DATA_DIR; without it those rows are skipped.
"""

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# `common` comes first: it keeps TensorFlow's start-up log quiet (the case modules import Keras).
import case8_2_lstm  # noqa: E402
import case8_3_gru  # noqa: E402
from common import baselines, windows  # noqa: E402
from common.machinery import frequencies  # noqa: E402
from common.machinery.series import load_series  # noqa: E402

import numpy as np  # noqa: E402
from statsmodels.tools.sm_exceptions import ConvergenceWarning  # noqa: E402
from statsmodels.tsa.holtwinters import ExponentialSmoothing  # noqa: E402
from statsmodels.tsa.statespace.sarimax import SARIMAX  # noqa: E402

TEST_FRACTION = 0.2  # the forecasting cases' default --test-fraction
SEASON = 12  # months in a year
SARIMA_ORDER = (1, 1, 1)
SARIMA_SEASONAL_ORDER = (0, 1, 1, SEASON)
DAILY_ARIMA_ORDER = (2, 0, 1)
DAILY_HARMONICS = 2  # sine/cosine pairs of the day of the year
DAYS_PER_YEAR = 365.25
COURSE_MILK = "monthly_milk_production.csv"


def quiet_statsmodels():
    """Keep statsmodels' convergence and start-parameter chatter out of the output."""
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    warnings.filterwarnings("ignore", category=UserWarning, module="statsmodels")
    warnings.filterwarnings("ignore", category=RuntimeWarning, module="statsmodels")
    warnings.filterwarnings("ignore", category=FutureWarning, module="statsmodels")


def sarima_one_step(values, test_start):
    """SARIMA fitted on values[:test_start]; one-step forecasts of values[test_start:]."""
    fitted = SARIMAX(
        values[:test_start], order=SARIMA_ORDER, seasonal_order=SARIMA_SEASONAL_ORDER
    ).fit(disp=False)
    extended = fitted.append(values[test_start:], refit=False)  # same parameters, more data
    predicted = extended.get_prediction(start=test_start, dynamic=False).predicted_mean
    return np.asarray(predicted)


def holt_winters_one_step(values, test_start, seasonal):
    """Holt-Winters (additive trend; `seasonal` "add" or "mul") fitted on values[:test_start],
    run forward over the whole series with its parameters and initial states fixed.

    Returns the one-step forecasts of values[test_start:], or None when the fit fails.
    """
    training = ExponentialSmoothing(
        values[:test_start], trend="add", seasonal=seasonal, seasonal_periods=SEASON
    ).fit()
    params = training.params
    if not np.all(np.isfinite(training.fittedvalues)):
        return None
    whole = ExponentialSmoothing(
        values,
        trend="add",
        seasonal=seasonal,
        seasonal_periods=SEASON,
        initialization_method="known",
        initial_level=params["initial_level"],
        initial_trend=params["initial_trend"],
        initial_seasonal=np.asarray(params["initial_seasons"]),
    ).fit(
        smoothing_level=params["smoothing_level"],
        smoothing_trend=params["smoothing_trend"],
        smoothing_seasonal=params["smoothing_seasonal"],
        optimized=False,
    )
    # Fixed parameters on the longer series reproduce the training fit on the training part.
    if not np.allclose(whole.fittedvalues[:test_start], training.fittedvalues, rtol=1e-6):
        raise RuntimeError("Holt-Winters with fixed parameters did not reproduce its training fit")
    return np.asarray(whole.fittedvalues[test_start:])


def last_year_change(values, test_origins):
    """y[t-1] + y[t-12] - y[t-13]: last month plus last year's change between the same months."""
    values = np.asarray(values, dtype=float)
    return (
        values[test_origins - 1] + values[test_origins - SEASON] - values[test_origins - SEASON - 1]
    )


def fourier_terms(dates, harmonics):
    """(days, 2 x harmonics) sines and cosines of the day of the year."""
    day = np.asarray(dates.day_of_year, dtype=float)
    columns = []
    for k in range(1, harmonics + 1):
        angle = 2 * np.pi * k * day / DAYS_PER_YEAR
        columns += [np.sin(angle), np.cos(angle)]
    return np.column_stack(columns)


def arima_fourier_one_step(values, dates, test_start):
    """ARIMA(2,0,1) + constant + yearly Fourier terms, fitted on values[:test_start];
    one-step forecasts of values[test_start:] with the parameters fixed."""
    exog = fourier_terms(dates, DAILY_HARMONICS)
    fitted = SARIMAX(
        values[:test_start], exog=exog[:test_start], order=DAILY_ARIMA_ORDER, trend="c"
    ).fit(disp=False)
    extended = fitted.append(values[test_start:], exog=exog[test_start:], refit=False)
    predicted = extended.get_prediction(start=test_start, dynamic=False).predicted_mean
    return np.asarray(predicted)


def monthly_forecasts(values, test_origins, test_start):
    """Every monthly model's one-step forecasts of the test targets, by name."""
    forecasts = {"sarima": sarima_one_step(values, test_start)}
    for seasonal in ("add", "mul"):
        if seasonal == "mul" and np.min(values) <= 0:
            continue  # multiplicative seasonality needs positive values
        predicted = holt_winters_one_step(values, test_start, seasonal)
        if predicted is not None:
            forecasts[f"holt_winters_{seasonal}"] = predicted
    forecasts["seasonal_naive"] = baselines.seasonal_naive(values, test_origins, SEASON)
    forecasts["naive"] = baselines.naive(values, test_origins)
    forecasts["last_year_change"] = last_year_change(values, test_origins)
    return forecasts


def daily_forecasts(values, dates, test_origins, test_start):
    """The daily models' one-step forecasts of the test targets, by name."""
    forecasts = {"arima_fourier": arima_fourier_one_step(values, dates, test_start)}
    forecasts["naive"] = baselines.naive(values, test_origins)
    seasonal = baselines.seasonal_naive(values, test_origins, 365)
    if seasonal is not None:
        forecasts["seasonal_naive"] = seasonal
    forecasts["climatology"] = baselines.climatology(values, dates, test_origins, test_start)
    return forecasts


def series_to_run(skip_daily):
    """(name, path, target, window, daily) of each series to score.

    The course's milk series is included only when COURSE_DATA_DIR holds it.
    """
    runs = [
        (
            "embedded US electricity generation (billion kWh)",
            case8_2_lstm.SETTINGS.embedded.path,
            case8_2_lstm.SETTINGS.embedded.target,
            frequencies.by_name("monthly").test_window,
            False,
        )
    ]
    course = os.environ.get("COURSE_DATA_DIR")
    if not course:
        print(
            "COURSE_DATA_DIR is not set: skipping the course's milk series "
            f"(set it to the folder holding {COURSE_MILK})"
        )
    elif not (Path(course) / COURSE_MILK).is_file():
        print(f"COURSE_DATA_DIR holds no {COURSE_MILK}: skipping the course's milk series")
    else:
        runs.append(
            ("course milk production (pounds per cow)", Path(course) / COURSE_MILK, None, 12, False)
        )
    if not skip_daily:
        runs.append(
            (
                "embedded Clemson daily Tmax (degrees Celsius)",
                case8_3_gru.SETTINGS.embedded.path,
                case8_3_gru.SETTINGS.embedded.target,
                frequencies.by_name("daily").test_window,
                True,
            )
        )
    return runs


def evaluate(name, path, target, window, daily):
    """Load one series, forecast its test part with every model, print and return the scores."""
    series = load_series(path, target=target)
    values = series.frame[series.target].to_numpy(dtype=float)
    dates = series.frame.index
    test_points = windows.count_test_points(len(values), window, TEST_FRACTION)
    test_start = len(values) - test_points
    test_origins = np.arange(test_start, len(values))
    started = time.perf_counter()
    if daily:
        forecasts = daily_forecasts(values, dates, test_origins, test_start)
    else:
        forecasts = monthly_forecasts(values, test_origins, test_start)
    seconds = time.perf_counter() - started
    actual = values[test_origins]
    results = {}
    for model, forecast in forecasts.items():
        if len(forecast) != len(actual):
            raise RuntimeError(f"{model}: {len(forecast)} forecasts for {len(actual)} targets")
        results[model] = baselines.scores(actual, forecast)
    label = "%Y-%m-%d" if daily else "%Y-%m"
    print(
        f"\n== {name}: {len(values)} rows, window {window}, {test_points} test targets "
        f"({dates[test_start]:{label}} to {dates[-1]:{label}}), fitted in {seconds:.1f} s"
    )
    print(f"   {'model':20s} {'RMSE':>10s} {'MAE':>10s}")
    for model, score in results.items():
        print(f"   {model:20s} {score['rmse']:10.3f} {score['mae']:10.3f}")
    return {
        "series": name,
        "rows": len(values),
        "window": window,
        "test_points": test_points,
        "test_start": f"{dates[test_start]:{label}}",
        "seconds": round(seconds, 2),
        "models": results,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", metavar="PATH", help="also write the scores as JSON to PATH")
    parser.add_argument(
        "--skip-daily", action="store_true", help="leave out the daily Clemson Tmax series"
    )
    args = parser.parse_args(argv)
    quiet_statsmodels()
    results = [evaluate(*run) for run in series_to_run(args.skip_daily)]
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
