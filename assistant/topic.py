"""Whether a question is about the corpus at all: a logistic model over three signals.

A question about something the articles never touch ("How do I make a classic
carbonara?") still has a nearest sentence, and a few of its words may loosely
match one ("programming" and "digital"). Three signals of the best candidates
tell such questions from questions about the text: the highest cosine of the
question with a sentence, the highest IDF-weighted share of the question's
words a sentence has as written, and the highest share counting near meanings.

The weights and the floor were fitted by `python -m tools.fit_topic` (seed 0,
about 15 minutes on two cores) on training data only (`../shared/data/train/`):
every question of SQuAD 2.0 train's first 10 articles and of SelQA, and a copy
of each retyped as people type (typos, bare keywords, a chat frame), asked of
its own text (about it, answerable or not) and of another article's text
(about something else). The floor is the probability below which 0.1% of the
questions asked of their own text fall; on that data it refuses 43% of the
questions asked of another text (on a held-out half of the articles: 0.3% and
66%). A question refused wrongly costs more than an off-topic one answered
with quoted sentences, hence the low floor. This module only scores;
answerable.py refuses.

Model card. Data: `squad2_train_first10.json` (SQuAD 2.0 train, first 10
articles; CC BY-SA 4.0, Rajpurkar, Jia and Liang 2018) and
`selqa-ass-dev.json`, `selqa-ass-test.json` (SelQA; Apache-2.0, Copyright 2016,
Emory University; Jurczyk, Zhai and Choi 2016). Command: `python -m
tools.fit_topic --seed 0`. What it is measured on (README, A learned topic
gate): the question sets written apart from the code and SQuAD 2.0 dev,
HotpotQA, QuAC and CoQA, none of them seen in fitting.
"""

from dataclasses import dataclass

import numpy as np

from assistant.question import Question
from assistant.select import Evidence, Selector

# Fitted by python -m tools.fit_topic (seed 0); see the module docstring.
WEIGHTS = {"dense": 17.390, "exact": 5.517, "coverage": 1.989}
BIAS = -9.899
FLOOR = 0.006

NAMES = ("dense", "exact", "coverage")


@dataclass(frozen=True)
class Signals:
    dense: float  # highest cosine of the question with a candidate sentence
    exact: float  # highest share of the question's words a candidate has as written
    coverage: float  # the same, counting near meanings

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, name) for name in NAMES])


def on_topic(signals: Signals, weights: dict[str, float] = WEIGHTS, bias: float = BIAS) -> float:
    """The probability that the question is about the text."""
    z = bias + float(np.array([weights[name] for name in NAMES]) @ signals.vector())
    return 1.0 / (1.0 + np.exp(-z))


def signals(selector: Selector, question: Question, evidence: list[Evidence]) -> Signals:
    """The signals over the weighed candidates of one question."""
    weights = {t: selector.weight(t) for t in question.terms}
    total = sum(weights.values()) or 1.0
    return Signals(
        dense=max(e.hit.dense for e in evidence),
        exact=max(sum(weights.get(t, 0.0) for t in e.matched) / total for e in evidence),
        coverage=max(e.coverage for e in evidence),
    )
