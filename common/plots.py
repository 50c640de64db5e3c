"""Plots, saved as PNG files (headless by default; --show also opens windows).

`configure(show)` must run before the first figure: without --show it selects the Agg backend,
which needs no display, so the scripts work over SSH and in CI.
"""

from common.diagnostics import format_p_value, white_noise_band
from common.machinery import frequencies
from common.machinery.artifacts import atomic_path
from common.machinery.errors import UsageError

import matplotlib
import matplotlib.ticker
import numpy as np
import pandas as pd
from sklearn.metrics import ConfusionMatrixDisplay, RocCurveDisplay

# matplotlib's backends that only write files (its list of non-interactive ones)
FILE_ONLY_BACKENDS = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}


def configure(show):
    """Pick a headless backend unless the user asked to see the windows; with --show, a usage
    error when there is no screen to open them on (matplotlib then falls back to a backend
    that only writes files, and the windows would silently never open)."""
    if not show:
        matplotlib.use("Agg")
        return
    backend = pyplot().get_backend()
    if backend.lower() in FILE_ONLY_BACKENDS:
        raise UsageError(
            f"--show needs a screen to open the plot windows on, and there is none here "
            f"(matplotlib's backend is {backend}; is DISPLAY set?): leave out --show, the "
            "plots are saved as PNG files anyway"
        )


class PlainLogFormatter(matplotlib.ticker.LogFormatter):
    """Log-axis tick labels as plain numbers (0.9, 2, 30), not 9x10^-1, on the ticks that
    matplotlib chooses to label."""

    def __call__(self, value, position=None):
        return f"{value:g}" if super().__call__(value, position) else ""


def show(enabled):
    """With --show, open the figure windows (blocks until they are closed)."""
    if enabled:
        pyplot().show()


def pyplot():
    import matplotlib.pyplot as plt

    return plt


def save(figure, path):
    """Save a figure as PNG atomically and close it unless windows will be shown."""
    figure.tight_layout()
    atomic_path(path, lambda temporary: figure.savefig(temporary, dpi=100, format="png"))
    if matplotlib.get_backend().lower() == "agg":
        pyplot().close(figure)
    return path


def series_overview(frame, target, step, path):
    """data.png: the whole series, and its profile over the calendar the climatology baseline
    uses (mean by month, by day of the year, by hour of day, ...; none for yearly data).

    step: the series' Frequency (common/machinery/frequencies.py)."""
    plt = pyplot()
    figure, (whole, profile) = plt.subplots(
        1, 2, figsize=(12, 4), gridspec_kw={"width_ratios": [2, 1]}
    )
    whole.plot(frame.index, frame[target], linewidth=0.8)
    whole.set(title=f"{target}: {len(frame)} {step.name} values", xlabel="date", ylabel=target)
    if step.climatology is None:
        profile.hist(frame[target].diff().dropna(), bins=20)
        profile.set(xlabel=f"change from one {step.unit} to the next", title="changes")
        profile.set_ylabel("count")
        return save(figure, path)
    if step.climatology == "day of year":
        position = frame.index.day_of_year  # one number per point: a line, as before
    else:
        keys = frequencies.climatology_keys(frame.index, step.climatology)
        position = keys[0] + (keys[1] / 60 if len(keys) > 1 else 0)  # hour + minute / 60
    by_period = frame[target].groupby(np.asarray(position)).mean()
    if len(by_period) <= 24:
        profile.bar(by_period.index, by_period.to_numpy())
    else:
        profile.plot(by_period.index, by_period.to_numpy())
    profile.set(xlabel=step.climatology, title=f"mean by {step.climatology}")
    profile.set_ylabel(target)
    return save(figure, path)


def history(history, path, metric="loss", kept_epoch=None, start_value=None):
    """history.png: training and validation curves per epoch; `metric` is the quantity early
    stopping watched (its validation curve), and `kept_epoch` (1, 2, ...; 0 for the weights
    training started from) is marked with the weights early stopping kept; start_value: the
    validation value before training, drawn at epoch 0."""
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(7, 4))
    epochs = np.arange(1, len(history.history[metric]) + 1)
    axis.plot(epochs, history.history[metric], label=f"training {metric}")
    if f"val_{metric}" in history.history:
        axis.plot(epochs, history.history[f"val_{metric}"], label=f"validation {metric}")
    if start_value is not None:
        axis.plot([0], [start_value], "o", color="tab:orange", label="before training")
    if kept_epoch is not None:
        where = "the starting weights" if kept_epoch == 0 else f"epoch {kept_epoch}"
        axis.axvline(kept_epoch, color="grey", linestyle="--", linewidth=1, label=f"kept: {where}")
    axis.set(xlabel="epoch", ylabel=metric, title="Training history")
    if metric == "loss" and min(history.history[metric]) > 0:
        axis.set_yscale("log")
        axis.yaxis.set_major_formatter(PlainLogFormatter())
        axis.yaxis.set_minor_formatter(PlainLogFormatter(labelOnlyBase=False))
    axis.legend()
    return save(figure, path)


def forecast(series, test_origins, forecasts, path, band=None, recent=None):
    """forecast.png, one step ahead: the whole series with the test part shaded (left), and the
    test part at a readable scale (right): the actual values and each forecast, the first one
    (the network's) with its 80 % interval.

    series: (dates, values, target): the dates, the values in real units, the target's name.
    forecasts: {label: (origins,) forecasts in real units}, the network's first; band: the 80 %
    interval's half-width at each origin, (origins,); recent: the right panel shows only the
    last `recent` test targets (a long daily test part is a blur otherwise).
    """
    dates, values, target = series
    plt = pyplot()
    figure, (whole, test) = plt.subplots(1, 2, figsize=(14, 4.5), width_ratios=[2, 3])
    whole.plot(dates, values, color="black", linewidth=0.6)
    whole.axvspan(dates[test_origins[0]], dates[-1], color="tab:orange", alpha=0.15)
    whole.set(title=f"{target}: the whole series, test part shaded", xlabel="date", ylabel=target)
    shown = slice(-recent, None) if recent else slice(None)
    positions = test_origins[shown]
    test.plot(dates[positions], values[positions], color="black", linewidth=1.2, label="actual")
    # A first label such as "LSTM = linear: correction dropped" names the network, then a note.
    for rank, (label, predicted) in enumerate(forecasts.items()):
        predicted = np.asarray(predicted)[shown]
        test.plot(dates[positions], predicted, linewidth=1, label=label)
        if rank == 0 and band is not None:
            test.fill_between(
                dates[positions],
                np.asarray(band[0])[shown],
                np.asarray(band[1])[shown],
                alpha=0.2,
                linewidth=0,
                label=f"{label.split(' = ')[0]}: 80% interval",
            )
    part = f"the last {len(positions)} test targets" if recent else "the test part"
    test.set(title=f"One step ahead, {part}", xlabel="date", ylabel=target)
    test.legend(loc="upper left", fontsize="small")
    figure.autofmt_xdate()
    return save(figure, path)


def forecast_paths(series, origins, paths, half_widths, next_forecasts, path):
    """forecast.png for H steps ahead: paths from the last test origins with their 80 % and 95 %
    bands (left), and the fan chart of the H periods after the file's last date (right).

    series: (dates, values, target): the dates, the values in real units, the target's name.
    origins: (origins,) positions of each path's first target; paths: (origins, H) real units;
    half_widths: {"80": (lower, upper), ...} each path's bounds, each (origins, H); next_forecasts:
    forecast_ahead's list of dicts.
    """
    dates, values, target = series
    plt = pyplot()
    horizon = paths.shape[1]
    figure, (left, right) = plt.subplots(1, 2, figsize=(14, 4.5), width_ratios=[3, 2])
    start = max(0, origins[0] - 2 * horizon)
    left.plot(dates[start:], values[start:], color="black", linewidth=1, label="actual")
    # The last origin and those H, 2H, ... before it: paths that do not overlap.
    shown = list(range(len(origins) - 1, -1, -horizon))[:3]
    for rank, row in enumerate(shown):
        steps = origins[row] + np.arange(horizon)
        for level, alpha in (("95", 0.12), ("80", 0.25)):
            lower, upper = (np.asarray(bound)[row] for bound in half_widths[level])
            left.fill_between(
                dates[steps],
                lower,
                upper,
                color="tab:blue",
                alpha=alpha,
                linewidth=0,
                label=f"{level}% interval" if rank == 0 else None,
            )
        left.plot(
            dates[steps], paths[row], color="tab:blue", label="forecast" if rank == 0 else None
        )
    split = dates[origins[0]]
    left.axvline(split, color="grey", linestyle="--", linewidth=1)
    left.set(
        title=f"{horizon} steps ahead from test origins: {target}", xlabel="date", ylabel=target
    )
    left.legend(loc="upper left")

    next_periods(right, (dates, values, target), horizon, next_forecasts)
    figure.autofmt_xdate()
    return save(figure, path)


def next_periods(axis, series, horizon, next_forecasts):
    """forecast.png's right panel: the last 3 H values, then the fan chart of the H periods
    after the file's last date."""
    dates, values, target = series
    history = max(0, len(values) - 3 * horizon)
    axis.plot(dates[history:], values[history:], color="black", linewidth=1, label="actual")
    next_dates = pd.DatetimeIndex(
        [frequencies.from_label(entry["date"]) for entry in next_forecasts]
    )
    centre = np.array([entry["value"] for entry in next_forecasts])
    for level, alpha in (("95", 0.12), ("80", 0.25)):
        if f"lower{level}" in next_forecasts[0]:
            axis.fill_between(
                next_dates,
                [entry[f"lower{level}"] for entry in next_forecasts],
                [entry[f"upper{level}"] for entry in next_forecasts],
                color="tab:orange",
                alpha=alpha,
                linewidth=0,
                label=f"{level}% interval",
            )
    axis.plot(next_dates, centre, color="tab:orange", marker=".", label="forecast")
    axis.set(title="The next periods after the file's last date", xlabel="date", ylabel=target)
    axis.legend(loc="upper left")


def autocorrelation(acf, samples, p_value, path):
    """acf.png: autocorrelation at lags 1..20 with the 95% white-noise band."""
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(7, 4))
    lags = np.arange(1, len(acf) + 1)
    axis.bar(lags, acf, width=0.4)
    band = white_noise_band(samples)
    axis.axhspan(-band, band, color="tab:blue", alpha=0.15, label="95% band for white noise")
    axis.axhline(0, color="black", linewidth=0.8)
    axis.set(
        xlabel="lag",
        ylabel="autocorrelation",
        title=f"Noise check on the training part (Ljung-Box {format_p_value(p_value)})",
    )
    axis.legend()
    return save(figure, path)


def state_heatmaps(panels, time_labels, path, title):
    """gates.png: one heatmap per gate or state, units down the side and the window's steps across.

    panels: {"forget gate": (units, steps) array, ...}, in the order to draw them.
    Gates (0..1) share one colour scale; tanh outputs (-1..1) and the cell state get a diverging
    one centred on 0.
    time_labels: one label per step (e.g. the months of the window).
    """
    plt = pyplot()
    columns = 3 if len(panels) > 4 else 2
    rows = int(np.ceil(len(panels) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, 3.6 * rows), squeeze=False)
    # The grid can have more axes than panels: the spare ones are switched off below.
    for axis, (name, values) in zip(axes.flat, panels.items(), strict=False):
        values = np.asarray(values)
        if name.endswith("gate"):
            image = axis.imshow(
                values, aspect="auto", cmap="viridis", vmin=0, vmax=1, interpolation="nearest"
            )
        else:
            limit = max(1.0, float(np.abs(values).max())) if name.startswith("cell") else 1.0
            image = axis.imshow(
                values,
                aspect="auto",
                cmap="RdBu_r",
                vmin=-limit,
                vmax=limit,
                interpolation="nearest",
            )
        figure.colorbar(image, ax=axis, fraction=0.046, pad=0.02)
        ticks = np.arange(0, len(time_labels), max(1, len(time_labels) // 6))
        axis.set_xticks(ticks, [time_labels[i] for i in ticks], rotation=30, fontsize=8)
        axis.set(title=name, ylabel="unit")
    for axis in list(axes.flat)[len(panels) :]:
        axis.axis("off")
    figure.suptitle(title)
    return save(figure, path)


def gradient_norms(initial, path, trained=None, marked_span=None):
    """vanishing_gradients.png: |d output / d input| at each step, on a log scale.

    initial: {"SimpleRNN": (timesteps,) norms, ...} for fresh layers; drawn against the number of
    steps between the input and the output, so a falling curve is a vanishing gradient.
    trained: the same for models trained on the memory task (optional second panel), drawn against
    the time step, with the marked span (where the numbers to remember sit) shaded.
    """
    plt = pyplot()
    figure, axes = plt.subplots(
        1, 2 if trained else 1, figsize=(13 if trained else 7, 4.5), squeeze=False
    )
    left = axes[0, 0]
    for name, norms in initial.items():
        norms = np.asarray(norms)
        steps_back = np.arange(len(norms))[::-1]  # the last input is 0 steps from the output
        left.plot(steps_back, np.where(norms > 0, norms, np.nan), label=name)
    left.set_yscale("log")
    left.set(
        xlabel="steps between the input and the output",
        ylabel="|d output / d input|",
        title=f"At initialisation, {len(norms)} steps",
    )
    left.legend()
    if trained:
        right = axes[0, 1]
        for name, norms in trained.items():
            norms = np.asarray(norms)
            right.plot(np.arange(1, len(norms) + 1), np.where(norms > 0, norms, np.nan), label=name)
        if marked_span:
            right.axvspan(
                0.5, marked_span + 0.5, color="grey", alpha=0.15, label="marked numbers sit here"
            )
        right.set_yscale("log")
        right.set(
            xlabel="time step",
            ylabel="|d prediction / d input|",
            title="After training on the memory task",
        )
        right.legend()
    return save(figure, path)


def clipping_runs(runs, path, per_step_norms=None):
    """exploding_gradients.png: loss and raw gradient norm per training step, for each run.

    runs: {"without clipping": {"loss": [...], "gradient_norm": [...]}, ...}. A run that hit inf
    or NaN ends with a cross at its last finite value.
    per_step_norms: optional (timesteps,) |d output / d input| at initialisation, drawn first
    (a rising curve: the gradient grows going back in time).
    """
    plt = pyplot()
    count = 3 if per_step_norms is not None else 2
    figure, axes = plt.subplots(1, count, figsize=(5 * count, 4.2))
    if per_step_norms is not None:
        norms = np.asarray(per_step_norms)
        axes[0].plot(np.arange(len(norms))[::-1], norms, color="tab:red")
        axes[0].set_yscale("log")
        axes[0].set(
            xlabel="steps between the input and the output",
            ylabel="|d output / d input|",
            title="At initialisation",
        )
    for key, axis in zip(["loss", "gradient_norm"], axes[-2:], strict=True):
        for name, record in runs.items():
            values = np.asarray(record[key], dtype=float)
            steps = np.arange(1, len(values) + 1)
            finite = np.isfinite(values)
            (line,) = axis.plot(steps[finite], values[finite], label=name)
            if not finite.all() and finite.any():
                last = np.flatnonzero(finite)[-1]
                axis.plot(
                    steps[last],
                    values[last],
                    "x",
                    color=line.get_color(),
                    markersize=10,
                    markeredgewidth=2,
                )
                axis.annotate(
                    f"inf/NaN at step {steps[~finite][0]}",
                    (steps[last], values[last]),
                    textcoords="offset points",
                    xytext=(6, -4),
                    color=line.get_color(),
                )
        axis.set_yscale("log")
        axis.set(
            xlabel="training step",
            ylabel="gradient norm (before clipping)" if key == "gradient_norm" else "loss (MSE)",
            title="Gradient norm per step" if key == "gradient_norm" else "Loss per step",
        )
        axis.legend(loc="lower left")
    return save(figure, path)


def review_overview(table, label_column, review_lengths, path):
    """data.png for reviews: label (rating) counts, Class Name and Recommended IND counts when the
    file has them, and a histogram of words per review."""
    plt = pyplot()
    panels = [label_column] + [
        name
        for name in ("Class Name", "Recommended IND")
        if name in table.columns and name != label_column
    ]
    figure, axes = plt.subplots(1, len(panels) + 1, figsize=(4.5 * (len(panels) + 1), 4))
    # One axis more than panels: the last one holds the review-length histogram.
    for axis, column in zip(axes, panels, strict=False):
        counts = table[column].value_counts()
        if column == "Class Name":
            counts = counts.head(12).iloc[::-1]  # the 12 most common classes, largest on top
            axis.barh(counts.index.astype(str), counts.to_numpy())
            axis.set(xlabel="reviews", title=f"{column} (top {len(counts)})")
        else:
            counts = counts.sort_index()
            axis.bar(counts.index.astype(str), counts.to_numpy())
            axis.set(xlabel=column, ylabel="reviews", title=f"{column} counts")
    axes[-1].hist(review_lengths, bins=40)
    axes[-1].set(xlabel="words per review", ylabel="reviews", title="Review length")
    return save(figure, path)


def confusion(matrix, labels, path):
    """confusion_matrix.png: counts of (true class, predicted class) on the test part, drawn by
    scikit-learn's ConfusionMatrixDisplay."""
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(4.5, 4))
    ConfusionMatrixDisplay(matrix, display_labels=labels).plot(
        ax=axis, cmap="Blues", values_format=",", colorbar=False
    )
    axis.set(xlabel="predicted", ylabel="true", title="Confusion matrix (test part)")
    return save(figure, path)


def roc(labels, probabilities, path):
    """roc.png: one ROC curve, with its AUC, per classifier (scikit-learn's RocCurveDisplay).

    labels: (reviews,) 0/1; probabilities: {name: (reviews,) positive-class probabilities}.
    """
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(5, 5))
    for name, scores in probabilities.items():
        RocCurveDisplay.from_predictions(labels, scores, name=name, ax=axis)
    axis.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="chance (AUC 0.5)")
    axis.set(
        xlabel="false positive rate", ylabel="true positive rate", title="ROC curve (test part)"
    )
    axis.legend(loc="lower right")
    return save(figure, path)
