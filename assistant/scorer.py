"""The answer scorer: how likely each candidate sentence is to answer a question.

Each token of the question is compared with each token of the sentence (and of
the sentence before it, which "These included ..." leans on), with the frozen
all-MiniLM-L6-v2 token vectors the index keeps (tokens.py): late interaction,
as in ColBERT. From those comparisons, the sentence cosines and the
retriever's own scores come a dozen features of the pair; a logistic head
trained on public QA data (`python -m training`, model card in
`models/answer-scorer/README.md`) turns them, with their gaps to the best
candidate's and the best candidate's own values, into the probability that the
sentence answers the question or a part of it. A second head reads the best
candidates of the question as a whole and says whether any answers at all;
both thresholds are chosen on held-out training data.

The conversation goes in as part of the question: the question of the turn
before a follow-up is compared with each sentence too.

Only numpy runs here: no model is loaded at question time beyond the
embedder's. The head's files are checked against the sha256 in scorer.json.

This module scores; it does not choose what to cite (select.py).
"""

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.embedding import Tokens, file_sha256
from assistant.errors import ModelError

# Bumped whenever the features below change: a head trained on others would
# weigh them wrongly, so it is refused.
FEATURE_VERSION = 6
FEATURES = (
    "maxsim",  # mean over question words of the best cosine with a sentence token
    "maxsim_idf",  # the same, rarer question tokens weighing more
    "maxsim_context",  # best cosine with a token of the sentence or of the one before
    "maxsim_context_idf",
    "dense",  # cosine of the question's and the sentence's vectors
    "dense_before",  # the same with the sentence before (0 when none)
    "exact_idf",  # IDF-weighted share of question tokens the sentence has verbatim
    "exact",  # the unweighted share
    "exact_context_idf",  # the share found in the sentence or the one before
    "context",  # the retriever's cosine with the best passage holding the sentence
    "lexical",  # BM25, as a share of the best BM25 among the candidates
    "previous_idf",  # maxsim_idf of the question of the turn before (0 when none)
    "missing_idf",  # the rarest question token found in neither sentence: its IDF
    "absent_idf",  # the rarest question token in no candidate at all: the text lacks it
    "uncovered",  # minus the largest IDF * (1 - best cosine) of a question word: what the
    # pair leaves most unmatched, softly (a swapped name or figure)
    "background",  # how near the question comes to unrelated text: the mean of its top
    # cosines with a fixed sample of encyclopedia sentences, so a question
    # phrased loosely is not taken for one the text does not answer
)
BACKGROUND_TOP = 5  # cosines averaged from the background sample
MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "answer-scorer"
PARAMS_FILE = "scorer.json"


@dataclass(frozen=True)
class Candidate:
    """What the scorer reads of one retrieved sentence."""

    tokens: Tokens
    vector: np.ndarray  # the sentence's unit vector
    before: Tokens | None  # the sentence before it in its paragraph
    before_vector: np.ndarray | None
    context: float  # Hit.context
    lexical: float  # Hit.lexical


@dataclass(frozen=True)
class Question:
    tokens: Tokens
    vector: np.ndarray
    previous: Tokens | None = None  # the question of the turn before, in a conversation
    background: float = 0.0  # filled in by AnswerScorer (see FEATURES)


def best_match(question: np.ndarray, tokens: Tokens | None) -> np.ndarray:
    """For each question token, its best cosine with any of the tokens (-1 when none)."""
    if tokens is None or not len(tokens.ids) or not len(question):
        return np.full(len(question), -1.0, dtype=np.float32)
    return (question @ tokens.vectors.T).max(axis=1)


def weighted(values: np.ndarray, weights: np.ndarray) -> float:
    """
    >>> weighted(np.array([1.0, 0.0]), np.array([3.0, 1.0]))
    0.75
    """
    total = float(weights.sum())
    return float(values @ weights / total) if total > 0 else 0.0


def pair_features(
    question: Question, candidate: Candidate, idf: np.ndarray, anywhere: np.ndarray
) -> list[float]:
    """The pair's features; `anywhere` holds the token ids of every candidate."""
    q = question.tokens
    if not len(q.ids):
        return [0.0] * len(FEATURES)
    w = idf[np.clip(q.ids, 0, len(idf) - 1)]
    if not w.any():  # a question of punctuation alone
        return [0.0] * len(FEATURES)
    words = (w > 0).astype(np.float32)  # the unweighted features skip punctuation too
    own = best_match(q.vectors, candidate.tokens)
    with_before = np.maximum(own, best_match(q.vectors, candidate.before))
    here = np.isin(q.ids, candidate.tokens.ids).astype(np.float32)
    before_ids = candidate.before.ids if candidate.before is not None else np.zeros(0, np.int32)
    around = np.maximum(here, np.isin(q.ids, before_ids).astype(np.float32))
    previous = 0.0
    if question.previous is not None and len(question.previous.ids):
        p = question.previous
        p_weights = idf[np.clip(p.ids, 0, len(idf) - 1)]
        previous = weighted(best_match(p.vectors, candidate.tokens), p_weights)
    before = candidate.before_vector
    return [
        weighted(own, words),
        weighted(own, w),
        weighted(with_before, words),
        weighted(with_before, w),
        float(question.vector @ candidate.vector),
        0.0 if before is None else float(question.vector @ before),
        weighted(here, w),
        weighted(here, words),
        weighted(around, w),
        candidate.context,
        candidate.lexical,
        previous,
        float(np.max(w * (1 - around), initial=0.0)),
        float(np.max(w * ~np.isin(q.ids, anywhere), initial=0.0)),
        -float(np.max(w * (1.0 - with_before), initial=0.0)),
        question.background,
    ]


def features(question: Question, candidates: list[Candidate], idf: np.ndarray) -> np.ndarray:
    """The head's input, one row per candidate: each pair feature, its gap to
    the best candidate's and the best candidate's own value (how close the
    text comes to the question at all)."""
    top_lexical = max((c.lexical for c in candidates), default=0.0)
    anywhere = np.unique(
        np.concatenate(
            [c.tokens.ids for c in candidates]
            + [c.before.ids for c in candidates if c.before is not None]
            + [np.zeros(0, dtype=np.int32)]
        )
    )
    rows = np.array(
        [pair_features(question, c, idf, anywhere) for c in candidates], dtype=np.float64
    ).reshape(len(candidates), len(FEATURES))
    lexical = FEATURES.index("lexical")
    rows[:, lexical] = rows[:, lexical] / top_lexical if top_lexical > 0 else 0.0
    return group_view(rows)


def group_view(rows: np.ndarray) -> np.ndarray:
    """
    >>> group_view(np.array([[1.0], [3.0]])).tolist()
    [[1.0, -2.0, 3.0], [3.0, 0.0, 3.0]]
    """
    if not len(rows):
        return np.zeros((0, rows.shape[1] * 3))
    best = rows.max(axis=0, keepdims=True)
    return np.concatenate([rows, rows - best, np.repeat(best, len(rows), axis=0)], axis=1)


# What the answerability head reads: how near in meaning the question comes to
# the candidates, never how many of its words they share. SQuAD's questions
# were written beside their paragraph and share its words; people's questions
# do not, so overlap features told "answerable" apart on held-out training data
# but not on questions typed without the text. Without them the head does
# better on both (area under the ROC curve on held-out training questions
# 0.771 against 0.756).
NEARNESS = (
    "maxsim",
    "maxsim_idf",
    "maxsim_context",
    "maxsim_context_idf",
    "dense",
    "dense_before",
    "background",
)


def question_features(rows: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """The answerability head's input for one question: each NEARNESS feature
    of the most probable candidate, and its best value over all candidates."""
    best = int(np.argmax(probabilities))
    columns = [FEATURES.index(name) for name in NEARNESS]
    width = len(FEATURES)
    top = rows[best]
    return np.concatenate([top[columns], top[[2 * width + c for c in columns]]])


@dataclass(frozen=True)
class Head:
    """Logistic regression over standardised features, with its cut."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float

    @classmethod
    def read(cls, entry: dict) -> "Head":
        return cls(
            np.asarray(entry["mean"], dtype=np.float64),
            np.asarray(entry["scale"], dtype=np.float64),
            np.asarray(entry["weights"], dtype=np.float64),
            float(entry["bias"]),
            float(entry["threshold"]),
        )

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class Scores:
    """The scorer's word on one question."""

    probabilities: np.ndarray  # per candidate: it answers the question or a part of it
    answerable: float  # that some candidate answers at all
    found: bool  # answerable reached its threshold


class AnswerScorer:
    """The shipped heads and IDF table; read (and checked) on construction.

    Two logistic heads share the features: one per candidate (`head`), whose
    threshold is the cut for a sentence to count as part of an answer, and one
    per question (`answerable`), whose threshold says whether the text answers
    at all."""

    def __init__(self, folder: Path = MODEL_DIR):
        self.folder = Path(folder)
        params = read_params(self.folder)
        self.params = params
        self.head = Head.read(params["head"])
        self.answerable = Head.read(params["answerable"])
        self.idf = np.load(self.folder / params["idf"], allow_pickle=False)
        self.background = np.load(self.folder / params["background"], allow_pickle=False)

    def near_background(self, vector: np.ndarray) -> float:
        if vector.shape[-1] != self.background.shape[1]:
            # Another embedder (the tests' fake one): the sample says nothing of it.
            return 0.0
        cosines = self.background.astype(np.float32) @ vector
        top = np.partition(cosines, len(cosines) - BACKGROUND_TOP)[-BACKGROUND_TOP:]
        return float(top.mean())

    @property
    def threshold(self) -> float:
        return self.head.threshold

    def score(self, question: Question, candidates: list[Candidate]) -> Scores:
        if not candidates:
            return Scores(np.zeros(0), 0.0, False)
        question = replace(question, background=self.near_background(question.vector))
        rows = features(question, candidates, self.idf)
        probabilities = self.head.probability(rows)
        answerable = float(self.answerable.probability(question_features(rows, probabilities)))
        return Scores(probabilities, answerable, answerable >= self.answerable.threshold)


def read_params(folder: Path) -> dict:
    path = folder / PARAMS_FILE
    try:
        params = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path} is missing; the answer scorer ships in the repository") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelError(f"{path} is not valid JSON; restore it from the repository") from None
    retrain = "retrain with `python -m training`"
    if not isinstance(params, dict) or params.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"{path} was trained on feature layout {params.get('feature_version')!r}, "
            f"this code computes layout {FEATURE_VERSION}; {retrain}"
        )
    for name, width in (("head", 3 * len(FEATURES)), ("answerable", 2 * len(NEARNESS))):
        head = params.get(name)
        if not isinstance(head, dict) or any(
            not isinstance(head.get(k), list) or len(head[k]) != width
            for k in ("mean", "scale", "weights")
        ):
            raise ModelError(f"{path} has no {name} head for {width} features; {retrain}")
        for key in ("bias", "threshold"):
            value = head.get(key)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ModelError(f"{path} has no valid {name} {key}; {retrain}")
    for name, digest in params.get("files", {}).items():
        file = folder / name
        if not file.is_file():
            raise ModelError(f"{file} is missing; restore it from the repository")
        if file_sha256(file) != digest:
            raise ModelError(
                f"{file} does not match its sha256 in {PARAMS_FILE}: the file is damaged "
                "or altered; restore it from the repository"
            )
    for key in ("idf", "background"):
        if params.get(key) not in params.get("files", {}):
            raise ModelError(f"{path} names no checked {key} file; {retrain}")
    return params
