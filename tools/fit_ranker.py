"""Fit the weights of assistant/rank.py on SQuAD 2.0 train; report them on the dev sample.

    .venv/bin/python -m tools.fit_ranker

Every answerable question of the training file (`../shared/data/train/`,
SQuAD 2.0 train, first 10 articles) is asked of its own article with the
product's retriever; each question's candidates are described by
`Selector.describe`, and a linear score is fitted so that a softmax over the
candidates puts its weight on the sentences holding the answer (L2-regularised,
full-batch gradient descent on standardised features). The weights are printed
in cosine units (the two cosine weights sum to 1), ready to paste into rank.py,
with the share of questions whose best sentence holds the answer on the training
questions and on the evaluation sample that `assistant eval --format squad`
asks of SQuAD 2.0 dev (seed 0), which is only measured, never fitted on.

This script only prints; it changes no file.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from assistant.assistant import Assistant
from assistant.embedding import SentenceTransformerEmbedder
from assistant.question import analyze
from assistant.rank import WEIGHTS
from assistant.settings import Settings
from tools.external import MemoEmbedder, corpus_texts, overlapping
from tools.external_data import Corpus, Turn, load_squad, read_json, safe_name

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
NAMES = list(WEIGHTS)
L2 = 1e-3  # on standardised features: enough to keep correlated cosines apart
STEPS = 3000
RATE = 0.5


def training_corpora(data: dict) -> list[Corpus]:
    """Every answerable question of every article, each asked of its own article."""
    corpora = []
    for corpus in load_squad(data, 10**9):
        answerable = tuple(d for d in corpus.dialogs if d[0].answerable)
        corpora.append(Corpus(corpus.name, corpus.text, answerable))
    return corpora


def selqa_corpora(records: list[dict]) -> list[Corpus]:
    """One short corpus per SelQA section (its candidate sentences, in order), with
    every question asked of it that has an answer sentence: short texts on many
    topics, nearer a news story than SQuAD's ten long articles."""
    sections: dict[tuple[str, str], tuple[str, list[tuple[int, int]], list[Turn]]] = {}
    for n, record in enumerate(records):
        key = (record["article"], record["section"])
        if key not in sections:
            starts, cursor = [], 0
            for candidate in record["candidates"]:
                starts.append((cursor, cursor + len(candidate)))
                cursor += len(candidate) + 1
            sections[key] = (" ".join(record["candidates"]), starts, [])
        text, starts, turns = sections[key]
        if text != " ".join(record["candidates"]) or not record["answers"]:
            continue
        spans = tuple(starts[i] for i in record["answers"])
        turns.append(Turn(f"selqa-{n}", record["question"], spans))
    return [
        Corpus(f"selqa-{i}-{safe_name(article)[:40]}", text, tuple((t,) for t in turns))
        for i, ((article, _), (text, _, turns)) in enumerate(sections.items())
        if turns
    ]


def candidates(corpora: list[Corpus], embedder, work: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per answerable question whose answer was retrieved: features and gold flags."""
    found = []
    for corpus in corpora:
        folder = work / corpus.name
        (folder / "corpus").mkdir(parents=True, exist_ok=True)
        (folder / "corpus" / f"{corpus.name}.txt").write_text(corpus.text, encoding="utf-8")
        assistant = Assistant(Settings(folder / "corpus", folder / "index"), embedder)
        index = assistant.index
        for (turn,) in corpus.dialogs:
            if not turn.answerable:
                continue
            question = " ".join(turn.question.split())
            hits = assistant.retriever.search(question, k=assistant.settings.thresholds.fact_depth)
            gold = overlapping(index.sentences, turn.spans)
            flags = np.array([h.row in gold for h in hits], dtype=float)
            if flags.any():
                described = assistant.selector.describe(analyze(question), hits)
                found.append((np.array([[f[n] for n in NAMES] for *_, f in described]), flags))
    return found


def fit(data: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Weights on the raw features, from a softmax fitted on standardised ones."""
    stacked = np.vstack([x for x, _ in data])
    mean, spread = stacked.mean(axis=0), stacked.std(axis=0) + 1e-9
    depth = max(len(gold) for _, gold in data)
    # Questions padded to the same number of candidates; padding gets no weight.
    z = np.zeros((len(data), depth, len(NAMES)))
    target = np.zeros((len(data), depth))
    real = np.zeros((len(data), depth), dtype=bool)
    for i, (x, gold) in enumerate(data):
        z[i, : len(gold)] = (x - mean) / spread
        target[i, : len(gold)] = gold / gold.sum()
        real[i, : len(gold)] = True
    w = np.zeros(len(NAMES))
    for _ in range(STEPS):
        s = np.where(real, z @ w, -np.inf)
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        w -= RATE * (np.einsum("qk,qkf->f", p - target, z) / len(data) + L2 * w)
    return w / spread


def top_one(data: list[tuple[np.ndarray, np.ndarray]], w: np.ndarray, asked: int) -> float:
    return sum(gold[int(np.argmax(x @ w))] for x, gold in data) / asked


def training_arguments(parser: argparse.ArgumentParser) -> None:
    """--train and --selqa: the training files, by default those of ../shared/data/train."""
    parser.add_argument(
        "--train", type=Path, default=SHARED / "data" / "train" / "squad2_train_first10.json"
    )
    parser.add_argument(
        "--selqa",
        type=Path,
        nargs="*",
        default=[SHARED / "data" / "train" / f"selqa-ass-{part}.json" for part in ("dev", "test")],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    training_arguments(parser)
    parser.add_argument(
        "--squad",
        type=Path,
        default=SHARED / "data" / "external" / "squad2_dev_cs224n.json",
        help="SQuAD 2.0 dev, for the figure on the evaluation sample only",
    )
    parser.add_argument("--seed", type=int, default=0, help="the evaluation sample's seed")
    args = parser.parse_args()
    training = training_corpora(read_json(args.train))
    for name in args.selqa:
        training += selqa_corpora(read_json(name))
    evaluation = load_squad(read_json(args.squad), None, args.seed)
    embedder = MemoEmbedder(SentenceTransformerEmbedder())
    settings = Settings()
    texts = [t for c in training + evaluation for t in corpus_texts(c, settings)]
    embedder.prime(texts, lambda m: print(m, file=sys.stderr))
    with tempfile.TemporaryDirectory(prefix="fit-ranker-") as work:
        train = candidates(training, embedder, Path(work))
        held = candidates(evaluation, embedder, Path(work))
    n_train = sum(len(c.dialogs) for c in training)
    n_held = sum(1 for c in evaluation for (t,) in c.dialogs if t.answerable)
    w = fit(train)
    w = w / (w[NAMES.index("dense")] + w[NAMES.index("context")])
    current = np.array([WEIGHTS[n] for n in NAMES])
    print(f"training questions {n_train}, evaluation questions {n_held}")
    for label, weights in (("rank.py now", current), ("fitted", w)):
        print(
            f"{label:12} best sentence holds the answer: "
            f"training {top_one(train, weights, n_train):.3f}, "
            f"evaluation {top_one(held, weights, n_held):.3f}"
        )
    print("WEIGHTS = {")
    for name, value in zip(NAMES, w, strict=True):
        print(f'    "{name}": {value:.3f},')
    print("}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
