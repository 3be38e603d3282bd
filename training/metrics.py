"""Figures of a scorer on grouped pairs, Platt scaling and the refusal threshold.

A group is one question with its candidates. It is answerable when its source
says the question has an answer and a candidate holds it; unanswerable when
the question has none (SQuAD's impossible questions, off-topic questions,
SelQA questions without a correct sentence). An answerable question whose
answer the retriever missed counts in neither: no scorer can find it there.
"""

from collections import defaultdict

import numpy as np


def grouped(examples, values: np.ndarray) -> dict[str, tuple[str, list[int], list[float]]]:
    groups: dict[str, tuple[str, list[int], list[float]]] = defaultdict(lambda: ("", [], []))
    for e, v in zip(examples, values, strict=True):
        source, labels, scores = groups[e.group]
        labels.append(e.label)
        scores.append(float(v))
        groups[e.group] = (e.source, labels, scores)
    return dict(groups)


def split_groups(examples, values: np.ndarray):
    """(answerable groups, unanswerable groups), each a list of (source, labels, scores)."""
    yes, no = [], []
    for source, labels, scores in grouped(examples, values).values():
        if any(labels):
            yes.append((source, labels, scores))
        elif source != "squad":  # a SQuAD answer the retriever missed counts in neither
            no.append((source, labels, scores))
    return yes, no


def balanced_accuracy(positive: np.ndarray, negative: np.ndarray, threshold: float) -> float:
    """Mean of the share of positives at or above the threshold and negatives below it.

    >>> balanced_accuracy(np.array([0.9, 0.4]), np.array([0.1, 0.5]), 0.45)
    0.5
    """
    return float((np.mean(positive >= threshold) + np.mean(negative < threshold)) / 2)


def sweep(positive: np.ndarray, negative: np.ndarray) -> tuple[float, float]:
    """(threshold, balanced accuracy) of the best cut between the two score sets."""
    best = (float("inf"), 0.5)
    for t in np.unique(np.concatenate([positive, negative])):
        value = balanced_accuracy(positive, negative, float(t))
        if value > best[1]:
            best = (float(t), value)
    return best


def group_figures(examples, logits: np.ndarray, threshold=None, p=None) -> dict:
    yes, no = split_groups(examples, logits)
    top1 = [labels[int(np.argmax(scores))] for _, labels, scores in yes]
    squad = [labels[int(np.argmax(scores))] for s, labels, scores in yes if s == "squad"]
    figures = {
        "answerable": len(yes),
        "unanswerable": len(no),
        "top1": round(float(np.mean(top1)), 4),
        "top1_squad": round(float(np.mean(squad)), 4) if squad else None,
        "balanced": round(
            sweep(np.array([max(s) for *_, s in yes]), np.array([max(s) for *_, s in no]))[1], 4
        ),
    }
    if threshold is not None and p is not None:
        yes_p, no_p = split_groups(examples, p)
        figures["balanced_at_threshold"] = round(
            balanced_accuracy(
                np.array([max(s) for *_, s in yes_p]),
                np.array([max(s) for *_, s in no_p]),
                threshold,
            ),
            4,
        )
    return figures


def fit_platt(logits: np.ndarray, labels: np.ndarray, steps: int = 50) -> tuple[float, float]:
    """(scale, shift) so that sigmoid(scale * logit + shift) is calibrated on these
    labels: logistic regression on one feature, by Newton's method.

    >>> scale, shift = fit_platt(np.array([-2.0, -1.0, 1.0, 2.0, 0.5]), np.array([0, 0, 1, 1, 0]))
    >>> scale > 0
    True
    """
    x = np.stack([logits.astype(np.float64), np.ones(len(logits))], axis=1)
    w = np.array([1.0, 0.0])
    y = labels.astype(np.float64)
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y)
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + 1e-6 * np.eye(2)
        w = w - np.linalg.solve(hessian, gradient)
    return float(w[0]), float(w[1])


def best_threshold(examples, calibrated_logits: np.ndarray) -> tuple[float, float]:
    """The probability cut on each question's best candidate that best separates
    answerable from unanswerable questions, and its balanced accuracy."""
    p = 1.0 / (1.0 + np.exp(-calibrated_logits))
    yes, no = split_groups(examples, p)
    return sweep(np.array([max(s) for *_, s in yes]), np.array([max(s) for *_, s in no]))
