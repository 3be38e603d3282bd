"""Hybrid retrieval at sentence granularity.

Three rankings of sentences are fused by reciprocal rank: the question's cosine
with each sentence, its cosine with the passages (sentence windows) that hold
the sentence, and BM25 on the sentence. Passages give a sentence the benefit of
its neighbours ("He noted..." is found through the sentence naming him);
sentences keep citations exact. k is clamped to the corpus size.

This module does not decide what to answer; see answer.py.
"""

from dataclasses import dataclass

import faiss
import numpy as np

from assistant.chunking import Sentence
from assistant.embedding import Embedder
from assistant.store import Index


@dataclass(frozen=True)
class Hit:
    row: int  # position in Index.sentences
    sentence: Sentence
    score: float  # fused reciprocal-rank score
    dense: float  # cosine of the query with the sentence
    context: float  # best cosine of the query with a passage holding the sentence
    lexical: float  # BM25 score of the sentence


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


class Retriever:
    def __init__(self, index: Index, embedder: Embedder, candidates: int = 30, rrf_k: int = 60):
        self.index = index
        self.embedder = embedder
        self.candidates = candidates
        self.rrf_k = rrf_k
        # One question at a time gains little from faiss's OpenMP threads, and
        # they spin-wait: on two busy cores a single thread answers ~3x sooner.
        faiss.omp_set_num_threads(1)
        # passage row -> sentence rows, to lift passage scores onto sentences
        row_of = {(s.doc_id, s.number): i for i, s in enumerate(index.sentences)}
        self.passage_rows = [
            [row_of[(p.doc_id, n)] for n in range(p.first, p.last + 1)] for p in index.passages
        ]
        self.passages_of: dict[int, list[int]] = {}
        for p_row, rows in enumerate(self.passage_rows):
            for row in rows:
                self.passages_of.setdefault(row, []).append(p_row)

    def encode(self, query: str) -> np.ndarray:
        return self.embedder.encode([query])[0]

    def search(self, query: str, k: int = 10, vector: np.ndarray | None = None) -> list[Hit]:
        """The k best sentences for the query, best first."""
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

        fused = reciprocal_rank_fusion(
            [dense_ranking, context_ranking, lexical_ranking], self.rrf_k
        )
        best = sorted(fused, key=lambda r: (-fused[r], r))[: min(k, total)]
        return [self.hit(row, fused[row], q, float(bm25[row])) for row in best]

    def hit(self, row: int, fused: float, q: np.ndarray, lexical: float) -> Hit:
        vector = self.index.sentence_vectors.reconstruct(row)
        context = [
            float(self.index.passage_vectors.reconstruct(p) @ q)
            for p in self.passages_of.get(row, [])
        ]
        dense = float(vector @ q)
        return Hit(
            row, self.index.sentences[row], fused, dense, max(context, default=dense), lexical
        )
