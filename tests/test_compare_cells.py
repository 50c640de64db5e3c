"""compare_cells.py: parameter formulas, the JSON schema and a --quick run."""

import compare_cells
from common.cells import parameter_count
from helpers import exit_code_and_error, read_json

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
    compare_cells.main(["--quick", "--output-dir", str(output_dir)])
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
        for task in ["monthly", "daily", "text"]
        for cell in ["simple_rnn", "lstm", "gru"]
    ]
    for row in rows:
        assert set(row) >= ROW_KEYS
        assert row["recurrent_params"] == row["formula_params"]
        assert row["seconds_per_epoch"] > 0 and row["train_seconds"] > 0 and row["epochs_run"] >= 1
        assert row["mean"] > 0 and row["spread"] == 0.0 and len(row["seeds"]) == 1
        assert row["metric"] == {"monthly": "rmse", "daily": "mae", "text": "roc_auc"}[row["task"]]
        assert row["baseline"]["name"] in {
            "naive",
            "seasonal_naive",
            "mean",
            "climatology",
            "tfidf_logreg",
        }
    assert any("one seed only" in line for line in result["verdicts"])


def test_unknown_task_or_cell_is_a_usage_error(tmp_path, capsys):
    code, line = exit_code_and_error(
        compare_cells.main, ["--tasks", "weekly", "--output-dir", str(tmp_path)], capsys
    )
    assert code == 2 and line.startswith("compare_cells.py: error: unknown task 'weekly'")
    code, line = exit_code_and_error(
        compare_cells.main, ["--cells", "transformer", "--output-dir", str(tmp_path)], capsys
    )
    assert code == 2 and "unknown cell 'transformer'" in line


@pytest.mark.slow
def test_tensorboard_flag_writes_logs_for_each_run(tmp_path):
    compare_cells.main(
        [
            "--quick",
            "--tasks",
            "monthly",
            "--cells",
            "gru",
            "--tensorboard",
            "--output-dir",
            str(tmp_path),
        ]
    )
    run_logs = tmp_path / "logs" / "monthly_gru_seed42"
    assert run_logs.is_dir()
    # TensorBoard writes its event files under train/ and validation/
    assert any(path.is_file() for path in run_logs.rglob("*"))
