"""Train the answer scorer's head: `python -m training [--seed 0]`.

1. The IDF table of vocabulary ids over the training sentences (SQuAD 2.0
   train and SelQA).
2. Training rows (data.py): every SQuAD question's retrieved candidates with
   the features the product computes for them.
3. Two logistic heads over the standardised features, fitted on the training
   split: one per candidate (its cut, where a sentence counts as part of an
   answer, is the best F1 on the held-out split's candidates), and one per
   question, over its best candidates (its cut, whether the text answers at
   all, refuses OFF_TOPIC_REFUSED of the held-out questions asked of another
   article). Never evaluation data.
4. models/answer-scorer/: scorer.json (heads, thresholds, figures, sha256 of
   every file), idf.npy, background.npy and the model card.

It runs in minutes on two CPU cores and prints its figures.
"""

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.embedding import SentenceTransformerEmbedder, bundled_model_path, file_sha256
from assistant.scorer import (
    FEATURE_VERSION,
    FEATURES,
    MODEL_DIR,
    PARAMS_FILE,
    AnswerScorer,
    Head,
    question_features,
)
from training import data
from training.card import write_card
from training.metrics import balanced_accuracy, figures, fit_logistic

# The question head's cut refuses this share of the held-out questions asked of
# an article about something else. Questions people type share fewer words with
# their answer than SQuAD's crowd-written ones, so a cut set for SQuAD's
# near-miss questions would refuse many answerable ones (measured: a fifth of
# the project's question sets at its best balanced cut); a text about
# something else is what it can tell reliably.
OFF_TOPIC_REFUSED = 0.95
L2 = 1.0  # ridge on the standardised weights: the head has 36 of them and ~60,000 rows


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


BACKGROUND = 2000  # encyclopedia sentences the scorer compares each question with


class Lender(AnswerScorer):
    """The scorer's tables without its heads, while the heads are trained."""

    def __init__(self, idf: np.ndarray, background: np.ndarray):
        self.idf, self.background = idf, background


@dataclass(frozen=True)
class Fitted(Head):
    def entry(self) -> dict:
        return {
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "bias": self.bias,
            "threshold": self.threshold,
        }


def fit_head(x: np.ndarray, y: np.ndarray) -> Fitted:
    """A logistic head on standardised features (its threshold set later)."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    weights = fit_logistic((x - mean) / scale, y, L2)
    return Fitted(mean, scale, weights[:-1], float(weights[-1]), 0.5)


def best_f1(rows, probability: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    """The probability cut with the best F1 over the candidates of the masked
    answerable questions: where a sentence counts as part of an answer."""
    answerable = {g for g, label in zip(rows.groups, rows.labels, strict=True) if label}
    keep = mask & np.array([g in answerable for g in rows.groups])
    p, y = probability[keep], rows.labels[keep]
    best = (0.5, 0.0)
    for cut in np.unique(np.round(p, 3)):
        chosen = p >= cut
        hits = float((chosen & (y == 1)).sum())
        if hits:
            f1 = 2 * hits / (chosen.sum() + (y == 1).sum())
            if f1 > best[1]:
                best = (float(cut), f1)
    return best


@dataclass
class QuestionRows:
    features: np.ndarray
    labels: np.ndarray  # 1 when a candidate answers
    members: list[list[int]]  # the rows of each question
    kinds: list[str]  # the source of each question


def question_rows(rows, probability: np.ndarray) -> QuestionRows:
    """One row per question for the answerability head; a question whose answer
    the retriever missed is left out (no scorer could find it)."""
    members: dict[str, list[int]] = {}
    for i, group in enumerate(rows.groups):
        members.setdefault(group, []).append(i)
    kept = [
        ix
        for ix in members.values()
        if rows.labels[ix].any() or rows.sources[ix[0]] not in ("squad", "selqa")
    ]
    x = np.stack([question_features(rows.features[ix], probability[ix]) for ix in kept])
    labels = np.array([int(rows.labels[ix].any()) for ix in kept])
    return QuestionRows(x, labels, kept, [rows.sources[ix[0]] for ix in kept])


def refused_by_kind(questions: QuestionRows, refused: np.ndarray, mask: np.ndarray) -> dict:
    out = {}
    for kind in sorted(set(questions.kinds)):
        of_kind = mask & np.array([k == kind for k in questions.kinds])
        if of_kind.any():
            out[kind] = round(float(refused[of_kind].mean()), 4)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default="../shared/data/train", help="training data folder")
    parser.add_argument("--out", default=str(MODEL_DIR), help="where the head is written")
    parser.add_argument("--work", default="training/.work", help="cache of the built rows")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    folder, out, work = Path(args.data), Path(args.out), Path(args.work)
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    squad = data.read_json(folder / data.SQUAD_FILE)["data"]
    paragraphs = [p["context"] for article in squad for p in article["paragraphs"]]
    tokenizer = bundled_model_path() / "tokenizer.json"
    vocabulary = json.loads(tokenizer.read_text(encoding="utf-8"))["model"]["vocab"]
    asked = [qa["question"] for a in squad for p in a["paragraphs"] for qa in p["qas"]]
    rng = random.Random(args.seed)
    asked += [data.retyped(q, rng) for q in asked]  # their framing words weigh little too
    texts = data.split_sentences(paragraphs) + data.selqa_sentences(folder) + asked
    idf = data.document_frequency(texts, tokenizer, vocabulary)
    np.save(out / "idf.npy", idf, allow_pickle=False)
    sample = data.background_sample(folder, BACKGROUND, args.seed)
    background = SentenceTransformerEmbedder().encode(sample).astype(np.float16)
    np.save(out / "background.npy", background, allow_pickle=False)
    lender = Lender(idf, background.astype(np.float32))
    rewording = data.Rewording(bundled_model_path())
    rows = data.build(folder, work / "indexes", lender, say, args.seed, rewording)
    rows.save(work / f"rows-seed{args.seed}.npz")
    train = np.array([s == "train" for s in rows.splits])
    val = ~train
    pair = fit_head(rows.features[train], rows.labels[train])
    probability = pair.probability(rows.features)
    pair_cut, pair_f1 = best_f1(rows, probability, val)
    pair = replace(pair, threshold=pair_cut)

    # The answerability head: one row per question, from its candidates.
    questions = question_rows(rows, probability)
    q_train = np.array([rows.splits[ix[0]] == "train" for ix in questions.members])
    answers = fit_head(questions.features[q_train], questions.labels[q_train])
    answerable = answers.probability(questions.features)
    yes, no = questions.labels == 1, questions.labels == 0
    off_topic = np.array([kind == "off-topic" for kind in questions.kinds])
    cut = float(np.quantile(answerable[~q_train & off_topic], OFF_TOPIC_REFUSED))
    answers = replace(answers, threshold=cut)

    def part(mask):
        return (
            [g for g, m in zip(rows.groups, mask, strict=True) if m],
            [s for s, m in zip(rows.sources, mask, strict=True) if m],
            rows.labels[mask],
            probability[mask],
        )

    held_out = figures(*part(val))
    trained = figures(*part(train))
    for out_figures, mask in ((held_out, ~q_train), (trained, q_train)):
        out_figures["balanced"] = round(
            balanced_accuracy(answerable[mask & yes], answerable[mask & no], cut), 4
        )
        out_figures["refused_by_kind"] = refused_by_kind(questions, answerable < cut, mask)
    held_out["list_cut_f1"] = round(pair_f1, 4)
    say(f"held out: {json.dumps(held_out)}")
    say(f"training split: {json.dumps(trained)}")
    params = {
        "feature_version": FEATURE_VERSION,
        "features": [f"{kind}{name}" for kind in ("", "gap:", "best:") for name in FEATURES],
        "head": pair.entry(),
        "answerable": answers.entry(),
        "idf": "idf.npy",
        "background": "background.npy",
        "files": {n: file_sha256(out / n) for n in ("idf.npy", "background.npy")},
        "base": "sentence-transformers/all-MiniLM-L6-v2 (token vectors, frozen; sha256 "
        f"{file_sha256(bundled_model_path() / 'model.safetensors')})",
        "held_out": held_out,
        "training_split": trained,
        "rows": {"train": int(train.sum()), "held_out": int(val.sum())},
        "seed": args.seed,
        "command": "python -m training " + " ".join(argv if argv is not None else sys.argv[1:]),
        "training_seconds": round(time.perf_counter() - began),
    }
    (out / PARAMS_FILE).write_text(json.dumps(params, indent=2) + "\n", encoding="utf-8")
    write_card(out / "README.md", params)
    say(f"wrote {out} in {params['training_seconds']} s")
    print(json.dumps({"held_out": held_out, "cuts": [pair_cut, cut]}, indent=2))
    return 0
