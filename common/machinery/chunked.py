"""Chunked sums: a ridge regression fitted on windows too many to hold at once.

A learner never needs to step in here: common/baselines.py fits the `linear` baseline with it,
and on the embedded and course files every window comes in one chunk.
"""

from common import baselines  # imported by it, so only used at run time
from common.windows import in_order

import numpy as np
from scipy import linalg

CHUNK_BYTES = 8 * 2**20  # flattened windows a ridge holds at once (float64), whatever the file


class NormalEquations:
    """What a ridge regression needs to know of its training windows, summed a chunk at a time:
    memory of (inputs, inputs) numbers, however many windows there are.

    With X the flattened windows (samples, inputs) and y their targets, each minus its mean
    (Xc, yc), ridge regression with an intercept solves
        (Xc'Xc + penalty I) coef = Xc'yc          (the penalised normal equations)
        intercept = mean(y) - mean(X) @ coef
    and Xc'Xc, Xc'yc add up over chunks of windows. The sums are kept around a shift (the first
    chunk's means; then Xc'Xc = S - n m m', S the sum of (x - shift)(x - shift)', m the mean of
    x - shift), so that taking the means out at the end loses no precision. On windows that
    come in one chunk this is scikit-learn's Ridge(solver="cholesky") step for step.
    """

    def __init__(self):
        self.count = 0  # windows added so far

    def add(self, windows, targets):
        """Add windows (samples, window, features), arrays or a WindowDataset (whose targets are
        its own), with their targets (samples,) or (samples, H), CHUNK_BYTES at a time."""
        for chunk, chunk_targets in in_order(windows, targets, chunk_rows(windows)):
            if len(chunk) == 0:
                continue
            inputs = chunk.reshape(len(chunk), -1).astype(float)  # (chunk, inputs) flattened
            outputs = np.asarray(chunk_targets, dtype=float)  # (chunk,) or (chunk, H)
            if self.count == 0:
                self.shift_x, self.shift_y = inputs.mean(axis=0), outputs.mean(axis=0)
                self.xx = np.zeros((inputs.shape[1], inputs.shape[1]))  # sum of x x'
                self.xy = np.zeros(inputs.shape[1:] + outputs.shape[1:])  # sum of x y
                self.sum_x, self.sum_y = np.zeros(inputs.shape[1]), np.zeros(outputs.shape[1:])
            x, y = inputs - self.shift_x, outputs - self.shift_y
            self.xx += x.T @ x
            self.xy += x.T @ y
            self.sum_x += x.sum(axis=0)
            self.sum_y += y.sum(axis=0)
            self.count += len(x)

    def solve(self, penalty):
        """The ridge with this penalty: a RidgeFit (by Cholesky, every penalty being > 0)."""
        n = self.count
        mean_x, mean_y = self.sum_x / n, self.sum_y / n  # means minus the shift
        gram = np.outer(mean_x, -n * mean_x)  # Xc'Xc = S - n m m', one (inputs, inputs) copy
        gram += self.xx
        gram[np.diag_indices_from(gram)] += penalty
        cross = self.xy - n * np.multiply.outer(mean_x, mean_y)  # Xc'yc
        # gram is symmetric: its transpose, already in LAPACK's column order, is solved in place
        coef = linalg.solve(gram.T, cross, assume_a="pos", overwrite_a=True)
        intercept = (self.shift_y + mean_y) - (self.shift_x + mean_x) @ coef
        return baselines.RidgeFit(coef, intercept, float(penalty))


def chunk_rows(windows):
    """Windows per chunk: as many flattened windows as CHUNK_BYTES holds in float64."""
    inputs = int(np.prod(windows.shape[1:]))  # window x features
    return max(1, CHUNK_BYTES // (8 * inputs))
