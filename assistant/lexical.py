"""BM25 over sentences (bm25s), with the tokenizer the answer stage shares.

Tokens are lower-cased word characters, Snowball-stemmed, English stop words
removed; curly apostrophes are read as straight ones, so "Serbia's" and
"Serbia’s" are one word. bm25s keeps the index as sparse numpy arrays and
saves them without pickle.

This module does not fuse rankings; see retrieve.py.
"""

import json
import re
import unicodedata
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


# bm25s writes these into the index folder; the manifest records each with its sha256.
BM25_FILES = {
    "data_name": "bm25.data.npy",
    "indices_name": "bm25.indices.npy",
    "indptr_name": "bm25.indptr.npy",
    "vocab_name": "bm25.vocab.json",
    "params_name": "bm25.params.json",
}


class BM25:
    """Okapi BM25 over our tokens, by bm25s: Lucene's variant with the usual
    k1=1.5, b=0.75 (Robertson and Zaragoza 2009). Its scores are ours divided
    by k1 + 1, so rankings and fused scores (min-max normalised) are unchanged,
    and it scores a question in about 60% of the hand-written index's time
    (`python tools/bm25_compare.py`)."""

    def __init__(self, model, rows: int):
        self.model = model  # None for a corpus without a single token
        self.rows = rows
        # Term -> id of every term in the corpus: the selector weighs and matches
        # each question term by it, so it is made once, not per lookup.
        self.vocab: dict[str, int] = (
            {t: i for t, i in model.vocab_dict.items() if t} if model is not None else {}
        )

    @classmethod
    def build(cls, texts: list[str]) -> "BM25":
        import bm25s

        tokens = [tokenize(text) for text in texts]
        if not any(tokens):
            return cls(None, len(texts))
        # The vocabulary is numbered in sorted order: bm25s numbers a word list
        # in set order, which differs between processes, so two builds of one
        # corpus would write different files.
        vocabulary = {word: i for i, word in enumerate(sorted({w for t in tokens for w in t}))}
        ids = [[vocabulary[w] for w in t] for t in tokens]
        model = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
        model.index((ids, vocabulary), show_progress=False)
        return cls(model, len(texts))

    def __len__(self) -> int:
        return self.rows

    def idf(self, term_id: int) -> float:
        """Lucene's IDF of a term, as bm25s scores it."""
        indptr = self.model.scores["indptr"]
        df = int(indptr[term_id + 1] - indptr[term_id])
        return float(np.log(1 + (self.rows - df + 0.5) / (df + 0.5)))

    def idf_unseen(self) -> float:
        """The IDF a term would have if it were in no row: the rarest possible."""
        return float(np.log(1 + (self.rows + 0.5) / 0.5))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for the query (zeros where no term matches)."""
        terms = [t for t in dict.fromkeys(tokenize(query)) if t in self.vocab]
        if not terms:
            return np.zeros(self.rows, dtype=np.float32)
        return self.model.get_scores(terms).astype(np.float32)

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
        """Write the index files into folder; returns their names."""
        if self.model is None:
            (folder / BM25_FILES["params_name"]).write_text(
                json.dumps({"rows": self.rows, "empty": True}), encoding="utf-8"
            )
            return [BM25_FILES["params_name"]]
        self.model.save(str(folder), show_progress=False, **BM25_FILES)
        return [name for key, name in BM25_FILES.items() if (folder / name).is_file()]

    @classmethod
    def load(cls, folder: Path) -> "BM25":
        import bm25s

        params = json.loads((folder / BM25_FILES["params_name"]).read_text(encoding="utf-8"))
        if params.get("empty"):
            return cls(None, int(params["rows"]))
        model = bm25s.BM25.load(str(folder), show_progress=False, **BM25_FILES)
        return cls(model, int(model.scores["num_docs"]))
