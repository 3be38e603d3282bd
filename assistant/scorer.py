"""The answer scorer: how likely a sentence is to answer a question.

A cross-encoder fine-tuned from the all-MiniLM-L6-v2 weights on public QA data
(`training/`, model card in `models/answer-scorer/README.md`) reads the
question and one candidate sentence together, with the end of the sentence
before it as context, so "These included ..." is read with what it continues.
The conversation goes in as part of the question ("previous question [SEP]
this question"). Its logit is mapped to a calibrated probability (Platt
scaling, fitted on held-out training data), and the model's own threshold says
whether a probability means "this sentence answers the question or a part of
it".

The model runs on onnxruntime with the tokenizer of the embedder; torch is
never imported here. Every file is checked against the sha256 recorded in
`scorer.json` before it is used.

This module scores; it does not choose what to cite (select.py).
"""

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.embedding import file_sha256
from assistant.errors import ModelError

# Bumped whenever the input layout below changes: a model trained on another
# layout would read its inputs wrongly, so it is refused.
INPUT_VERSION = 1
# Token budgets of the three parts; the whole pair stays under 128 tokens,
# the length the embedder was trained at.
QUESTION_TOKENS = 40  # the end of the question is kept: the last turn matters most
SENTENCE_TOKENS = 60
CONTEXT_TOKENS = 20  # the end of the sentence before: what "These" points back to
MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "answer-scorer"
PARAMS_FILE = "scorer.json"


@dataclass(frozen=True)
class Candidate:
    """A sentence to score and the sentence before it in its paragraph ("" when none)."""

    text: str
    before: str = ""


def conversation_question(question: str, previous: str | None) -> str:
    """The scorer's question: the previous question first, when there is one.

    >>> conversation_question("Quote it.", "What was signed?")
    'What was signed? [SEP] Quote it.'
    """
    return f"{previous} [SEP] {question}" if previous else question


def pair_ids(
    question: list[int], sentence: list[int], before: list[int], cls: int, sep: int
) -> tuple[list[int], list[int]]:
    """Token ids and type ids of one pair: [CLS] question [SEP] sentence [SEP] context [SEP].

    Each part is cut to its budget first: the question and the context keep
    their ends, the sentence its start.

    >>> pair_ids([5, 6], [7], [8, 9], cls=1, sep=2)
    ([1, 5, 6, 2, 7, 2, 8, 9, 2], [0, 0, 0, 0, 1, 1, 1, 1, 1])
    """
    q = question[-QUESTION_TOKENS:]
    s = sentence[:SENTENCE_TOKENS]
    c = before[-CONTEXT_TOKENS:] if before else []
    ids = [cls, *q, sep, *s, sep]
    types = [0] * (len(q) + 2) + [1] * (len(s) + 1)
    if c:
        ids += [*c, sep]
        types += [1] * (len(c) + 1)
    return ids, types


class PairEncoder:
    """Turns (question, candidates) into padded numpy arrays for the model."""

    def __init__(self, tokenizer_file: Path):
        from tokenizers import Tokenizer

        self.tokens = Tokenizer.from_file(str(tokenizer_file))
        self.tokens.no_truncation()
        self.tokens.no_padding()
        self.cls = self.tokens.token_to_id("[CLS]")
        self.sep = self.tokens.token_to_id("[SEP]")

    def ids(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tokens.encode_batch(texts, add_special_tokens=False)]

    def encode(self, question: str, candidates: list[Candidate]) -> dict[str, np.ndarray]:
        q = self.ids([question])[0]
        texts = self.ids([c.text for c in candidates])
        befores = self.ids([c.before for c in candidates])
        pairs = [pair_ids(q, s, b, self.cls, self.sep) for s, b in zip(texts, befores, strict=True)]
        return pad(pairs)


def pad(pairs: list[tuple[list[int], list[int]]]) -> dict[str, np.ndarray]:
    width = max(len(ids) for ids, _ in pairs)
    ids = np.zeros((len(pairs), width), dtype=np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for i, (row, kinds) in enumerate(pairs):
        ids[i, : len(row)] = row
        types[i, : len(kinds)] = kinds
        mask[i, : len(row)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


@dataclass(frozen=True)
class Calibration:
    """Platt scaling of the logit, and the probability that means "answers"."""

    scale: float
    shift: float
    threshold: float

    def probability(self, logits: np.ndarray) -> np.ndarray:
        """
        >>> Calibration(1.0, 0.0, 0.5).probability(np.array([0.0])).tolist()
        [0.5]
        """
        return 1.0 / (1.0 + np.exp(-(self.scale * logits + self.shift)))


class AnswerScorer:
    """Scores candidates with the shipped model; loads on first use."""

    def __init__(self, folder: Path = MODEL_DIR, threads: int = 1):
        self.folder = Path(folder)
        self.threads = threads
        self._session = None
        self.params = read_params(self.folder)
        self.calibration = Calibration(**self.params["calibration"])

    @property
    def threshold(self) -> float:
        return self.calibration.threshold

    def _load(self) -> None:
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime

        for name, digest in self.params["files"].items():
            path = self.folder / name
            if not path.is_file():
                raise ModelError(f"{path} is missing; restore it from the repository")
            if file_sha256(path) != digest:
                raise ModelError(
                    f"{path} does not match its sha256 in {PARAMS_FILE}: the file is damaged "
                    "or altered; restore it from the repository"
                )
        options = onnxruntime.SessionOptions()
        # A question scores a dozen short pairs; extra threads would spin-wait
        # on a busy machine (see onnx_embedding.py).
        options.intra_op_num_threads = self.threads
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(self.folder / self.params["model"]), options, providers=["CPUExecutionProvider"]
        )
        self.encoder = PairEncoder(self.folder / self.params["tokenizer"])

    def logits(self, question: str, candidates: list[Candidate]) -> np.ndarray:
        if not candidates:
            return np.zeros(0, dtype=np.float32)
        if self._session is None:
            self._load()
        feed = self.encoder.encode(question, candidates)
        return self._session.run(None, feed)[0].reshape(-1)

    def score(self, question: str, candidates: list[Candidate]) -> np.ndarray:
        """The calibrated probability that each candidate answers the question."""
        return self.calibration.probability(self.logits(question, candidates))


def read_params(folder: Path) -> dict:
    path = folder / PARAMS_FILE
    try:
        params = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path} is missing; the answer scorer ships in the repository") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelError(f"{path} is not valid JSON; restore it from the repository") from None
    if params.get("input_version") != INPUT_VERSION:
        raise ModelError(
            f"{path} was trained for input layout {params.get('input_version')}, "
            f"this code reads layout {INPUT_VERSION}; retrain with `python -m training`"
        )
    calibration = params.get("calibration", {})
    if not all(isinstance(calibration.get(k), int | float) for k in ("scale", "shift", "threshold")):
        raise ModelError(f"{path} has no valid calibration; retrain with `python -m training`")
    if not math.isfinite(calibration["threshold"]):
        raise ModelError(f"{path} has no valid threshold; retrain with `python -m training`")
    return params
