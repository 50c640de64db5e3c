"""Inside the cells: the LSTM's gates in plain NumPy, checked against Keras, and why gates matter.

What it does:
  1-3. loads the LSTM forecaster case 8-2 saved (outputs/case8_2_lstm/model.keras; when there is
       none, trains a small one first), runs one real input window through the gate equations
       written in NumPy (common/cells.py) and through Keras, and prints the largest difference;
  4.   draws every gate and the cell state over that window (gates.png) and says what they show;
  5.   follows the gradient of the last output back through 100 steps of a fresh SimpleRNN, LSTM
       and GRU (vanishing_gradients.png);
  6.   trains each cell briefly on a long-memory task (the adding problem: the target depends only
       on numbers near the start of the sequence) and compares their test errors;
  7.   makes the gradients of a ReLU SimpleRNN explode, and trains it without and with clipnorm
       (exploding_gradients.png).

Run it:
    python case8_2_lstm.py            # optional: the forecaster it looks inside
    python inside_the_cells.py        # about a minute on two CPU cores (+15 s if it trains the case model)
    python inside_the_cells.py --quick   # under 20 s
    python inside_the_cells.py --model outputs/case8_3_gru/model.keras   # a GRU forecaster works too

Good places for a breakpoint (the debugger's variables panel shows the values):
  - inside common/cells.py `lstm_forward`, in the `for t` loop: every gate of step t is one named
    (batch, units) array, e.g. `forget_gate` (1, 32).
  - after `numpy_states = ...` in Step 3: `numpy_states["h"]` (1, window, units) next to `keras_h`.
  - after `initial_norms[label] = ...` in Step 5: one (100,) curve per cell.
  - on `history = memory_model.fit(...)` in Step 6: `train_inputs` (samples, timesteps, 2) and `train_targets`.
  - after `records[label] = ...` in Step 7: the loss and gradient norm of every training step.
"""

import contextlib
import json
import time
from pathlib import Path

import matplotlib

from common import cells, cli, gradients, plots, preprocessing, report, training
from common.artifacts import prepare_output_dir, write_json
from common.series import load_series

import keras  # noqa: E402  (after `common`, which silences TensorFlow's start-up log)
import numpy as np  # noqa: E402

import case8_2_lstm  # noqa: E402

SCRIPT = "inside_the_cells"
DEFAULT_MODEL = Path("outputs/case8_2_lstm/model.keras")  # what `python case8_2_lstm.py` writes
CASE_MODEL_EPOCHS = 50  # when no saved model exists: a short case 8-2 run (--quick with --quick)
GRADIENT_STEPS = 100  # how far back the gradient is followed
GRADIENT_UNITS = 32  # every cell the same size (the case model's)
GRADIENT_SEQUENCES = 32  # random sequences the gradient norms are averaged over
OPEN_FORGET_BIAS = 3.0  # forget gate sigma(3) = 0.95 at the start instead of Keras' sigma(1) = 0.73
MEMORY_STEPS = 50  # length of the adding-problem sequences (quick: 20)
MEMORY_MARKED_SPAN = 10  # the two numbers to add sit among the first 10 steps
MEMORY_SAMPLES = 3000  # training sequences (quick: 300)
MEMORY_TEST_SAMPLES = 1000  # test sequences (quick: 200)
MEMORY_UNITS = 32
MEMORY_LEARNING_RATE = 2e-3  # Adam; 1e-2 stalls the LSTM
MEMORY_SOLVED = 0.1  # solved: test MSE below 10% of the mean predictor's
EXPLODING_STEPS = 20  # sequence length of the exploding-gradient demo
EXPLODING_UNITS = 16
RECURRENT_GAIN = 2.0  # orthogonal recurrent kernel times 2: each step can double the state
SGD_LEARNING_RATE = 0.01  # plain SGD: the step is the gradient's size (Adam would rescale it)
TRAIN_STEPS = 100  # full-batch steps per clipping run (quick: 30)
DEFAULT_CLIPNORM = 1.0  # --clipnorm's default here
QUICK = {"memory_steps": 20, "memory_samples": 300, "memory_test_samples": 200, "epochs": 2, "train_steps": 30}


def build_parser():
    helps = {  # the shared flags, as this script uses them
        "data": "CSV the real window is cut from (and a missing case model is trained on); without it, the file the model's case used",
        "epochs": "training epochs of each memory-task model (Step 6) (default: %(default)s)",
        "batch_size": "sequences per gradient step in the memory task (Step 6) (default: %(default)s)",
        "eager": "train the memory-task models eagerly (slower) so a debugger can step into layer calls",
        "clipnorm": "gradient-norm limit of the clipped run in the exploding-gradient demo (Step 7) (default: %(default)s)",
    }
    parser = cli.base_parser(__doc__.splitlines()[0], SCRIPT, epochs=12, batch_size=32, helps=helps)
    parser.set_defaults(clipnorm=DEFAULT_CLIPNORM)
    parser.add_argument("--model", metavar="PATH", help=f"a forecaster a case saved, with its preprocessing.json beside it "
                        f"(without it: {DEFAULT_MODEL}, or when that is missing, a small one trained into the output folder)")
    return parser


def train_case_model(output_dir, quick, seed, data):
    """Run case 8-2 (LSTM forecaster) into output_dir/case8_2_lstm; return the model's path."""
    folder = output_dir / "case8_2_lstm"
    argv = ["--output-dir", str(folder), "--seed", str(seed)]
    argv += ["--quick"] if quick else ["--epochs", str(CASE_MODEL_EPOCHS)]
    argv += ["--data", str(data)] if data else []
    backend = matplotlib.get_backend()  # the case selects the headless backend; keep --show working
    case8_2_lstm.main(argv)
    if matplotlib.get_backend() != backend:
        matplotlib.use(backend)
    print(f"\n   (back in {SCRIPT}) trained case 8-2 into {folder}")
    return folder / "model.keras"


def data_path_of(model_path, data):
    """The CSV to take the window from: --data, else the file the case's metrics.json names, else the embedded data."""
    if data:
        return Path(data)
    metrics_path = model_path.parent / "metrics.json"
    if metrics_path.exists():
        with contextlib.suppress(KeyError, ValueError, TypeError):
            recorded = Path(json.loads(metrics_path.read_text(encoding="utf-8"))["data"]["path"])
            if recorded.exists():
                return recorded
    return case8_2_lstm.EMBEDDED_DATA


@cli.user_errors(build_parser)
def main(argv=None):
    args = build_parser().parse_args(argv)
    plots.configure(args.show)
    training.seed_everything(args.seed)
    output_dir = prepare_output_dir(args.output_dir)
    started = time.time()
    quick = args.quick
    memory_steps = QUICK["memory_steps"] if quick else MEMORY_STEPS
    memory_samples = QUICK["memory_samples"] if quick else MEMORY_SAMPLES
    memory_test_samples = QUICK["memory_test_samples"] if quick else MEMORY_TEST_SAMPLES
    epochs = QUICK["epochs"] if quick else args.epochs
    train_steps = QUICK["train_steps"] if quick else TRAIN_STEPS
    clipnorm = args.clipnorm  # 1.0 unless --clipnorm says otherwise

    report.step(1, "Load a forecaster a case saved")
    trained_here = False
    if args.model:
        model_path = Path(args.model)
        if not model_path.is_file():
            raise cli.UsageError(f"no model file at {model_path}: run case8_2_lstm.py first, or leave out --model")
    elif DEFAULT_MODEL.is_file():
        model_path = DEFAULT_MODEL
    else:
        print(f"   no saved model at {DEFAULT_MODEL}: training a small case 8-2 LSTM first")
        model_path = train_case_model(output_dir, quick, args.seed, args.data)
        trained_here = True
    prep_path = model_path.parent / "preprocessing.json"
    if not prep_path.is_file():
        raise cli.UsageError(f"{prep_path} is missing: the forecasting cases write it beside model.keras (rerun the case)")
    try:
        model = keras.saving.load_model(model_path)
        prep = preprocessing.Preprocessing.load(prep_path)
    except (ValueError, OSError, TypeError, KeyError) as error:
        raise cli.UsageError(f"{model_path} could not be loaded as a case's Keras model ({error})") from None
    recurrent_layers = [layer for layer in model.layers if isinstance(layer, tuple(gradients.LAYERS.values()))]
    if not recurrent_layers:
        raise cli.UsageError(f"{model_path} has no SimpleRNN, LSTM or GRU layer to look inside")
    rnn = recurrent_layers[0]  # (case 8-2: the layer named "lstm")
    cell = cells.cell_name(type(rnn).__name__)  # "LSTM"
    config = rnn.get_config()
    if config["activation"] != "tanh" or config.get("recurrent_activation", "sigmoid") != "sigmoid" \
            or not config["use_bias"] or not config.get("reset_after", True):
        raise cli.UsageError(f"layer {rnn.name!r} does not use Keras' default activations and biases, which common/cells.py implements")
    units = config["units"]
    window_length, feature_count = model.input_shape[1:]  # (12, 1) for case 8-2
    if rnn.get_weights()[0].shape[0] != feature_count:
        raise cli.UsageError(f"layer {rnn.name!r} does not read the model's input windows directly (an embedding or other layer "
                             f"sits in between): use a forecaster such as case 8-2's")
    if window_length != prep.window or feature_count != len(prep.feature_mean):
        raise cli.UsageError(f"{model_path} takes ({window_length}, {feature_count}) windows but {prep_path} describes "
                             f"({prep.window}, {len(prep.feature_mean)}): keep the two files of one run together")
    print(f"   {model_path}: {model.name}, {cell} layer {rnn.name!r} with {units} units on windows of "
          f"{window_length} steps x {feature_count} feature(s) ({', '.join(prep.feature_names)})")

    report.step(2, "Take one real input window")
    data_path = data_path_of(model_path, args.data)
    series = load_series(data_path, target=prep.target, inputs=prep.inputs)
    frame = series.frame  # (rows, 1 + inputs), indexed by date
    scaled = preprocessing.scale(preprocessing.raw_features(frame, prep), prep)  # (rows, features), NaN before differencing has history
    first_valid = sum(prep.differencing_lags)  # first row with a value
    window = scaled[-window_length:][None].astype("float32")  # (1, window, features): the window behind the next forecast
    window_dates = [preprocessing.format_date(date, prep.frequency) for date in frame.index[-window_length:]]
    every_window = np.stack([scaled[end - window_length : end] for end in range(first_valid + window_length, len(scaled) + 1)]).astype("float32")  # (windows, window, features)
    print(f"   {data_path.name}: the last {window_length} steps, {window_dates[0]} to {window_dates[-1]}, scaled as the case did "
          f"(values {window.min():.2f} to {window.max():.2f}); and all {len(every_window)} windows of the series")
    report.trace(args.trace, window=window, every_window=every_window)

    report.step(3, f"The {cell} in NumPy against Keras")
    weights = rnn.get_weights()  # [kernel (m, k*n), recurrent_kernel (n, k*n), bias]
    print("   weights: " + ", ".join(f"{name} {w.shape}" for name, w in zip(["kernel", "recurrent_kernel", "bias"], weights)))
    numpy_states = cells.FORWARD[cell](window, *weights)  # {"h": (1, window, units), gates...}
    keras_h = cells.keras_sequence(rnn, window)  # (1, window, units), Keras' hidden state at every step
    keras_last = keras.ops.convert_to_numpy(keras.Model(model.input, rnn.output)(window))  # (1, units), inside the saved model
    window_difference = float(np.abs(numpy_states["h"] - keras_h).max())  # about 1e-7: float64 against float32
    last_difference = float(np.abs(numpy_states["h"][:, -1] - keras_last).max())
    every_difference = float(np.abs(cells.FORWARD[cell](every_window, *weights)["h"] - cells.keras_sequence(rnn, every_window)).max())
    print(f"   largest |NumPy - Keras| over the {window_length} hidden states of this window: {window_difference:.2e}")
    print(f"   ... on the saved model's last hidden state: {last_difference:.2e}; over all {len(every_window)} windows: {every_difference:.2e}")
    numpy_count = cells.parameter_count(cell, units, feature_count)
    print(f"   parameters: formula {numpy_count}, Keras {rnn.count_params()}")
    forecast_check = None
    head = model.layers[-1]
    if isinstance(head, keras.layers.Dense) and model.layers.index(head) == model.layers.index(rnn) + 1:
        head_kernel, head_bias = head.get_weights()  # (units, 1), (1,)
        numpy_prediction = numpy_states["h"][:, -1] @ head_kernel + head_bias  # (1, 1) scaled
        values = np.append(frame[prep.target].to_numpy(), np.nan)  # the month to forecast is not known yet
        numpy_forecast = preprocessing.to_real_units(numpy_prediction, values, [len(frame)], prep)[0]
        next_label, keras_forecast = preprocessing.forecast_next(model, prep, frame)
        forecast_check = {"date": next_label, "numpy": float(numpy_forecast), "keras": float(keras_forecast)}
        print(f"   the whole forecaster in NumPy: {prep.target} in {next_label} = {numpy_forecast:.4f} (Keras: {keras_forecast:.4f})")
    report.trace(args.trace, numpy_h=numpy_states["h"], keras_h=keras_h)

    report.step(4, "Inside the window: the gates, step by step")
    gate_names = cells.GATES[cell]  # ["input", "forget", "candidate", "output"] for the LSTM
    gate_labels = {name: "candidate" if name == "candidate" else f"{name} gate" for name in gate_names}
    reading = cells.gate_summary(numpy_states)
    training.seed_everything(args.seed)
    fresh_layer = type(rnn).from_config(rnn.get_config())  # the same layer as Keras initialises it, for comparison
    fresh_layer.build(window.shape)
    fresh_reading = cells.gate_summary(cells.FORWARD[cell](window, *fresh_layer.get_weights()))
    print("   (saturated: within 0.05 of either end of the range, where the gate's own gradient is nearly 0)")
    for name in gate_names:
        entry = reading[name]
        extra = "" if name == "candidate" else (f"; open (mean > 0.9) in units {entry['open_units'] or 'none'}, "
                                                 f"shut (< 0.1) in {entry['closed_units'] or 'none'}")
        print(f"   {gate_labels[name]:12s} mean {entry['mean']:+.2f} (untrained layer: {fresh_reading[name]['mean']:+.2f}), "
              f"{entry['saturated_share']:.0%} saturated{extra}")
    if "c" in reading:
        print(f"   cell state c from {reading['c']['min']:+.2f} to {reading['c']['max']:+.2f}; units with |c| > 1 "
              f"(more than tanh(c) can pass to h): {reading['c']['units_beyond_1'] or 'none'}")
    memory_gate = {"LSTM": "forget", "GRU": "update"}.get(cell)
    if memory_gate:
        kept = reading[memory_gate]["mean"]
        moved = max(abs(reading[name]["mean"] - fresh_reading[name]["mean"]) for name in gate_names)
        print(f"   Reading: the {memory_gate} gate keeps {kept:.0%} of each unit's memory per step on average, so what the window's\n"
              f"   first step wrote keeps about {kept ** (window_length - 1):.1%} of its weight {window_length - 1} steps later"
              f"{': a short memory.' if kept ** (window_length - 1) < 0.1 else '.'}")
        print(f"   Training moved the mean of each gate by at most {moved:.2f} from where Keras starts it"
              + (": this forecaster works with the gates nearly as initialised." if moved < 0.05 else "."))
    panels = {gate_labels[name]: numpy_states[name][0].T for name in gate_names}  # each (units, window)
    if "c" in numpy_states:
        panels["cell state c"] = numpy_states["c"][0].T
    panels["hidden state h"] = numpy_states["h"][0].T
    report.trace(args.trace, **{f"numpy_states[{name!r}]": numpy_states[name] for name in gate_names})

    report.step(5, f"Vanishing gradients: |d h_last / d x_t| over {GRADIENT_STEPS} steps at initialisation")
    gradient_inputs = np.random.default_rng(args.seed).normal(size=(GRADIENT_SEQUENCES, GRADIENT_STEPS, 1)).astype("float32")  # (32, 100, 1)
    fresh_cells = [("SimpleRNN", "SimpleRNN", None), ("LSTM", "LSTM", None), ("GRU", "GRU", None),
                   (f"LSTM, forget bias {OPEN_FORGET_BIAS:g}", "LSTM", OPEN_FORGET_BIAS)]
    initial_norms = {}
    memory_gate_means = {}
    for label, fresh_cell, forget_bias in fresh_cells:
        training.seed_everything(args.seed)  # the same weights for every run
        layer = gradients.recurrent_layer(fresh_cell, GRADIENT_UNITS)
        layer.build(gradient_inputs.shape)
        if forget_bias is not None:
            gradients.open_forget_gate(layer, forget_bias)
        initial_norms[label] = gradients.input_gradient_norms(layer, gradient_inputs)  # (100,); seed 42: SimpleRNN falls ~10^6 from last to first
        gate = {"LSTM": "forget", "GRU": "update"}.get(fresh_cell)
        if gate:
            memory_gate_means[label] = float(cells.FORWARD[fresh_cell](gradient_inputs, *layer.get_weights())[gate].mean())
    report.trace(args.trace, gradient_inputs=gradient_inputs, **{f"initial_norms[{label!r}]": norms for label, norms in initial_norms.items()})
    vanishing = {}
    print(f"   {'cell':22s}{'last step':>12s}{'50 back':>12s}{'99 back':>12s}   fall (last / first)")
    for label, norms in initial_norms.items():
        factor = gradients.fall_factor(norms)
        vanishing[label] = {"norm_last_step": float(norms[-1]), "norm_50_back": float(norms[-51]), "norm_first_step": float(norms[0]),
                            "fall_factor": None if not np.isfinite(factor) else factor,
                            "orders_of_magnitude": None if not np.isfinite(factor) else float(np.log10(factor))}
        print(f"   {label:22s}{norms[-1]:12.3g}{norms[-51]:12.3g}{norms[0]:12.3g}   "
              f"{'underflows to 0' if not np.isfinite(factor) else f'{factor:.3g} (10^{np.log10(factor):.1f})'}")
    for label, mean in memory_gate_means.items():
        gate = "update" if label.startswith("GRU") else "forget"
        print(f"   {label}: mean {gate} gate {mean:.2f}, and {mean:.2f}^{GRADIENT_STEPS - 1} = {mean ** (GRADIENT_STEPS - 1):.1e}")
    print("   Reading: with Keras' default initialisation no cell carries the gradient far: each step multiplies it by a factor below 1.\n"
          "   Along the LSTM's memory path that factor is the forget gate, which Keras starts half-open; opened (bias 3),\n"
          "   the same LSTM passes the gradient across all 100 steps. Gates make the factor something the network can learn.")

    report.step(6, f"A long-range memory task: the adding problem over {memory_steps} steps")
    data_rng = np.random.default_rng(args.seed)
    train_inputs, train_targets = gradients.adding_problem(memory_samples, memory_steps, data_rng, MEMORY_MARKED_SPAN)  # (samples, steps, 2), (samples,)
    test_inputs, test_targets = gradients.adding_problem(memory_test_samples, memory_steps, data_rng, MEMORY_MARKED_SPAN)
    mean_mse = float(np.mean((test_targets - train_targets.mean()) ** 2))  # about 1/6 (0.169 with seed 42)
    print(f"   {len(train_inputs)} training and {len(test_inputs)} test sequences; the two marked numbers sit in the first "
          f"{MEMORY_MARKED_SPAN} steps, {memory_steps - MEMORY_MARKED_SPAN} or more steps before the end")
    print(f"   one batch: inputs {train_inputs[: args.batch_size].shape}, targets {train_targets[: args.batch_size].shape}; "
          f"predicting the mean scores test MSE {mean_mse:.3f}")
    report.trace(args.trace, train_inputs=train_inputs, train_targets=train_targets)
    memory_results = {"mean predictor": {"test_mse": mean_mse, "vs_mean": 1.0}}
    memory = {}
    trained_norms = {}
    for label, memory_cell, forget_bias in fresh_cells:
        training.seed_everything(args.seed)
        memory_model = gradients.sequence_regressor(memory_cell, memory_steps, 2, MEMORY_UNITS, forget_bias=forget_bias)
        memory_model.compile(optimizer=training.optimizer(MEMORY_LEARNING_RATE), loss="mse", run_eagerly=args.eager)
        fit_started = time.time()
        history = memory_model.fit(train_inputs, train_targets, validation_data=(test_inputs, test_targets),
                            epochs=epochs, batch_size=args.batch_size, verbose=0)
        test_mse = float(memory_model.evaluate(test_inputs, test_targets, verbose=0))
        memory_results[label] = {"test_mse": test_mse, "vs_mean": test_mse / mean_mse}
        memory[label] = {"test_mse": test_mse, "share_of_mean": test_mse / mean_mse, "solved": test_mse < MEMORY_SOLVED * mean_mse,
                         "test_mse_per_epoch": [float(v) for v in history.history["val_loss"]],
                         "seconds": round(time.time() - fit_started, 1)}
        trained_norms[label] = gradients.input_gradient_norms(memory_model, test_inputs[:200])  # (memory_steps,)
        print(f"   {label:22s} test MSE per epoch: {' '.join(f'{v:.3f}' for v in history.history['val_loss'])}  ({memory[label]['seconds']} s)")
    report.results_table(memory_results, ["test_mse", "vs_mean"],
                         f"Adding problem, {memory_steps} steps: test MSE after {epochs} epochs, and as a share of the mean predictor's")
    carried = [label for label, entry in memory.items() if entry["solved"]]
    print(f"   Carried the numbers across the sequence (MSE below {MEMORY_SOLVED:.0%} of the mean predictor's): "
          f"{', '.join(carried) if carried else 'none in this budget'}")

    report.step(7, "Exploding gradients, and clipping")
    clip_rng = np.random.default_rng(args.seed)
    clip_inputs, clip_targets = gradients.adding_problem(256, EXPLODING_STEPS, clip_rng, MEMORY_MARKED_SPAN)  # (256, 20, 2), (256,)
    print(f"   SimpleRNN({EXPLODING_UNITS}, activation='relu') with its orthogonal recurrent kernel times {RECURRENT_GAIN:g}, "
          f"{EXPLODING_STEPS} steps, plain SGD (learning rate {SGD_LEARNING_RATE}), {train_steps} full-batch steps")
    training.seed_everything(args.seed)
    exploding_model = gradients.sequence_regressor("SimpleRNN", EXPLODING_STEPS, 2, EXPLODING_UNITS, activation="relu",
                                                   recurrent_initializer=keras.initializers.Orthogonal(gain=RECURRENT_GAIN))
    exploding_norms = gradients.input_gradient_norms(exploding_model, clip_inputs)  # (20,): grows going back
    records = {}
    for label, clip in [("without clipping", None), (f"clipnorm={clipnorm:g}", clipnorm)]:
        training.seed_everything(args.seed)  # both runs start from the weights measured above
        exploding_model = gradients.sequence_regressor("SimpleRNN", EXPLODING_STEPS, 2, EXPLODING_UNITS, activation="relu",
                                                       recurrent_initializer=keras.initializers.Orthogonal(gain=RECURRENT_GAIN))
        records[label] = gradients.train_recording_gradients(exploding_model, clip_inputs, clip_targets,
                                                             keras.optimizers.SGD(SGD_LEARNING_RATE, clipnorm=clip), train_steps)
    clipping = {label: gradients.run_summary(record) for label, record in records.items()}
    report.trace(args.trace, clip_inputs=clip_inputs, exploding_norms=exploding_norms,
                 **{f"{label} loss": record["loss"] for label, record in records.items()})
    print(f"   at initialisation |d output / d x_t| grows {1 / gradients.fall_factor(exploding_norms):.3g} times from the last step back to the first")
    for label, summary in clipping.items():
        ending = (f"inf/NaN at step {summary['first_non_finite_step']}" if not summary["finite"]
                  else f"finite for all {summary['steps']} steps, last loss {summary['last_loss']:.4g}")
        print(f"   {label:18s} first loss {summary['first_loss']:.4g}, largest gradient norm {summary['largest_finite_gradient_norm']:.3g}: {ending}")
    first_norm = records["without clipping"]["gradient_norm"][0]
    print(f"   Reading: the first gradient has norm {first_norm:.3g}; times the learning rate {SGD_LEARNING_RATE} it moves the weights\n"
          f"   by {first_norm * SGD_LEARNING_RATE:.3g} in one step. clipnorm rescales each weight tensor's gradient to norm {clipnorm:g} at most: the step keeps\n"
          f"   its direction and stays small.")

    report.step(8, "Save plots and metrics")
    plots.state_heatmaps(panels, window_dates, output_dir / "gates.png",
                         f"{cell} layer {rnn.name!r} on the window {window_dates[0]} to {window_dates[-1]}")
    plots.gradient_norms(initial_norms, output_dir / "vanishing_gradients.png", trained=trained_norms, marked_span=MEMORY_MARKED_SPAN)
    plots.clipping_runs(records, output_dir / "exploding_gradients.png", per_step_norms=exploding_norms)
    seconds = round(time.time() - started, 1)
    metrics = {
        "script": SCRIPT,
        "model": {"path": str(model_path), "trained_here": trained_here, "cell": cell, "layer": rnn.name, "units": units,
                  "window": window_length, "features": feature_count, "data": str(data_path)},
        "numpy_vs_keras": {"window_dates": [window_dates[0], window_dates[-1]], "max_abs_difference": window_difference,
                           "max_abs_difference_last_state": last_difference, "windows": len(every_window),
                           "max_abs_difference_all_windows": every_difference, "forecast": forecast_check,
                           "parameters": {"formula": numpy_count, "keras": rnn.count_params()}},
        "gates": {"trained": reading, "untrained": fresh_reading},
        "vanishing": {"timesteps": GRADIENT_STEPS, "units": GRADIENT_UNITS, "sequences": GRADIENT_SEQUENCES,
                      "memory_gate_mean_at_initialisation": memory_gate_means, "cells": vanishing},
        "memory_task": {"task": "adding problem", "timesteps": memory_steps, "marked_span": MEMORY_MARKED_SPAN,
                        "train_sequences": memory_samples, "test_sequences": memory_test_samples, "epochs": epochs,
                        "mean_predictor_mse": mean_mse, "cells": memory},
        "clipping": {"cell": "SimpleRNN relu", "recurrent_gain": RECURRENT_GAIN, "timesteps": EXPLODING_STEPS,
                     "learning_rate": SGD_LEARNING_RATE, "clipnorm": clipnorm,
                     "input_gradient_growth": float(1 / gradients.fall_factor(exploding_norms)), "runs": clipping},
        "seconds": seconds,
        "seed": args.seed,
        "quick": quick,
    }
    write_json(output_dir / "metrics.json", metrics)
    report.written(output_dir, ["gates.png", "vanishing_gradients.png", "exploding_gradients.png", "metrics.json"])
    print(f"   {seconds} s in all")
    plots.show(args.show)
    return metrics


if __name__ == "__main__":
    main()
