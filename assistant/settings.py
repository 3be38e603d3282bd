"""One place for every tunable. Environment variables are read only at the edges
(cli.py, app.py), which pass explicit values here."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    # Folder of .txt/.md articles; every file is one document.
    corpus_dir: Path = Path("corpus")
    # Folder of the persisted index (FAISS file, JSONL tables, manifest).
    index_dir: Path = Path("index")
    # None means the bundled all-MiniLM-L6-v2; otherwise a sentence-transformers
    # model name or path (must be available offline).
    model: str | None = None
    # Sentences per passage window; passages never cross a paragraph.
    passage_sentences: int = 3
    # Candidates taken from each ranking (dense, lexical) before fusion.
    candidates: int = 30
    # Reciprocal rank fusion constant: 60 is the value of Cormack et al. (2009);
    # large enough that one ranking's top item cannot drown the other ranking.
    rrf_k: int = 60
    # Questions longer than this are refused: nobody types a 2,000-character
    # question, and encoding one would be truncated by the model anyway.
    max_question_chars: int = 2000
    # Corpora with more sentences than this get an approximate (HNSW) index:
    # exact search over 100k 384-d vectors already takes several milliseconds
    # on two cores, and its cost grows with every row.
    exact_index_limit: int = 100_000
    # HNSW graph degree and build-time beam: the faiss defaults for text
    # embeddings, a graph of about 256 bytes a vector on top of the vectors.
    hnsw_neighbors: int = 32
    hnsw_ef_construction: int = 80
    # Search beam: wider finds more of the exact top 10 (recall) and costs time.
    hnsw_ef_search: int = 256
