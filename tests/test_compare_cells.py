"""compare_cells.py: parameter formulas, the JSON schema and a --quick run."""

import pytest
from conftest import exit_code_and_error, read_json

import compare_cells
from common import models
from common.cells import parameter_count

ROW_KEYS = {"task", "cell", "units", "input_features", "recurrent_params", "total_params", "seconds_per_epoch",
            "epochs_run", "train_seconds", "metric", "mean", "spread", "seeds", "baseline"}


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("units, features", [(32, 1), (32, 4), (7, 3)])
def test_recurrent_params_match_the_formulas(cell, units, features):
    model = models.forecaster(cell, window=5, features=features, units=units)
    assert models.recurrent_params(model) == parameter_count(cell, units, features)
    assert compare_cells.formula_params(cell, units, features) == parameter_count(cell, units, features)


def test_bidirectional_gru_holds_two_grus():
    import keras

    inputs = keras.Input(shape=(5, 3))
    model = keras.Model(inputs, models.recurrent_layer("bidirectional-gru", 8)(inputs))
    assert models.recurrent_params(model) == 2 * 3 * 8 * (8 + 3 + 2) == compare_cells.formula_params("bidirectional-gru", 8, 3)


@pytest.fixture(scope="module")
def quick_comparison(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("compare")
    compare_cells.main(["--quick", "--output-dir", str(output_dir)])
    return output_dir


def test_quick_run_writes_the_table_json_and_plot(quick_comparison):
    for name in ["comparison.md", "comparison.json", "comparison.png"]:
        assert (quick_comparison / name).stat().st_size > 0
    table = (quick_comparison / "comparison.md").read_text()
    assert "| monthly | lstm | 3 | yes | 4352 (4n(n+m+1), n=32, m=1)" in table
    assert "| daily | gru | 2 | no | 3648 (3n(n+m+2), n=32, m=4)" in table
    assert "| text | simple_rnn | 0 | no | 8256 (n(n+m+1), n=64, m=64)" in table


def test_comparison_json_schema(quick_comparison):
    result = read_json(quick_comparison / "comparison.json")
    assert isinstance(result["device"], str) and result["device"]
    rows = result["rows"]
    assert [(row["task"], row["cell"]) for row in rows] == [
        (task, cell) for task in ["monthly", "daily", "text"] for cell in ["simple_rnn", "lstm", "gru"]]
    for row in rows:
        assert ROW_KEYS <= set(row)
        assert row["recurrent_params"] == row["formula_params"]
        assert row["seconds_per_epoch"] > 0 and row["train_seconds"] > 0 and row["epochs_run"] >= 1
        assert row["mean"] > 0 and row["spread"] == 0.0 and len(row["seeds"]) == 1
        assert row["metric"] == {"monthly": "rmse", "daily": "mae", "text": "roc_auc"}[row["task"]]
        assert row["baseline"]["name"] in {"naive", "seasonal_naive", "mean", "climatology", "tfidf_logreg"}
    assert any("one seed only" in line for line in result["verdicts"])


def test_unknown_task_or_cell_is_a_usage_error(tmp_path, capsys):
    code, line = exit_code_and_error(compare_cells.main, ["--tasks", "weekly", "--output-dir", str(tmp_path)], capsys)
    assert code == 2 and line.startswith("compare_cells.py: error: unknown task 'weekly'")
    code, line = exit_code_and_error(compare_cells.main, ["--cells", "transformer", "--output-dir", str(tmp_path)], capsys)
    assert code == 2 and "unknown cell 'transformer'" in line
