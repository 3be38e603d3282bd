"""Whether the sentence that would lead an answer answers the question at all:
a logistic model over how it matches the question, fitted on public data.

answerable.py refuses a question when the closest sentence lacks a name, a
figure or a date the question asks for. What it cannot see is a question that
shares a few words or some meaning with a sentence and still asks about
something else ("How do I make carbonara?" of a news story). The features below
measure that; tools/fit_gate.py fits the weights on SQuAD 2.0 train (answerable
questions, its unanswerable ones, and questions asked of another article) and
prints them for this file. The probability is compared with
Settings.answerable_floor, chosen on the same training data.
"""

import math

from assistant.question import Question
from assistant.select import Evidence, Selector

# Fitted by `python -m tools.fit_gate` (see its docstring for the data and figures).
WEIGHTS = {
    "dense": 2.804,  # cosine of the question with the sentence
    "context": 6.803,  # best cosine with a passage holding the sentence
    "coverage": -0.868,  # IDF-weighted share of the question's words, near meanings counted
    "exact": 2.330,  # the same, only words the sentence has
    "missing": -0.455,  # the weightiest question word the sentence lacks, as a share
    "lexical": -1.249,  # BM25 of the sentence per unit of the question's IDF
    "terms": -1.260,  # log of the number of the question's content words
}
BIAS = -3.023


def features(selector: Selector, question: Question, best: Evidence) -> dict[str, float]:
    weights = {t: selector.weight(t) for t in question.terms}
    total = sum(weights.values()) or 1.0
    unmatched = [w for t, w in weights.items() if t not in best.matched]
    return {
        "dense": best.hit.dense,
        "context": best.hit.context,
        "coverage": best.coverage,
        "exact": sum(weights[t] for t in best.matched if t in weights) / total,
        "missing": max(unmatched, default=0.0) / total,
        "lexical": best.hit.lexical / total,
        "terms": math.log1p(len(weights)),
    }


def probability(values: dict[str, float], weights: dict[str, float] = WEIGHTS) -> float:
    z = BIAS + sum(weights[name] * values[name] for name in weights)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
