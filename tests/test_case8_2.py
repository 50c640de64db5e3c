"""End-to-end checks of case8_2_lstm.py: artifacts, metrics.json, reload, course data, bad input."""

import math

import case8_2_lstm
from common import classical
from common.machinery.series import load_series
from common.preprocessing import Preprocessing, forecast_ahead
from helpers import ROOT, error_scores, read_json, saved_model_forecasts

import keras
import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # every test trains the case or runs it end to end

ARTIFACTS = [
    "metrics.json",
    "history.csv",
    "model.keras",
    "preprocessing.json",
    "data.png",
    "history.png",
    "forecast.png",
    "acf.png",
]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("case8_2")
    metrics = case8_2_lstm.main(["--quick", "--tensorboard", "--output-dir", str(output_dir)])
    return output_dir, metrics


def test_quick_run_writes_every_artifact(quick_run):
    output_dir, _ = quick_run
    for name in ARTIFACTS:
        assert (output_dir / name).stat().st_size > 0, name
    assert not list(output_dir.glob(".tmp-*"))  # no temporary files left behind
    event_files = [path for path in (output_dir / "logs").rglob("*") if path.is_file()]
    assert event_files  # --tensorboard: Keras' TensorBoard logs under logs/


def test_metrics_json_schema(quick_run):
    output_dir, returned = quick_run
    metrics = read_json(output_dir / "metrics.json")
    assert metrics == returned
    assert set(metrics) == {
        "schema",
        "environment",
        "verdict",
        "case",
        "data",
        "protocol",
        "model",
        "baselines",
        "diagnostics",
        "intervals",
        "next",
        "training",
        "final",
    }
    assert metrics["case"] == "case8_2_lstm"
    assert (
        metrics["data"]["rows"] == 486
        and metrics["data"]["embedded"] is True
        and metrics["data"]["target"] == "Generation"
    )
    choice = metrics["protocol"].pop("differencing_validation_rmse")
    levels = ["none", "first", "seasonal", "seasonal+first"]
    assert set(choice) == {*levels, *(f"log {name}" for name in levels)}  # every value > 0
    # The choice is the candidate with the lowest validation error (US electricity: seasonal).
    assert metrics["protocol"]["differencing"] == min(choice, key=choice.get) == "seasonal"
    # ... and the window the one whose best candidate scores lowest (24 months here).
    windows = metrics["protocol"].pop("window_validation_rmse")
    assert set(windows) == {"12", "24"} and windows["24"] == min(choice.values())
    assert metrics["protocol"]["window"] == int(min(windows, key=windows.get)) == 24
    assert metrics["protocol"] == {
        "window": 24,
        "differencing": "seasonal",
        "target_scale": "levels",
        "test_fraction": 0.2,
        "test_points": 95,
        "scored_points": 95,
        "unscored_filled_targets": 0,
        "horizon": 1,
        "interval_method": "per step",  # dozens of validation origins: a 95 % quantile each
    }
    assert list(metrics["baselines"]) == [
        "naive",
        "seasonal_naive",
        "last_year_change",
        "mean",
        "climatology",
        "linear",
        "ets",
        "theta",
        "arima",
        "combination",
    ]
    assert set(metrics["model"]) == {"rmse", "mae", "kind"}
    final = metrics["final"]  # the network and the references, weighted on validation
    assert final["kind"] == "weighted combination" and final["baseline"] in metrics["baselines"]
    assert set(final["weights"]) == {"LSTM", "ets", "theta", "arima", "seasonal_naive"}
    assert sum(weights[0] for weights in final["weights"].values()) == pytest.approx(1.0)
    for scores in metrics["baselines"].values():
        assert set(scores) >= {"rmse", "mae", "dm"} and 0 <= scores["dm"]["p"] <= 1
    assert metrics["baselines"]["linear"]["penalty"] > 0
    best = min(metrics["baselines"], key=lambda name: metrics["baselines"][name]["rmse"])
    assert metrics["verdict"]["baseline"] == best
    assert metrics["verdict"]["p"] == metrics["baselines"][best]["dm"]["p"]
    # The seasonally and first-differenced series, checked for noise next to the raw one.
    assert metrics["diagnostics"]["learned"]["differencing_lags"] == [12]  # "seasonal"
    assert len(metrics["diagnostics"]["learned"]["acf"]) == 20
    # Real units (billion kWh): the seasonal naive error is that of the data, whatever the model.
    assert metrics["baselines"]["seasonal_naive"]["rmse"] == pytest.approx(13.515, abs=1e-3)
    assert (
        metrics["diagnostics"]["white_noise"] is False and len(metrics["diagnostics"]["acf"]) == 20
    )
    assert [entry["date"] for entry in metrics["next"]] == ["2013-07"]
    assert 250 < metrics["next"][0]["value"] < 500
    # Linear path 24 + 1, LSTM 4 x 32 x (32 + 1 + 1), correction 32 + 1.
    assert metrics["training"]["epochs_run"] == 3 and metrics["training"]["params"] == 4410
    assert metrics["schema"] == 2
    assert 0 < metrics["training"]["seconds"] < metrics["training"]["total_seconds"]
    environment = metrics["environment"]
    assert (
        environment["backend"] == keras.backend.backend()
        and environment["keras"] == keras.__version__
    )
    assert environment["devices"] and all(isinstance(name, str) for name in environment["devices"])


def test_scores_are_the_test_forecasts_scored_again(quick_run):
    """metrics.json's scores, recomputed here from the data file and the saved model: the
    LSTM's are those of model.keras's forecasts of the 95 test months, naive's those of
    y[t-1], the mean's those of the training part's mean. A forecast changed after the model
    made it (or a baseline computed on other months) gives other numbers."""
    output_dir, metrics = quick_run
    frame = load_series(ROOT / "data" / "us_electricity_monthly.csv", target="Generation").frame
    values = frame["Generation"].to_numpy()  # (486,) billion kWh
    test_start = len(values) - metrics["protocol"]["test_points"]  # 486 - 95 = 391
    forecasts, actual = saved_model_forecasts(output_dir, frame, test_start)  # (95, 1) each
    network = {key: metrics["model"][key] for key in ("rmse", "mae")}
    assert network == pytest.approx(error_scores(actual, forecasts), rel=1e-6)
    test_values = values[test_start:]
    expected = {
        "naive": error_scores(test_values, values[test_start - 1 : -1]),
        "mean": error_scores(test_values, np.full(len(test_values), values[:test_start].mean())),
    }
    for name, scores in expected.items():
        written = metrics["baselines"][name]
        assert {"rmse": written["rmse"], "mae": written["mae"]} == pytest.approx(scores), name
    # The LSTM starts at the ridge and keeps training's weights only if they help: RMSE 14.6
    # billion kWh, where the mean is off by 105.2.
    assert metrics["model"]["rmse"] < 0.2 * expected["mean"]["rmse"]


def test_history_csv_has_one_row_per_epoch(quick_run):
    output_dir, _ = quick_run
    lines = (output_dir / "history.csv").read_text().splitlines()
    assert lines[0] == "epoch,loss,val_loss" and len(lines) == 1 + 3


def test_saved_model_forecasts_in_real_units_without_the_script(quick_run):
    output_dir, metrics = quick_run
    model = keras.saving.load_model(output_dir / "model.keras")  # safe mode, no custom objects
    recipe = Preprocessing.load(output_dir / "preprocessing.json")
    assert (
        recipe.window == 24
        and recipe.differencing_lags == [12]
        and recipe.differencing == metrics["protocol"]["differencing"] == "seasonal"
        and len(recipe.feature_mean) == 1
    )
    frame = load_series(case8_2_lstm.SETTINGS.embedded.path, target="Generation").frame
    network = forecast_ahead(model, recipe, frame)  # then the final forecast's other members
    following = classical.following_on_file(frame, recipe)
    (forecast,) = classical.final_following(network, following, recipe, "LSTM")
    assert forecast["date"] == metrics["next"][0]["date"]
    assert forecast["value"] == pytest.approx(metrics["next"][0]["value"], rel=1e-5)


def test_course_milk_file_works_unchanged(course_file, tmp_path):
    milk = course_file("monthly_milk_production.csv")
    metrics = case8_2_lstm.main(
        ["--data", str(milk), "--window", "12", "--quick", "--output-dir", str(tmp_path)]
    )
    assert metrics["data"]["rows"] == 168 and metrics["data"]["target"] == "Production"
    assert metrics["protocol"]["test_points"] == 32 == math.ceil(0.2 * (168 - 12))
    assert metrics["baselines"]["seasonal_naive"]["rmse"] == pytest.approx(15.69, abs=0.01)
    # y[t-1] + y[t-12] - y[t-13] on the same 32 months
    assert metrics["baselines"]["last_year_change"]["rmse"] == pytest.approx(6.50, abs=0.01)
    assert metrics["next"][0]["date"] == "1976-01"
    assert metrics["diagnostics"]["ljung_box_p"] < 1e-6


def test_a_network_on_pure_noise_ends_at_the_mean(tmp_path):
    """20 years of white noise: nothing to learn. The differencing chosen on validation is none
    (any difference only adds noise), and the network, which starts from the mean and keeps
    that start unless an epoch beats it on validation, ends within 2 % of the mean's RMSE."""
    rng = np.random.default_rng(7)
    dates = pd.date_range("1990-01-01", periods=240, freq="MS")
    path = tmp_path / "noise.csv"
    pd.DataFrame({"Month": dates.strftime("%Y-%m"), "Value": 50 + 5 * rng.normal(size=240)}).to_csv(
        path, index=False
    )
    metrics = case8_2_lstm.main(["--data", str(path), "--output-dir", str(tmp_path / "out")])
    assert metrics["diagnostics"]["white_noise"] is True
    assert metrics["protocol"]["differencing"] == "none"
    assert abs(metrics["model"]["rmse"] / metrics["baselines"]["mean"]["rmse"] - 1) < 0.02
    assert metrics["verdict"]["outcome"] == "no meaningful difference from"


@pytest.fixture(scope="module")
def horizon_run(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("case8_2_h3")
    metrics = case8_2_lstm.main(["--quick", "--horizon", "3", "--output-dir", str(output_dir)])
    return output_dir, metrics


def test_horizon_scores_every_step_from_rolling_origins(horizon_run):
    output_dir, metrics = horizon_run
    protocol = metrics["protocol"]
    # Same test targets as one step ahead; every origin whose 3 months all lie in them.
    assert protocol["horizon"] == 3 and protocol["test_points"] == 95
    assert protocol["origins"] == 95 - 3 + 1
    for scores in [metrics["model"], *metrics["baselines"].values()]:
        steps = scores["by_horizon"]
        assert [step["h"] for step in steps] == [1, 2, 3]
        # pooled over every (origin, step) pair: the root of the mean of the steps' squares
        pooled = np.sqrt(np.mean([step["rmse"] ** 2 for step in steps]))
        assert scores["rmse"] == pytest.approx(pooled)
    # Held for three months, the last value is further off each month ahead (a yearly cycle).
    naive = [step["rmse"] for step in metrics["baselines"]["naive"]["by_horizon"]]
    assert naive[0] < naive[1] < naive[2]
    # Seasonal naive does not depend on how far ahead within the year: the same value each step.
    seasonal = [step["rmse"] for step in metrics["baselines"]["seasonal_naive"]["by_horizon"]]
    assert seasonal[0] == pytest.approx(13.515, abs=0.5)
    # Coverage counts (origin, step) pairs: every step has 93 origins, so the pooled share is
    # the mean of the steps' shares, and it lies inside its binomial interval over 279 pairs.
    for level in ("80", "95"):
        coverage = metrics["intervals"][level]
        assert len(coverage["by_horizon"]) == len(coverage["half_widths"]) == 3
        assert coverage["coverage"] == pytest.approx(np.mean(coverage["by_horizon"]))
        low, high = coverage["coverage_interval"]
        assert low < coverage["coverage"] < high and high - low < 0.15
        assert round(coverage["coverage"] * 279) == pytest.approx(coverage["coverage"] * 279)
    wider = np.subtract(
        metrics["intervals"]["95"]["half_widths"], metrics["intervals"]["80"]["half_widths"]
    )
    assert np.all(wider > 0)
    # Calibrated on out-of-sample errors and adapted along the test part: near nominal.
    assert 0.65 < metrics["intervals"]["80"]["coverage"] < 0.92
    assert 0.85 < metrics["intervals"]["95"]["coverage"] <= 1.0
    assert [entry["date"] for entry in metrics["next"]] == ["2013-07", "2013-08", "2013-09"]
    for entry in metrics["next"]:
        assert entry["lower95"] < entry["lower80"] < entry["value"] < entry["upper80"]
        assert entry["upper80"] < entry["upper95"]


def test_forecast_flag_reads_the_saved_model_and_trains_nothing(horizon_run, tmp_path, capsys):
    output_dir, metrics = horizon_run
    before = {path.name: path.stat().st_mtime_ns for path in output_dir.iterdir()}
    forecasts = case8_2_lstm.main(["--forecast", "--output-dir", str(output_dir)])
    lines = capsys.readouterr().out.splitlines()
    assert len(forecasts) == 3 and lines[-1].startswith("   Generation in 2013-09: ")
    for saved, now in zip(metrics["next"], forecasts, strict=True):
        assert now["date"] == saved["date"]
        assert now["value"] == pytest.approx(saved["value"], rel=1e-5)
        assert now["upper95"] == pytest.approx(saved["upper95"], rel=1e-5)
    assert {path.name: path.stat().st_mtime_ns for path in output_dir.iterdir()} == before
    # A file that has gained rows: the forecast starts after its new last date.
    table = pd.read_csv(case8_2_lstm.SETTINGS.embedded.path)
    newer = pd.concat(
        [
            table,
            table.iloc[-12:].assign(
                **{
                    table.columns[0]: pd.date_range("2013-07-01", periods=12, freq="MS").strftime(
                        "%Y-%m"
                    )
                }
            ),
        ]
    )
    newer.to_csv(tmp_path / "newer.csv", index=False)
    later = case8_2_lstm.main(
        ["--forecast", "--data", str(tmp_path / "newer.csv"), "--output-dir", str(output_dir)]
    )
    assert [entry["date"] for entry in later] == ["2014-07", "2014-08", "2014-09"]


def test_nothing_before_the_test_part_depends_on_it(tmp_path):
    """Every value of the test part replaced (tripled, plus noise): every choice and every number
    fixed before the test part (window, differencing and their validation scores, the ridge's
    penalty, every epoch's losses and the weights kept, the intervals' widths at the first test
    origin) is the same; only the test scores change."""
    frame = pd.read_csv(case8_2_lstm.SETTINGS.embedded.path)
    test_points = 95  # ceil(0.2 * (486 - 12))
    changed = frame.copy()
    rng = np.random.default_rng(0)
    changed.iloc[-test_points:, 1] = 3 * frame.iloc[-test_points:, 1] + rng.normal(
        0, 50, test_points
    )
    runs = []
    for name, table in (("original", frame), ("changed", changed)):
        path = tmp_path / f"{name}.csv"
        table.to_csv(path, index=False)
        arguments = ["--data", str(path), "--quick", "--horizon", "3"]
        runs.append(case8_2_lstm.main([*arguments, "--output-dir", str(tmp_path / name)]))
    original, changed_run = runs
    assert original["protocol"]["test_points"] == test_points
    for key in ("window", "differencing", "differencing_validation_rmse", "window_validation_rmse"):
        assert changed_run["protocol"][key] == original["protocol"][key]
    assert (
        changed_run["baselines"]["linear"]["penalty"] == original["baselines"]["linear"]["penalty"]
    )
    for key in ("kept_start", "validation_blocks"):
        assert changed_run["training"][key] == original["training"][key]
    # --quick fixes the epochs (3), so their count says nothing; the loss and the validation
    # loss of every epoch (what early stopping and the keep rule read) and the weights kept
    # would change if training or validation saw a test value.
    folders = [tmp_path / "original", tmp_path / "changed"]
    histories = [pd.read_csv(folder / "history.csv") for folder in folders]
    pd.testing.assert_frame_equal(*histories, rtol=1e-6)
    weights = [keras.saving.load_model(folder / "model.keras").get_weights() for folder in folders]
    for first, second in zip(*weights, strict=True):
        np.testing.assert_allclose(first, second, rtol=1e-6)
    for level in ("80", "95"):
        first = original["intervals"][level]["first_half_widths"]
        assert changed_run["intervals"][level]["first_half_widths"] == first
    assert changed_run["model"]["rmse"] > 3 * original["model"]["rmse"]
