"""Compare the bm25s index with a hand-written one on SQuAD 2.0 sentences.

`python tools/bm25_compare.py [--copies 30]` prints build time, query time
and how many questions rank alike, so the choice of BM25 implementation rests
on a measurement. The hand-written index is the inverted list the project used
before bm25s (kept here only as the reference).
"""

import argparse
import time
from array import array
from pathlib import Path

import numpy as np

from assistant.chunking import split_document
from assistant.corpus import parse_document
from assistant.lexical import BM25, tokenize
from tools.external_data import load_squad, read_json


class HandWritten:
    """Okapi BM25, k1=1.5, b=0.75, as an inverted list in numpy arrays."""

    def __init__(self, texts: list[str], k1: float = 1.5, b: float = 0.75):
        self.k1, self.b, self.vocab = k1, b, {}
        terms, lengths = array("q"), array("q")
        for text in texts:
            tokens = tokenize(text)
            lengths.append(len(tokens))
            terms.extend([self.vocab.setdefault(t, len(self.vocab)) for t in tokens])
        n = max(len(texts), 1)
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), np.frombuffer(lengths, np.int64))
        unique, counts = np.unique(np.frombuffer(terms, np.int64) * n + rows, return_counts=True)
        self.rows = (unique % n).astype(np.int32)
        self.counts = counts.astype(np.float32)
        self.offsets = np.searchsorted(unique // n, np.arange(len(self.vocab) + 1))
        self.lengths = np.frombuffer(lengths, np.int64).astype(np.float32)
        self.average = max(float(self.lengths.mean()), 1e-9)

    def scores(self, query: str) -> np.ndarray:
        result = np.zeros(len(self.lengths), dtype=np.float32)
        for token in set(tokenize(query)):
            term = self.vocab.get(token)
            if term is None:
                continue
            lo, hi = self.offsets[term], self.offsets[term + 1]
            rows, tf = self.rows[lo:hi], self.counts[lo:hi]
            idf = np.log(1 + (len(self.lengths) - (hi - lo) + 0.5) / (hi - lo + 0.5))
            norm = self.k1 * (1 - self.b + self.b * self.lengths[rows] / self.average)
            result[rows] += idf * tf * (self.k1 + 1) / (tf + norm)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data/external/squad2_dev_cs224n.json")
    parser.add_argument("--copies", type=int, default=30, help="repeat the sentences this often")
    args = parser.parse_args()
    corpora = load_squad(read_json(Path(args.data)), 60, 0)
    texts = []
    for corpus in corpora:
        sentences, _ = split_document(parse_document(f"{corpus.name}.txt", corpus.text.encode()))
        texts += [s.text for s in sentences]
    texts *= args.copies
    questions = [t.question for c in corpora for d in c.dialogs for t in d][:300]
    began = time.perf_counter()
    hand = HandWritten(texts)
    hand_build = time.perf_counter() - began
    began = time.perf_counter()
    library = BM25.build(texts)
    library_build = time.perf_counter() - began
    alike, hand_ms, library_ms = 0, [], []
    for question in questions:
        began = time.perf_counter()
        top_hand = BM25.top(hand.scores(question), 30)
        hand_ms.append(1000 * (time.perf_counter() - began))
        began = time.perf_counter()
        top_library = BM25.top(library.scores(question), 30)
        library_ms.append(1000 * (time.perf_counter() - began))
        alike += top_hand.tolist() == top_library.tolist()
    print(f"{len(texts)} sentences, {len(questions)} questions")
    print(f"build (s, with tokenizing): hand-written {hand_build:.2f}, bm25s {library_build:.2f}")
    hand_p50, library_p50 = np.median(hand_ms), np.median(library_ms)
    print(f"question p50 (ms): hand-written {hand_p50:.2f}, bm25s {library_p50:.2f}")
    print(f"same top 30: {alike}/{len(questions)}")


if __name__ == "__main__":
    main()
