"""What a run prints: numbers with the digits their scale needs."""

from common import ahead, report


def test_decimals_follow_the_scale_of_the_numbers():
    assert report.decimals_for([10.927, 12.206]) == 3  # billion kWh: as before
    assert report.decimals_for([0.806, 0.958]) == 3  # shares of test values
    assert report.decimals_for([1.234e-5, 2.5e-5]) == 7  # a series measured in small units
    assert report.decimals_for([0.0, None, float("nan")]) == 3  # nothing to go by


def test_a_series_of_small_values_is_not_printed_as_zeros(capsys):
    results = {"GRU": {"mae": 1.234e-5, "rmse": 1.9e-5}, "naive": {"mae": 2.5e-5, "rmse": 3e-5}}
    report.results_table(results, ["mae", "rmse"], "Test errors", p_values={"naive": 0.01})
    table = capsys.readouterr().out
    assert "0.0000123" in table and "0.0000250" in table and "0.000 " not in table
    forecast = [{"date": "2020-01-02", "value": 4.2e-5, "lower80": 3.1e-5, "upper80": 5.3e-5}]
    forecast[0] |= {"lower95": 2.0e-5, "upper95": 6.4e-5}
    (line,) = ahead.describe_forecasts(forecast, "flux")
    assert "0.0000420" in line and "80%: 0.0000310 to 0.0000530" in line


def test_the_forecast_says_when_the_80_and_95_percent_intervals_are_the_same():
    def step(date, lower80, upper80, lower95, upper95):
        bounds = {"lower80": lower80, "upper80": upper80, "lower95": lower95, "upper95": upper95}
        return {"date": date, "value": 10.0, **bounds}

    forecast = [step("2015-05", 9.0, 11.0, 8.0, 12.0), step("2015-06", 7.0, 13.0, 7.0, 13.0)]
    warning = "warning: on the test part the 95 % intervals held 0.82 of the values"
    lines = ahead.describe_forecasts(forecast, "Weeks", warning)
    assert len(lines) == 4 and lines[-1].strip() == warning
    assert "in 1 of 2 steps (first 2015-06) the 80 % and 95 % intervals are the same" in lines[2]
    assert len(ahead.describe_forecasts(forecast[:1], "Weeks")) == 1  # different: no note
