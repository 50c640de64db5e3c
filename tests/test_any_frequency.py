"""Both forecasting cases on toy files of every step: a --quick run forecasts well and
metrics.json names the step and its season; a user's file of another step is never sent to the
other case."""

import case8_2_lstm
import case8_3_gru
from helpers import error_scores, exit_code_and_error, read_json

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # each test trains a case on --quick (5 to 20 s each)

CASES = {"case8_2_lstm": case8_2_lstm.main, "case8_3_gru": case8_3_gru.main}

# step -> (pandas alias, rows, steps in a season (None: none), what metrics.json should say,
#          extra flags); the sizes are the least that leave case 8-3 its 30 training windows
TOYS = {
    "hourly": ("h", 24 * 12, 24, ("hourly", 24), ["--window", "24"]),
    "weekly": ("W-MON", 150, 52, ("weekly", 52), ["--window", "13"]),
    "quarterly": ("QS", 60, 4, ("quarterly", 4), []),
    "yearly": ("YS", 70, None, ("yearly", None), []),
}


def toy_file(tmp_path, alias, rows, season):
    """A seasonal series with a trend and noise (yearly: a random walk with drift)."""
    rng = np.random.default_rng(0)
    dates = pd.date_range("1950-01-02", periods=rows, freq=alias)
    t = np.arange(rows)
    pattern = 3 * np.sin(2 * np.pi * t / season) if season else np.cumsum(rng.normal(0, 1, rows))
    values = 10 + 0.02 * t + pattern + rng.normal(0, 0.3, rows)
    path = tmp_path / "toy.csv"
    pd.DataFrame({"Date": dates.strftime("%Y-%m-%d %H:%M"), "Value": values.round(3)}).to_csv(
        path, index=False
    )
    return path


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("step", TOYS)
def test_a_quick_run_on_a_toy_file_of_each_step(case, step, tmp_path, capsys):
    alias, rows, season, (frequency, expected_season), flags = TOYS[step]
    output_dir = tmp_path / "out"
    path = toy_file(tmp_path, alias, rows, season)
    argv = ["--quick", "--data", str(path), *flags]
    metrics = CASES[case](argv + ["--output-dir", str(output_dir)])
    assert read_json(output_dir / "metrics.json") == metrics
    assert (
        metrics["data"]["frequency"] == frequency and metrics["data"]["season"] == expected_season
    )
    assert metrics["data"]["rows"] == rows
    baselines = set(metrics["baselines"])
    assert ("seasonal_naive" in baselines) == (season is not None)
    assert ("last_year_change" in baselines) == (step in ("weekly", "quarterly"))
    assert ("climatology" in baselines) == (step != "yearly")
    if season is None:  # no season: no seasonal differencing candidate either
        assert "seasonal" not in metrics["protocol"]["differencing"]
        scored = set(metrics["protocol"]["differencing_validation_rmse"])
        assert scored - {"log none", "log first"} == {"none", "first"}  # log: values above 0
    assert len(metrics["next"]) == 1
    # The mean baseline is the training part's mean, scored on the file's last values.
    values = pd.read_csv(path)["Value"].to_numpy()
    test_start = rows - metrics["protocol"]["test_points"]
    mean = np.full(rows - test_start, values[:test_start].mean())
    scores = metrics["baselines"]
    assert scores["mean"]["mae"] == pytest.approx(error_scores(values[test_start:], mean)["mae"])
    # A forecast worth the name: far below the mean's error (0.11 to 0.23 of it), and near the
    # best of "the last value" and "a season ago" (0.55 to 1.11 of it; the noise is 0.3, the
    # yearly toy a random walk). A forecast 10 % off is 1 to 1.3 off on these toys.
    simple = min(scores[name]["mae"] for name in ("naive", "seasonal_naive") if name in scores)
    assert metrics["model"]["mae"] < 0.3 * scores["mean"]["mae"]
    assert metrics["model"]["mae"] < 1.25 * simple
    out = capsys.readouterr().out
    assert f"{rows} {step_units(step)} of 'Value'" in out


def step_units(step):
    return {"hourly": "hours", "weekly": "weeks", "quarterly": "quarters", "yearly": "years"}[step]


def test_a_quick_run_forecasts_the_next_business_days_again_with_forecast(tmp_path, capsys):
    """Business days, three steps ahead: the next dates skip the weekend, and --forecast
    (the saved model, nothing trained) gives the same values."""
    dates = pd.bdate_range("2021-01-04", periods=260)  # ends on Friday 31 December
    values = 20 + 2 * (dates.day_of_week == 0) + np.random.default_rng(1).normal(0, 0.2, 260)
    path = tmp_path / "shop.csv"
    pd.DataFrame({"Day": dates.strftime("%d/%m/%Y"), "Sales": values.round(2)}).to_csv(
        path, index=False
    )
    argv = ["--quick", "--data", str(path), "--horizon", "3", "--output-dir", str(tmp_path)]
    metrics = case8_3_gru.main(argv)
    assert metrics["data"]["frequency"] == "business-day" and metrics["data"]["season"] == 5
    assert [entry["date"] for entry in metrics["next"]] == [
        "2022-01-03",
        "2022-01-04",
        "2022-01-05",
    ]
    assert "dates read day-first" in capsys.readouterr().out
    again = case8_3_gru.main([*argv, "--forecast"])
    np.testing.assert_allclose(
        [entry["value"] for entry in again], [entry["value"] for entry in metrics["next"]], 1e-5
    )


@pytest.mark.parametrize("case", CASES)
def test_hourly_forecast_mode_needs_the_step_the_model_was_trained_on(case, tmp_path, capsys):
    """A model trained on hourly averages (--resample 1h) of a 30-minute record: --forecast on
    the raw record says how to get back to hours."""
    halves = pd.date_range("2022-01-01", periods=2 * 24 * 14, freq="30min")
    values = 5 + np.sin(2 * np.pi * halves.hour / 24) + 0.01 * np.arange(len(halves))
    path = tmp_path / "raw.csv"
    pd.DataFrame({"time": halves.strftime("%Y-%m-%d %H:%M"), "kW": values}).to_csv(
        path, index=False
    )
    output_dir = tmp_path / "out"
    common = ["--data", str(path), "--output-dir", str(output_dir)]
    metrics = CASES[case](["--quick", "--resample", "1h", "--window", "24", *common])
    assert metrics["data"]["frequency"] == "hourly" and metrics["data"]["rows"] == 24 * 14
    code, line = exit_code_and_error(CASES[case], ["--forecast", *common], capsys)
    assert code == 2 and "30-minute (--resample h averages a finer record" in line
    forecasts = CASES[case](["--forecast", "--resample", "1h", *common])
    assert forecasts[0]["date"] == "2022-01-15 00:00"
