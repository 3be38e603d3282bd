"""Fit the weights of assistant/gate.py on SQuAD 2.0 train and choose its floor.

    .venv/bin/python -m tools.fit_gate

Every question of the training file (`../shared/data/train/`, SQuAD 2.0 train,
first 10 articles) is asked of its own article, and as many questions as it has
unanswerable ones are also asked of the next article, where nothing answers
them (off-topic). Each goes through the product's retrieval, ranking and
answerability rules; the sentence that would lead the answer is described by
`gate.features`, and a logistic regression (L2, on standardised features,
answerable questions weighing as much as the other two kinds together) is fitted
to tell answerable questions from the rest. The floor printed is the
probability under which the product refuses: the highest that refuses at most
FALSE_REFUSALS of the answerable training questions the rules answer. Balanced
accuracy (answerable against unanswerable and off-topic, half each) is printed
for the rules alone, the gate alone and the two together at a few floors.

Only training data is used: SQuAD 2.0 dev, HotpotQA, QuAC, CoQA and the
question sets measure the result. This script only prints; it changes no file.
"""

import argparse
import random
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant import gate
from assistant.assistant import FACT_DEPTH, LIST_DEPTH, Assistant
from assistant.embedding import SentenceTransformerEmbedder
from assistant.question import analyze
from assistant.settings import Settings
from tools.external import MemoEmbedder, corpus_texts
from tools.external_data import Corpus, load_squad, read_json
from tools.fit_ranker import SHARED

NAMES = list(gate.WEIGHTS)
L2 = 1e-2
STEPS = 4000
RATE = 0.3
SEED = 0
FALSE_REFUSALS = 0.03  # share of the rules' answered answerable questions the gate may refuse


def corpora(data: dict) -> list[Corpus]:
    """Per article: its own questions, then off-topic ones taken from the article
    before it (marked by an id ending in '/elsewhere')."""
    own = load_squad(data, 10**9)
    rng = random.Random(SEED)
    result = []
    for i, corpus in enumerate(own):
        other = own[i - 1]
        unanswerable = sum(1 for (t,) in corpus.dialogs if not t.answerable)
        taken = rng.sample(list(other.dialogs), min(unanswerable, len(other.dialogs)))
        away = tuple((replace(t, id=t.id + "/elsewhere", spans=()),) for (t,) in taken)
        result.append(Corpus(corpus.name, corpus.text, corpus.dialogs + away))
    return result


def described(data: list[Corpus], embedder, work: Path) -> list[tuple[list[float], int, str, bool]]:
    """Per question: its features, 1 if answerable, its kind, whether the rules refuse."""
    rows = []
    for corpus in data:
        folder = work / corpus.name
        (folder / "corpus").mkdir(parents=True, exist_ok=True)
        (folder / "corpus" / f"{corpus.name}.txt").write_text(corpus.text, encoding="utf-8")
        assistant = Assistant(Settings(folder / "corpus", folder / "index"), embedder)
        _ = assistant.index
        for (turn,) in corpus.dialogs:
            question = " ".join(turn.question.split())
            analysis = analyze(question)
            depth = LIST_DEPTH if analysis.intent == "list" else FACT_DEPTH
            hits = assistant.retriever.search(analysis.text, k=depth)
            if not hits:
                continue
            evidence, reason, _ = assistant.answerability.pick(
                analysis, assistant.selector.weigh(analysis, hits, analysis.intent)
            )
            values = gate.features(assistant.selector, analysis, evidence[0])
            kind = (
                "elsewhere"
                if turn.id.endswith("/elsewhere")
                else ("answerable" if turn.answerable else "unanswerable")
            )
            rows.append(([values[n] for n in NAMES], int(turn.answerable), kind, bool(reason)))
    return rows


def fit(x: np.ndarray, y: np.ndarray, balance: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights and bias on the raw features, from a fit on standardised ones."""
    mean, spread = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / spread
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(STEPS):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        g = (p - y) * balance
        w -= RATE * (z.T @ g / balance.sum() + L2 * w)
        b -= RATE * g.sum() / balance.sum()
    return w / spread, float(b - (w / spread) @ mean)


def balanced(answered: np.ndarray, kinds: np.ndarray) -> tuple[float, float, float, float]:
    """Balanced accuracy (answerable against the other two kinds, half each) and
    the share answered of each kind."""
    share = {
        k: float(answered[kinds == k].mean()) for k in ("answerable", "unanswerable", "elsewhere")
    }
    refused = 1 - (share["unanswerable"] + share["elsewhere"]) / 2
    return (
        (share["answerable"] + refused) / 2,
        share["answerable"],
        share["unanswerable"],
        share["elsewhere"],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--train", type=Path, default=SHARED / "data" / "train" / "squad2_train_first10.json"
    )
    args = parser.parse_args()
    data = corpora(read_json(args.train))
    embedder = MemoEmbedder(SentenceTransformerEmbedder())
    embedder.prime(
        [t for c in data for t in corpus_texts(c, Settings())], lambda m: print(m, file=sys.stderr)
    )
    with tempfile.TemporaryDirectory(prefix="fit-gate-") as work:
        rows = described(data, embedder, Path(work))
    x = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows], dtype=float)
    kinds = np.array([r[2] for r in rows])
    rules = np.array([r[3] for r in rows])
    # Each of the three kinds weighs as much in the fit as the other two together do in the score.
    counts = {k: (kinds == k).sum() for k in set(kinds)}
    balance = np.array([0.5 / counts[k] if k != "answerable" else 1.0 / counts[k] for k in kinds])
    w, b = fit(x, y, balance)
    p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    print("questions: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))
    fmt = "balanced {:.3f}  answered: answerable {:.3f}, unanswerable {:.3f}, elsewhere {:.3f}"
    print(f"{'rules alone':27}" + fmt.format(*balanced(~rules, kinds)))
    print(f"{'gate alone 0.50':27}" + fmt.format(*balanced(p >= 0.5, kinds)))
    # A wrong refusal costs the user more than a wrong answer that cites its
    # source: the floor is the highest that refuses at most FALSE_REFUSALS of
    # the answerable questions the rules answer.
    answered_by_rules = ~rules & (kinds == "answerable")
    floor = 0.0
    for f in np.arange(0.01, 0.81, 0.01):
        if (p[answered_by_rules] < f).mean() > FALSE_REFUSALS:
            break
        floor = round(float(f), 2)
    for f in sorted({0.1, 0.2, 0.3, 0.4, 0.5, floor}):
        label = f"rules and gate {f:.2f}" + (" (chosen)" if f == floor else "")
        print(f"{label:27}" + fmt.format(*balanced(~rules & (p >= f), kinds)))
    print("WEIGHTS = {")
    for name, value in zip(NAMES, w, strict=True):
        print(f'    "{name}": {value:.3f},')
    print("}")
    print(f"BIAS = {b:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
