"""The n-gram baseline of next_character.py: interpolated Kneser-Ney over characters.

P(w | h) for a context h of n - 1 characters, computed level by level, from the empty context up:

    P_0(w)      = 1 / V                                   (V characters, all alike)
    P_k(w | h)  = max(c_k(h w) - D_k, 0) / c_k(h .)  +  D_k * N_k(h .) / c_k(h .) * P_{k-1}(w | h')

where h' is h without its oldest character, c_k(h .) the sum of c_k(h w) over w, N_k(h .) the
number of characters w with c_k(h w) > 0, and D_k = n1 / (n1 + 2 n2) (n1, n2: how many
sequences have a count of exactly 1 and 2). A context never seen (c_k(h .) = 0) hands over all
of its probability: P_k = P_{k-1}. The top level (k = n) counts how often h w occurs; the lower
levels count in how many different contexts h w occurs (its "continuation count").
The probabilities sum to 1 over the V characters for every context.

Counting is done with NumPy on whole arrays: a sequence of k characters becomes one integer,
sum(id_j * V ** (k - 1 - j)), and np.unique counts them. Order 8 on 5.6 million characters takes
a few seconds.

    counts = count(stream, targets, max_order=3, size=5)
    p = probabilities(counts, 3, contexts, next_ids)      # (positions,)
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Level:
    """Counts of the sequences of k characters (a context of k - 1 and one next character)."""

    grams: np.ndarray  # (sequences,) sorted codes of the k-character sequences
    counts: np.ndarray  # (sequences,) their counts
    contexts: np.ndarray  # (contexts,) sorted codes of the (k - 1)-character contexts
    totals: np.ndarray  # (contexts,) c(h .): the counts of each context, summed
    types: np.ndarray  # (contexts,) N(h .): the characters seen after each context
    discount: float  # D_k


@dataclass(frozen=True)
class Counts:
    """What the n-gram baselines of every order up to max_order need."""

    size: int  # V: the characters (ids 0 .. V - 1)
    raw: list  # raw[k - 1]: the Level of k characters, counted by occurrence
    continuation: list  # continuation[k - 1]: counted by distinct contexts before (k < max_order)

    @property
    def max_order(self):
        return len(self.raw)


def discount_of(counts):
    """D = n1 / (n1 + 2 n2), Ney's estimate; 0.5 when the counts have no 1s or 2s."""
    n1, n2 = np.sum(counts == 1), np.sum(counts == 2)
    return float(n1 / (n1 + 2 * n2)) if n1 + n2 and n1 else 0.5


def level_of(grams, counts, size):
    """A Level from sorted sequence codes and their counts."""
    contexts, first = np.unique(grams // size, return_index=True)
    totals = np.add.reduceat(counts, first) if len(counts) else counts
    types = np.diff(np.append(first, len(grams)))
    return Level(grams, counts, contexts, totals, types, discount_of(counts))


def gram_codes(stream, targets, length, size):
    """(targets,) int64 codes of the `length` characters that end at each target position."""
    codes = np.zeros(len(targets), dtype=np.int64)
    for back in range(length - 1, -1, -1):  # oldest character first
        codes = codes * size + stream[targets - back].astype(np.int64)
    return codes


def count(stream, targets, max_order, size):
    """The Counts of the sequences that end at the `targets` positions of `stream`.

    stream: (ids,) int; targets: positions with at least max_order - 1 ids before them (pad the
    stream); size: V. Needs V ** max_order < 2 ** 63.
    """
    if size**max_order >= 2**63:
        raise ValueError(f"order {max_order} with {size} characters does not fit 64-bit codes")
    raw, continuation = [], []
    for k in range(1, max_order + 1):
        grams, counts = np.unique(gram_codes(stream, targets, k, size), return_counts=True)
        raw.append(level_of(grams, counts, size))
        if k > 1:  # the distinct k-grams give the continuation counts of their (k - 1)-suffixes
            suffixes, followers = np.unique(grams % size ** (k - 1), return_counts=True)
            continuation.append(level_of(suffixes, followers, size))
    return Counts(size, raw, continuation)


def looked_up(keys, codes, values):
    """values[i] where codes[i] == key, else 0, for each key: (keys,)."""
    if len(codes) == 0:
        return np.zeros(len(keys), dtype=np.float64)
    where = np.clip(np.searchsorted(codes, keys), 0, len(codes) - 1)
    return np.where(codes[where] == keys, values[where], 0).astype(np.float64)


def probabilities(counts, order, contexts, next_ids):
    """P(next | context) under the n-gram of `order` (1: the unigram, interpolated with 1 / V).

    contexts: (positions, at least order - 1) ids, oldest first; next_ids: (positions,).
    Returns (positions,) probabilities.
    """
    size = counts.size
    next_ids = np.asarray(next_ids, dtype=np.int64)
    contexts = np.asarray(contexts, dtype=np.int64).reshape(len(next_ids), -1)
    probability = np.full(len(next_ids), 1.0 / size)  # P_0
    context_code = np.zeros(len(next_ids), dtype=np.int64)
    for k in range(1, order + 1):
        level = counts.raw[k - 1] if k == order else counts.continuation[k - 1]
        if k > 1:  # the context grows by one older character
            context_code = context_code + contexts[:, -(k - 1)] * size ** (k - 2)
        gram = context_code * size + next_ids
        seen = looked_up(gram, level.grams, level.counts)
        total = looked_up(context_code, level.contexts, level.totals)
        types = looked_up(context_code, level.contexts, level.types)
        known = total > 0
        safe_total = np.where(known, total, 1.0)
        mixed = np.maximum(seen - level.discount, 0) + level.discount * types * probability
        probability = np.where(known, mixed / safe_total, probability)
    return probability


def distribution(counts, order, context):
    """(V,) P(w | context) for every character w: one context, all next characters."""
    context = np.asarray(context, dtype=np.int64).reshape(1, -1)
    every = np.arange(counts.size)
    return probabilities(counts, order, np.repeat(context, counts.size, axis=0), every)


def scored_probabilities(counts, order, scored_reviews):
    """(targets,) P of each target of a characters.Scored, under the n-gram of `order`."""
    width = max(order - 1, 1)
    contexts = scored_reviews.contexts(width)
    next_ids = scored_reviews.stream[scored_reviews.targets]
    return probabilities(counts, order, contexts, next_ids)


def unigram_probabilities(counts, next_ids):
    """(positions,) the training frequency of each character: the plain unigram (no context,
    no discount). A character never seen in training gets half a count."""
    level = counts.raw[0]
    seen = looked_up(np.asarray(next_ids, dtype=np.int64), level.grams, level.counts)
    return np.maximum(seen, 0.5) / (level.counts.sum() + 0.5 * (counts.size - len(level.counts)))


def choose_order(counts, scored_reviews, orders):
    """The order with the lowest validation bits per character: (the order, {order: bits})."""
    by_order = {
        order: float(-np.mean(np.log2(scored_probabilities(counts, order, scored_reviews))))
        for order in orders
    }
    return min(by_order, key=by_order.get), by_order
