"""Vanishing and exploding gradients, measured on small models with fixed seeds."""

from common import cells, gradients, models, training

import keras
import numpy as np
import pytest

STEPS = 100  # timesteps the gradient is followed over
UNITS = 32
SEED = 42


def norms_at_initialisation(cell, forget_bias=None):
    """(100,) |d h_last / d x_t| for a fresh layer on unit-variance noise, fixed seed."""
    # (16, 100, 1)
    inputs = np.random.default_rng(SEED).normal(size=(16, STEPS, 1)).astype("float32")
    training.seed_everything(SEED)
    layer = gradients.recurrent_layer(cell, UNITS, forget_bias)
    layer.build(inputs.shape)
    return gradients.input_gradient_norms(layer, inputs)


@pytest.fixture(scope="module")
def initial_norms():
    return {
        "SimpleRNN": norms_at_initialisation("SimpleRNN"),
        "LSTM": norms_at_initialisation("LSTM"),
        "LSTM, forget bias 3": norms_at_initialisation("LSTM", forget_bias=3.0),
    }


def test_simple_rnn_gradient_vanishes_over_100_steps(initial_norms):
    norms = initial_norms["SimpleRNN"]
    assert norms.shape == (STEPS,)
    assert np.all(np.isfinite(norms)) and np.all(norms > 0)
    assert gradients.fall_factor(norms) > 1e2  # measured: about 10^6


def test_lstm_with_an_open_forget_gate_keeps_the_gradient(initial_norms):
    # The LSTM's memory path multiplies the gradient by the forget gate at each step. Opened
    # (bias 3, f = 0.95), the gradient 99 steps back is as large as the last step's.
    open_lstm = gradients.fall_factor(initial_norms["LSTM, forget bias 3"])  # measured: about 0.2
    assert open_lstm < 10
    assert open_lstm * 1e3 < gradients.fall_factor(initial_norms["SimpleRNN"])


def test_lstm_with_keras_default_forget_bias_also_vanishes_at_initialisation(initial_norms):
    # What we measure with Keras' defaults: forget gate sigma(1) = 0.73, so at initialisation the
    # LSTM's gradient falls at least as fast as the SimpleRNN's (about 10^8 against 10^6).
    assert gradients.fall_factor(initial_norms["LSTM"]) > 1e2
    assert (
        gradients.fall_factor(initial_norms["LSTM"])
        > gradients.fall_factor(initial_norms["SimpleRNN"]) / 10
    )


def test_forget_gate_bias_changes_the_forget_bias_only():
    training.seed_everything(SEED)
    keras_default = models.recurrent_layer("LSTM", 4)
    keras_default.build((None, 3, 2))
    training.seed_everything(SEED)
    opened = gradients.recurrent_layer("LSTM", 4, forget_bias=3.0)
    opened.build((None, 3, 2))
    kernel_before, recurrent_before, bias_before = keras_default.get_weights()
    kernel, recurrent, bias = opened.get_weights()
    np.testing.assert_array_equal(bias_before, [0, 0, 0, 0, 1, 1, 1, 1, *[0] * 8])  # Keras' own
    np.testing.assert_array_equal(bias, [0, 0, 0, 0, 3, 3, 3, 3, *[0] * 8])  # i, f, c, o
    np.testing.assert_array_equal(kernel, kernel_before)  # the same seed, the same kernels
    np.testing.assert_array_equal(recurrent, recurrent_before)
    forget = cells.lstm_forward(np.zeros((1, 2, 2)), *opened.get_weights())["forget"]
    # zero input, zero state: f = sigma(3)
    np.testing.assert_allclose(forget, 1 / (1 + np.exp(-3.0)), rtol=1e-6)


def test_recurrent_layer_without_forget_bias_is_the_models_layer():
    training.seed_everything(SEED)
    plain = gradients.recurrent_layer("GRU", 3)
    assert isinstance(plain, keras.layers.GRU) and plain.name == "gru"
    with pytest.raises(ValueError, match="no forget gate"):
        gradients.recurrent_layer("SimpleRNN", 3, forget_bias=3.0)


def test_fall_factor():
    assert gradients.fall_factor(np.array([0.01, 0.1, 1.0])) == pytest.approx(100.0)
    assert gradients.fall_factor(np.array([4.0, 2.0])) == pytest.approx(0.5)  # grows going back
    assert gradients.fall_factor(np.array([0.0, 1.0])) == np.inf


def test_fall_summary():
    norms = np.logspace(-4, 0, 101)  # 1e-4 at the first step up to 1 at the last
    summary = gradients.fall_summary(norms)
    assert summary["norm_last_step"] == pytest.approx(1.0)
    assert summary["norm_50_back"] == pytest.approx(1e-2)
    assert summary["norm_first_step"] == pytest.approx(1e-4)
    assert summary["fall_factor"] == pytest.approx(1e4)
    assert summary["orders_of_magnitude"] == pytest.approx(4.0)
    underflow = gradients.fall_summary(np.append(0.0, norms[1:]))
    assert underflow["fall_factor"] is None and underflow["orders_of_magnitude"] is None


def test_adding_problem_marks_two_early_steps_and_sums_them():
    inputs, targets = gradients.adding_problem(200, 30, np.random.default_rng(0), marked_span=10)
    assert inputs.shape == (200, 30, 2) and targets.shape == (200,)
    assert inputs.dtype == np.float32 and targets.dtype == np.float32
    markers = inputs[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=1), 2.0)
    assert markers[:, 10:].sum() == 0  # only the first 10 steps are marked
    np.testing.assert_allclose(targets, (inputs[:, :, 0] * markers).sum(axis=1), rtol=1e-6)
    assert np.all((inputs[:, :, 0] >= 0) & (inputs[:, :, 0] < 1))
    assert np.var(targets) == pytest.approx(1 / 6, abs=0.04)  # what predicting the mean scores


def exploding_run(clipnorm, steps=10):
    """The script's demo at its own size: ReLU SimpleRNN, recurrent gain 2, plain SGD."""
    inputs, targets = gradients.adding_problem(256, 20, np.random.default_rng(SEED))
    training.seed_everything(SEED)
    model = gradients.sequence_regressor(
        "SimpleRNN",
        20,
        2,
        16,
        activation="relu",
        recurrent_initializer=keras.initializers.Orthogonal(gain=2.0),
    )
    record = gradients.train_recording_gradients(
        model, inputs, targets, keras.optimizers.SGD(0.01, clipnorm=clipnorm), steps
    )
    return record, gradients.run_summary(record)


def test_without_clipping_the_loss_explodes():
    record, summary = exploding_run(clipnorm=None)
    assert summary["diverged"]
    losses = np.asarray(record["loss"])
    assert (not np.all(np.isfinite(losses))) or losses.max() > 1e3 * losses[0]
    assert summary["largest_finite_gradient_norm"] > 1e4  # measured: about 1.4e7


def test_with_clipping_the_loss_stays_finite():
    record, summary = exploding_run(clipnorm=1.0)
    assert summary["finite"] and not summary["diverged"]
    assert summary["steps"] == 10
    assert np.all(np.isfinite(record["loss"])) and np.all(np.isfinite(record["gradient_norm"]))
    assert summary["last_loss"] < summary["first_loss"]


def test_run_summary_reports_the_first_non_finite_step():
    summary = gradients.run_summary(
        {"loss": [2.0, 5e3, float("nan")], "gradient_norm": [1.0, 1e5, float("nan")]}
    )
    assert summary == {
        "steps": 3,
        "first_loss": 2.0,
        "last_loss": None,
        "largest_finite_gradient_norm": 1e5,
        "finite": False,
        "diverged": True,
        "first_non_finite_step": 3,
    }
    calm = gradients.run_summary({"loss": [2.0, 1.0], "gradient_norm": [3.0, 2.0]})
    assert calm["finite"] and not calm["diverged"] and calm["first_non_finite_step"] is None


def test_sequence_regressor_shapes_and_parameters():
    model = gradients.sequence_regressor("GRU", timesteps=7, features=2, units=5)
    assert model.output_shape == (None, 1)
    assert model.count_params() == cells.parameter_count("GRU", 5, 2) + 5 + 1  # + Dense(1)
