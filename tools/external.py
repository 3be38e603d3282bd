"""`assistant eval --format squad|hotpot|quac|coqa|all`: score on public data.

Every corpus of external_data.py is written to a temporary folder, indexed with
one shared embedder (the model loads once), and each dialog is asked in order
through `Assistant.ask(question, history)`. The gold sentences of a turn are the
sentences of our own splitter that overlap a gold span. Beside each figure of
the assistant stands a baseline from the same index: reciprocal rank fusion of
the dense, passage and BM25 rankings of the question as typed
(`Retriever.search(..., fusion="rank")`), which never refuses.

This module does not answer; it drives the Assistant like any other caller.
"""

import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.answer import Answer
from assistant.assistant import Assistant
from assistant.chunking import Sentence, split_document
from assistant.corpus import parse_document
from assistant.embedding import Embedder, SentenceTransformerEmbedder
from assistant.errors import DataError
from assistant.settings import Settings
from tools.external_data import Corpus, Span, Turn, load

BASELINE_DEPTH = 10  # baseline hits kept per question
KINDS = ("squad", "hotpot", "quac", "coqa")
NAMES = {"squad": "SQuAD 2.0", "hotpot": "HotpotQA", "quac": "QuAC", "coqa": "CoQA"}


@dataclass(frozen=True)
class Outcome:
    """One asked turn: the gold rows, what the assistant cited, what the baseline ranked."""

    corpus: str
    turn: Turn
    gold: frozenset[int]  # index rows of the gold sentences; empty when unanswerable
    found: bool
    cited: tuple[int, ...]  # rows the answer cites, in order (its closest passage if refused)
    query: str  # the standalone query the assistant searched
    ranked: tuple[int, ...]  # baseline: reciprocal rank fusion of the question, best first
    top_dense: float  # cosine of the question with the baseline's first hit
    top_fused: float  # reciprocal-rank score of the baseline's first hit
    error: str = ""  # set when asking raised an exception; counted as not found

    @property
    def answer_rows(self) -> tuple[int, ...]:
        """The rows that count as the answer: none when the assistant refused."""
        return self.cited if self.found else ()


@dataclass(frozen=True)
class Row:
    metric: str
    assistant: float | None
    baseline: float | None
    baseline_is: str  # what the baseline figure measures
    target: str = ""  # the bar issue 3 sets, when it sets one


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class MemoEmbedder:
    """An Embedder that answers from vectors computed ahead, in large batches.

    Embedding each small corpus on its own, and each question one at a time, is
    several times slower than one pass over all texts sorted by length (little
    padding), and the baseline searches the very questions the assistant asked.
    So every sentence, passage and question of the run is embedded once up
    front; texts not seen before (rewritten follow-up queries) go to the model.
    """

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.name, self.fingerprint = inner.name, inner.fingerprint
        self.memo: dict[str, np.ndarray] = {}

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def prime(
        self, texts: Iterable[str], progress: Callable[[str], None], batch: int = 2048
    ) -> None:
        fresh = sorted({t for t in texts if t not in self.memo}, key=len)
        for i in range(0, len(fresh), batch):
            chunk = fresh[i : i + batch]
            self.memo.update(zip(chunk, self.inner.encode(chunk), strict=True))
            progress(f"embedded {i + len(chunk)}/{len(fresh)} texts")

    def encode(self, texts: list[str]) -> np.ndarray:
        if texts and all(t in self.memo for t in texts):
            return np.stack([self.memo[t] for t in texts])
        return self.inner.encode(texts)


def corpus_texts(corpus: Corpus, settings: Settings) -> list[str]:
    """The texts an index of this corpus embeds, and its questions as asked."""
    document = parse_document(f"{corpus.name}.txt", corpus.text.encode("utf-8"))
    sentences, passages = split_document(document, settings.passage_sentences)
    questions = [" ".join(t.question.split()) for d in corpus.dialogs for t in d]
    return [s.text for s in sentences] + [p.text for p in passages] + questions


def overlapping(sentences: list[Sentence], spans: Iterable[Span]) -> frozenset[int]:
    """Rows of the sentences that overlap any span [start, end).

    >>> s = [Sentence("d", 1, 1, 0, 4, "One."), Sentence("d", 1, 2, 5, 9, "Two.")]
    >>> sorted(overlapping(s, [(2, 6)])), sorted(overlapping(s, [(4, 5)]))
    ([0, 1], [])
    """
    return frozenset(
        row
        for row, s in enumerate(sentences)
        for start, end in spans
        if s.start < end and start < s.end
    )


def cited_rows(answer: Answer, row_of: dict[tuple[str, int], int]) -> tuple[int, ...]:
    return tuple(row_of[(c.doc, c.sentence)] for c in answer.citations)


def ask_corpus(
    corpus: Corpus, embedder: Embedder, folder: Path, progress: Callable[[str], None] = say
) -> list[Outcome]:
    """Index one corpus under `folder` and ask every dialog of it in order."""
    (folder / "corpus").mkdir(parents=True)
    (folder / "corpus" / f"{corpus.name}.txt").write_bytes(corpus.text.encode("utf-8"))
    settings = Settings(corpus_dir=folder / "corpus", index_dir=folder / "index")
    assistant = Assistant(settings, embedder)
    index = assistant.reindex()
    if index.documents[0].text != corpus.text:
        raise DataError(
            f"{corpus.name}: the indexed text differs from the data; offsets would not match"
        )
    row_of = {(s.doc_id, s.number): i for i, s in enumerate(index.sentences)}
    outcomes = []
    for dialog in corpus.dialogs:
        history: list[Answer] = []
        for turn in dialog:
            try:
                answer = assistant.ask(turn.question, history)
            except Exception as exc:  # a bug in the assistant: count it, keep measuring
                failure = f"{exc.__class__.__name__}: {exc}"
                progress(f"{corpus.name}: {turn.question!r} raised {failure}")
                answer = Answer(turn.question, turn.question, "", False, error=failure)
            else:
                history.append(answer)
            question = " ".join(turn.question.split())
            hits = assistant.retriever.search(question, k=BASELINE_DEPTH, fusion="rank")
            outcomes.append(
                Outcome(
                    corpus.name,
                    turn,
                    overlapping(index.sentences, turn.spans),
                    answer.found and not answer.error,
                    cited_rows(answer, row_of),
                    answer.query,
                    tuple(h.row for h in hits),
                    hits[0].dense if hits else 0.0,
                    hits[0].score if hits else 0.0,
                    answer.error or "",
                )
            )
    return outcomes


def ask_all(
    corpora: list[Corpus], embedder: Embedder, progress: Callable[[str], None]
) -> list[Outcome]:
    if isinstance(embedder, MemoEmbedder):
        settings = Settings()
        embedder.prime((t for c in corpora for t in corpus_texts(c, settings)), progress)
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as work:
        for i, corpus in enumerate(corpora, start=1):
            outcomes += ask_corpus(corpus, embedder, Path(work) / f"{i:04d}", progress)
            progress(f"{i}/{len(corpora)} {corpus.name}: {len(outcomes)} questions asked")
    return outcomes


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(sum(values) / len(values), 4) if values else None


def recall(rows: Iterable[int], gold: frozenset[int]) -> float:
    return len(gold.intersection(rows)) / len(gold)


def precision(rows: Iterable[int], gold: frozenset[int]) -> float:
    rows = set(rows)
    return len(gold & rows) / len(rows)


def best_threshold(scores: list[float], positive: list[bool]) -> tuple[float, float]:
    """(threshold, balanced accuracy) of the cut `score >= threshold -> answer` that
    scores best on these very items: an optimistic, in-sample baseline.

    >>> best_threshold([0.9, 0.8, 0.3, 0.2], [True, True, False, False])
    (0.8, 1.0)
    """
    n_pos, n_neg = sum(positive), len(positive) - sum(positive)
    best = (float("inf"), 0.5)
    for t in sorted(set(scores)):
        tpr = sum(s >= t and p for s, p in zip(scores, positive, strict=True)) / max(n_pos, 1)
        tnr = sum(s < t and not p for s, p in zip(scores, positive, strict=True)) / max(n_neg, 1)
        if (tpr + tnr) / 2 > best[1]:
            best = (t, (tpr + tnr) / 2)
    return round(best[0], 4), round(best[1], 4)


def squad_rows(outcomes: list[Outcome]) -> list[Row]:
    yes = [o for o in outcomes if o.gold]
    no = [o for o in outcomes if not o.turn.answerable]
    found = mean(o.found for o in yes) or 0.0
    refused = mean(not o.found for o in no) or 0.0
    positive = [o.turn.answerable for o in yes + no]
    t_dense, ba_dense = best_threshold([o.top_dense for o in yes + no], positive)
    t_fused, ba_fused = best_threshold([o.top_fused for o in yes + no], positive)
    first = mean(bool(o.answer_rows) and o.answer_rows[0] in o.gold for o in yes)
    cited = mean(bool(o.gold.intersection(o.answer_rows)) for o in yes)
    top1 = mean(o.ranked[0] in o.gold for o in yes)
    top2 = mean(bool(o.gold.intersection(o.ranked[:2])) for o in yes)
    citations = mean(len(o.answer_rows) for o in yes if o.found)
    return [
        Row("answerable questions", len(yes), None, ""),
        Row("unanswerable questions", len(no), None, ""),
        Row("first citation holds the answer", first, top1, "RRF top 1", ">= 0.80"),
        Row("a citation holds the answer", cited, top2, "RRF top 2", ">= 0.90"),
        Row("mean citations (answered)", citations, 2.0, "RRF top 2", "<= 2"),
        Row("false refusal rate", round(1 - found, 4), 0.0, "never refuses"),
        Row("refusal accuracy (unanswerable)", refused, 0.0, "never refuses"),
        Row(
            "balanced accuracy found/not found",
            round((found + refused) / 2, 4),
            ba_dense,
            f"best in-sample cut on top-1 cosine (>= {t_dense})",
            "> 0.60",
        ),
        Row("  same, cut on fused RRF score", None, ba_fused, f"same on RRF (>= {t_fused})"),
    ]


def hotpot_rows(outcomes: list[Outcome]) -> list[Row]:
    asked = [o for o in outcomes if o.gold]
    answered = [o for o in asked if o.found]
    budget = [(o.ranked[: max(len(o.cited), 1)], o.gold) for o in asked]
    same_budget = "RRF top k, k = assistant's citations"
    return [
        Row("questions", len(asked), None, ""),
        Row(
            "supporting-sentence recall",
            mean(recall(o.answer_rows, o.gold) for o in asked),
            mean(recall(o.ranked[:2], o.gold) for o in asked),
            "RRF top 2",
        ),
        Row(
            "supporting-sentence precision (answered)",
            mean(precision(o.cited, o.gold) for o in answered),
            mean(precision(o.ranked[:2], o.gold) for o in asked),
            "RRF top 2",
        ),
        Row("  recall, same budget", None, mean(recall(r, g) for r, g in budget), same_budget),
        Row(
            "  precision, same budget", None, mean(precision(r, g) for r, g in budget), same_budget
        ),
        Row("mean citations (answered)", mean(len(o.cited) for o in answered), 2.0, "RRF top 2"),
        Row(
            "refusal rate (all answerable)", mean(not o.found for o in asked), 0.0, "never refuses"
        ),
    ]


def dialog_rows(outcomes: list[Outcome]) -> list[Row]:
    yes = [o for o in outcomes if o.gold]
    answered = [o for o in yes if o.found]
    no = [o for o in outcomes if not o.turn.answerable]
    baseline = "RRF top 1, question as typed"
    return [
        Row("answerable turns", len(yes), None, ""),
        Row("unanswerable turns", len(no), None, ""),
        Row(
            "citation recall of the gold sentences",
            mean(recall(o.answer_rows, o.gold) for o in yes),
            mean(recall(o.ranked[:1], o.gold) for o in yes),
            baseline,
        ),
        Row(
            "citation precision (answered)",
            mean(precision(o.cited, o.gold) for o in answered),
            mean(precision(o.ranked[:1], o.gold) for o in yes),
            baseline,
        ),
        Row("false refusal rate", mean(not o.found for o in yes), 0.0, "never refuses"),
        Row("refusal accuracy (unanswerable)", mean(not o.found for o in no), 0.0, "never refuses"),
    ]


REPORTS = {"squad": squad_rows, "hotpot": hotpot_rows, "quac": dialog_rows, "coqa": dialog_rows}


def report(kind: str, outcomes: list[Outcome]) -> list[Row]:
    rows = REPORTS[kind](outcomes)
    failures = sum(bool(o.error) for o in outcomes)
    if failures:
        rows.insert(0, Row("questions that raised an error", failures, None, "counted as refused"))
    return rows


def show(value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    return f"{value:.0f}" if float(value).is_integer() and value > 1 else f"{value:.3f}"


def table(title: str, rows: list[Row]) -> str:
    lines = [
        title,
        f"  {'metric':38s} {'assistant':>9s} {'baseline':>9s}  {'target':8s} baseline is",
    ]
    for r in rows:
        lines.append(
            f"  {r.metric:38s} {show(r.assistant):>9s} {show(r.baseline):>9s}  "
            f"{r.target:8s} {r.baseline_is}"
        )
    return "\n".join(lines)


def evaluate(
    kind: str,
    path: Path,
    embedder: Embedder,
    limit: int | None = None,
    seed: int = 0,
    progress: Callable[[str], None] = say,
) -> tuple[list[Row], list[Outcome], float]:
    """Rows of the report, the outcomes behind them, and the seconds it took."""
    began = time.perf_counter()
    corpora = load(kind, path, limit, seed)
    outcomes = ask_all(corpora, embedder, lambda m: progress(f"{kind}: {m}"))
    return report(kind, outcomes), outcomes, time.perf_counter() - began


def run_external(args, embedder: Embedder | None = None) -> int:
    """The CLI's `eval --format` for the external data sets; prints the report."""
    began = time.perf_counter()
    kinds = KINDS if args.format == "all" else (args.format,)
    if args.limit is not None and args.limit < 1:
        raise DataError(f"--limit must be at least 1, not {args.limit}")
    embedder = MemoEmbedder(embedder or SentenceTransformerEmbedder(args.model))
    results = {}
    for kind in kinds:
        rows, _, seconds = evaluate(kind, Path(args.gold), embedder, args.limit, args.seed)
        results[kind] = {"rows": [asdict(r) for r in rows], "seconds": round(seconds, 1)}
        if not args.json:
            sample = f"seed {args.seed}, limit {args.limit or 'default'}"
            print(table(f"{NAMES[kind]} ({sample}; {seconds:.0f} s)", rows) + "\n", flush=True)
    total = time.perf_counter() - began
    if args.json:
        summary = {"seed": args.seed, "limit": args.limit, "formats": results}
        print(json.dumps({**summary, "seconds": round(total, 1)}, indent=2))
    else:
        print(f"total time {total:.0f} s")
    return 0
