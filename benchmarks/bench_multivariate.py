"""Where a recurrent network pays: a real hourly weather record with several measured columns.

    python benchmarks/bench_multivariate.py             # seeds 1, 2, 3; an hour and a day ahead
    python benchmarks/bench_multivariate.py --seeds 1 --horizons 1

The file: Beijing airport's hourly weather, 2013-2014 (benchmarks/public_files.py,
beijing_weather_hourly): the temperature to forecast, with the dew point, pressure, wind and
precipitation hours beside it. Each run is case8_3_gru.py as a learner would run it, a fresh
process with `--data FILE --target Temperature --inputs all` (and `--horizon 24` for a day
ahead), and once with the temperature alone for contrast. Prints, per run, the GRU's error, the
`linear` baseline's (a ridge regression on the same windows), the Diebold-Mariano p-value between
them and the verdict, then a markdown table.

Goals (issue "any regular series"): with every input, the GRU beats `linear` one hour ahead
(DM p < 0.05) on seeds 1, 2, 3, and is not significantly worse than it a day ahead.
"""

import argparse

from bench_forecasting import run_case
from public_files import fetch_all

NAME = "beijing_weather_hourly"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--horizons", default="1,24", help="steps ahead (1: an hour; 24: a day)")
    parser.add_argument("--alone", action="store_true", help="also the temperature alone")
    args = parser.parse_args()
    (record,) = [each for each in fetch_all() if each.name == NAME]
    rows = []
    for horizon in [int(each) for each in args.horizons.split(",")]:
        for inputs in ["all", None] if args.alone else ["all"]:
            for seed in [int(each) for each in args.seeds.split(",")]:
                arguments = ["--data", str(record.path), "--target", "Temperature"]
                arguments += ["--horizon", str(horizon), "--seed", str(seed)]
                if inputs:
                    arguments += ["--inputs", inputs]
                seconds, metrics = run_case("case8_3_gru.py", *arguments)
                linear = metrics["baselines"]["linear"]
                verdict = metrics["verdict"]
                row = (
                    horizon,
                    "every column" if inputs else "temperature alone",
                    seed,
                    metrics["model"]["mae"],
                    linear["mae"],
                    linear["dm"]["p"],
                    f"{verdict['outcome']} {verdict['baseline']} (p = {verdict['p']:.2g})",
                    metrics["training"]["kept_start"],
                    seconds,
                )
                rows.append(row)
                print(
                    f"H={horizon} {row[1]} seed {seed}: GRU MAE {row[3]:.4f}, linear {row[4]:.4f},"
                    f" DM p {row[5]:.2g}; {row[6]}; start kept: {row[7]} ({seconds:.0f} s)",
                    flush=True,
                )
    print(
        "\n| steps ahead | inputs | seed | GRU MAE | linear MAE | GRU / linear | DM p | verdict |"
        " linear start kept | time |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for horizon, inputs, seed, gru, linear, p, verdict, kept, seconds in rows:
        print(
            f"| {horizon} | {inputs} | {seed} | {gru:.4f} | {linear:.4f} | {gru / linear:.4f} | "
            f"{p:.2g} | {verdict} | {kept} | {seconds:.0f} s |"
        )


if __name__ == "__main__":
    main()
