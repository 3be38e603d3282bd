"""BM25 over sentences, with the tokenizer the answer stage shares.

Tokens are lower-cased word characters, Snowball-stemmed, English stop words
removed; curly apostrophes are read as straight ones, so "Serbia's" and
"Serbia’s" are one word. The index is a plain inverted list in numpy arrays
(postings sorted by term), saved without pickle.

This module does not fuse rankings; see retrieve.py.
"""

import json
import re
import unicodedata
from array import array
from functools import lru_cache
from pathlib import Path

import numpy as np

WORD = re.compile(r"\w+(?:['’]\w+)*")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves also s t""".split()  # noqa: SIM905
)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def fold(text: str) -> str:
    """Lower case, straight apostrophes, accents kept (Vučić stays Vučić)."""
    return unicodedata.normalize("NFC", text).replace("’", "'").lower()


# Clipped words people type for the full ones an article prints ("docs signed?"),
# and Latin plurals the stemmer leaves apart from their singular ("memoranda").
# Written in capitals they are acronyms ("Rewe AG"), so only lower case is read.
CLIPPED = {
    "memoranda": "memorandums", "criteria": "criterions", "phenomena": "phenomenons",
    "curricula": "curriculums", "moratoria": "moratoriums", "referenda": "referendums",
    "symposia": "symposiums", "addenda": "addendums",
    "doc": "document", "docs": "documents", "memo": "memorandum", "memos": "memorandums",
    "govt": "government", "govts": "governments", "intl": "international",
    "info": "information", "dept": "department", "depts": "departments", "natl": "national",
    "admin": "administration", "stats": "statistics", "econ": "economic", "edu": "education",
    "coop": "cooperation", "telecom": "telecommunications", "telecoms": "telecommunications",
    "agri": "agriculture", "mgmt": "management", "approx": "approximately", "tech": "technology",
}  # fmt: skip


def words(text: str) -> list[str]:
    """Folded words, possessive 's dropped, clipped words spelt out.

    >>> words("Serbia’s Ministry of Labor")
    ['serbia', 'ministry', 'of', 'labor']
    >>> words("memos signed, EDU")
    ['memorandums', 'signed', 'edu']
    """
    found = []
    for token in WORD.findall(unicodedata.normalize("NFC", text)):
        word = fold(token).removesuffix("'s")
        found.append(word if token.isupper() else CLIPPED.get(word, word))
    return found


def tokenize(text: str) -> list[str]:
    """Stemmed content words.

    >>> tokenize("The leaders discussed flights between the capitals")
    ['leader', 'discuss', 'flight', 'capit']
    """
    return [stem(w) for w in words(text) if w not in STOPWORDS]


class BM25:
    """Okapi BM25 with the usual k1=1.5, b=0.75 (Robertson and Zaragoza 2009)."""

    def __init__(self, k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        self.offsets = np.zeros(1, dtype=np.int64)  # postings of term t: offsets[t]:offsets[t+1]
        self.rows = np.zeros(0, dtype=np.int32)
        self.counts = np.zeros(0, dtype=np.float32)
        self.lengths = np.zeros(0, dtype=np.float32)
        self._average: float | None = None

    @classmethod
    def build(cls, texts: list[str]) -> "BM25":
        index = cls()
        vocab = index.vocab
        terms = array("q")  # term id of every token, row after row
        lengths = array("q")  # tokens per row
        for text in texts:
            tokens = tokenize(text)
            lengths.append(len(tokens))
            terms.extend([vocab.setdefault(token, len(vocab)) for token in tokens])
        n = max(len(texts), 1)
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), np.frombuffer(lengths, np.int64))
        # One posting per (term, row) pair, with its count.
        unique, counts = np.unique(np.frombuffer(terms, np.int64) * n + rows, return_counts=True)
        del rows
        index.rows = (unique % n).astype(np.int32)
        index.counts = counts.astype(np.float32)
        index.offsets = np.searchsorted(unique // n, np.arange(len(vocab) + 1)).astype(np.int64)
        index.lengths = np.frombuffer(lengths, np.int64).astype(np.float32)
        return index

    def __len__(self) -> int:
        return len(self.lengths)

    @property
    def average_length(self) -> float:
        # Computed once: at a million rows the mean alone costs a millisecond a query.
        if self._average is None:
            self._average = max(float(self.lengths.mean()), 1e-9) if len(self) else 1e-9
        return self._average

    def idf(self, term_id: int) -> float:
        df = self.offsets[term_id + 1] - self.offsets[term_id]
        return float(np.log(1 + (len(self) - df + 0.5) / (df + 0.5)))

    def idf_unseen(self) -> float:
        """The IDF a term would have if it were in no row: the rarest possible."""
        return float(np.log(1 + (len(self) + 0.5) / 0.5))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for the query (zeros where no term matches)."""
        result = np.zeros(len(self), dtype=np.float32)
        if not len(self):
            return result
        average = self.average_length
        for token in set(tokenize(query)):
            term = self.vocab.get(token)
            if term is None:
                continue
            lo, hi = self.offsets[term], self.offsets[term + 1]
            rows, tf = self.rows[lo:hi], self.counts[lo:hi]
            norm = self.k1 * (1 - self.b + self.b * self.lengths[rows] / average)
            result[rows] += self.idf(term) * tf * (self.k1 + 1) / (tf + norm)
        return result

    @staticmethod
    def top(scores: np.ndarray, k: int) -> np.ndarray:
        """Rows of the k highest positive scores, best first, ties by row.

        Same order as a stable sort of the whole array, without sorting it:
        only the rows that match at all are ranked.

        >>> BM25.top(np.array([0.0, 2.0, 1.0, 2.0], dtype=np.float32), 2).tolist()
        [1, 3]
        """
        rows = np.flatnonzero(scores > 0)
        if len(rows) > k > 0:
            kth = np.partition(scores[rows], len(rows) - k)[len(rows) - k]
            rows = rows[scores[rows] >= kth]
        order = np.lexsort((rows, -scores[rows]))
        return rows[order][: max(k, 0)]

    def save(self, folder: Path) -> list[str]:
        """Write bm25.npz and bm25_vocab.json into folder; returns the file names."""
        with (folder / "bm25.npz").open("wb") as handle:
            np.savez(
                handle,
                offsets=self.offsets,
                rows=self.rows,
                counts=self.counts,
                lengths=self.lengths,
                params=np.asarray([self.k1, self.b]),
            )
        (folder / "bm25_vocab.json").write_text(json.dumps(self.vocab), encoding="utf-8")
        return ["bm25.npz", "bm25_vocab.json"]

    @classmethod
    def load(cls, folder: Path) -> "BM25":
        with np.load(folder / "bm25.npz", allow_pickle=False) as data:
            k1, b = (float(x) for x in data["params"])
            index = cls(k1, b)
            index.offsets, index.rows = data["offsets"], data["rows"]
            index.counts, index.lengths = data["counts"], data["lengths"]
        index.vocab = json.loads((folder / "bm25_vocab.json").read_text(encoding="utf-8"))
        return index
