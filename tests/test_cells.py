"""The NumPy cells against Keras: same weights, same inputs, same hidden states."""

import case8_2_lstm
from common import cells

import keras
import numpy as np
import pytest

LAYERS = {"SimpleRNN": keras.layers.SimpleRNN, "LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU}
TOLERANCE = 1e-4


def random_layer(cell, units, features, rng):
    """A built Keras layer whose weights are all random (not the zero biases of a fresh layer)."""
    layer = LAYERS[cell](units)
    layer.build((None, None, features))
    layer.set_weights(
        [rng.normal(scale=0.6, size=w.shape).astype("float32") for w in layer.get_weights()]
    )
    return layer


@pytest.fixture(scope="module")
def case_model(tmp_path_factory):
    """The case 8-2 LSTM forecaster after a --quick training run, reloaded from model.keras."""
    output_dir = tmp_path_factory.mktemp("case8_2_lstm")
    case8_2_lstm.main(["--quick", "--output-dir", str(output_dir)])
    return keras.saving.load_model(output_dir / "model.keras")


@pytest.mark.parametrize("cell", ["SimpleRNN", "LSTM", "GRU"])
def test_random_weights_give_keras_hidden_states(cell):
    rng = np.random.default_rng(0)
    layer = random_layer(cell, units=7, features=3, rng=rng)
    x = rng.normal(size=(5, 40, 3)).astype("float32")  # (batch, timesteps, features)

    numpy_states = cells.FORWARD[cell](x, *layer.get_weights())
    keras_h = cells.keras_sequence(layer, x)  # (5, 40, 7)

    assert numpy_states["h"].shape == (5, 40, 7)
    assert np.abs(numpy_states["h"] - keras_h).max() < TOLERANCE
    # The layer itself (return_sequences=False) returns the last step.
    assert np.abs(numpy_states["h"][:, -1] - keras.ops.convert_to_numpy(layer(x))).max() < TOLERANCE


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_gates_have_their_names_shapes_and_ranges(cell):
    rng = np.random.default_rng(1)
    layer = random_layer(cell, units=4, features=2, rng=rng)
    states = cells.FORWARD[cell](rng.normal(size=(3, 6, 2)), *layer.get_weights())
    expected = (
        ["h", "c", "input", "forget", "candidate", "output"]
        if cell == "LSTM"
        else ["h", "update", "reset", "candidate"]
    )
    assert sorted(states) == sorted(expected)
    for name, values in states.items():
        assert values.shape == (3, 6, 4)
        if name in ("candidate", "h"):
            assert np.all(np.abs(values) < 1)
        elif name != "c":
            assert np.all((values > 0) & (values < 1))  # a sigmoid gate


def test_lstm_cell_state_matches_keras_final_carry():
    rng = np.random.default_rng(2)
    layer = random_layer("LSTM", units=6, features=2, rng=rng)
    x = rng.normal(size=(4, 25, 2)).astype("float32")
    twin = keras.layers.LSTM(6, return_state=True)
    twin.build(x.shape)
    twin.set_weights(layer.get_weights())
    _, last_h, last_c = (keras.ops.convert_to_numpy(part) for part in twin(x))
    states = cells.lstm_forward(x, *layer.get_weights())
    assert np.abs(states["c"][:, -1] - last_c).max() < TOLERANCE
    assert np.abs(states["h"][:, -1] - last_h).max() < TOLERANCE


@pytest.mark.slow
def test_trained_case_model_lstm_matches_keras(case_model):
    lstm = case_model.get_layer("lstm")
    window, features = case_model.input_shape[1:]  # (24, 1)
    # scaled-looking windows
    x = np.random.default_rng(3).normal(size=(8, window, features)).astype("float32")

    numpy_h = cells.lstm_forward(x, *lstm.get_weights())["h"]  # (8, 12, 32)
    keras_h = cells.keras_sequence(lstm, x)
    assert numpy_h.shape == (8, window, 32)
    assert np.abs(numpy_h - keras_h).max() < TOLERANCE

    # The whole forecaster: the linear path on the flattened window plus the correction read
    # from the last hidden state equals model.predict.
    linear_kernel, linear_bias = case_model.get_layer("linear").get_weights()
    correction_kernel, correction_bias = case_model.get_layer("correction").get_weights()
    # (8, 1)
    numpy_forecast = (x.reshape(8, -1) @ linear_kernel + linear_bias) + (
        numpy_h[:, -1] @ correction_kernel + correction_bias
    )
    assert np.abs(numpy_forecast - case_model.predict(x, verbose=0)).max() < TOLERANCE


@pytest.mark.parametrize("cell", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("units, features", [(1, 1), (32, 1), (16, 5)])
def test_parameter_count_formulas_match_keras(cell, units, features):
    layer = LAYERS[cell](units)
    layer.build((None, 10, features))
    assert cells.parameter_count(cell, units, features) == layer.count_params()


def test_parameter_count_examples_and_names():
    assert cells.parameter_count("lstm", 32, 1) == 4352  # 4 * 32 * (32 + 1 + 1)
    assert cells.parameter_count("simple_rnn", 32, 1) == 1088  # 32 * 34
    assert cells.parameter_count("GRU", 32, 1) == 3360  # 3 * 32 * 35
    with pytest.raises(ValueError, match="unknown cell"):
        cells.parameter_count("transformer", 8, 1)


def test_gru_without_reset_after_is_refused():
    layer = keras.layers.GRU(3, reset_after=False)
    layer.build((None, 4, 2))
    with pytest.raises(ValueError, match="reset_after=True"):
        cells.gru_forward(np.zeros((1, 4, 2)), *layer.get_weights())


def test_sigmoid_is_stable_and_correct():
    a = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
    with np.errstate(all="raise"):
        values = cells.sigmoid(a)
    np.testing.assert_allclose(
        values, [0.0, 1 / (1 + np.exp(2.0)), 0.5, 1 / (1 + np.exp(-2.0)), 1.0], atol=1e-12
    )
