"""The words of case 8-1: each step's record as the lines a run prints.

Each function takes the values or the record a step returned and prints them. Nothing here
computes a result.
"""

from common import text, training
from common.report import results_table, trace, written

import numpy as np

SCORES = ["accuracy", "precision", "recall", "f1", "roc_auc"]  # the columns of the test table


def indent(line):
    """Print one line of a step, indented under its heading."""
    print(f"   {line}")


def describe(probability):
    """The line --predict ends with, e.g. `positive probability: 0.9731 (positive)`."""
    verdict = "positive" if probability >= 0.5 else "negative"
    return f"positive probability: {probability:.4f} ({verdict})"


def loaded(reviews):
    """Step 1: the file, its text and label columns, what was cleaned, the class balance."""
    indent(
        f"{len(reviews.texts)} reviews from {reviews.source.path.name}; "
        f"text: {' + '.join(reviews.text_columns)}; "
        f"label: {reviews.label_column} ({reviews.label_rule})"
    )
    if reviews.source.embedded:
        indent(
            "(the course's reviews: the public Women's E-Commerce Clothing Reviews, CC0; "
            "--data PATH uses your own file)"
        )
    for note in reviews.source.notes:
        indent(f"cleaned: {note}")
    positive = reviews.positive_share
    indent(f"class balance: {positive:.1%} positive, {1 - positive:.1%} negative")


def look_title(reviews):
    """Step 2's heading: the course's columns for its reviews, the label column for a file of
    your own."""
    if reviews.source.embedded:
        return "Look at the data: ratings, classes, recommendations, review length"
    return f"Look at the data: {reviews.label_column} and review length"


def review_lengths(lengths):
    """Step 2: words per review. lengths: (reviews,) ints."""
    indent(
        f"words per review: median {np.median(lengths):.0f}, 95th percentile "
        f"{np.percentile(lengths, 95):.0f}, longest {lengths.max()}"
    )


def split_title(reviews):
    """Step 3's heading."""
    part = "the course's test part" if reviews.source.embedded else "a test part"
    return f"Split: {part}, validation out of the training part"


def split_sizes(train_texts, validation_texts, test_texts):
    """Step 3: how many reviews each part has."""
    indent(
        f"{len(train_texts)} train, {len(validation_texts)} validation, "
        f"{len(test_texts)} test reviews"
    )


def prepared(record, percentile, longest):
    """Step 4: the sequence length and the rule that set it, the vocabulary, the unknown words,
    and one review before and after standardisation. percentile, longest: the rule's numbers."""
    indent(
        f"sequence length {record.sequence_length} tokens "
        f"({percentile}th percentile of training reviews, at most {longest}); "
        f"vocabulary {record.vocabulary_size} words; "
        f"{record.unknown_share:.1%} of test words are unknown ([UNK])"
    )
    before, after = record.example
    indent(f"e.g. {before!r} -> {after!r}")


def first_review(enabled, review, token_ids, vocabulary):
    """With --trace: one training review, its token ids, and the ids read back as words."""
    if not enabled:
        return
    indent(f"[trace] review: {review!r}")
    trace(True, token_ids=token_ids)
    indent(f"[trace] decoded: {text.decode(token_ids, vocabulary)}")


def baselines(record):
    """Step 5: each baseline's test accuracy and ROC AUC."""
    for name, scores in record.scores.items():
        indent(f"{name:13s} accuracy {scores['accuracy']:.3f}, ROC AUC {scores['roc_auc']:.3f}")


def environment(block):
    """Step 6: what Keras runs on. block: metrics.json's `environment` block."""
    indent(training.describe_environment(block))


def budget(plan, batch_inputs, batch_labels):
    """Step 7, before fit(): the budget, and the shapes of one batch."""
    indent(training.describe_budget(plan, "reviews"))
    indent(f"one batch: inputs {batch_inputs.shape}, labels {batch_labels.shape}")


def trained(record):
    """Step 7, after fit(): the epochs trained and the best validation AUC."""
    indent(f"{record.epochs_run} epochs; best validation AUC {record.best_auc:.4f}")


def evaluation(record, label_rule):
    """Step 8: the test table (the network and each baseline), and the gain over the majority
    class. label_rule: what "positive" means, e.g. "rating > 3"."""
    count = len(record.test_labels)
    title = f"Test scores over {count} reviews (positive = {label_rule})"
    results_table(record.results, SCORES, title)
    indent(
        f"The {record.network}'s accuracy is {record.gain:+.3f} against calling every review "
        "the majority class."
    )


def examples(reviews, probabilities):
    """Step 9: each example review with the network's probability."""
    for review, probability in zip(reviews, probabilities, strict=True):
        indent(f"{review!r}: {describe(float(probability))}")


def challenge_table(scores_by_model, file_name):
    """Accuracy per challenge category (and overall), one row per model."""
    table = {
        name: {**scores["by_category"], "overall": scores["overall"]}
        for name, scores in scores_by_model.items()
    }
    columns = list(next(iter(table.values())))
    results_table(table, columns, f"Challenge set {file_name}: accuracy per category")


def no_challenge(file_name, output_dir):
    """Step 9 on a learner's own file: why the clothing examples are left out."""
    indent(
        f"(the clothing examples and {file_name} are for the embedded reviews: "
        f"score a challenge file for your data with --challenge PATH --output-dir {output_dir})"
    )


def saved(output_dir, names, quick):
    """Step 10: one line per file written, then how to ask the saved model about a review."""
    written(output_dir, names)
    smoke = " (a --quick smoke-test model: its answers mean little)" if quick else ""
    indent(
        f"try: python case8_1_rnn.py --output-dir {output_dir} "
        f'--predict "Soft fabric, I love it"{smoke}'
    )


def review_words(review, words):
    """--predict: the review, and the words the vectoriser kept (unknown ones as [UNK])."""
    indent(f"review:  {review!r}")
    indent(f"words:   {' '.join(words)}")


def probability(value):
    """--predict's last line: `positive probability: 0.9731 (positive)`."""
    print(describe(value))


def challenge_accuracy(scores):
    """--challenge's last line: `challenge accuracy: 0.8667 (26/30)`."""
    print(f"challenge accuracy: {scores['overall']:.4f} ({scores['correct']}/{scores['total']})")
