"""next_character.py's figures: data.png (a first look at the text) and cells.png (the cell
picture: a review's characters, each coloured by one unit's activation)."""

import textwrap
from collections import Counter

from common import plots

import numpy as np

LINE_WIDTH = 80  # characters per line of the cell picture


def data_overview(texts, path):
    """data.png: characters per review (left) and the 30 most frequent characters (right)."""
    plt = plots.pyplot()
    figure, (lengths_axis, counts_axis) = plt.subplots(1, 2, figsize=(12, 4))
    lengths = np.array([len(text) for text in texts])
    lengths_axis.hist(lengths, bins=50, color="tab:blue")
    lengths_axis.set(xlabel="characters per review", ylabel="reviews", title="Review length")
    sample = "".join(texts[:5000])  # enough text for the shares of the frequent characters
    common = Counter(sample).most_common(30)
    labels = [repr(char)[1:-1] if char != " " else "space" for char, _ in common]
    counts_axis.bar(labels, [count / len(sample) for _, count in common], color="tab:green")
    counts_axis.set(ylabel="share of characters", title="The 30 most frequent characters")
    counts_axis.tick_params(axis="x", labelsize=7, rotation=90)
    return plots.save(figure, path)


def cell_picture(picture, path):
    """cells.png: one panel per feature's best unit of the trained network; the review's
    characters on a grid, each cell coloured by the unit's activation after that character
    (blue negative, red positive). A unit no stronger than the untrained network's best is
    drawn too, its title saying so."""
    plt = plots.pyplot()
    panels = [(name, found) for name, found in picture.trained.items() if found]
    lines = max(1, int(np.ceil(len(picture.text) / LINE_WIDTH)))
    figure, axes = plt.subplots(
        len(panels) or 1, 1, figsize=(14, 0.32 * lines * max(1, len(panels)) + 1.2 * len(panels))
    )
    axes = np.atleast_1d(axes)
    named = picture.named()
    for axis, (name, (unit, r)) in zip(axes, panels, strict=False):
        values = np.full(lines * LINE_WIDTH, np.nan)
        values[: len(picture.text)] = picture.states[:, unit]
        limit = max(float(np.nanmax(np.abs(values))), 1e-6)
        axis.imshow(
            values.reshape(lines, LINE_WIDTH),
            cmap="coolwarm",
            vmin=-limit,
            vmax=limit,
            aspect="auto",
        )
        for position, char in enumerate(picture.text):
            if char == " ":
                continue  # nothing to draw: a text object less
            row, column = divmod(position, LINE_WIDTH)
            axis.text(column, row, char, ha="center", va="center", fontsize=7, family="monospace")
        untrained = picture.untrained[name][1]
        verdict = "found" if name in named else "no such unit found"
        axis.set_title(
            f"{name}: unit {unit}, r = {r:+.2f} (untrained best |r| = "
            f"{abs(untrained):.2f}): {verdict}",
            fontsize=9,
        )
        axis.set_xticks([])
        axis.set_yticks([])
    figure.suptitle(textwrap.shorten(picture.text, 100), fontsize=8)
    return plots.save(figure, path)
