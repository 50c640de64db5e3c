"""End to end: inside_the_cells.py --quick, from a fresh folder (it trains its own case 8-2
model first); and Step 7 and --help on their own."""

import argparse
import json
import shutil

import inside_the_cells

import keras
import numpy as np
import pytest

pytestmark = pytest.mark.slow  # the script trains a case model and memory-task models

PLOTS = ["gates.png", "vanishing_gradients.png", "exploding_gradients.png"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """Run `python inside_the_cells.py --quick` in an empty folder: no saved model there yet."""
    folder = tmp_path_factory.mktemp("fresh")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        metrics = inside_the_cells.main(["--quick"])
    return folder / "outputs" / "inside_the_cells", metrics


def test_quick_run_writes_its_plots_and_metrics(quick_run):
    output_dir, metrics = quick_run
    for name in PLOTS:
        assert (output_dir / name).stat().st_size > 10_000, name
        assert (output_dir / name).read_bytes()[:4] == b"\x89PNG"
    assert json.loads((output_dir / "metrics.json").read_text()) == json.loads(json.dumps(metrics))
    assert not list(output_dir.glob(".tmp-*"))  # atomic writes leave no temporary file behind


def test_quick_run_trained_a_case_model_when_none_was_saved(quick_run):
    output_dir, metrics = quick_run
    assert metrics["model"]["trained_here"]
    assert (output_dir / "case8_2_lstm" / "model.keras").is_file()
    assert (output_dir / "case8_2_lstm" / "preprocessing.json").is_file()
    assert metrics["model"]["cell"] == "LSTM" and metrics["model"]["layer"] == "lstm"
    model = metrics["model"]
    # The window case 8-2 chose on validation for the embedded electricity series: 24 months.
    assert (model["window"], model["features"], model["units"]) == (24, 1, 32)


def test_numpy_lstm_matches_keras_on_the_real_window(quick_run):
    comparison = quick_run[1]["numpy_vs_keras"]
    assert comparison["max_abs_difference"] < 1e-4
    assert comparison["max_abs_difference_last_state"] < 1e-4
    assert comparison["max_abs_difference_all_windows"] < 1e-4
    assert comparison["windows"] > 400  # every window of the 486-month series
    assert comparison["parameters"] == {"formula": 4352, "keras": 4352}
    forecast = comparison["forecast"]
    assert forecast["numpy"] == pytest.approx(forecast["keras"], abs=1e-3)


def test_gate_reading_is_recorded(quick_run):
    trained = quick_run[1]["gates"]["trained"]
    assert set(trained) == {"input", "forget", "candidate", "output", "c"}
    assert 0 < trained["forget"]["mean"] < 1


def test_vanishing_gradients_are_measured_for_every_cell(quick_run):
    vanishing = quick_run[1]["vanishing"]
    assert vanishing["timesteps"] == 100
    cells = vanishing["cells"]
    assert set(cells) == {"SimpleRNN", "LSTM", "GRU", "LSTM, forget bias 3"}
    assert cells["SimpleRNN"]["fall_factor"] > 1e2
    assert cells["LSTM, forget bias 3"]["fall_factor"] < 10


def test_memory_task_and_clipping_outcomes(quick_run):
    metrics = quick_run[1]
    memory = metrics["memory_task"]
    assert set(memory["cells"]) == {"SimpleRNN", "LSTM", "GRU", "LSTM, forget bias 3"}
    assert all(np.isfinite(entry["test_mse"]) for entry in memory["cells"].values())
    runs = metrics["clipping"]["runs"]
    assert runs["without clipping"]["diverged"]
    assert runs["clipnorm=1"]["finite"] and not runs["clipnorm=1"]["diverged"]


def test_a_gru_forecaster_can_be_looked_inside(quick_run, tmp_path):
    """Any forecaster whose recurrent layer reads the window: here a GRU saved beside the case's
    preprocessing."""
    case_dir = quick_run[0] / "case8_2_lstm"
    model_dir = tmp_path / "gru_model"
    model_dir.mkdir()
    shutil.copy(case_dir / "preprocessing.json", model_dir / "preprocessing.json")
    window = json.loads((case_dir / "preprocessing.json").read_text())["window"]
    inputs = keras.Input(shape=(window, 1), name="window")
    outputs = keras.layers.Dense(1)(keras.layers.GRU(8, name="gru")(inputs))
    keras.Model(inputs, outputs).save(model_dir / "model.keras")

    model_path = model_dir / "model.keras"
    argv = ["--quick", "--model", str(model_path), "--output-dir", str(tmp_path / "out")]
    metrics = inside_the_cells.main(argv)
    assert metrics["model"]["cell"] == "GRU"
    assert metrics["numpy_vs_keras"]["max_abs_difference"] < 1e-4
    parameters = metrics["numpy_vs_keras"]["parameters"]
    assert parameters["formula"] == parameters["keras"] == 3 * 8 * (8 + 1 + 2)
    assert set(metrics["gates"]["trained"]) == {"update", "reset", "candidate"}
    assert (tmp_path / "out" / "gates.png").is_file()


def test_a_missing_model_file_is_a_usage_error(tmp_path, capsys):
    existing = tmp_path / "out" / "metrics.json"
    existing.parent.mkdir()
    existing.write_text("{}")
    missing = tmp_path / "nothing.keras"
    with pytest.raises(SystemExit) as exit_info:
        inside_the_cells.main(
            ["--quick", "--model", str(missing), "--output-dir", str(tmp_path / "out")]
        )
    assert exit_info.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "error: no model file at" in error and "nothing.keras" in error
    assert existing.read_text() == "{}"  # nothing already there is lost


def test_exploding_gradients_measures_the_first_runs_model_before_it_trains():
    """Step 7 builds its model once per run: the per-step gradient norms come from the first
    run's fresh model, the same weights as a model built apart with the same seed."""
    args = argparse.Namespace(quick=True, seed=42, clipnorm=1.0, trace=False)
    records, exploding_norms, clipping = inside_the_cells.exploding_gradients(args)
    inside_the_cells.training.seed_everything(42)
    fresh_model = inside_the_cells.gradients.sequence_regressor(
        "SimpleRNN",
        inside_the_cells.EXPLODING_STEPS,
        2,
        inside_the_cells.EXPLODING_SIZE,
        activation="relu",
        recurrent_initializer=keras.initializers.Orthogonal(gain=inside_the_cells.RECURRENT_GAIN),
    )
    inputs, _ = inside_the_cells.gradients.adding_problem(
        inside_the_cells.EXPLODING_SEQUENCES,
        inside_the_cells.EXPLODING_STEPS,
        np.random.default_rng(42),
        inside_the_cells.MEMORY_MARKED_SPAN,
    )
    fresh_norms = inside_the_cells.gradients.input_gradient_norms(fresh_model, inputs)
    np.testing.assert_array_equal(exploding_norms, fresh_norms)
    assert exploding_norms.shape == (inside_the_cells.EXPLODING_STEPS,)
    assert set(records) == set(clipping["runs"]) == {"without clipping", "clipnorm=1"}
    assert clipping["input_gradient_growth"] > 1  # it grows going back: it explodes


def test_help_ends_with_the_docstring_examples(capsys):
    with pytest.raises(SystemExit):
        inside_the_cells.build_parser().parse_args(["--help"])
    examples = capsys.readouterr().out.split("examples:")[1]
    assert "python inside_the_cells.py --quick" in examples
    assert "python case8_2_lstm.py" in examples
