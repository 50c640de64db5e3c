"""End-to-end checks of case8_2_lstm.py: artifacts, metrics.json, reload, course data, bad input."""

import math

import keras
import numpy as np
import pytest
from conftest import exit_code_and_error, read_json, run_script

import case8_2_lstm
from common.preprocessing import Preprocessing, forecast_next
from common.series import load_series

ARTIFACTS = ["metrics.json", "history.csv", "model.keras", "preprocessing.json", "data.png", "history.png", "forecast.png", "acf.png"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("case8_2")
    metrics = case8_2_lstm.main(["--quick", "--output-dir", str(output_dir)])
    return output_dir, metrics


def test_quick_run_writes_every_artifact(quick_run):
    output_dir, _ = quick_run
    for name in ARTIFACTS:
        assert (output_dir / name).stat().st_size > 0, name
    assert not list(output_dir.glob(".tmp-*"))  # no temporary files left behind


def test_metrics_json_schema(quick_run):
    output_dir, returned = quick_run
    metrics = read_json(output_dir / "metrics.json")
    assert metrics == returned
    assert set(metrics) == {"case", "data", "protocol", "model", "baselines", "diagnostics", "next", "training"}
    assert metrics["case"] == "case8_2_lstm"
    assert metrics["data"]["rows"] == 486 and metrics["data"]["embedded"] is True and metrics["data"]["target"] == "Generation"
    assert metrics["protocol"] == {"window": 12, "test_fraction": 0.2, "test_points": 95, "horizon": 1}
    assert set(metrics["baselines"]) == {"naive", "seasonal_naive", "mean"}
    for scores in [metrics["model"], *metrics["baselines"].values()]:
        assert set(scores) == {"rmse", "mae"} and 0 < scores["mae"] <= scores["rmse"]
    # Real units (billion kWh): the seasonal naive error is that of the data, whatever the model.
    assert metrics["baselines"]["seasonal_naive"]["rmse"] == pytest.approx(13.515, abs=1e-3)
    assert metrics["diagnostics"]["white_noise"] is False and len(metrics["diagnostics"]["acf"]) == 20
    assert metrics["next"]["date"] == "2013-07" and 250 < metrics["next"]["value"] < 500
    assert metrics["training"]["epochs_run"] == 3 and metrics["training"]["params"] == 4385


def test_history_csv_has_one_row_per_epoch(quick_run):
    output_dir, _ = quick_run
    lines = (output_dir / "history.csv").read_text().splitlines()
    assert lines[0] == "epoch,loss,val_loss" and len(lines) == 1 + 3


def test_saved_model_forecasts_in_real_units_without_the_script(quick_run):
    output_dir, metrics = quick_run
    model = keras.saving.load_model(output_dir / "model.keras")  # safe mode, no custom objects
    prep = Preprocessing.load(output_dir / "preprocessing.json")
    assert prep.window == 12 and prep.differencing_lags == [12, 1] and len(prep.feature_mean) == 1
    frame = load_series(case8_2_lstm.EMBEDDED_DATA, target="Generation").frame
    date, value = forecast_next(model, prep, frame)
    assert date == metrics["next"]["date"]
    assert value == pytest.approx(metrics["next"]["value"], rel=1e-5)


def test_course_milk_file_works_unchanged(course_file, tmp_path):
    milk = course_file("monthly_milk_production.csv")
    metrics = case8_2_lstm.main(["--data", str(milk), "--window", "12", "--quick", "--output-dir", str(tmp_path)])
    assert metrics["data"]["rows"] == 168 and metrics["data"]["target"] == "Production"
    assert metrics["protocol"]["test_points"] == 32 == math.ceil(0.2 * (168 - 12))
    assert metrics["baselines"]["seasonal_naive"]["rmse"] == pytest.approx(15.69, abs=0.01)
    assert metrics["next"]["date"] == "1976-01"
    assert metrics["diagnostics"]["ljung_box_p"] < 1e-6


def write_csv(tmp_path, text):
    path = tmp_path / "user.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def months(count):
    return [f"{1990 + i // 12}-{i % 12 + 1:02d}" for i in range(count)]


@pytest.mark.parametrize(
    "make_args, message",
    [
        (lambda tmp: ["--data", str(tmp / "missing.csv")], "file not found"),
        (lambda tmp: ["--data", write_csv(tmp, "Month,Sales\n" + "\n".join(f"{m},{i}" for i, m in enumerate(months(60))))] + ["--target", "Sale"], "did you mean 'Sales'"),
        (lambda tmp: ["--data", write_csv(tmp, "Month,Sales\n" + "\n".join(f"{m},{'abc' if i == 5 else i}" for i, m in enumerate(months(60))))], "'abc' in data row 6 is not a number"),
        (lambda tmp: ["--data", write_csv(tmp, "Month,Sales\n" + "\n".join(f"{m},{i}" for i, m in enumerate(months(30))))], "too few for window 12"),
        (lambda tmp: ["--window", "0"], "argument --window: must be at least 1"),
        (lambda tmp: ["--test-fraction", "1.5"], "argument --test-fraction: must be between 0 and 1"),
        (lambda tmp: ["--epochs", "-3"], "argument --epochs: must be at least 1"),
    ],
)
def test_bad_input_exits_2_with_an_error_line(tmp_path, capsys, make_args, message):
    code, last_line = exit_code_and_error(case8_2_lstm.main, make_args(tmp_path) + ["--output-dir", str(tmp_path / "out")], capsys)
    assert code == 2
    assert last_line.startswith("case8_2_lstm.py: error: ")  # argparse's own form
    assert message in last_line


def test_bad_input_from_the_command_line_has_no_traceback_and_keeps_old_artifacts(tmp_path):
    (tmp_path / "metrics.json").write_text('{"earlier": true}')
    result = run_script("case8_2_lstm.py", "--data", tmp_path / "missing.csv", "--output-dir", tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("case8_2_lstm.py: error: file not found")
    assert (tmp_path / "metrics.json").read_text() == '{"earlier": true}'


def test_daily_data_is_pointed_to_the_daily_case(tmp_path, capsys):
    days = "\n".join(f"2001-{1 + i // 28:02d}-{1 + i % 28:02d},{np.sin(i)}" for i in range(300))
    code, line = exit_code_and_error(case8_2_lstm.main, ["--data", write_csv(tmp_path, "Date,Temp\n" + days), "--output-dir", str(tmp_path)], capsys)
    assert code == 2 and "daily series" in line
