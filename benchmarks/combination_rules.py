"""Ways to weigh the final forecast's members, side by side on the tuned files.

    python benchmarks/combination_rules.py               # development and first final set, seed 1
    python benchmarks/combination_rules.py --only course_milk --horizons 12
    python benchmarks/combination_rules.py --sets development,final,final-2,final-3 \
        --horizons 1 --keep benchmarks/.cache/members   # every seen file, members kept

`--keep DIR` saves each run's members there (one .npz per file and horizon) and reads them back
on the next call instead of running the case again.

Case 8-2's final forecast (`forecasting.choose_final`) weighs its members (the network, ETS,
Theta, ARIMA and seasonal naive) by their errors on the validation origins. This script runs the
case once per file and horizon, keeps every member's validation and test forecasts, and then
scores each way of weighing them below on the test part, as a ratio to M4's plain average of
ETS, Theta and ARIMA (the `combination` baseline), and twelve steps ahead also to seasonal naive.

The files are those the rules were tuned on (by default the development set and the first
final set of benchmarks/references_table.py; `--sets` adds the final sets already seen): the
table is for choosing, not for reporting; a rule chosen here is reported on a final set it never
saw.

Each run is `python case8_2_lstm.py ARGS --seed 1` in a fresh process, in a hook mode of this
script that saves the members' forecasts beside metrics.json (the case's numbers do not change).
"""

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
from bench_forecasting import ROOT
from references_table import entries, tuned_files_arguments
from side_by_side import pinned_environment

sys.path.insert(0, str(ROOT))
from common import classical, forecasting, windows  # noqa: E402  (the project root is on the path now)

HOOK_FLAG = "--save-members"  # the hook mode: run the case in this process, save its members
MEMBERS_FILE = "members.npz"


# --- The hook mode: the members of one run ---------------------------------------------------


def save_members(argv):
    """Run case8_2_lstm.main(argv) and save, in its --output-dir, what choose_final weighs: each
    member's validation and test forecasts, the validation and test targets, and the test RMSE
    of the plain average and of seasonal naive; also the series itself, its months, the
    validation and test origins and the season."""
    import case8_2_lstm

    seen = {}
    original = forecasting.choose_final

    def keep(baseline, model_forecasts, settings):
        seen.update(baseline=baseline, model=model_forecasts, cell=settings.cell)
        return original(baseline, model_forecasts, settings)

    with mock.patch.object(forecasting, "choose_final", keep):
        case8_2_lstm.main(argv)
    baseline = seen["baseline"]
    look, horizon = baseline.prepared.look, baseline.prepared.recipe.horizon
    origins = baseline.validation[0]
    members, on_test = forecasting.final_members(baseline, seen["model"], seen["cell"])
    filled_dates = look.series.frame.index.isin(look.series.filled_dates)
    saved = {f"validation.{name}": forecasts for name, forecasts in members.items()}
    saved.update({f"test.{name}": forecasts for name, forecasts in on_test.items()})
    saved.update(
        validation_targets=windows.target_paths(look.values, origins, horizon),
        validation_filled=windows.target_paths(filled_dates, origins, horizon),
        test_targets=baseline.prepared.test_values,
        average=baseline.scores["combination"],
        seasonal_naive=baseline.scores.get("seasonal_naive", np.nan),
        # what a member fitted outside the run needs (benchmarks/global_network.py)
        values=np.asarray(look.values, dtype=float),
        months=month_numbers(look.series.frame.index),
        validation_origins=np.asarray(origins),
        test_origins=np.asarray(baseline.prepared.origins["test"]),
        season=look.season or 0,
    )
    np.savez(Path(argv[argv.index("--output-dir") + 1]) / MEMBERS_FILE, **saved)


def month_numbers(dates):
    """Each date as year * 12 + month - 1: months count on from there, and a quarter is its
    first month."""
    return np.asarray(dates.year * 12 + dates.month - 1, dtype=np.int64)


def members_of(arguments, horizon, kept=None):
    """One run's saved members (a fresh process, as a learner runs the case). kept: a .npz path
    where they are kept, read back when it exists."""
    if kept is None or not kept.exists():
        with tempfile.TemporaryDirectory() as output_dir:
            command = [sys.executable, __file__, HOOK_FLAG, *arguments, "--seed", "1"]
            command += ["--horizon", str(horizon), "--output-dir", output_dir]
            done = subprocess.run(
                command, capture_output=True, text=True, cwd=ROOT, env=pinned_environment()
            )
            if done.returncode != 0:
                raise SystemExit(f"the case failed:\n{done.stderr[-2000:]}")
            saved = Path(output_dir) / MEMBERS_FILE
            if kept is None:
                return read_members(saved)
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_bytes(saved.read_bytes())
    return read_members(kept)


def read_members(path):
    """The members saved by `save_members`: {"validation": {name: forecasts}, "test": {...},
    and the targets and scores}."""
    with np.load(path) as saved:
        run = {key: saved[key] for key in saved.files if "." not in key}
        for part in ("validation", "test"):
            run[part] = {
                key.split(".", 1)[1]: saved[key]
                for key in saved.files
                if key.startswith(part + ".")
            }
    run["seasonal_naive"] = None if np.isnan(run["seasonal_naive"]) else run["seasonal_naive"]
    return run


# --- The rules -------------------------------------------------------------------------------


def step_errors(run):
    """{member: (H,) validation RMSE at each step ahead}, filled targets left out, as the case
    scores them (`forecasting.step_scores`)."""
    targets, filled = run["validation_targets"], run["validation_filled"]
    return forecasting.step_scores(run["validation"], targets, filled, "rmse")[0]


def summing_to_one(weights):
    total = sum(weights.values())
    return {name: each / total for name, each in weights.items()}


def inverse_power(power):
    return lambda errors: summing_to_one({name: 1 / each**power for name, each in errors.items()})


def shrunk(share, only_several_steps=False, far_behind=None):
    """Bates and Granger's weights moved `share` of the way to equal weights; with
    `far_behind`, the equal share goes only to members within that many times the best error
    at each step."""

    def rule(errors):
        weights = inverse_power(2)(errors)
        if only_several_steps and len(next(iter(errors.values()))) == 1:
            return weights
        best = np.min(list(errors.values()), axis=0)
        limit = np.inf if far_behind is None else far_behind
        close = {name: each <= limit * best for name, each in errors.items()}
        count = sum(close.values())
        return {
            name: (1 - share) * each + share * close[name] / count for name, each in weights.items()
        }

    return rule


def within(ratio):
    """Equal weights over the members within `ratio` of the best at each step."""

    def rule(errors):
        best = np.min(np.array(list(errors.values())), axis=0)
        return summing_to_one({name: (each <= ratio * best) * 1.0 for name, each in errors.items()})

    return rule


def best_three(weighted):
    def rule(errors):
        pooled = {name: np.sqrt(np.mean(each**2)) for name, each in errors.items()}
        top = sorted(pooled, key=pooled.get)[:3]
        return summing_to_one(
            {
                name: (1 / each**2 if weighted else np.ones_like(each)) * (name in top)
                for name, each in errors.items()
            }
        )

    return rule


def without_seasonal_naive(errors):
    return inverse_power(2)({k: v for k, v in errors.items() if k != "seasonal_naive"})


def without_the_network(errors):
    """The references and seasonal naive alone (the network is the first member)."""
    network = next(iter(errors))
    return inverse_power(2)({k: v for k, v in errors.items() if k != network})


def equal_without_seasonal_naive(errors):
    return summing_to_one({k: np.ones_like(v) for k, v in errors.items() if k != "seasonal_naive"})


RULES = {
    "1 / error^2 at each step (one step ahead: the case's rule before)": inverse_power(2),
    "1 / error at each step": inverse_power(1),
    "1 / error^4 at each step": inverse_power(4),
    "1 / error^2, a quarter of the way to equal": shrunk(0.25),
    "1 / error^2, halfway to equal": shrunk(0.5),
    "halfway to equal with several steps only": shrunk(0.5, True),
    "the same, equal shares only within 2 times the best": shrunk(0.5, True, 2),
    "the same, equal shares only within 3 times the best; one step ahead, seasonal naive left "
    "out (the case's rule)": forecasting.weights_from_scores,
    "equal, members within 1.1 of the best": within(1.1),
    "equal, members within 1.2 of the best": within(1.2),
    "equal, the three best": best_three(False),
    "1 / error^2, the three best": best_three(True),
    "1 / error^2 without seasonal naive": without_seasonal_naive,
    "equal, the network and the three references": equal_without_seasonal_naive,
    "1 / error^2 without the network": without_the_network,
}


def best_fixed_weights(run):
    """A limit no rule can reach: the test RMSE of the members' best fixed weights (at least 0,
    summing to 1), found on the test part itself."""
    from scipy.optimize import minimize

    targets = np.ravel(run["test_targets"])
    members = np.column_stack([np.ravel(each) for each in run["test"].values()])
    count = members.shape[1]
    found = minimize(
        lambda weights: np.mean((members @ weights - targets) ** 2),
        np.full(count, 1 / count),
        bounds=[(0, 1)] * count,
        constraints=({"type": "eq", "fun": lambda weights: weights.sum() - 1},),
        method="SLSQP",
    )
    return float(np.sqrt(found.fun))


def best_single_member(run):
    """Another limit: the test RMSE of the member that did best on the test part."""
    targets = run["test_targets"]
    return min(float(np.sqrt(np.mean((each - targets) ** 2))) for each in run["test"].values())


LIMITS = {
    "(a limit) the best single member, chosen on the test part": best_single_member,
    "(a limit) the best fixed weights, chosen on the test part": best_fixed_weights,
}


def test_rmse(run, weights):
    """The test RMSE of the members the rule weighs (those it leaves out have no weight)."""
    kept = {name: forecasts for name, forecasts in run["test"].items() if name in weights}
    combined = classical.weighted(kept, weights)
    return float(np.sqrt(np.mean((combined - run["test_targets"]) ** 2)))


def main():
    if sys.argv[1:2] == [HOOK_FLAG]:
        return save_members(sys.argv[2:])
    horizons, names, keep = tuned_files_arguments(__doc__.splitlines()[0], keep=True)
    runs = {horizon: [] for horizon in horizons}
    for entry in entries(names):
        for horizon in horizons:
            kept = keep / f"{entry.name}.h{horizon}.npz" if keep else None
            runs[horizon].append((entry.name, members_of(entry.arguments, horizon, kept)))
            print(f"ran {entry.name} h={horizon}", flush=True)
    for horizon, found in runs.items():
        print(
            f"\n| h = {horizon} | ratio to average: median | worst | "
            "ratio to seasonal naive: worst | course milk |"
        )
        print("|---|---|---|---|---|")
        scorers = {
            name: lambda run, rule=rule: test_rmse(run, rule(step_errors(run)))
            for name, rule in RULES.items()
        }
        for name, scorer in {**scorers, **LIMITS}.items():
            scores = [(file, scorer(run), run) for file, run in found]
            ratios = [score / run["average"] for _, score, run in scores]
            naive = {
                file: score / run["seasonal_naive"]
                for file, score, run in scores
                if run["seasonal_naive"]
            }
            milk = f"{naive['course_milk']:.3f}" if "course_milk" in naive else ""
            print(
                f"| {name} | {statistics.median(ratios):.3f} | {max(ratios):.3f} | "
                f"{max(naive.values()):.3f} | {milk} |"
            )


if __name__ == "__main__":
    main()
