"""next_character.py and its modules: the n-gram's probabilities, ids and windows, generation,
the cell picture's correlations, and a --quick run end to end."""

import next_character
from common import characters, ngram, training
from helpers import assert_verdict_agrees, exit_code_and_error, read_json

import numpy as np
import pytest

# --- The n-gram ---------------------------------------------------------------------------------


def toy_counts():
    """Ids 0, 1, 2 (V = 3); the stream 1 2 1 2 1 1, every id after the first one a target."""
    stream = np.array([1, 2, 1, 2, 1, 1])
    return ngram.count(stream, np.arange(1, 6), max_order=2, size=3)


def test_ngram_on_a_toy_text_gives_the_hand_computed_probabilities():
    counts = toy_counts()
    # Bigrams 12 (twice), 21 (twice), 11 (once): n1 = 1, n2 = 2, so D2 = 1 / (1 + 2 * 2) = 0.2.
    assert counts.raw[1].discount == pytest.approx(0.2)
    # Lower level, continuation counts: 1 follows two distinct characters (2, 1), 2 follows one.
    # n1 = 1, n2 = 1: D1 = 1/3. P1(w) = max(c - 1/3, 0) / 3 + (1/3) * 2/3 * 1/3.
    p1 = {0: 2 / 27, 1: 17 / 27, 2: 8 / 27}
    # P2(w | 1): counts 12: 2, 11: 1; total 3, two kinds of next character.
    expected = {
        2: (2 - 0.2) / 3 + 0.2 * 2 / 3 * p1[2],
        1: (1 - 0.2) / 3 + 0.2 * 2 / 3 * p1[1],
        0: 0.2 * 2 / 3 * p1[0],
    }
    after_one = ngram.distribution(counts, 2, [1])
    assert after_one.tolist() == pytest.approx([expected[0], expected[1], expected[2]])
    assert after_one[2] == pytest.approx(0.6395062, abs=1e-7)
    # A context never seen (0) hands all of its probability to the level below.
    assert ngram.distribution(counts, 2, [0]).tolist() == pytest.approx([p1[0], p1[1], p1[2]])


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_ngram_probabilities_sum_to_one_over_the_characters_for_any_context(order):
    rng = np.random.default_rng(order)
    texts = ["the cat sat on the mat.", "a cat, a hat (and a bat)!", "that's that"]
    vocabulary = characters.vocabulary_of(texts)
    counted = characters.scored(texts, vocabulary, pad=5)
    counts = ngram.count(counted.stream, counted.targets, 5, vocabulary.size)
    seen_contexts = counted.contexts(4)[:20]  # contexts the training text holds
    random_contexts = rng.integers(0, vocabulary.size, size=(20, 4))  # and any others
    for context in [*seen_contexts, *random_contexts]:
        distribution = ngram.distribution(counts, order, context)
        assert distribution.sum() == pytest.approx(1.0, abs=1e-9)
        assert (distribution > 0).all()


def test_a_longer_context_lowers_the_bits_on_repetitive_text():
    texts = ["abacadabacadabacad"] * 20  # after "a": b, c or d; after "ba": always c
    vocabulary = characters.vocabulary_of(texts)
    counted = characters.scored(texts, vocabulary, pad=4)
    counts = ngram.count(counted.stream, counted.targets, 4, vocabulary.size)
    order, by_order = ngram.choose_order(counts, counted, range(1, 5))
    assert by_order[1] > by_order[2] > by_order[3] and order >= 3
    unigram = ngram.unigram_probabilities(counts, counted.stream[counted.targets])
    assert characters.scores(characters.bits(unigram))["bits_per_character"] > 1.5


# --- Ids, windows, the paired test -------------------------------------------------------------


def test_ids_round_trip_and_unknown_characters_get_id_zero():
    vocabulary = characters.vocabulary_of(["ab a"])
    assert vocabulary.symbols == [characters.UNKNOWN, "\n", " ", "a", "b"]
    assert characters.encode("ab!", vocabulary).tolist() == [3, 4, 0]
    assert characters.decode([3, 2, 4, 1], vocabulary) == "a b\n"


def test_windows_targets_are_the_inputs_one_character_later():
    stream = np.array([5, 8, 2, 9, 4, 7, 1])
    inputs, targets = characters.windows(stream, 3, passes=1, seed=0)
    pairs = sorted(zip(inputs.tolist(), targets.tolist(), strict=True))
    assert pairs == [([5, 8, 2], [8, 2, 9]), ([9, 4, 7], [4, 7, 1])]
    inputs, _ = characters.windows(np.arange(21), 4, passes=2, seed=0)
    assert sorted(row[0] for row in inputs.tolist()) == [0, 2, 4, 6, 8, 10, 12, 14, 16]


def test_equal_parameter_units_match_the_lstms_weights():
    lstm = 4 * 128 * (128 + 32 + 1)  # 82,432
    assert characters.equal_parameter_units("lstm", lstm, 32) == 128
    gru = characters.equal_parameter_units("gru", lstm, 32)
    simple = characters.equal_parameter_units("simple_rnn", lstm, 32)
    assert (gru, simple) == (150, 271)  # 82,800 and 82,654 weights
    assert abs(3 * gru * (gru + 34) - lstm) / lstm < 0.01
    assert abs(simple * (simple + 33) - lstm) / lstm < 0.01


def test_paired_test_finds_a_clear_difference_and_none_between_equals():
    rng = np.random.default_rng(0)
    baseline = rng.normal(2.0, 0.3, 200)
    better = baseline - 0.2 + rng.normal(0, 0.05, 200)
    test = characters.paired_test(better, baseline)
    assert test["statistic"] < 0 and test["p"] < 1e-10
    assert characters.paired_test(baseline, baseline) == {"statistic": 0.0, "p": 1.0}


# --- Training and generation -------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny():
    """A small LSTM and the characters of a tiny repetitive text."""
    texts = ["the cat sat on the mat. the cat ate the hat."] * 30
    vocabulary = characters.vocabulary_of(texts)
    training.seed_everything(1)
    model = next_character.build_model(vocabulary.size, "lstm", units=16)
    model.compile("adam", loss="sparse_categorical_crossentropy")
    return texts, vocabulary, model


@pytest.mark.slow  # it trains
def test_bits_per_character_on_a_tiny_text_fall_with_training(tiny):
    texts, vocabulary, model = tiny
    scored = characters.scored(texts[:3], vocabulary, pad=1)
    before = np.mean(characters.bits(characters.network_probabilities(model, scored)))
    stream = characters.training_stream(texts, vocabulary)
    inputs, targets = characters.windows(stream, 20, passes=4, seed=0)
    model.optimizer.learning_rate.assign(0.02)
    model.fit(inputs, targets, batch_size=32, epochs=4, verbose=0)
    after = np.mean(characters.bits(characters.network_probabilities(model, scored)))
    assert before > np.log2(vocabulary.size) - 0.5  # untrained: close to all characters alike
    assert after < before - 1.0, (before, after)


def test_generation_with_a_fixed_seed_repeats(tiny):
    _, vocabulary, model = tiny
    first = next_character.generate(model, vocabulary, "the ", 1.0, 30, seed=7)
    again = next_character.generate(model, vocabulary, "the ", 1.0, 30, seed=7)
    other = next_character.generate(model, vocabulary, "the ", 1.0, 30, seed=8)
    assert first == again and first.startswith("the ")
    assert len(first) <= len("the ") + 30
    assert other != first


def test_a_temperature_near_zero_gives_the_most_likely_character(tiny):
    probabilities = np.array([0.1, 0.25, 0.6, 0.05])
    rng = np.random.default_rng(0)
    assert {characters.sample(probabilities, 1e-4, rng) for _ in range(50)} == {2}
    assert characters.sample(probabilities, 0.0, rng) == 2
    draws = [characters.sample(probabilities, 1.0, rng) for _ in range(2000)]
    assert np.mean(np.array(draws) == 2) == pytest.approx(0.6, abs=0.05)  # T = 1: as given
    # In the loop: the first character after the prompt is the network's most likely one.
    _, vocabulary, model = tiny
    ids = characters.encode("\nthe ", vocabulary)[None, :]
    expected = int(np.argmax(model.predict(ids, verbose=0)[0, -1]))
    written = next_character.generate(model, vocabulary, "the ", 0.0, 1, seed=0)
    if vocabulary.symbols[expected] != "\n":
        assert written == "the " + vocabulary.symbols[expected]


def test_the_cell_picture_finds_a_unit_that_follows_a_feature():
    text = 'Nice dress. It fits "well" (mostly). Love it!'
    features = characters.nameable_features(text)
    assert features["end of a sentence"].sum() == 3
    assert features["position in a word"][:5].tolist() == [1, 2, 3, 4, 0]
    inside = features["inside quotes or brackets"]
    assert inside[text.index("well")] == 1 and inside[text.index("Love")] == 0
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.1, (len(text), 6))
    follows = noise.copy()
    follows[:, 4] += features["end of a sentence"]
    picture = characters.cell_picture(text, follows, noise)
    assert picture.trained["end of a sentence"][0] == 4
    assert "end of a sentence" in picture.named()


# --- End to end ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    output_dir = tmp_path_factory.mktemp("next_character")
    metrics = next_character.main(["--quick", "--output-dir", str(output_dir)])
    return output_dir, metrics


@pytest.mark.slow
def test_quick_run_writes_every_artifact_and_the_contracts_fields(quick_run):
    output_dir, metrics = quick_run
    for name in ["data.png", "history.png", "cells.png", "model.keras", "characters.json",
                 "history.csv", "metrics.json"]:  # fmt: skip
        assert (output_dir / name).stat().st_size > 0, name
    assert read_json(output_dir / "metrics.json") == metrics
    model, baselines = metrics["model"], metrics["baselines"]
    assert 0 < model["bits_per_character"] < 8
    assert model["perplexity"] == pytest.approx(2 ** model["bits_per_character"])
    assert baselines["ngram"]["order"] in range(1, 9)
    by_order = baselines["ngram"]["validation_bits_per_character"]
    assert by_order[str(baselines["ngram"]["order"])] == min(by_order.values())
    assert baselines["ngram"]["bits_per_character"] < baselines["unigram"]["bits_per_character"]
    verdict = metrics["verdict"]
    assert verdict["baseline"] == "ngram"
    means = verdict["review_mean_bits"]
    assert_verdict_agrees(verdict["outcome"], verdict["p"], means["LSTM"], means["ngram"])
    assert [sample["temperature"] for sample in metrics["samples"]] == [0.2, 0.7, 1.0]
    assert all(sample["text"].startswith("This dress") for sample in metrics["samples"])
    assert set(metrics["cells"]) == set(characters.nameable_features("a").keys())


@pytest.mark.slow
def test_generate_samples_from_the_saved_model_and_repeats(quick_run):
    output_dir, metrics = quick_run
    argv = ["--generate", "--output-dir", str(output_dir), "--temperature", "0.2,0.7,1.0",
            "--length", "60"]  # fmt: skip
    written = next_character.main(argv)
    assert written == {s["temperature"]: s["text"] for s in metrics["samples"]}


def test_bad_input_is_a_usage_error(tmp_path, capsys):
    short = tmp_path / "short.csv"
    short.write_text("id,Body\n" + "".join(f"{n},ok\n" for n in range(30)), encoding="utf-8")
    cases = [
        (
            ["--data", str(short), "--text-columns", "Body", "--output-dir", str(tmp_path / "o")],
            "too few for one window",
        ),
        (["--data", str(tmp_path / "missing.csv")], "missing.csv"),
        (["--temperature", "-1"], "--temperature"),
        (["--generate", "--output-dir", str(tmp_path / "empty")], "no trained model"),
        (["--prompt", "two\nlines"], "one line"),
    ]
    for argv, expected in cases:
        code, line = exit_code_and_error(next_character.main, argv, capsys)
        assert code == 2 and line.startswith("next_character.py: error:") and expected in line


def test_line_breaks_inside_a_review_become_spaces(tmp_path):
    from types import SimpleNamespace

    path = tmp_path / "notes.csv"
    rows = [f'{n},"Line one.\nLine two, review {n}."' for n in range(25)]
    path.write_text("id,Body\n" + "\n".join(rows) + "\n", encoding="utf-8")
    texts = characters.load_texts(SimpleNamespace(data=path, text_columns=["Body"]), None, 20)
    assert texts.texts[0] == "Line one. Line two, review 0." and len(texts.texts) == 25
