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
    # Per-machine cache of checked ONNX exports (export_cache.py), so that a
    # fresh build need not import torch and export the model again. None keeps
    # no cache; the CLI and the app pass ASSISTANT_CACHE_DIR, else
    # $XDG_CACHE_HOME/assistant or ~/.cache/assistant.
    cache_dir: Path | None = None
    # Sentences per passage window; passages never cross a paragraph.
    passage_sentences: int = 3
    # Candidates taken from each ranking (dense, lexical) before fusion.
    candidates: int = 30
    # Reciprocal rank fusion constant: 60 is the value of Cormack et al. (2009);
    # large enough that one ranking's top item cannot drown the other ranking.
    rrf_k: int = 60
    # gate.py's probability that the sentence leading an answer answers the
    # question; below it the question is refused. Chosen on training data by
    # `python -m tools.fit_gate`: the highest floor that refuses at most 3% of the
    # answerable SQuAD 2.0 train questions the rules answer.
    answerable_floor: float = 0.27
    # Questions longer than this are refused: nobody types a 2,000-character
    # question, and encoding one would be truncated by the model anyway.
    max_question_chars: int = 2000
    # Corpora with more sentences than this get an approximate index: exact
    # search over 100k 384-d vectors already takes several milliseconds on two
    # cores, and its cost grows with every row.
    exact_index_limit: int = 100_000
    # The approximate index is an inverted file (IVF) of about this many times
    # sqrt(rows) lists, the faiss guideline; 4 gives 4096 lists at 1M rows.
    # An HNSW graph was tried first: at 1M rows it took minutes longer to build
    # and found fewer of the exact top 10 (see vector_index.py).
    ivf_lists_per_root: int = 4
    # Share of the lists searched per question: more finds more of the exact
    # top 10 (recall) and costs time; 1/8 found 97% at 1M synthetic vectors.
    ivf_probe_share: float = 0.125
    # The lists hold 8-bit codes; this many times k candidates are re-ranked
    # with the full vectors, so scores and order are exact.
    ivf_refine_factor: int = 4
