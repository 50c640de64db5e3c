"""The words of next_character.py: each step's record as the lines a run prints.

Each function takes the values or the record a step returned and prints them. Nothing here
computes a result.
"""

from pathlib import Path

from common import characters, training


def indent(line):
    """Print one line of a step, indented under its heading."""
    print(f"   {line}")


def loaded(texts):
    """Step 1: the file, its text columns, the characters."""
    indent(
        f"{len(texts.texts)} reviews from {Path(texts.path).name}; "
        f"text: {' + '.join(texts.text_columns)}; {texts.characters:,} characters"
    )
    if texts.embedded:
        indent(
            "(the course's reviews: Women's E-Commerce Clothing Reviews, CC0; "
            "--data PATH uses your own file)"
        )
    if texts.dropped:
        indent(f"left out {texts.dropped} rows with no text")


def split_sizes(train_texts, validation_texts, test_texts):
    """Step 2: reviews and characters in each part."""
    parts = {"train": train_texts, "validation": validation_texts, "test": test_texts}
    indent(
        ", ".join(
            f"{len(texts)} {name} reviews ({sum(map(len, texts)):,} characters)"
            for name, texts in parts.items()
        )
    )


def shown(text):
    """A string with its newlines written as \\n, for one line of output."""
    return text.replace(characters.NEWLINE, "\\n")


def characters_and_ids(vocabulary, inputs, targets, plan):
    """Step 3: the characters, one window and its target, and the budget."""
    symbols = "".join(vocabulary.symbols[2:])
    indent(
        f"{vocabulary.size} characters: id 0 = unknown, id 1 = newline (ends a review), "
        f"then {symbols!r}"
    )
    indent(
        f"training windows: {inputs.shape} ids, targets {targets.shape}: the same text one "
        "character later"
    )
    indent(f"input  ids {inputs[0, :12].tolist()} ...")
    indent(f"target ids {targets[0, :12].tolist()} ...")
    indent(f"input  text {shown(characters.decode(inputs[0, :60], vocabulary))!r}")
    indent(f"target text {shown(characters.decode(targets[0, :60], vocabulary))!r}")
    indent(
        f"budget: {plan['updates']} updates at most of {plan['batch_size']} windows; the "
        f"validation loss checked every {plan['steps_per_epoch']} updates; patience "
        f"{plan['patience']} checks"
    )


def baselines(order, by_order):
    """Step 4: the validation bits per character of each order, and the order chosen."""
    indent(
        "validation bits per character by order: "
        + ", ".join(f"{k}: {v:.3f}" for k, v in by_order.items())
    )
    indent(f"chosen: order {order} (it reads the {order - 1} characters before)")


def environment(block):
    indent(training.describe_environment(block))


def trained(record):
    """Step 6: the checks run, the kept one, its validation bits, the time."""
    updates = record.checks_run * record.plan["steps_per_epoch"]
    indent(
        f"{record.checks_run} checks of {record.plan['steps_per_epoch']} updates; kept check "
        f"{record.kept_check}: validation {record.validation_bits:.3f} bits per character; "
        f"{record.seconds:.0f} s, {record.seconds / updates:.3f} s per update"
    )


def evaluation(record):
    """Step 7: the table (the network and each baseline), the paired tests and the verdict."""
    p_values = {name: test["p"] for name, test in record.tests.items()}
    print("\nTest reviews (lower is better):")
    print(f"{'':12s}{'bits/char':>11s}{'perplexity':>12s}{'paired p':>11s}")
    for name, scores in record.results.items():
        p_value = f"{p_values[name]:11.2g}" if name in p_values else ""
        print(
            f"{name:12s}{scores['bits_per_character']:11.3f}{scores['perplexity']:12.2f}{p_value}"
        )
    means = record.verdict["review_mean_bits"]
    indent(
        "paired t-test over test reviews of each review's mean bits per character: "
        + ", ".join(f"{name} {value:.3f}" for name, value in means.items())
    )
    print(record.verdict_line)


def samples(written):
    """Step 8: one generated text per temperature."""
    for temperature, text in written.items():
        indent(f"T = {temperature:g}: {shown(text)!r}")


def cell_picture(picture):
    """Step 9: per feature, the trained network's best unit against the untrained network's."""
    indent(f"review ({len(picture.text)} characters): {shown(picture.text[:70])!r} ...")
    named = picture.named()
    for name, found in picture.trained.items():
        untrained = picture.untrained[name]
        if found is None:
            indent(f"{name}: does not change in this review")
            continue
        unit, r = found
        where = f"unit {unit} follows it (r = {r:+.2f})" if name in named else "no such unit found"
        indent(f"{name}: {where}; best of the untrained network |r| = {abs(untrained[1]):.2f}")
