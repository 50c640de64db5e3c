"""common/training.py and common/__init__.py: callbacks, the environment block, quiet start-up."""

import os
import subprocess
import sys
import types
from pathlib import Path

import common
from common import training
from common.cli import UsageError
from helpers import ROOT

import keras
import numpy as np
import pytest


def test_one_early_stopping_mechanism_that_restores_the_best_epoch(tmp_path):
    chosen = training.callbacks("val_loss", "min", patience=3)
    stoppers = [c for c in chosen if isinstance(c, keras.callbacks.EarlyStopping)]
    assert len(stoppers) == 1 and stoppers[0].restore_best_weights and stoppers[0].patience == 3
    assert not any(isinstance(c, keras.callbacks.ModelCheckpoint) for c in chosen)
    assert not any(isinstance(c, keras.callbacks.TensorBoard) for c in chosen)
    logged = training.callbacks("val_auc", "max", 2, tensorboard_dir=tmp_path / "logs")
    boards = [c for c in logged if isinstance(c, keras.callbacks.TensorBoard)]
    # one folder a run inside the given one, so that TensorBoard shows the runs side by side
    assert len(boards) == 1 and Path(boards[0].log_dir).parent == tmp_path / "logs"
    assert Path(boards[0].log_dir).name.startswith("run-")
    assert sum(isinstance(c, keras.callbacks.TerminateOnNaN) for c in chosen) == 1


def test_tensorboard_without_its_package_is_a_usage_error(monkeypatch):
    monkeypatch.setattr(training.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UsageError, match="pip install tensorboard"):
        training.check_tensorboard(True)
    training.check_tensorboard(False)  # not asked for: nothing to check


def test_the_best_epoch_is_what_the_model_holds_after_fit():
    training.seed_everything(0)
    inputs = keras.Input(shape=(1,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    x = keras.ops.convert_to_numpy(keras.random.normal((64, 1), seed=1))
    # A learning rate this large diverges after a few epochs: the best epoch is an early one.
    history = model.fit(
        x,
        3 * x,
        validation_data=(x, 3 * x),
        epochs=8,
        verbose=0,
        callbacks=training.callbacks("val_loss", "min", patience=8),
    )
    best = min(history.history["val_loss"])
    assert model.evaluate(x, 3 * x, verbose=0) == pytest.approx(best, rel=1e-4)


def test_environment_names_backend_devices_and_versions():
    block = training.environment()
    assert block["backend"] == keras.backend.backend() and block["keras"] == keras.__version__
    assert block["devices"] and all(isinstance(name, str) for name in block["devices"])
    line = training.describe_environment(block)
    assert line.startswith(f"Keras {keras.__version__} (") and " on " in line


@pytest.mark.skipif(
    "TF_CPP_MIN_LOG_LEVEL" in os.environ and not common.QUIET,
    reason="this test process was started with TF_CPP_MIN_LOG_LEVEL set",
)
def test_start_up_is_quiet_by_default():
    assert common.QUIET and os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"


def test_a_log_level_the_user_sets_is_honoured_and_nothing_is_hidden():
    probe = "import os, common; print(common.QUIET, os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "1"}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )
    assert result.stdout.split() == ["False", "1"], result.stderr[-2000:]


def test_batch_size_follows_the_data_size():
    assert training.batch_size_for(100) == 8  # a short monthly series: never below 8
    assert training.batch_size_for(1_000) == 16  # about 1/32, rounded down to a power of two
    assert training.batch_size_for(5_700) == 128
    assert training.batch_size_for(1_000_000) == 256  # never above 256


def test_a_budget_of_steps_gives_short_files_more_epochs():
    short = training.budget(samples=100, updates=4000, patience_updates=600)
    long = training.budget(samples=10_000, updates=4000, patience_updates=600)
    assert short.pop("verbose") == long.pop("verbose") == training.progress_verbosity()
    assert short == {"batch_size": 8, "epochs": 308, "patience": 47, "batches_per_epoch": 13}
    assert long == {"batch_size": 256, "epochs": 100, "patience": 15, "batches_per_epoch": 40}
    assert training.describe_budget(long, "reviews") == (
        "100 epochs at most of 40 batches of 256 reviews; patience 15 epochs"
    )
    # --batch-size and --epochs win over what the data size suggests.
    forced = training.budget(
        samples=100, updates=4000, patience_updates=600, batch_size=50, epochs=7
    )
    assert forced["batch_size"] == 50 and forced["epochs"] == 7 and forced["batches_per_epoch"] == 2


def test_early_stopping_keeps_the_starting_point_when_no_epoch_beats_it():
    # A model that starts at the exact answer (y = 2x) and is pushed away by a huge learning
    # rate: no epoch's validation loss beats the start, so the start's weights come back.
    x = np.linspace(-1, 1, 64).reshape(-1, 1).astype("float32")
    y = 2 * x
    inputs = keras.Input(shape=(1,))
    layer = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(2.0))
    model = keras.Model(inputs, layer(inputs))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=5.0), loss="mse")
    start_loss = float(model.evaluate(x, y, verbose=0))
    assert start_loss == 0.0
    stopper = training.EarlyStoppingFromStart(start_loss, monitor="val_loss", patience=2)
    noisy = y + np.random.default_rng(0).normal(0, 1, y.shape).astype("float32")
    model.fit(x, noisy, validation_data=(x, y), epochs=4, verbose=0, callbacks=[stopper])
    assert stopper.kept_start
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.kernel), [[2.0]])


def constant_forecaster(value, name):
    """A (3, 1) window -> the constant `value`: a stand-in for a trained network."""
    inputs = keras.Input(shape=(3, 1))
    flat = keras.layers.Flatten()(inputs)
    output = keras.layers.Dense(
        1, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(value)
    )(flat)
    return keras.Model(inputs, output, name=name)


def keep_or_drop(targets, trained_bias):
    """A constant model (bias 0 at the start) trained to `trained_bias`, judged by
    keep_if_it_helps: the first 40 targets are the validation part, the last 20 the check."""
    x = np.zeros((len(targets), 1), "float32")
    inputs = keras.Input(shape=(1,))
    layer = keras.layers.Dense(1, kernel_initializer="zeros", bias_initializer="zeros")
    model = keras.Model(inputs, layer(inputs))
    model.compile(optimizer="sgd", loss="mse")
    stopper = training.EarlyStoppingFromStart(1e9, monitor="val_loss", patience=2)
    stopper.set_model(model)
    stopper.on_train_begin()
    stopper.best_epoch, stopper.kept_start = 3, False  # as if an epoch had won
    layer.bias.assign([trained_bias])
    blocks = (x[:40], targets[:40]), (x[40:], targets[40:])
    judged = training.keep_if_it_helps(model, *fit_records(stopper), blocks, "mse")
    assert float(keras.ops.convert_to_numpy(layer.bias)[0]) == pytest.approx(trained_bias)
    model.set_weights(judged.weights)  # as the case does
    return judged, float(keras.ops.convert_to_numpy(layer.bias)[0])


def fit_records(stopper):
    """Stand-ins for what fit() leaves and the Plan it read: (history, plan)."""
    history = types.SimpleNamespace(history={"val_loss": [2.0, 1.5, 1.0]}, epoch=[0, 1, 2])
    return history, types.SimpleNamespace(callbacks=[stopper], start_loss=1e9)


def test_training_is_kept_only_where_the_check_block_confirms_the_gain():
    # Targets at 1 in the validation part and at -1 in the check block: a bias of 0.5 helps
    # where early stopping looked and hurts where it did not, so the start (bias 0) comes back.
    targets = np.concatenate([np.ones(40), -np.ones(20)]).astype("float32")
    judged, bias = keep_or_drop(targets, 0.5)
    assert judged.kept is False and bias == 0.0 and judged.why == "judged"
    assert judged.blocks[0]["trained"] > judged.blocks[0]["start"]
    noisy_ones = (1 + 0.1 * np.random.default_rng(0).normal(size=60)).astype("float32")
    judged, bias = keep_or_drop(noisy_ones, 0.5)  # helps on the check block, significantly: kept
    assert judged.kept is True and bias == 0.5 and len(judged.blocks) == 1
    assert judged.p < 1e-6
    # Better on the check block by 0.8 % only (a loss of 0.992 against 1): not enough, dropped.
    judged, bias = keep_or_drop(noisy_ones, 0.004)
    assert judged.kept is False and bias == 0.0
    assert judged.blocks[0]["trained"] < judged.blocks[0]["start"]


def test_a_gain_the_check_block_cannot_confirm_is_dropped():
    """2-4 % better, but the check block's 20 noisy targets cannot tell that gain from chance
    (Diebold-Mariano p > 0.05): the start comes back."""
    rng = np.random.default_rng(16)
    targets = (0.1 + rng.normal(size=60)).astype("float32")  # a bias of 0.1 helps a little
    judged, bias = keep_or_drop(targets, 0.1)
    assert judged.blocks[0]["trained"] < 0.99 * judged.blocks[0]["start"]
    assert judged.p > 0.05 and judged.kept is False and bias == 0.0


def test_without_a_check_block_the_start_comes_back():
    x = np.zeros((30, 1), "float32")
    inputs = keras.Input(shape=(1,))
    layer = keras.layers.Dense(1, kernel_initializer="zeros", bias_initializer="zeros")
    model = keras.Model(inputs, layer(inputs))
    stopper = training.EarlyStoppingFromStart(1e9, monitor="val_loss", patience=2)
    stopper.set_model(model)
    stopper.on_train_begin()
    stopper.best_epoch, stopper.kept_start = 3, False
    layer.bias.assign([0.5])
    targets = np.full(30, 0.5, "float32")  # training's bias is perfect on validation
    blocks = (x, targets), (x[:0], targets[:0])
    judged = training.keep_if_it_helps(model, *fit_records(stopper), blocks, "mae")
    assert judged.kept is False and judged.why == "no check block" and judged.blocks == []
    model.set_weights(judged.weights)
    assert float(keras.ops.convert_to_numpy(layer.bias)[0]) == 0.0


def test_the_earlier_rule_is_reported_beside_the_one_in_force():
    """The validation part shows a large, clear gain; the check block's 20 noisy targets agree
    by 4 % but cannot confirm it (p > 0.05). The rule in force drops it; the earlier rule's
    second branch (every block at p < 0.001) would have kept it, and the run says so."""
    rng = np.random.default_rng(0)
    noisy_check = (0.1 + np.random.default_rng(16).normal(size=60))[40:]
    targets = np.concatenate([1 + 0.1 * rng.normal(size=40), noisy_check]).astype("float32")
    judged, bias = keep_or_drop(targets, 0.1)
    assert judged.p > 0.05 and judged.kept is False and bias == 0.0
    assert judged.earlier_rule is True
    # A gain on the check block alone, with the validation halves hurt: kept now, not before.
    targets = np.concatenate([-np.ones(40), np.ones(20)]).astype("float32")
    targets[40:] += 0.05 * np.random.default_rng(1).normal(size=20).astype("float32")
    judged, bias = keep_or_drop(targets, 0.5)
    assert judged.kept is True and bias == 0.5 and judged.earlier_rule is False
