"""Hybrid retrieval at sentence granularity.

Three scores of a sentence are fused: the question's cosine with the sentence,
its best cosine with the passages (sentence windows) that hold the sentence, and
BM25 on the sentence. Passages give a sentence the benefit of its neighbours
("He noted..." is found through the sentence naming him); sentences keep
citations exact. k is clamped to the corpus size.

The candidates are the union of the top few of each score. By default their
scores are min-max normalised over the candidates and added ("score" fusion);
reciprocal rank fusion ("rank") is kept as the reference it replaced. Adding
normalised scores keeps how far apart two candidates are, which ranks discard:
on SQuAD 2.0 (16 articles, 960 questions) the first sentence holds the answer
for 74% of questions instead of 67% (see `assistant eval --format squad`).

This module does not decide what to answer; see answer.py.
"""

from dataclasses import dataclass, replace

import faiss
import numpy as np

from assistant.chunking import Sentence
from assistant.embedding import Embedder
from assistant.store import Index


@dataclass(frozen=True)
class Hit:
    row: int  # position in Index.sentences
    sentence: Sentence
    score: float  # fused score: sum of normalised scores, or of reciprocal ranks
    dense: float  # cosine of the query with the sentence
    context: float  # best cosine of the query with a passage holding the sentence
    lexical: float  # BM25 score of the sentence
    before: float = 0.0  # cosine with the sentence before in the paragraph (0 when none)
    after: float = 0.0  # cosine with the sentence after in the paragraph (0 when none)


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> dict[int, float]:
    """Sum of 1 / (k + rank) over the rankings an item appears in (rank from 1).

    k dampens the head of each ranking so that an item ranked well by several
    rankings beats one ranked first by a single ranking (Cormack et al. 2009).

    >>> fused = reciprocal_rank_fusion([[1, 2], [2, 3]], k=1)
    >>> sorted(fused, key=fused.get, reverse=True)
    [2, 1, 3]
    """
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


def min_max(values: np.ndarray) -> np.ndarray:
    """Values rescaled to [0, 1]; all zeros when they are all equal.

    >>> min_max(np.array([2.0, 4.0, 3.0])).tolist()
    [0.0, 1.0, 0.5]
    """
    low, high = float(values.min()), float(values.max())
    if high <= low:
        return np.zeros_like(values, dtype=np.float64)
    return (values - low) / (high - low)


def score_fusion(scores: list[np.ndarray]) -> np.ndarray:
    """Sum of each score min-max normalised over the same candidates.

    Equal weights: a convex combination of normalised scores is a stronger and
    steadier fusion than reciprocal ranks (Bruch, Gai and Ingber 2023), and
    equal weights are not fitted to any data set.

    >>> score_fusion([np.array([0.9, 0.5, 0.1]), np.array([0.0, 4.0, 2.0])]).tolist()
    [1.0, 1.5, 0.5]
    """
    return np.sum([min_max(np.asarray(s, dtype=np.float64)) for s in scores], axis=0)


def neighbours(sentences: list[Sentence]) -> list[tuple[int | None, int | None]]:
    """Rows of the sentences just before and after each one in its paragraph.

    >>> s = [Sentence("d", 1, 1, 0, 1, "A"), Sentence("d", 1, 2, 2, 3, "B"),
    ...      Sentence("d", 2, 3, 5, 6, "C")]
    >>> neighbours(s)
    [(None, 1), (0, None), (None, None)]
    """

    def same_paragraph(a: int, b: int) -> bool:
        if not 0 <= b < len(sentences):
            return False
        x, y = sentences[a], sentences[b]
        return (x.doc_id, x.paragraph) == (y.doc_id, y.paragraph) and abs(x.number - y.number) == 1

    return [
        (i - 1 if same_paragraph(i, i - 1) else None, i + 1 if same_paragraph(i, i + 1) else None)
        for i in range(len(sentences))
    ]


class Retriever:
    def __init__(
        self,
        index: Index,
        embedder: Embedder,
        candidates: int = 30,
        rrf_k: int = 60,
        fusion: str = "score",
    ):
        if fusion not in ("score", "rank"):
            raise ValueError(f"fusion must be 'score' or 'rank', not {fusion!r}")
        self.index = index
        self.embedder = embedder
        self.candidates = candidates
        self.rrf_k = rrf_k
        # One question at a time gains little from faiss's OpenMP threads, and
        # they spin-wait: on two busy cores a single thread answers ~3x sooner.
        faiss.omp_set_num_threads(1)
        self.fusion = fusion
        # passage row -> sentence rows, to lift passage scores onto sentences
        row_of = {(s.doc_id, s.number): i for i, s in enumerate(index.sentences)}
        self.passage_rows = [
            [row_of[(p.doc_id, n)] for n in range(p.first, p.last + 1)] for p in index.passages
        ]
        self.beside = neighbours(index.sentences)
        self.passages_of: dict[int, list[int]] = {}
        for p_row, rows in enumerate(self.passage_rows):
            for row in rows:
                self.passages_of.setdefault(row, []).append(p_row)

    def encode(self, query: str) -> np.ndarray:
        return self.embedder.encode([query])[0]

    def search(
        self,
        query: str,
        k: int = 10,
        vector: np.ndarray | None = None,
        fusion: str | None = None,
    ) -> list[Hit]:
        """The k best sentences for the query, best first; `fusion` overrides
        the retriever's ("score" or "rank")."""
        total = len(self.index.sentences)
        if total == 0 or k <= 0:
            return []
        q = (self.encode(query) if vector is None else vector).astype(np.float32)
        depth = min(max(self.candidates, k), total)

        _, dense_rows = self.index.sentence_vectors.search(q[None, :], depth)
        dense_ranking = [int(r) for r in dense_rows[0] if r >= 0]

        p_depth = min(depth, len(self.index.passages))
        _, passage_hits = self.index.passage_vectors.search(q[None, :], p_depth)
        context_ranking: list[int] = []
        for p_row in passage_hits[0]:
            for row in self.passage_rows[int(p_row)] if p_row >= 0 else []:
                if row not in context_ranking:
                    context_ranking.append(row)

        bm25 = self.index.bm25.scores(query)
        lexical_ranking = [int(r) for r in self.index.bm25.top(bm25, depth)]

        rankings = [dense_ranking, context_ranking, lexical_ranking]
        if (fusion or self.fusion) == "rank":
            fused = reciprocal_rank_fusion(rankings, self.rrf_k)
            best = sorted(fused, key=lambda r: (-fused[r], r))[: min(k, total)]
            return [self.hit(row, fused[row], q, float(bm25[row])) for row in best]
        pool = sorted(set().union(*rankings))
        hits = [self.hit(row, 0.0, q, float(bm25[row])) for row in pool]
        fused_scores = score_fusion(
            [[h.dense for h in hits], [h.context for h in hits], [h.lexical for h in hits]]
        )
        ranked = sorted(zip(fused_scores, hits, strict=True), key=lambda x: (-x[0], x[1].row))
        return [replace(hit, score=float(score)) for score, hit in ranked[: min(k, total)]]

    def hit(self, row: int, fused: float, q: np.ndarray, lexical: float) -> Hit:
        vector = self.index.sentence_vectors.reconstruct(row)
        context = [
            float(self.index.passage_vectors.reconstruct(p) @ q)
            for p in self.passages_of.get(row, [])
        ]
        dense = float(vector @ q)
        before, after = (
            0.0 if near is None else float(self.index.sentence_vectors.reconstruct(near) @ q)
            for near in self.beside[row]
        )
        return Hit(
            row,
            self.index.sentences[row],
            fused,
            dense,
            max(context, default=dense),
            lexical,
            before,
            after,
        )
