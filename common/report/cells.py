"""The words of inside_the_cells.py: what each step found, as the lines a run prints.

Each function takes what a step returned (most often its block of metrics.json) and returns
text; the script prints it. Nothing here computes a result.
"""

from common.report import format_table


def indent(lines):
    """The lines of a step, indented under its heading."""
    return "\n".join(f"   {line}" for line in lines)


def numbers(count):
    """'1 number', '4 numbers'."""
    return f"{count} number" if count == 1 else f"{count} numbers"


def weight_shapes(layer):
    """'kernel (1, 128), recurrent_kernel (32, 128), bias (128,)' for an LSTM of 32 units."""
    names = ["kernel", "recurrent_kernel", "bias"]
    weights = layer.get_weights()
    return ", ".join(f"{name} {w.shape}" for name, w in zip(names, weights, strict=True))


def layers(record):
    """Step 1: where the layers come from, and the shapes of their weights."""
    if record.path is None:
        lines = ["fresh layers, each with the starting weights Keras draws after seeding (--seed):"]
    else:
        lines = [f"{record.path}: the model {record.model.name!r}, and its first recurrent layer:"]
    for cell, layer in record.by_cell.items():
        units = layer.get_config()["units"]
        lines.append(f"{cell:10s} layer {layer.name!r}, {units} units: {weight_shapes(layer)}")
    which = "each layer" if len(record.by_cell) > 1 else "the layer"
    lines.append(
        f"{which} reads sequences of {record.timesteps} steps, with {numbers(record.features)} at "
        "each step"
    )
    return indent(lines)


def toy_inputs(inputs):
    """Step 2: the shape and the range of the toy input."""
    sequences, steps, features = inputs.shape
    return indent(
        [
            f"toy_inputs {inputs.shape}: {sequences} sine waves of {steps} steps, "
            f"{numbers(features)} at each step, values {inputs.min():.2f} to {inputs.max():.2f}"
        ]
    )


def numpy_vs_keras(summary):
    """Step 3: the largest difference between NumPy and Keras for each layer."""
    lines = [
        "largest |NumPy - Keras| of the hidden state h (NumPy computes in float64 and Keras in",
        "float32, so about 1e-7 is as close as they can be):",
    ]
    for cell, difference in summary["cells"].items():
        parameters = difference["parameters"]
        lines.append(
            f"{cell:10s} at every step {difference['max_abs_difference']:.2e}, in the layer's "
            f"own output {difference['max_abs_difference_last_state']:.2e}; parameters: "
            f"formula {parameters['formula']}, Keras {parameters['keras']}"
        )
    forecaster = summary["forecaster"]
    if forecaster is not None:
        first = forecaster["first_output"]
        lines.append(
            "the whole forecaster in NumPy: largest |NumPy - Keras| "
            f"{forecaster['max_abs_difference']:.2e} (first output: NumPy {first['numpy']:.6f}, "
            f"Keras {first['keras']:.6f})"
        )
    return indent(lines)


def gates(summary):
    """Step 4: each gate's mean and how much of it is saturated; the memory it keeps."""
    reading, untrained = summary["reading"], summary["untrained"]
    lines = [
        f"the {summary['cell']} layer {summary['layer']!r} over all the steps of the toy input",
        "(saturated: within 0.05 of either end of the range, where the gate's own gradient is "
        "nearly 0)",
    ]
    for name, entry in reading.items():
        if name == "c":
            continue
        start = "" if untrained is None else f" (untrained: {untrained[name]['mean']:+.2f})"
        label = name if name == "candidate" else f"{name} gate"
        line = f"{label:12s} mean {entry['mean']:+.2f}{start}, {entry['saturated_share']:.0%} "
        line += "saturated"
        if name != "candidate":
            line += (
                f"; open (mean > 0.9) in units {entry['open_units'] or 'none'}, "
                f"shut (mean < 0.1) in units {entry['closed_units'] or 'none'}"
            )
        lines.append(line)
    if "c" in reading:
        c = reading["c"]
        lines.append(
            f"cell state c from {c['min']:+.2f} to {c['max']:+.2f}; units with |c| > 1 (more "
            f"than tanh(c) can pass to h): {c['units_beyond_1'] or 'none'}"
        )
    return indent(lines + memory_lines(summary["memory"]))


def memory_lines(memory):
    """Step 4: what the LSTM's forget gate (the GRU's update gate) says about its memory."""
    if memory is None:
        return []
    short = ": a short memory." if memory["left_at_last_step"] < 0.1 else "."
    lines = [
        f"Reading: the {memory['gate']} gate keeps {memory['kept_per_step']:.0%} of each unit's "
        "memory at each step, on average.",
        f"So what the first step wrote keeps about {memory['left_at_last_step']:.1%} of its "
        f"weight {memory['steps'] - 1} steps later{short}",
    ]
    moved = memory["largest_move_in_training"]
    if moved is not None:
        lines.append(
            f"Training moved the mean of each gate by at most {moved:.2f}"
            + (
                ": the layer works with its gates nearly as Keras starts them."
                if moved < 0.05
                else "."
            )
        )
    return lines


def vanishing(summary):
    """Step 5: how far each curve falls from the last step back to the first."""
    lines = [
        f"{'cell':22s}{'last step':>12s}{'50 back':>12s}{'99 back':>12s}   fall (last / first)"
    ]
    for label, fall in summary["cells"].items():
        factor = fall["fall_factor"]
        magnitude = fall["orders_of_magnitude"]
        shown = "underflows to 0" if factor is None else f"{factor:.3g} (10^{magnitude:.1f})"
        lines.append(
            f"{label:22s}{fall['norm_last_step']:12.3g}{fall['norm_50_back']:12.3g}"
            f"{fall['norm_first_step']:12.3g}   {shown}"
        )
    steps = summary["timesteps"]
    for label, mean in summary["memory_gate_mean_at_initialisation"].items():
        gate = "update" if label.startswith("GRU") else "forget"
        lines.append(
            f"{label}: mean {gate} gate {mean:.2f}, and {mean:.2f}^{steps - 1} = "
            f"{mean ** (steps - 1):.1e}"
        )
    lines += [
        "Reading: with Keras' default starting weights, no cell carries the gradient far. Each",
        "step multiplies it by a number below 1. Along the LSTM's memory path, that number is the",
        "forget gate, which Keras starts half open. With the forget gate opened (bias 3), the same",
        f"LSTM passes the gradient across all {steps} steps. Gates make this number something",
        "the network can learn.",
    ]
    return indent(lines)


def adding_problem(adding, batch_size):
    """Step 6: the sizes of the task, one batch's shapes, and what predicting the mean scores."""
    steps, span = adding.train_inputs.shape[1], adding.marked_span
    return indent(
        [
            f"{len(adding.train_inputs)} training and {len(adding.test_inputs)} test sequences; "
            f"the two marked numbers sit in the first {span} steps, {steps - span} or more steps "
            "before the end",
            f"one batch: inputs {adding.train_inputs[:batch_size].shape}, targets "
            f"{adding.train_targets[:batch_size].shape}; predicting the mean scores test MSE "
            f"{adding.mean_mse:.3f}",
        ]
    )


def memory_fit(label, summary):
    """Step 6: one cell's test MSE after each epoch."""
    per_epoch = " ".join(f"{value:.3f}" for value in summary["test_mse_per_epoch"])
    seconds = summary["seconds"]
    return indent([f"{label:22s} test MSE after each epoch: {per_epoch}  ({seconds} s)"])


def memory_table(memory_task, solved_share):
    """Step 6: the test MSE of each cell next to the mean predictor's, and which cells solved it.

    memory_task: metrics.json's "memory_task" block.
    """
    mean_mse = memory_task["mean_predictor_mse"]
    results = {"mean predictor": {"test_mse": mean_mse, "vs_mean": 1.0}}
    for label, entry in memory_task["cells"].items():
        results[label] = {"test_mse": entry["test_mse"], "vs_mean": entry["share_of_mean"]}
    title = (
        f"Adding problem, {memory_task['timesteps']} steps: test MSE after "
        f"{memory_task['epochs']} epochs, and as a share of the mean predictor's"
    )
    carried = [label for label, entry in memory_task["cells"].items() if entry["solved"]]
    solved = (
        f"Carried the numbers across the sequence (MSE below {solved_share:.0%} of the mean "
        f"predictor's): {', '.join(carried) if carried else 'none with this budget'}"
    )
    return format_table(results, ["test_mse", "vs_mean"], title) + "\n" + indent([solved])


def clipping(summary, runs):
    """Step 7: the set-up, one line for each run, and what the first gradient does."""
    learning_rate = summary["learning_rate"]
    lines = [
        f"SimpleRNN({summary['units']}, activation='relu') with its orthogonal recurrent kernel "
        f"times {summary['recurrent_gain']:g}, {summary['timesteps']} steps, plain SGD (learning "
        f"rate {learning_rate}), {summary['train_steps']} full-batch steps",
        f"before training, |d output / d x_t| grows {summary['input_gradient_growth']:.3g} times "
        "from the last step back to the first",
    ]
    for label, run in summary["runs"].items():
        ending = (
            f"inf/NaN at step {run['first_non_finite_step']}"
            if not run["finite"]
            else f"finite for all {run['steps']} steps, last loss {run['last_loss']:.4g}"
        )
        lines.append(
            f"{label:18s} first loss {run['first_loss']:.4g}, largest gradient norm "
            f"{run['largest_finite_gradient_norm']:.3g}: {ending}"
        )
    first_norm = runs["without clipping"]["gradient_norm"][0]
    lines += [
        f"Reading: the first gradient has norm {first_norm:.3g}. Times the learning rate "
        f"{learning_rate}, it moves the weights",
        f"by {first_norm * learning_rate:.3g} in one step. clipnorm rescales the gradient of each "
        f"weight tensor to a norm of {summary['clipnorm']:g} at most:",
        "the step keeps its direction and stays small.",
    ]
    return indent(lines)


def written(output_dir, names, seconds):
    """Step 8: one line for each file written, and the run's time."""
    return indent([f"wrote {output_dir / name}" for name in names] + [f"{seconds} s in all"])
