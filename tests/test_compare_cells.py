"""compare_cells.py: parameter formulas, the JSON schema and a --quick run."""

import case8_2_lstm
import case8_3_gru
import compare_cells
from common.cells import parameter_count
from helpers import assert_verdict_agrees, exit_code_and_error, read_json

import pandas as pd
import pytest

ROW_KEYS = {
    "task",
    "cell",
    "units",
    "input_features",
    "recurrent_params",
    "total_params",
    "seconds_per_epoch",
    "epochs_run",
    "train_seconds",
    "metric",
    "mean",
    "spread",
    "seeds",
    "baseline",
}


def test_formula_params_of_a_bidirectional_layer_count_two_grus():
    assert compare_cells.formula_params("bidirectional_gru", 8, 3) == 2 * parameter_count(
        "gru", 8, 3
    )
    assert compare_cells.formula_params("lstm", 8, 3) == parameter_count("lstm", 8, 3)


@pytest.fixture(scope="module")
def quick_comparison(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("compare")
    every_task = ",".join(compare_cells.TASKS)  # next_character is not in the default list
    compare_cells.main(["--quick", "--tasks", every_task, "--output-dir", str(output_dir)])
    return output_dir


@pytest.mark.slow
def test_quick_run_writes_the_table_json_and_plot(quick_comparison):
    for name in ["comparison.md", "comparison.json", "comparison.png"]:
        assert (quick_comparison / name).stat().st_size > 0
    table = (quick_comparison / "comparison.md").read_text()
    assert "| monthly | lstm | 3 | yes | 4352 (4n(n+m+1), n=32, m=1)" in table
    assert "| daily | gru | 2 | no | 3648 (3n(n+m+2), n=32, m=4)" in table
    assert "| text | simple_rnn | 0 | no | 8256 (n(n+m+1), n=64, m=64)" in table


@pytest.mark.slow
def test_comparison_json_schema(quick_comparison):
    result = read_json(quick_comparison / "comparison.json")
    assert isinstance(result["device"], str) and result["device"]
    rows = result["rows"]
    assert [(row["task"], row["cell"]) for row in rows] == [
        (task, cell)
        for task in ["monthly", "daily", "multistep"]
        for cell in ["simple_rnn", "lstm", "gru"]
    ] + [
        ("text", cell)
        for cell in ["simple_rnn", "lstm", "gru", "bidirectional_gru", "wide_and_deep"]
    ] + [("next_character", cell) for cell in ["simple_rnn", "lstm", "gru"]]
    for row in rows:
        assert set(row) >= ROW_KEYS
        assert row["recurrent_params"] == row["formula_params"]
        if row["task"] == "next_character":  # about the LSTM's weights, whatever the cell
            assert abs(row["recurrent_params"] - 82432) / 82432 < 0.01
        assert row["seconds_per_epoch"] > 0 and row["train_seconds"] > 0 and row["epochs_run"] >= 1
        assert row["mean"] > 0 and row["spread"] == 0.0 and len(row["seeds"]) == 1
        metrics = {
            "monthly": "rmse",
            "daily": "mae",
            "multistep": "rmse",
            "text": "roc_auc",
            "next_character": "bits_per_character",
        }
        assert row["metric"] == metrics[row["task"]]
        assert row["baseline"]["name"] in {
            "naive",
            "seasonal_naive",
            "last_year_change",
            "mean",
            "climatology",
            "linear",
            "ets",
            "theta",
            "arima",
            "tfidf_logreg",
            "ngram",
        }
        if row["task"] == "text":  # a paired bootstrap interval of the AUC difference
            interval = row["seeds"][0]["bootstrap"]
            assert interval["low"] <= interval["difference"] <= interval["high"]
            assert row["verdict"]["intervals"] == [[interval["low"], interval["high"]]]
            challenge = row["seeds"][0]["challenge"]
            assert set(challenge["by_category"]) == {"negation", "contrast", "intensity", "plain"}
        else:  # the cases' rule: the verdict names the best baseline and its test's p-value
            test = "paired_t" if row["task"] == "next_character" else "dm"
            assert row["verdict"]["baseline"] == row["baseline"]["name"]
            assert row["verdict"]["p"] == [row["seeds"][0][test]["p"]]
            (run,) = row["seeds"]  # one seed: the row's verdict is that seed's
            outcome, p = row["verdict"]["outcome"], run[test]["p"]
            assert_verdict_agrees(outcome, p, run["value"], row["baseline"]["value"])
    assert any("one seed only" in line for line in result["verdicts"])


def test_row_verdict_needs_every_seed_to_agree():
    baseline = {"name": "last_year_change", "value": 6.5}
    win = {"metric_value": 6.0, "details": {"dm": {"statistic": -3.0, "p": 0.01}}}
    tie = {"metric_value": 6.4, "details": {"dm": {"statistic": -0.5, "p": 0.6}}}
    loss = {"metric_value": 8.0, "details": {"dm": {"statistic": 3.0, "p": 0.02}}}
    assert compare_cells.row_verdict([win, win], baseline) == {
        "baseline": "last_year_change",
        "outcome": "beats",
        "p": [0.01, 0.01],
    }
    assert compare_cells.row_verdict([win, tie], baseline)["outcome"] == (
        "no meaningful difference from"
    )
    assert compare_cells.row_verdict([win, loss], baseline)["outcome"] == (
        "no meaningful difference from"
    )
    assert compare_cells.row_verdict([loss, loss], baseline)["outcome"] == "loses to"
    # p < 0.05 but the scores only 0.05 % apart: no meaningful difference
    close = {"metric_value": 6.4968, "details": {"dm": {"statistic": -3.0, "p": 0.01}}}
    assert compare_cells.row_verdict([close], baseline)["outcome"] == (
        "no meaningful difference from"
    )


def test_text_verdicts_need_the_bootstrap_interval_clear_of_zero_for_every_seed():
    baseline = {"name": "tfidf_logreg", "value": 0.9525}

    def run(low, high):
        interval = {"difference": (low + high) / 2, "low": low, "high": high}
        return {"metric_value": 0.96, "details": {"bootstrap": interval}}

    verdict = compare_cells.row_verdict([run(0.001, 0.01)] * 3, baseline)
    assert verdict["outcome"] == "beats" and verdict["intervals"] == [[0.001, 0.01]] * 3
    mixed = [run(0.001, 0.01), run(-0.002, 0.008)]
    assert compare_cells.row_verdict(mixed, baseline)["outcome"] == "no meaningful difference from"
    assert compare_cells.row_verdict([run(-0.02, -0.01)], baseline)["outcome"] == "loses to"


def test_unknown_task_or_cell_is_a_usage_error(tmp_path, capsys):
    code, line = exit_code_and_error(
        compare_cells.main, ["--tasks", "weekly", "--output-dir", str(tmp_path)], capsys
    )
    assert code == 2 and line.startswith("compare_cells.py: error: unknown task 'weekly'")
    code, line = exit_code_and_error(
        compare_cells.main, ["--cells", "transformer", "--output-dir", str(tmp_path)], capsys
    )
    assert code == 2 and "unknown cell 'transformer'" in line


def logged_losses(folder):
    """The training losses TensorBoard logged under `folder`, one per epoch, in order."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util.tensor_util import make_ndarray

    (train_logs,) = folder.glob("run-*/train")
    events = EventAccumulator(str(train_logs), size_guidance={"tensors": 0}).Reload()
    return [float(make_ndarray(event.tensor_proto)) for event in events.Tensors("epoch_loss")]


@pytest.mark.slow
def test_the_daily_gru_row_is_case_8_3s_run_and_tensorboard_logs_each_epoch(tmp_path):
    """compare_cells.py prepares, trains and scores the daily task through case 8-3's own steps,
    and --tensorboard changes no number: its GRU row, with logs, is case 8-3's run with the same
    seed and budget (--quick on both: the case's small slice and epochs)."""
    metrics = case8_3_gru.main(["--quick", "--output-dir", str(tmp_path / "case")])
    output_dir = tmp_path / "compare"
    argv = ["--quick", "--tasks", "daily", "--cells", "gru", "--tensorboard"]
    (row,) = compare_cells.main([*argv, "--output-dir", str(output_dir)])["rows"]
    assert row["mean"] == metrics["model"]["mae"]
    assert row["epochs_run"] == metrics["training"]["epochs_run"]
    best = metrics["verdict"]["baseline"]
    assert row["baseline"] == {"name": best, "value": metrics["baselines"][best]["mae"]}
    assert row["seeds"][0]["dm"] == metrics["baselines"][best]["dm"]
    assert row["verdict"] == {**metrics["verdict"], "p": [metrics["verdict"]["p"]]}
    # The logs are this fit's: one training loss per epoch, the case's own (its history.csv).
    history = pd.read_csv(tmp_path / "case" / "history.csv")
    losses = logged_losses(output_dir / "logs" / "daily_gru_seed42")
    assert len(losses) == row["epochs_run"] == len(history)
    assert losses == pytest.approx(history["loss"].tolist(), rel=1e-6)


@pytest.mark.slow
def test_the_comparisons_lstm_row_on_the_monthly_task_is_case_8_2s_run(tmp_path):
    """compare_cells.py prepares, trains and scores a forecasting task through the case's own
    steps: its LSTM row on the monthly task is case 8-2's run with the same seed and budget
    (--quick on both: the case's small slice and epochs)."""
    metrics = case8_2_lstm.main(["--quick", "--seed", "3", "--output-dir", str(tmp_path)])
    task = compare_cells.task_for("monthly", quick=True)
    row = compare_cells.train_once(task, "lstm", seed=3)
    assert row["epochs_run"] == metrics["training"]["epochs_run"]
    assert row["metric_value"] == metrics["model"]["rmse"]
    best = metrics["verdict"]["baseline"]
    assert task.facts["baseline"] == {"name": best, "value": metrics["baselines"][best]["rmse"]}
    assert row["details"]["dm"] == metrics["baselines"][best]["dm"]
