"""Inside the cells: SimpleRNN, LSTM and GRU in NumPy, checked against Keras; why gates matter.

What it does:
  1-3. makes a fresh SimpleRNN, LSTM and GRU with seeded weights (with --model: takes the
       recurrent layer of a forecaster that a case saved). It runs a toy input (8 sine waves of
       24 steps) through each layer twice: through the equations in NumPy (common/cells.py) and
       through Keras. It prints the largest difference (about 1e-7);
  4.   draws every gate and state of the LSTM over one wave (gates.png), and says what they show;
  5.   follows the gradient of the last output back through 100 steps of each fresh cell
       (vanishing_gradients.png);
  6.   trains each cell for a short time on the adding problem (the target depends only on
       numbers near the start of the sequence), and compares their test errors;
  7.   makes the gradients of a ReLU SimpleRNN explode, and trains it without and with clipnorm
       (exploding_gradients.png).
Each step is one function below, named in `main`.

Run it:
    python inside_the_cells.py          # about 1.5 minutes on two CPU cores
    python inside_the_cells.py --quick  # about 15 s
    python case8_2_lstm.py              # optional: train the forecaster of case 8-2, then:
    python inside_the_cells.py --model outputs/case8_2_lstm/model.keras
    python inside_the_cells.py --model outputs/case8_3_gru/model.keras   # a GRU forecaster

Good places for a breakpoint (the debugger's variables panel shows the values):
  - inside common/cells.py `lstm_forward`, in the `for t` loop: every gate of step t is one named
    (batch, units) array, e.g. `forget_gate` (8, 32).
  - after `numpy_states, keras_h, numpy_vs_keras = ...` in `main` (Step 3):
    `numpy_states["LSTM"]["h"]` (8, 24, 32) next to `keras_h["LSTM"]`.
  - after `norms[label] = ...` in `vanishing_gradients` (Step 5): one (100,) curve per cell.
  - on `history = memory_model.fit(...)` in `train_on_adding_problem` (Step 6):
    `adding.train_inputs` (3000, 50, 2) and `adding.train_targets` (3000,).
  - after `runs[label] = ...` in `exploding_gradients` (Step 7): the loss and the gradient norm
    of every training step.
"""

import time
from dataclasses import dataclass

from common import cli  # reads the command line; loads neither TensorFlow nor Keras

SCRIPT = "inside_the_cells"
DEFAULT_CLIPNORM = 1.0  # --clipnorm's default here
DATA_NOT_USED = (  # --data's help, and its error
    "not used here: the layers read toy sine waves (Steps 2 to 4) and the adding problem "
    "(Steps 5 to 7)"
)


def build_parser():
    return cli.inside_cells_parser(__doc__, SCRIPT, DATA_NOT_USED, DEFAULT_CLIPNORM)


def check_flags(args):
    """The mistakes the flags alone show, found before TensorFlow loads."""
    if args.data:
        raise cli.UsageError(f"--data is {DATA_NOT_USED}")


if __name__ == "__main__":
    # TensorFlow takes seconds to load: read the command line first, so that `--help` and a
    # mistyped flag answer at once. `main` reads it again to run.
    cli.read_arguments_first(build_parser, check_flags)

# `common` comes before Keras: it keeps TensorFlow's start-up log quiet, which must be set up
# before TensorFlow (and so Keras) is imported.
from common import cells, gradients, models, plots, report, training  # noqa: E402
from common.machinery.artifacts import prepare_output_dir, write_json  # noqa: E402
from common.machinery.saved_model import load_recurrent_model  # noqa: E402
from common.report import cells as words  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

UNITS = 32  # hidden size of every fresh layer (case 8-2's LSTM has 32 too)
TOY_SEQUENCES = 8  # sine waves in the toy input
TOY_STEPS = 24  # steps in each wave (case 8-2 reads 24 months)
TOY_PERIOD = 12  # steps in one period of a wave (a year of months)
TOY_NOISE = 0.1  # standard deviation of the noise added to each wave
GRADIENT_STEPS = 100  # how far back the gradient is followed
GRADIENT_SEQUENCES = 32  # random sequences the gradient norms are averaged over
OPEN_FORGET_BIAS = 3.0  # forget gate sigma(3) = 0.95 at the start instead of Keras' sigma(1) = 0.73
FRESH_CELLS = [  # (label, cell, forget-gate bias or None for Keras' 1): Steps 5 and 6 compare them
    ("SimpleRNN", "SimpleRNN", None),
    ("LSTM", "LSTM", None),
    ("GRU", "GRU", None),
    (f"LSTM, forget bias {OPEN_FORGET_BIAS:g}", "LSTM", OPEN_FORGET_BIAS),
]
MEMORY_GATE = {"LSTM": "forget", "GRU": "update"}  # the gate that sets how much memory a step keeps
MEMORY_MARKED_SPAN = 10  # the two numbers to add sit among the first 10 steps
MEMORY_SIZE = 32  # hidden size of each memory-task model
MEMORY_LEARNING_RATE = 2e-3  # Adam; 1e-2 stalls the LSTM
MEMORY_SOLVED = 0.1  # solved: test MSE below 10% of the mean predictor's
QUICK_EPOCHS = 2  # training epochs of each memory-task model with --quick
EXPLODING_STEPS = 20  # sequence length of the exploding-gradient demo
EXPLODING_SEQUENCES = 256  # its training sequences, all in one batch
EXPLODING_SIZE = 16  # hidden size of its SimpleRNN
RECURRENT_GAIN = 2.0  # orthogonal recurrent kernel times 2: each step can double the state
SGD_LEARNING_RATE = 0.01  # plain SGD: the step is the gradient's size (Adam would rescale it)
# The sizes of Steps 6 and 7: steps in each adding-problem sequence, training and test sequences,
# full-batch training steps of each clipping run.
FULL = {"memory_steps": 50, "memory_samples": 3000, "memory_test_samples": 1000, "clip_steps": 100}
QUICK = {"memory_steps": 20, "memory_samples": 300, "memory_test_samples": 200, "clip_steps": 30}
PANEL_TITLES = {"candidate": "candidate", "c": "cell state c", "h": "hidden state h"}  # gates.png
PANEL_TITLES |= {gate: f"{gate} gate" for gate in ["input", "forget", "output", "update", "reset"]}
FILES = ["gates.png", "vanishing_gradients.png", "exploding_gradients.png", "metrics.json"]


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    output_dir, started = start(args)  # refuses --data; seeds; the plots; the folder; the clock
    size = QUICK if args.quick else FULL  # how long Steps 6 and 7 train

    print("\n== Step 1. The layers to look inside")
    # A fresh SimpleRNN, LSTM and GRU with seeded weights; with --model, a saved forecaster's layer.
    layers = saved_layer(args.model) if args.model else fresh_layers(args.seed)
    print(layers)

    print("\n== Step 2. A toy input: sine waves")
    toy_inputs = sine_waves(layers.timesteps, layers.features, args.seed)  # (8, 24, 1)
    print(words.toy_inputs(toy_inputs))
    report.trace(args.trace, toy_inputs=toy_inputs)

    print("\n== Step 3. Each layer in NumPy against Keras")
    numpy_states, keras_h, numpy_vs_keras = numpy_against_keras(layers, toy_inputs)
    print(words.numpy_vs_keras(numpy_vs_keras))  # about 1e-7: the same numbers
    report.trace(args.trace, **{f"keras_h[{cell!r}]": h for cell, h in keras_h.items()})

    print("\n== Step 4. Inside one sequence: the gates, step by step")
    panels, gates = read_the_gates(layers, numpy_states, toy_inputs, args.seed)
    print(words.gates(gates))

    print(f"\n== Step 5. Vanishing gradients: |d h_last / d x_t| over {GRADIENT_STEPS} steps")
    initial_norms, vanishing = vanishing_gradients(args.seed)  # initial_norms["LSTM"]: (100,)
    print(words.vanishing(vanishing))
    report.trace(args.trace, **{f"initial_norms[{k!r}]": v for k, v in initial_norms.items()})

    print(f"\n== Step 6. Memory: the adding problem over {size['memory_steps']} steps")
    adding = adding_problem_data(size, args.seed)  # adding.train_inputs: (3000, 50, 2)
    print(words.adding_problem(adding, args.batch_size))
    report.trace(args.trace, train_inputs=adding.train_inputs, train_targets=adding.train_targets)
    trained_norms, memory = {}, {}
    for label, cell, forget_bias in FRESH_CELLS:  # every cell trained in the same way
        log_dir = output_dir / "logs" / folder_name(label) if args.tensorboard else None
        fit = train_on_adding_problem(cell, forget_bias, adding, args, log_dir)
        trained_norms[label], memory[label] = fit  # (steps,) gradient norms; the test MSE
        print(words.memory_fit(label, memory[label]))
    memory_task = memory_summary(adding, memory)  # metrics.json's block for Step 6
    print(words.memory_table(memory_task, MEMORY_SOLVED))

    print("\n== Step 7. Exploding gradients, and clipping")
    runs, exploding_norms, clipping = exploding_gradients(size["clip_steps"], args)
    print(words.clipping(clipping, runs))
    report.trace(args.trace, exploding_norms=exploding_norms)

    print("\n== Step 8. Save plots and metrics")
    draw_plots(output_dir, (panels, gates), (initial_norms, trained_norms), (runs, exploding_norms))
    blocks = {"model": layers.summary, "numpy_vs_keras": numpy_vs_keras, "gates": gates}
    blocks |= {"vanishing": vanishing, "memory_task": memory_task, "clipping": clipping}
    metrics = write_metrics(output_dir, blocks, started, args)  # metrics.json
    print(words.written(output_dir, FILES, metrics["seconds"]))
    plots.show(args.show)
    return metrics


def start(args):
    """Before Step 1: refuse --data; seed Python, NumPy and Keras; set up the plots (--show);
    check that --tensorboard can be used; make the output folder. Returns the folder and the
    time the run started."""
    check_flags(args)
    plots.configure(args.show)
    training.seed_everything(args.seed)
    training.check_tensorboard(args.tensorboard)
    return prepare_output_dir(args.output_dir), time.time()


# Step 1 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layers:
    """Step 1: the recurrent layers to look inside, and the shape of the sequences they read."""

    by_cell: dict  # {"SimpleRNN": layer, "LSTM": layer, "GRU": layer}, or the saved layer alone
    timesteps: int  # steps in each input sequence (24)
    features: int  # numbers at each step (1)
    model: keras.Model | None = None  # with --model: the whole saved forecaster
    path: str | None = None  # with --model: its file

    def __str__(self):
        return words.layers(self)

    @property
    def summary(self):
        """metrics.json's "model" block (path None: fresh layers)."""
        names = {cell: layer.name for cell, layer in self.by_cell.items()}
        units = next(iter(self.by_cell.values())).get_config()["units"]  # 32
        shape = {"timesteps": self.timesteps, "features": self.features}
        return {"path": self.path, "layers": names, "units": units, **shape}


def fresh_layers(seed):
    """Step 1: a fresh SimpleRNN, LSTM and GRU of UNITS units, for TOY_STEPS steps of one number.

    Each layer has the starting weights that Keras draws after seeding with `seed`: the same
    weights on every run. The biases start at 0 (the LSTM's forget gate at 1); tests/test_cells.py
    checks random biases too.
    """
    by_cell = {}
    for cell in ["SimpleRNN", "LSTM", "GRU"]:
        training.seed_everything(seed)
        layer = models.recurrent_layer(cell, UNITS)
        layer.build((None, TOY_STEPS, 1))  # (batch, steps, features)
        by_cell[cell] = layer
    return Layers(by_cell, TOY_STEPS, 1)


def saved_layer(path):
    """Step 1 with --model: the first recurrent layer of a forecaster that a case saved.

    A usage error when the file is missing, is not a Keras model, or has no layer that
    common/cells.py can compute (common/machinery/saved_model.py checks it).
    """
    model, layer = load_recurrent_model(path)
    cell = cells.cell_name(type(layer).__name__)  # "LSTM" for case 8-2
    timesteps, features = model.input_shape[1:]  # (24, 1) for case 8-2
    timesteps = timesteps or TOY_STEPS  # a model that takes sequences of any length gets 24
    return Layers({cell: layer}, timesteps, features, model, str(path))


# Step 2 -----------------------------------------------------------------------------------------


def sine_waves(timesteps, features, seed):
    """Step 2: the toy input: TOY_SEQUENCES sine waves with a period of TOY_PERIOD steps, each
    with a random phase and a little noise.

    Returns (sequences, timesteps, features) float32, with values from about -1 to 1, like
    scaled data.
    """
    rng = np.random.default_rng(seed)
    steps = np.arange(timesteps)[None, :, None]  # (1, timesteps, 1)
    phases = rng.uniform(0, 2 * np.pi, size=(TOY_SEQUENCES, 1, features))  # one for each wave
    waves = np.sin(2 * np.pi * steps / TOY_PERIOD + phases)  # (8, 24, 1)
    noise = rng.normal(scale=TOY_NOISE, size=waves.shape)
    return (waves + noise).astype("float32")


# Step 3 -----------------------------------------------------------------------------------------


def numpy_against_keras(layers, toy_inputs):
    """Step 3: run each layer on the toy input twice, through the NumPy equations of
    common/cells.py and through Keras, and measure the largest difference.

    Returns the NumPy states ({"LSTM": {"h": (8, 24, 32), "forget": ..., ...}, ...}), Keras'
    hidden states ({"LSTM": (8, 24, 32), ...}) and metrics.json's "numpy_vs_keras" block.
    """
    numpy_states, keras_h, differences = {}, {}, {}
    for cell, layer in layers.by_cell.items():
        weights = layer.get_weights()  # [kernel (m, k*n), recurrent_kernel (n, k*n), bias]
        numpy_states[cell] = cells.FORWARD[cell](toy_inputs, *weights)  # {"h": (8, 24, 32), ...}
        keras_h[cell] = cells.keras_sequence(layer, toy_inputs)  # (8, 24, 32): h after every step
        keras_last = keras.ops.convert_to_numpy(layer(toy_inputs))  # (8, 32): the layer's output
        numpy_h = numpy_states[cell]["h"]
        formula = cells.parameter_count(cell, layer.get_config()["units"], layers.features)
        differences[cell] = {
            "max_abs_difference": float(np.abs(numpy_h - keras_h[cell]).max()),  # float64 - float32
            "max_abs_difference_last_state": float(np.abs(numpy_h[:, -1] - keras_last).max()),
            "parameters": {"formula": formula, "keras": layer.count_params()},
        }
    forecaster = None
    if layers.model is not None:  # with --model, the saved layer is the only layer
        (saved_states,) = numpy_states.values()
        forecaster = numpy_forecaster(layers.model, saved_states["h"][:, -1], toy_inputs)
    sequences, timesteps, _ = toy_inputs.shape
    summary = {"sequences": sequences, "timesteps": timesteps, "cells": differences}
    return numpy_states, keras_h, {**summary, "forecaster": forecaster}


def numpy_forecaster(model, last_state, toy_inputs):
    """The cases' forecaster computed from the NumPy hidden state, next to Keras' own output.

    The cases' forecaster adds a `linear` Dense layer on the flattened window and a `correction`
    Dense layer on the last hidden state. Returns None for a model without these two layers.
    last_state: (sequences, units), the NumPy hidden state after the last step.
    """
    names = [layer.name for layer in model.layers]
    if "linear" not in names or "correction" not in names:
        return None
    linear_kernel, linear_bias = model.get_layer("linear").get_weights()  # (steps * m, H), (H,)
    correction_kernel, correction_bias = model.get_layer("correction").get_weights()  # (n, H)
    flat = toy_inputs.reshape(len(toy_inputs), -1)  # (sequences, steps * m), as Flatten does
    linear_part = flat @ linear_kernel + linear_bias  # (sequences, H)
    numpy_output = linear_part + last_state @ correction_kernel + correction_bias
    keras_output = model.predict(toy_inputs, verbose=0)  # (sequences, H)
    return {
        "max_abs_difference": float(np.abs(numpy_output - keras_output).max()),
        "first_output": {"numpy": float(numpy_output[0, 0]), "keras": float(keras_output[0, 0])},
    }


# Step 4 -----------------------------------------------------------------------------------------


def read_the_gates(layers, numpy_states, toy_inputs, seed):
    """Step 4: each gate of one layer (the LSTM, or the saved layer) over the toy input, and how
    much memory it keeps; with --model, next to the same layer as Keras starts it.

    Returns the panels of gates.png ({"forget gate": (units, steps) over the first wave, ...})
    and metrics.json's "gates" block.
    """
    cell = "LSTM" if "LSTM" in layers.by_cell else next(iter(layers.by_cell))
    layer, states = layers.by_cell[cell], numpy_states[cell]
    reading = cells.gate_summary(states)  # {"forget": {"mean": 0.73, ...}, ...}
    summary = {"cell": cell, "layer": layer.name, "reading": reading, "untrained": None}
    if layers.model is not None:  # a trained layer: compare it with its fresh twin
        training.seed_everything(seed)
        twin = type(layer).from_config(layer.get_config())
        twin.build(toy_inputs.shape)
        twin_states = cells.FORWARD[cell](toy_inputs, *twin.get_weights())
        summary["untrained"] = cells.gate_summary(twin_states)
    summary["memory"] = None  # a SimpleRNN has no gate
    if cell in MEMORY_GATE:
        kept = reading[MEMORY_GATE[cell]]["mean"]  # the share of each unit's memory kept at a step
        steps, untrained, moved = toy_inputs.shape[1], summary["untrained"], None
        if untrained:  # with --model: how far training moved the mean of a gate, at most
            moved = max(abs(reading[g]["mean"] - untrained[g]["mean"]) for g in cells.GATES[cell])
        summary["memory"] = {
            "gate": MEMORY_GATE[cell],
            "kept_per_step": kept,
            "steps": steps,
            "left_at_last_step": kept ** (steps - 1),  # of what the first step wrote
            "largest_move_in_training": moved,
        }
    names = [*cells.GATES[cell], *(["c"] if "c" in states else []), "h"]
    panels = {PANEL_TITLES[name]: states[name][0].T for name in names}  # each (units, steps)
    return panels, summary


# Step 5 -----------------------------------------------------------------------------------------


def vanishing_gradients(seed):
    """Step 5: |d h_last / d x_t| back through GRADIENT_STEPS steps of each fresh cell of
    FRESH_CELLS, on the same random sequences.

    Returns the curves ({"SimpleRNN": (100,), ...}: the last entry is the last step) and
    metrics.json's "vanishing" block.
    """
    shape = (GRADIENT_SEQUENCES, GRADIENT_STEPS, 1)  # (32, 100, 1): the same for every cell
    gradient_inputs = np.random.default_rng(seed).normal(size=shape).astype("float32")
    norms, memory_gate_means = {}, {}
    for label, cell, forget_bias in FRESH_CELLS:
        training.seed_everything(seed)  # the same weights for every run
        layer = gradients.recurrent_layer(cell, UNITS, forget_bias)
        layer.build(gradient_inputs.shape)
        # (100,); seed 42: the SimpleRNN's falls about 10^6 from the last step to the first
        norms[label] = gradients.input_gradient_norms(layer, gradient_inputs)
        if cell in MEMORY_GATE:
            states = cells.FORWARD[cell](gradient_inputs, *layer.get_weights())
            memory_gate_means[label] = float(states[MEMORY_GATE[cell]].mean())
    summary = {
        "timesteps": GRADIENT_STEPS,
        "units": UNITS,
        "sequences": GRADIENT_SEQUENCES,
        "memory_gate_mean_at_initialisation": memory_gate_means,
        "cells": {label: gradients.fall_summary(curve) for label, curve in norms.items()},
    }
    return norms, summary


# Step 6 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddingProblem:
    """Step 6: the sequences of the adding problem, and what predicting the mean scores."""

    train_inputs: np.ndarray  # (samples, steps, 2): a random number and a marker at each step
    train_targets: np.ndarray  # (samples,): the sum of the two marked numbers
    test_inputs: np.ndarray  # (test samples, steps, 2)
    test_targets: np.ndarray  # (test samples,)
    mean_mse: float  # the test MSE of always predicting the training targets' mean (about 1/6)
    marked_span: int  # the two marked numbers sit among the first `marked_span` steps


def adding_problem_data(size, seed):
    """Step 6: the training and test sequences of the adding problem (size: FULL or QUICK)."""
    data_rng = np.random.default_rng(seed)
    steps, span = size["memory_steps"], MEMORY_MARKED_SPAN
    train_inputs, train_targets = gradients.adding_problem(
        size["memory_samples"], steps, data_rng, span
    )
    test_inputs, test_targets = gradients.adding_problem(
        size["memory_test_samples"], steps, data_rng, span
    )
    mean_mse = float(np.mean((test_targets - train_targets.mean()) ** 2))  # 0.169 with seed 42
    return AddingProblem(train_inputs, train_targets, test_inputs, test_targets, mean_mse, span)


def train_on_adding_problem(cell, forget_bias, adding, args, log_dir=None):
    """Step 6: train one fresh cell of FRESH_CELLS on the adding problem.

    log_dir: a folder for TensorBoard logs (--tensorboard), or None. Returns the trained model's
    gradient norms, (steps,), and its entry in metrics.json's "memory_task" block.
    """
    training.seed_everything(args.seed)
    steps = adding.train_inputs.shape[1]
    memory_model = gradients.sequence_regressor(cell, steps, 2, MEMORY_SIZE, forget_bias)
    optimizer = training.optimizer(MEMORY_LEARNING_RATE)
    memory_model.compile(optimizer=optimizer, loss="mse", run_eagerly=args.eager)
    fit_started = time.time()
    history = memory_model.fit(
        adding.train_inputs,  # (samples, steps, 2)
        adding.train_targets,  # (samples,)
        validation_data=(adding.test_inputs, adding.test_targets),
        epochs=QUICK_EPOCHS if args.quick else args.epochs,
        batch_size=args.batch_size,
        callbacks=[keras.callbacks.TensorBoard(str(log_dir))] if log_dir else [],
        verbose=0,
    )
    test_mse = float(memory_model.evaluate(adding.test_inputs, adding.test_targets, verbose=0))
    summary = {
        "test_mse": test_mse,
        "share_of_mean": test_mse / adding.mean_mse,
        "solved": test_mse < MEMORY_SOLVED * adding.mean_mse,
        "test_mse_per_epoch": [float(value) for value in history.history["val_loss"]],
        "seconds": round(time.time() - fit_started, 1),
    }
    # (steps,): how strongly the prediction depends on each step, after training
    trained_norms = gradients.input_gradient_norms(memory_model, adding.test_inputs[:200])
    return trained_norms, summary


def folder_name(label):
    """A folder name for a cell's label: 'LSTM, forget bias 3' -> 'LSTM_forget_bias_3'."""
    return label.replace(",", "").replace(" ", "_")


def memory_summary(adding, memory):
    """metrics.json's "memory_task" block. memory: {"LSTM": train_on_adding_problem's block, ...}"""
    return {
        "task": "adding problem",
        "timesteps": adding.train_inputs.shape[1],
        "marked_span": adding.marked_span,
        "train_sequences": len(adding.train_inputs),
        "test_sequences": len(adding.test_inputs),
        "epochs": len(next(iter(memory.values()))["test_mse_per_epoch"]),
        "mean_predictor_mse": adding.mean_mse,
        "cells": memory,
    }


# Step 7 -----------------------------------------------------------------------------------------


def exploding_gradients(train_steps, args):
    """Step 7: a ReLU SimpleRNN whose gradients explode, trained with plain SGD for
    `train_steps` steps, without and with args.clipnorm (--clipnorm).

    Returns the runs ({"without clipping": {"loss": [...], "gradient_norm": [...]}, ...}), the
    untrained model's (20,) |d output / d x_t| and metrics.json's "clipping" block.
    """
    seed, clipnorm = args.seed, args.clipnorm
    clip_rng = np.random.default_rng(seed)
    # (256, 20, 2), (256,)
    clip_inputs, clip_targets = gradients.adding_problem(
        EXPLODING_SEQUENCES, EXPLODING_STEPS, clip_rng, MEMORY_MARKED_SPAN
    )
    runs = {}
    for label, clip in [("without clipping", None), (f"clipnorm={clipnorm:g}", clipnorm)]:
        training.seed_everything(seed)  # both runs start from the same weights
        exploding_model = gradients.sequence_regressor(
            "SimpleRNN",
            EXPLODING_STEPS,
            2,
            EXPLODING_SIZE,
            activation="relu",
            recurrent_initializer=keras.initializers.Orthogonal(gain=RECURRENT_GAIN),
        )
        if not runs:  # the first run's model, before it trains: (20,), grows going back
            exploding_norms = gradients.input_gradient_norms(exploding_model, clip_inputs)
        optimizer = keras.optimizers.SGD(SGD_LEARNING_RATE, clipnorm=clip)
        runs[label] = gradients.train_recording_gradients(
            exploding_model, clip_inputs, clip_targets, optimizer, train_steps
        )
    summary = {
        "cell": "SimpleRNN relu",
        "units": EXPLODING_SIZE,
        "recurrent_gain": RECURRENT_GAIN,
        "timesteps": EXPLODING_STEPS,
        "learning_rate": SGD_LEARNING_RATE,
        "train_steps": train_steps,
        "clipnorm": clipnorm,
        "input_gradient_growth": float(1 / gradients.fall_factor(exploding_norms)),
        "runs": {label: gradients.run_summary(run) for label, run in runs.items()},
    }
    return runs, exploding_norms, summary


# Step 8 -----------------------------------------------------------------------------------------


def draw_plots(output_dir, gates_plot, vanishing_plot, exploding_plot):
    """Step 8: gates.png, vanishing_gradients.png and exploding_gradients.png."""
    panels, gates = gates_plot
    initial_norms, trained_norms = vanishing_plot
    runs, exploding_norms = exploding_plot
    steps = next(iter(panels.values())).shape[1]
    title = f"{gates['cell']} layer {gates['layer']!r} on the first sine wave"
    time_labels = [str(step) for step in range(1, steps + 1)]
    plots.state_heatmaps(panels, time_labels, output_dir / "gates.png", title)
    plots.gradient_norms(
        initial_norms,
        output_dir / "vanishing_gradients.png",
        trained=trained_norms,
        marked_span=MEMORY_MARKED_SPAN,
    )
    plots.clipping_runs(
        runs, output_dir / "exploding_gradients.png", per_step_norms=exploding_norms
    )


def write_metrics(output_dir, blocks, started, args):
    """Step 8: metrics.json: the block of each step, then the run's seconds, seed and --quick.
    Returns the metrics."""
    seconds = round(time.time() - started, 1)
    metrics = {
        "script": SCRIPT,
        **blocks,
        "seconds": seconds,
        "seed": args.seed,
        "quick": args.quick,
    }
    write_json(output_dir / "metrics.json", metrics)
    return metrics


if __name__ == "__main__":
    main()
