"""Bits per character against updates: SimpleRNN, LSTM and GRU beside the n-gram's line.

    python benchmarks/bench_next_character.py                       # 3,000 updates (~30 min)
    python benchmarks/bench_next_character.py --updates 400 --every 100 --reviews 200

Each cell has about the LSTM's recurrent weights (next_character.py's LSTM(128) on 32-wide
character vectors: 82,432; GRU 150 units, SimpleRNN 271) and trains on next_character.py's
windows (100 characters, 64 per update, the same seed), with no early stopping. After every
`--every` updates the network reads `--reviews` validation reviews whole, each from its start,
and the benchmark prints their bits per character and the seconds per update so far. The n-gram
(its order chosen on the whole validation part, as the script chooses it) and the unigram are
scored on the same reviews: the horizontal lines. The test part is left alone.

Writes curve.json and curve.png to --output-dir. On a GPU the same command measures the GPU's
seconds per update (the script runs on whatever Keras finds).
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project's modules

import next_character  # noqa: E402
from common import characters, plots, training  # noqa: E402

import numpy as np  # noqa: E402

CELLS = ["simple_rnn", "lstm", "gru"]


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=3000, help="updates per cell (3000)")
    parser.add_argument("--every", type=int, default=250, help="updates between scores (250)")
    parser.add_argument("--reviews", type=int, default=500, help="validation reviews scored")
    parser.add_argument("--cells", default=",".join(CELLS), help="cells, comma-separated")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output-dir", default="outputs/bench_next_character")
    return parser.parse_args(argv)


def prepared(options):
    """The script's split, characters and windows, and the baselines on the scored reviews."""
    args = next_character.build_parser().parse_args(["--seed", str(options.seed)])
    texts = characters.load_texts(args, next_character.EMBEDDED_DATA, next_character.MIN_REVIEWS)
    train_texts, validation_texts, _ = characters.split_reviews(texts.texts, args.seed)
    vocabulary = characters.vocabulary_of(train_texts)
    stream = characters.training_stream(train_texts, vocabulary)
    batch, length = next_character.BATCH_SIZE, next_character.SEQUENCE_LENGTH
    passes = int(np.ceil(options.updates * batch * length / len(stream)))
    windows = characters.windows(stream, length, passes, args.seed)
    pad = max(next_character.ORDERS)
    scored = characters.scored(validation_texts[: options.reviews], vocabulary, pad)
    order, probabilities, _ = next_character.baselines(
        vocabulary, train_texts, validation_texts, scored
    )
    lines = {name: float(np.mean(characters.bits(p))) for name, p in probabilities.items()}
    return vocabulary, windows, scored, {"order": order, **lines}


def curve(cell, vocabulary, windows, scored, options):
    """[{"updates", "bits_per_character", "seconds_per_update"}] for one cell."""
    lstm_weights = 4 * 128 * (128 + 32 + 1)
    units = characters.equal_parameter_units(cell, lstm_weights, next_character.EMBEDDING_DIM)
    training.seed_everything(options.seed)
    model = next_character.build_model(vocabulary.size, cell, units)
    optimizer = training.optimizer(next_character.LEARNING_RATE)
    model.compile(optimizer, loss="sparse_categorical_crossentropy")
    inputs, targets = windows
    batch = next_character.BATCH_SIZE
    points, seconds = [], 0.0
    for done in range(options.every, options.updates + 1, options.every):
        part = slice((done - options.every) * batch, done * batch)
        started = time.perf_counter()
        model.fit(inputs[part], targets[part], batch_size=batch, shuffle=False, verbose=0)
        seconds += time.perf_counter() - started
        bits = characters.bits(characters.network_probabilities(model, scored))
        points.append(
            {
                "updates": done,
                "bits_per_character": float(np.mean(bits)),
                "seconds_per_update": seconds / done,
            }
        )
        print(
            f"{cell:10s} {done:5d} updates: {points[-1]['bits_per_character']:.3f} bits/char, "
            f"{points[-1]['seconds_per_update']:.3f} s/update",
            flush=True,
        )
    return {"units": units, "params": model.count_params(), "points": points}


def draw(results, lines, path):
    plt = plots.pyplot()
    figure, axis = plt.subplots(figsize=(7, 4.5))
    for cell, result in results.items():
        points = result["points"]
        axis.plot(
            [p["updates"] for p in points],
            [p["bits_per_character"] for p in points],
            marker="o",
            label=f"{cell} ({result['units']} units)",
        )
    axis.axhline(
        lines["ngram"], color="grey", linestyle="--", label=f"n-gram, order {lines['order']}"
    )
    axis.axhline(lines["unigram"], color="grey", linestyle=":", label="unigram")
    axis.set(xlabel="updates (64 windows of 100 characters)", ylabel="bits per character",
             title="Held-out bits per character against updates")  # fmt: skip
    axis.legend(fontsize=8)
    return plots.save(figure, path)


def main(argv=None):
    options = parse(argv)
    plots.configure(False)
    vocabulary, windows, scored, lines = prepared(options)
    print(
        f"{len(scored.targets):,} validation characters; n-gram (order {lines['order']}) "
        f"{lines['ngram']:.3f} bits/char, unigram {lines['unigram']:.3f}; device "
        f"{', '.join(training.devices())}",
        flush=True,
    )
    results = {
        cell: curve(cell, vocabulary, windows, scored, options) for cell in options.cells.split(",")
    }
    output_dir = Path(options.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    record = {"options": vars(options), "baselines": lines, "cells": results,
              "devices": training.devices()}  # fmt: skip
    (output_dir / "curve.json").write_text(json.dumps(record, indent=2) + "\n")
    draw(results, lines, output_dir / "curve.png")
    print(f"wrote {output_dir / 'curve.json'} and {output_dir / 'curve.png'}")
    return record


if __name__ == "__main__":
    main()
