"""inside_the_cells.py: its steps on their own, and the whole script end to end with --quick (on
fresh seeded layers, and with --model on a saved forecaster)."""

import argparse
import json

import case8_2_lstm
import inside_the_cells
from common import cells, gradients

import keras
import numpy as np
import pytest

PLOTS = ["gates.png", "vanishing_gradients.png", "exploding_gradients.png"]
SEED = 42
SIGMOID_1 = 1 / (1 + np.exp(-1.0))  # 0.731: Keras starts the LSTM's forget-gate bias at 1


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """Run `python inside_the_cells.py --quick` in an empty folder: no saved model anywhere."""
    folder = tmp_path_factory.mktemp("fresh")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        metrics = inside_the_cells.main(["--quick"])
    return folder, metrics


@pytest.fixture(scope="module")
def fresh():
    """Steps 1 and 2 as the script runs them by default: three fresh layers, the toy input."""
    layers = inside_the_cells.fresh_layers(SEED)
    return layers, inside_the_cells.sine_waves(layers.timesteps, layers.features, SEED)


def save_case_forecaster(path, window=24, features=1):
    """A forecaster built by case 8-2's own `build_model`, with random weights in its two
    Dense layers (a fresh one has zeros there), saved to `path`."""
    keras.utils.set_random_seed(SEED)
    model = case8_2_lstm.build_model(window, features)
    rng = np.random.default_rng(SEED)
    for name in ["linear", "correction"]:
        layer = model.get_layer(name)
        layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.weights])
    model.save(path)
    return path


# Steps 1 to 4 on their own -----------------------------------------------------------------------


def test_fresh_layers_are_the_seeded_keras_layers(fresh):
    layers, toy_inputs = fresh
    assert list(layers.by_cell) == ["SimpleRNN", "LSTM", "GRU"]
    assert (layers.timesteps, layers.features, layers.model, layers.path) == (24, 1, None, None)
    assert toy_inputs.shape == (8, 24, 1) and toy_inputs.dtype == np.float32
    again = inside_the_cells.fresh_layers(SEED)
    other_seed = inside_the_cells.fresh_layers(SEED + 1)
    for cell, layer in layers.by_cell.items():
        kernel = layer.get_weights()[0]
        np.testing.assert_array_equal(kernel, again.by_cell[cell].get_weights()[0])
        assert not np.array_equal(kernel, other_seed.by_cell[cell].get_weights()[0])


def test_sine_waves_follow_their_formula():
    waves = inside_the_cells.sine_waves(timesteps=24, features=2, seed=SEED)
    assert waves.shape == (8, 24, 2)
    # A sine with a period of 12 steps plus the same sine 6 steps (half a period) later is 0:
    # only the noise of the two steps is left, with a standard deviation of sqrt(2) * 0.1.
    leftover = waves[:, :-6] + waves[:, 6:]  # (8, 18, 2)
    assert np.std(leftover) == pytest.approx(np.sqrt(2) * inside_the_cells.TOY_NOISE, rel=0.15)


def test_numpy_matches_keras_on_every_fresh_layer(fresh):
    layers, toy_inputs = fresh
    numpy_states, keras_h, summary = inside_the_cells.numpy_against_keras(layers, toy_inputs)
    assert summary["forecaster"] is None  # no saved model: the layers alone
    expected_parameters = {"SimpleRNN": 1088, "LSTM": 4352, "GRU": 3360}  # n(n+m+1), 4x, 3n(n+m+2)
    for cell, difference in summary["cells"].items():
        assert numpy_states[cell]["h"].shape == keras_h[cell].shape == (8, 24, 32)
        assert difference["max_abs_difference"] < 1e-5
        assert difference["max_abs_difference_last_state"] < 1e-5
        assert difference["parameters"] == dict.fromkeys(
            ["formula", "keras"], expected_parameters[cell]
        )


def test_gate_means_on_a_zero_input_are_the_hand_computed_values(fresh):
    """With x = 0 and h_0 = c_0 = 0, every pre-activation of a fresh LSTM is its bias: 0, except
    the forget gate's 1. So i = o = sigma(0) = 0.5, f = sigma(1) = 0.731, c~ = tanh(0) = 0, and h
    stays 0 at every step."""
    layers, _ = fresh
    zeros = np.zeros((2, 24, 1), dtype="float32")
    numpy_states = {"LSTM": cells.lstm_forward(zeros, *layers.by_cell["LSTM"].get_weights())}
    panels, gates = inside_the_cells.read_the_gates(layers, numpy_states, zeros, SEED)
    reading = gates["reading"]
    assert reading["input"]["mean"] == pytest.approx(0.5)
    assert reading["forget"]["mean"] == pytest.approx(SIGMOID_1)
    assert reading["candidate"]["mean"] == pytest.approx(0.0)
    assert reading["output"]["mean"] == pytest.approx(0.5)
    assert reading["forget"]["open_units"] == [] and reading["forget"]["closed_units"] == []
    memory = gates["memory"]
    assert memory["gate"] == "forget" and memory["kept_per_step"] == pytest.approx(SIGMOID_1)
    assert memory["left_at_last_step"] == pytest.approx(SIGMOID_1**23)  # 0.00074
    assert memory["largest_move_in_training"] is None  # fresh layers: nothing to compare
    assert gates["untrained"] is None
    assert list(panels) == [
        "input gate",
        "forget gate",
        "candidate",
        "output gate",
        "cell state c",
        "hidden state h",
    ]
    assert panels["forget gate"].shape == (32, 24)  # (units, steps) of the first sequence
    np.testing.assert_allclose(panels["hidden state h"], 0.0)


def test_a_gru_with_a_dense_head_can_be_looked_inside(tmp_path):
    inputs = keras.Input(shape=(7, 4), name="window")
    outputs = keras.layers.Dense(1)(keras.layers.GRU(8, name="gru")(inputs))
    keras.Model(inputs, outputs).save(tmp_path / "gru.keras")

    layers = inside_the_cells.saved_layer(tmp_path / "gru.keras")
    assert list(layers.by_cell) == ["GRU"] and (layers.timesteps, layers.features) == (7, 4)
    toy_inputs = inside_the_cells.sine_waves(layers.timesteps, layers.features, SEED)
    numpy_states, _, summary = inside_the_cells.numpy_against_keras(layers, toy_inputs)
    assert summary["cells"]["GRU"]["max_abs_difference"] < 1e-5
    assert summary["cells"]["GRU"]["parameters"]["formula"] == 3 * 8 * (8 + 4 + 2)
    assert summary["forecaster"] is None  # not the cases' linear + correction forecaster
    panels, gates = inside_the_cells.read_the_gates(layers, numpy_states, toy_inputs, SEED)
    assert list(gates["reading"]) == ["update", "reset", "candidate"]
    assert gates["memory"]["gate"] == "update"
    assert set(gates["untrained"]) == {"update", "reset", "candidate"}
    assert list(panels) == ["update gate", "reset gate", "candidate", "hidden state h"]


# Usage errors ------------------------------------------------------------------------------------


def error_lines(argv, capsys):
    """Run the script with `argv`; its exit status and the lines of stderr that say error:."""
    with pytest.raises(SystemExit) as exit_info:
        inside_the_cells.main(argv)
    lines = capsys.readouterr().err.strip().splitlines()
    return exit_info.value.code, [line for line in lines if "error:" in line]


def test_a_missing_model_file_is_one_error_line(tmp_path, capsys):
    existing = tmp_path / "out" / "metrics.json"
    existing.parent.mkdir()
    existing.write_text("{}")
    argv = [
        "--quick",
        "--model",
        str(tmp_path / "nothing.keras"),
        "--output-dir",
        str(existing.parent),
    ]
    code, errors = error_lines(argv, capsys)
    assert code == 2 and len(errors) == 1
    assert errors[0].startswith("inside_the_cells.py: error: no model file at")
    assert "nothing.keras" in errors[0] and "case8_2_lstm.py" in errors[0]
    assert existing.read_text() == "{}"  # nothing already there is lost


def test_a_file_that_is_not_a_usable_model_is_one_error_line(tmp_path, capsys):
    not_a_model = tmp_path / "notes.keras"
    not_a_model.write_text("not a Keras model")
    code, errors = error_lines(["--model", str(not_a_model), "--output-dir", str(tmp_path)], capsys)
    assert code == 2 and len(errors) == 1
    assert "could not be loaded as a Keras model" in errors[0]

    inputs = keras.Input(shape=(5, 1))
    keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Flatten()(inputs))).save(
        tmp_path / "dense.keras"
    )
    argv = ["--model", str(tmp_path / "dense.keras"), "--output-dir", str(tmp_path)]
    code, errors = error_lines(argv, capsys)
    assert code == 2 and len(errors) == 1 and "no SimpleRNN, LSTM or GRU layer" in errors[0]


def test_data_is_refused_with_one_error_line(tmp_path, capsys):
    code, errors = error_lines(["--data", "reviews.csv", "--output-dir", str(tmp_path)], capsys)
    assert code == 2 and len(errors) == 1 and "--data is not used here" in errors[0]


def test_help_ends_with_the_docstring_examples(capsys):
    with pytest.raises(SystemExit):
        inside_the_cells.build_parser().parse_args(["--help"])
    examples = capsys.readouterr().out.split("examples:")[1]
    assert "python inside_the_cells.py --quick" in examples
    assert "--model outputs/case8_2_lstm/model.keras" in examples


# The whole script --------------------------------------------------------------------------------


@pytest.mark.slow
def test_quick_run_writes_its_plots_and_metrics(quick_run):
    folder, metrics = quick_run
    output_dir = folder / "outputs" / "inside_the_cells"
    for name in PLOTS:
        assert (output_dir / name).stat().st_size > 10_000, name
        assert (output_dir / name).read_bytes()[:4] == b"\x89PNG"
    assert json.loads((output_dir / "metrics.json").read_text()) == json.loads(json.dumps(metrics))
    assert not list(output_dir.glob(".tmp-*"))  # atomic writes leave no temporary file behind
    assert sorted(path.name for path in folder.iterdir()) == ["outputs"]  # no case model trained


@pytest.mark.slow
def test_quick_run_proves_numpy_against_keras_on_fresh_seeded_layers(quick_run):
    metrics = quick_run[1]
    model = metrics["model"]
    assert model["path"] is None
    assert model["layers"] == {"SimpleRNN": "simple_rnn", "LSTM": "lstm", "GRU": "gru"}
    assert (model["units"], model["timesteps"], model["features"]) == (32, 24, 1)
    comparison = metrics["numpy_vs_keras"]
    assert (comparison["sequences"], comparison["timesteps"]) == (8, 24)
    for cell in ["SimpleRNN", "LSTM", "GRU"]:
        assert comparison["cells"][cell]["max_abs_difference"] < 1e-5  # measured: below 4e-7
        assert comparison["cells"][cell]["max_abs_difference_last_state"] < 1e-5


@pytest.mark.slow
def test_quick_run_reads_the_gates_of_the_fresh_lstm(quick_run, fresh):
    gates = quick_run[1]["gates"]
    assert (gates["cell"], gates["layer"]) == ("LSTM", "lstm")
    layers, toy_inputs = fresh
    states = cells.lstm_forward(toy_inputs, *layers.by_cell["LSTM"].get_weights())
    assert gates["reading"] == json.loads(json.dumps(cells.gate_summary(states)))
    # On small inputs a fresh forget gate stays near sigma(1); the input gate near sigma(0).
    assert gates["reading"]["forget"]["mean"] == pytest.approx(SIGMOID_1, abs=0.01)
    assert gates["reading"]["input"]["mean"] == pytest.approx(0.5, abs=0.01)
    assert gates["memory"]["left_at_last_step"] == pytest.approx(
        gates["reading"]["forget"]["mean"] ** 23
    )


@pytest.mark.slow
def test_vanishing_gradients_are_measured_for_every_cell(quick_run):
    vanishing = quick_run[1]["vanishing"]
    assert vanishing["timesteps"] == 100
    falls = vanishing["cells"]
    assert set(falls) == {"SimpleRNN", "LSTM", "GRU", "LSTM, forget bias 3"}
    assert falls["SimpleRNN"]["fall_factor"] > 1e2  # measured: 7.2e5
    assert falls["LSTM, forget bias 3"]["fall_factor"] < 10  # measured: 0.22
    means = vanishing["memory_gate_mean_at_initialisation"]
    assert means["LSTM"] == pytest.approx(SIGMOID_1, abs=0.01)
    assert means["LSTM, forget bias 3"] == pytest.approx(1 / (1 + np.exp(-3.0)), abs=0.01)


@pytest.mark.slow
def test_memory_task_scores_are_the_mse_of_the_adding_problem(quick_run):
    memory = quick_run[1]["memory_task"]
    # The mean predictor's MSE, computed here from the same sequences (seed 42, --quick sizes).
    rng = np.random.default_rng(SEED)
    sizes = inside_the_cells.QUICK
    steps, span = sizes["memory_steps"], inside_the_cells.MEMORY_MARKED_SPAN
    _, train_targets = gradients.adding_problem(sizes["memory_samples"], steps, rng, span)
    _, test_targets = gradients.adding_problem(sizes["memory_test_samples"], steps, rng, span)
    expected = np.mean((test_targets - train_targets.mean()) ** 2)
    assert memory["mean_predictor_mse"] == pytest.approx(expected, rel=1e-6)  # 0.156
    assert memory["epochs"] == inside_the_cells.QUICK_EPOCHS == 2
    assert set(memory["cells"]) == {"SimpleRNN", "LSTM", "GRU", "LSTM, forget bias 3"}
    for label, entry in memory["cells"].items():
        per_epoch = entry["test_mse_per_epoch"]
        assert len(per_epoch) == 2
        assert entry["test_mse"] == pytest.approx(per_epoch[-1], rel=1e-5), label
        assert per_epoch[-1] < per_epoch[0], label  # training lowers the test MSE
        assert entry["share_of_mean"] == pytest.approx(entry["test_mse"] / expected, rel=1e-5)
        assert entry["solved"] == (entry["share_of_mean"] < inside_the_cells.MEMORY_SOLVED)


@pytest.mark.slow
def test_clipping_keeps_the_exploding_run_finite(quick_run):
    clipping = quick_run[1]["clipping"]
    runs = clipping["runs"]
    assert runs["without clipping"]["diverged"]
    assert runs["clipnorm=1"]["finite"] and not runs["clipnorm=1"]["diverged"]
    assert runs["clipnorm=1"]["last_loss"] < runs["clipnorm=1"]["first_loss"]
    assert clipping["input_gradient_growth"] > 1  # it grows going back: it explodes


@pytest.mark.slow
def test_a_case_forecaster_can_be_looked_inside_with_model(tmp_path):
    model_path = save_case_forecaster(tmp_path / "model.keras")
    argv = ["--quick", "--model", str(model_path), "--output-dir", str(tmp_path / "out")]
    metrics = inside_the_cells.main(argv)
    assert metrics["model"]["path"] == str(model_path)
    assert metrics["model"]["layers"] == {"LSTM": "lstm"}
    comparison = metrics["numpy_vs_keras"]
    assert comparison["cells"]["LSTM"]["max_abs_difference"] < 1e-5
    # The whole forecaster (linear path + correction read from h) in NumPy equals model.predict.
    assert comparison["forecaster"]["max_abs_difference"] < 1e-4
    first = comparison["forecaster"]["first_output"]
    assert first["numpy"] == pytest.approx(first["keras"], abs=1e-4)
    gates = metrics["gates"]
    assert set(gates["untrained"]) == {"input", "forget", "candidate", "output", "c"}
    assert gates["memory"]["largest_move_in_training"] is not None
    assert (tmp_path / "out" / "gates.png").is_file()


@pytest.mark.slow
def test_exploding_gradients_measures_the_first_runs_model_before_it_trains():
    """Step 7 builds its model once per run: the per-step gradient norms come from the first
    run's fresh model, the same weights as a model built apart with the same seed."""
    args = argparse.Namespace(seed=SEED, clipnorm=1.0)
    runs, exploding_norms, clipping = inside_the_cells.exploding_gradients(3, args)
    inside_the_cells.training.seed_everything(SEED)
    fresh_model = gradients.sequence_regressor(
        "SimpleRNN",
        inside_the_cells.EXPLODING_STEPS,
        2,
        inside_the_cells.EXPLODING_SIZE,
        activation="relu",
        recurrent_initializer=keras.initializers.Orthogonal(gain=inside_the_cells.RECURRENT_GAIN),
    )
    inputs, _ = gradients.adding_problem(
        inside_the_cells.EXPLODING_SEQUENCES,
        inside_the_cells.EXPLODING_STEPS,
        np.random.default_rng(SEED),
        inside_the_cells.MEMORY_MARKED_SPAN,
    )
    np.testing.assert_array_equal(
        exploding_norms, gradients.input_gradient_norms(fresh_model, inputs)
    )
    assert exploding_norms.shape == (inside_the_cells.EXPLODING_STEPS,)
    assert set(runs) == set(clipping["runs"]) == {"without clipping", "clipnorm=1"}
    assert clipping["input_gradient_growth"] == pytest.approx(
        exploding_norms[0] / exploding_norms[-1]
    )
