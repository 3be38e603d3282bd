"""Figures of a scorer on grouped rows, and the refusal threshold.

A group is one question with its candidates. It is answerable when its source
says the question has an answer and a candidate holds it; unanswerable when
the question has none (SQuAD's impossible questions, off-topic questions). An
answerable question whose answer the retriever missed counts in neither: no
scorer can find it there.
"""

from collections import defaultdict

import numpy as np


def split_groups(groups, sources, labels, scores):
    """(answerable, unanswerable): lists of (labels, scores) arrays per group."""
    members = defaultdict(list)
    for i, group in enumerate(groups):
        members[group].append(i)
    yes, no = [], []
    for rows in members.values():
        pair = (labels[rows], scores[rows])
        if pair[0].any():
            yes.append(pair)
        elif sources[rows[0]] not in ("squad", "selqa"):  # an answer the retriever missed
            no.append(pair)
    return yes, no


def balanced_accuracy(positive: np.ndarray, negative: np.ndarray, threshold: float) -> float:
    """Mean of the share of positives at or above the threshold and negatives below it.

    >>> balanced_accuracy(np.array([0.9, 0.4]), np.array([0.1, 0.5]), 0.45)
    0.5
    """
    return float((np.mean(positive >= threshold) + np.mean(negative < threshold)) / 2)


def sweep(positive: np.ndarray, negative: np.ndarray) -> tuple[float, float]:
    """(threshold, balanced accuracy) of the best cut between the two score sets.

    >>> sweep(np.array([0.9, 0.8]), np.array([0.1, 0.5]))
    (0.8, 1.0)
    """
    best = (float("inf"), 0.5)
    for t in np.unique(np.concatenate([positive, negative])):
        value = balanced_accuracy(positive, negative, float(t))
        if value > best[1]:
            best = (float(t), value)
    return best


def figures(groups, sources, labels, scores, threshold: float | None = None) -> dict:
    """Share of answerable questions whose best candidate answers (top1), and
    balanced accuracy found/not found: at the best cut, and at `threshold`."""
    yes, no = split_groups(groups, sources, labels, scores)
    tops = np.array([max(s) for _, s in yes]), np.array([max(s) for _, s in no])
    out = {
        "answerable": len(yes),
        "unanswerable": len(no),
        "top1": round(float(np.mean([lab[np.argmax(s)] for lab, s in yes])), 4),
        "balanced_best_cut": round(sweep(*tops)[1], 4),
    }
    if threshold is not None:
        out["balanced"] = round(balanced_accuracy(*tops, threshold), 4)
    return out


def best_threshold(groups, sources, labels, probabilities) -> tuple[float, float]:
    """The probability cut on each question's best candidate that best separates
    answerable from unanswerable questions, and its balanced accuracy."""
    yes, no = split_groups(groups, sources, labels, probabilities)
    return sweep(np.array([max(s) for _, s in yes]), np.array([max(s) for _, s in no]))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 30) -> np.ndarray:
    """Weights (bias last) of an L2-regularised logistic regression, by Newton's method.

    >>> w = fit_logistic(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1]))
    >>> bool(w[0] > 0)
    True
    """
    a = np.concatenate([x, np.ones((len(x), 1))], axis=1)
    w = np.zeros(a.shape[1])
    penalty = l2 * np.eye(a.shape[1])
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(a @ w)))
        gradient = a.T @ (p - y) + penalty @ w
        hessian = a.T @ (a * (p * (1 - p))[:, None]) + penalty
        w = w - np.linalg.solve(hessian, gradient)
    return w
