"""Fit assistant/topic.py's model on training data; print its weights and figures.

    .venv/bin/python -m tools.fit_topic [--seed 0]

Every question of SQuAD 2.0 train's first 10 articles and of SelQA
(`../shared/data/train/`), and a copy of it retyped the way people type (typos,
bare keywords, a chat frame around it), is asked, with the product's retriever
and weighing, of its own text (about it: label 1, answerable or not) and of one
other article's text drawn at random (about something else: label 0). A
logistic model over `topic.Signals` is fitted to tell the two apart (full-batch
gradient descent, L2-regularised, on standardised signals), and the floor is
the probability below which at most 0.1% of the questions about their own text
fall. The model is first fitted on half the articles and scored on the other
half, then refitted on all of it for the printed weights. About 15 minutes on
two cores, most of it embedding the texts.

This script only prints (and with --rows saves the signals); it changes no
file of the project.
"""

import argparse
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

from assistant.assistant import Assistant
from assistant.embedding import SentenceTransformerEmbedder
from assistant.lexical import STOPWORDS
from assistant.question import analyze
from assistant.settings import Settings
from assistant.topic import NAMES, signals
from tools.external import MemoEmbedder, corpus_texts
from tools.external_data import Corpus, load_squad, read_json
from tools.fit_ranker import selqa_corpora, training_arguments

# The share of questions about their text the floor may refuse: a real question
# refused costs more than an off-topic one answered with quoted sentences.
ON_TOPIC_REFUSED = 0.001
L2 = 1e-3
STEPS = 2000
RATE = 0.5


# Chat frames people put around a question; crowd-written questions have none.
FRAMES = (
    "quick question: {}",
    "I am writing a report and need this. {}",
    "Give me the exact sentence: {}",
    "Can you tell me {}",
    "{} Quote it.",
)


def typos(question: str, rng: random.Random) -> str:
    """A letter dropped or two swapped in some longer words, as people type."""
    typed = []
    for word in question.split():
        if len(word) >= 5 and rng.random() < 0.3:
            i = rng.randrange(1, len(word) - 2)
            word = (
                word[:i] + word[i + 1 :]
                if rng.random() < 0.5
                else (word[:i] + word[i + 1] + word[i] + word[i + 2 :])
            )
        typed.append(word)
    return " ".join(typed)


def retyped(question: str, rng: random.Random) -> str:
    """The question as a product user might type it: with typos, as bare
    keywords in lower case, or inside a chat frame. SQuAD and SelQA questions
    were written by people looking at the text, in full and spelled right; a
    floor chosen on them alone refuses the way people ask."""
    way = rng.randrange(3)
    if way == 0:
        return typos(question, rng)
    if way == 1:
        kept = [w for w in question.lower().rstrip("?").split() if w not in STOPWORDS]
        return " ".join(kept) or question
    return rng.choice(FRAMES).format(question)


def all_questions(corpus: Corpus, rng: random.Random) -> list[str]:
    """Every question of the corpus, each also retyped."""
    asked = [" ".join(turn.question.split()) for dialog in corpus.dialogs for turn in dialog]
    return asked + [retyped(q, rng) for q in asked]


def rows_for(corpora: list[Corpus], embedder, work: Path, rng: random.Random) -> tuple:
    """Signals and labels: each corpus's questions asked of it and of another corpus."""
    assistants = {}
    for corpus in corpora:
        folder = work / corpus.name
        (folder / "corpus").mkdir(parents=True, exist_ok=True)
        (folder / "corpus" / f"{corpus.name}.txt").write_text(corpus.text, encoding="utf-8")
        assistant = Assistant(Settings(folder / "corpus", folder / "index"), embedder)
        _ = assistant.index  # builds the index and the retriever
        assistants[corpus.name] = assistant
    x, y, group = [], [], []
    for corpus in corpora:
        other = rng.choice(
            [c for c in corpora if c.name.split("-")[:2] != corpus.name.split("-")[:2]]
        )
        questions = all_questions(corpus, rng)
        for name, label in ((corpus.name, 1.0), (other.name, 0.0)):
            assistant = assistants[name]
            depth = assistant.settings.thresholds.fact_depth
            for question in questions:
                analysis = analyze(question)
                hits = assistant.retriever.search(analysis.text, k=depth)
                if not hits:
                    continue
                evidence = assistant.selector.weigh(analysis, hits, analysis.intent)
                x.append(signals(assistant.selector, analysis, evidence).vector())
                y.append(label)
                group.append(corpus.name)
    return np.array(x), np.array(y), group


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights and bias on the raw signals."""
    mean, spread = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / spread
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(STEPS):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        w -= RATE * (z.T @ (p - y) / len(y) + L2 * w)
        b -= RATE * float((p - y).mean())
    w = w / spread
    return w, b - float(w @ mean)


def probability(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ w + b)))


def floor_for(p: np.ndarray, y: np.ndarray) -> float:
    """The highest floor that refuses at most ON_TOPIC_REFUSED of label-1 questions."""
    return float(np.quantile(p[y == 1], ON_TOPIC_REFUSED))


def report(label: str, p: np.ndarray, y: np.ndarray, floor: float) -> None:
    refused = p < floor
    print(
        f"{label}: {int((y == 1).sum())} about their text, {int((y == 0).sum())} about another; "
        f"refused: about their text {refused[y == 1].mean():.3f}, "
        f"about another {refused[y == 0].mean():.3f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    training_arguments(parser)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rows", type=Path, help="also write the signals and labels (.npz)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    squad = load_squad(read_json(args.train), 10**9)
    selqa = [c for name in args.selqa for c in selqa_corpora(read_json(name))]
    embedder = MemoEmbedder(SentenceTransformerEmbedder())
    settings = Settings()
    texts = [t for c in squad + selqa for t in corpus_texts(c, settings)]
    embedder.prime(texts, lambda m: print(m, file=sys.stderr))
    with tempfile.TemporaryDirectory(prefix="fit-topic-") as work:
        x_squad, y_squad, g_squad = rows_for(squad, embedder, Path(work), rng)
        x_selqa, y_selqa, g_selqa = rows_for(selqa, embedder, Path(work), rng)
    x = np.vstack([x_squad, x_selqa])
    y = np.concatenate([y_squad, y_selqa])
    groups = g_squad + g_selqa
    if args.rows:
        np.savez(args.rows, x=x, y=y, groups=np.array(groups))
    names = sorted(set(groups))
    rng.shuffle(names)
    held = np.array([g in set(names[: len(names) // 2]) for g in groups])
    w, b = fit(x[~held], y[~held])
    floor = floor_for(probability(x[~held], w, b), y[~held])
    report("fitted half, on itself", probability(x[~held], w, b), y[~held], floor)
    report("fitted half, on the held-out half", probability(x[held], w, b), y[held], floor)
    w, b = fit(x, y)
    floor = floor_for(probability(x, w, b), y)
    report("all, refitted", probability(x, w, b), y, floor)
    print("WEIGHTS = {" + ", ".join(f'"{n}": {v:.3f}' for n, v in zip(NAMES, w, strict=True)) + "}")
    print(f"BIAS = {b:.3f}")
    print(f"FLOOR = {floor:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
