"""Scores of probabilistic forecasts: ROC AUC, log loss, Brier, ranked probability score, ECE."""

from __future__ import annotations

import math
from collections.abc import Sequence

# Probabilities are clipped before the logarithm so a confident miss costs a lot, not infinity.
_EPSILON = 1e-15


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    pairs = sorted(zip(scores, labels))
    positives = sum(labels)
    negatives = len(labels) - positives
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2.0  # ranks i+1..j share their average
        rank_sum += average_rank * sum(label for _, label in pairs[i:j])
        i = j
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def binary_log_loss(probabilities: Sequence[float], labels: Sequence[int]) -> float:
    total = 0.0
    for p, y in zip(probabilities, labels, strict=True):
        p = min(max(p, _EPSILON), 1 - _EPSILON)
        total -= math.log(p) if y else math.log(1 - p)
    return total / len(labels)


def binary_brier(probabilities: Sequence[float], labels: Sequence[int]) -> float:
    return sum((p - y) ** 2 for p, y in zip(probabilities, labels, strict=True)) / len(labels)


def _one_hot(outcome: int, classes: int) -> list[float]:
    return [1.0 if k == outcome else 0.0 for k in range(classes)]


def ranked_probability_score(forecasts: Sequence[Sequence[float]], outcomes: Sequence[int]) -> float:
    """Mean RPS of ordered forecasts (home, draw, away): squared cumulative errors / (K-1)."""
    total = 0.0
    for forecast, outcome in zip(forecasts, outcomes, strict=True):
        observed = _one_hot(outcome, len(forecast))
        cum_f = cum_o = score = 0.0
        for k in range(len(forecast) - 1):
            cum_f += forecast[k]
            cum_o += observed[k]
            score += (cum_f - cum_o) ** 2
        total += score / (len(forecast) - 1)
    return total / len(outcomes)


def multiclass_brier(forecasts: Sequence[Sequence[float]], outcomes: Sequence[int]) -> float:
    """Mean over forecasts of the summed squared error over the classes (0..2 for three)."""
    total = 0.0
    for forecast, outcome in zip(forecasts, outcomes, strict=True):
        total += sum((p - o) ** 2 for p, o in zip(forecast, _one_hot(outcome, len(forecast))))
    return total / len(outcomes)


def multiclass_log_loss(forecasts: Sequence[Sequence[float]], outcomes: Sequence[int]) -> float:
    total = 0.0
    for forecast, outcome in zip(forecasts, outcomes, strict=True):
        total -= math.log(min(max(forecast[outcome], _EPSILON), 1.0))
    return total / len(outcomes)


def expected_calibration_error(
    forecasts: Sequence[Sequence[float]], outcomes: Sequence[int], bins: int = 10
) -> float:
    """Class-wise ECE: per class, equal-width bins of the forecast probability, the
    count-weighted |mean forecast - observed frequency|; averaged over the classes."""
    classes = len(forecasts[0])
    per_class = []
    for k in range(classes):
        sums = [[0, 0.0, 0.0] for _ in range(bins)]  # count, sum of p, sum of y
        for forecast, outcome in zip(forecasts, outcomes, strict=True):
            b = min(int(forecast[k] * bins), bins - 1)
            sums[b][0] += 1
            sums[b][1] += forecast[k]
            sums[b][2] += 1.0 if outcome == k else 0.0
        per_class.append(sum(abs(sp - sy) for _, sp, sy in sums) / len(outcomes))
    return sum(per_class) / classes


def calibration_error(probabilities: Sequence[float], labels: Sequence[int], bins: int = 10) -> float:
    """ECE of a binary forecast: equal-width bins of the probability, the count-weighted
    |mean forecast - observed frequency|."""
    sums = [[0.0, 0.0] for _ in range(bins)]  # sum of p, sum of y
    for p, y in zip(probabilities, labels, strict=True):
        b = min(int(p * bins), bins - 1)
        sums[b][0] += p
        sums[b][1] += y
    return sum(abs(sp - sy) for sp, sy in sums) / len(labels)
