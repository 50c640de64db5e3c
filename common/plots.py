"""Plots, saved as PNG files (headless by default; --show also opens windows).

`configure(show)` must run before the first figure: without --show it selects the Agg backend,
which needs no display, so the scripts work over SSH and in CI.
"""

import matplotlib
import numpy as np

from common.artifacts import atomic_path
from common.diagnostics import white_noise_band


def configure(show):
    """Pick a headless backend unless the user asked to see the windows."""
    if not show:
        matplotlib.use("Agg")


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


def series_overview(frame, target, frequency, path):
    """data.png: the whole series, and its yearly profile (mean by month or by day of the year)."""
    plt = pyplot()
    figure, (whole, profile) = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={"width_ratios": [2, 1]})
    whole.plot(frame.index, frame[target], linewidth=0.8)
    whole.set(title=f"{target}: {len(frame)} {frequency} values", xlabel="date", ylabel=target)
    if frequency == "monthly":
        by_period = frame[target].groupby(frame.index.month).mean()
        profile.bar(by_period.index, by_period.to_numpy())
        profile.set(xlabel="month", title="mean by month")
    else:
        by_period = frame[target].groupby(frame.index.day_of_year).mean()
        profile.plot(by_period.index, by_period.to_numpy())
        profile.set(xlabel="day of the year", title="mean by day of the year")
    profile.set_ylabel(target)
    return save(figure, path)


def history(history, path, metric="loss"):
    """history.png: training and validation curves per epoch."""
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(7, 4))
    epochs = np.arange(1, len(history.history[metric]) + 1)
    axis.plot(epochs, history.history[metric], label=f"training {metric}")
    if f"val_{metric}" in history.history:
        axis.plot(epochs, history.history[f"val_{metric}"], label=f"validation {metric}")
    axis.set(xlabel="epoch", ylabel=metric, title="Training history")
    if metric == "loss" and min(history.history[metric]) > 0:
        axis.set_yscale("log")
    axis.legend()
    return save(figure, path)


def forecast(dates, values, test_steps, forecasts, target, path, recent=None):
    """forecast.png: the series, the train/test split and each forecast over the test part.

    recent: only show this many steps before the end (daily series are long).
    """
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(12, 4.5))
    start = 0 if recent is None else max(0, len(values) - recent)
    axis.plot(dates[start:], values[start:], color="black", linewidth=1, label="actual")
    split = dates[test_steps[0]]
    axis.axvline(split, color="grey", linestyle="--", linewidth=1)
    axis.text(split, axis.get_ylim()[1], " test part", va="top", color="grey")
    shown_steps = test_steps[test_steps >= start]
    for name, predicted in forecasts.items():
        axis.plot(dates[shown_steps], np.asarray(predicted)[-len(shown_steps):], linewidth=1, label=name)
    axis.set(title=f"One-step-ahead forecasts of {target}", xlabel="date", ylabel=target)
    axis.legend(loc="upper left")
    return save(figure, path)


def autocorrelation(acf, samples, p_value, path):
    """acf.png: autocorrelation at lags 1..20 with the 95% white-noise band."""
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(7, 4))
    lags = np.arange(1, len(acf) + 1)
    axis.bar(lags, acf, width=0.4)
    band = white_noise_band(samples)
    axis.axhspan(-band, band, color="tab:blue", alpha=0.15, label="95% band for white noise")
    axis.axhline(0, color="black", linewidth=0.8)
    axis.set(xlabel="lag", ylabel="autocorrelation", title=f"Noise check on the training part (Ljung-Box p = {p_value:.3g})")
    axis.legend()
    return save(figure, path)
