"""One place for every tunable. Environment variables are read only at the edges
(cli.py, app.py), which pass explicit values here."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Thresholds:
    """The answer stage's margins, floors and windows.

    Every one was set by hand when the rule that uses it was written (the commit
    named beside it), not fitted; the ranking weights they are measured against
    are fitted (rank.py). Margins are in the units of the relevance they compare:
    rank.py's score for facts, cosine plus coverage for lists. `python -m
    tools.ablate` measures what the rules behind them earn.
    """

    # Sentences retrieved as candidates for a list answer, and for any other (f8ee7cd).
    list_depth: int = 24
    fact_depth: int = 12
    # Below this cosine all-MiniLM-L6-v2 pairs are unrelated text: a word this far
    # from every hit matches none of them (f8ee7cd). Whether a question is about
    # the text at all is topic.py's fitted model, with its floor beside its weights.
    similarity_floor: float = 0.15
    # A word-to-sentence cosine this high counts as a full match of a word the
    # corpus never uses (4ace7a2).
    soft_scale: float = 0.25
    # A word-to-sentence cosine that means the sentence speaks of the word, for the
    # thing a "how many" counts (85d5e7d).
    mention_floor: float = 0.3
    # A runner-up this close to the best fact is cited too: too close to call (85d5e7d).
    too_close: float = 0.1
    # A second sentence matching the same words joins a fact this close to the
    # best; a list without a clear break keeps only this much (f8ee7cd).
    fact_margin: float = 0.06
    # A widest drop smaller than this is noise, not the edge of a list (4ace7a2).
    clear_drop: float = 0.05
    # List members are looked for this far below the best (4a7d83f).
    list_span: float = 0.3
    # A continuation in the next paragraph joins a list unless this far below (4a7d83f).
    chain_margin: float = 0.5
    # Sentences back to look for the announcement of a list a sentence is in (7270a9b).
    list_reach: int = 12
    # List and topic questions are ranked by cosine plus these shares of the
    # question's words matched, and in the same order (38db942).
    plain_coverage: float = 0.35
    plain_phrase: float = 0.3
    # A list question prefers sentences that enumerate (4a7d83f).
    list_bonus: float = 0.1
    # Larger than any gap the features make: for "What did X say?" the sentences
    # where X acts come first (4a7d83f).
    subject_bonus: float = 1.0
    # Sentences at most in the answer to "What was said about X?" (dfc21a9).
    about_most: int = 4
    # A reporting verb this many words in still follows the sentence's subject (e0bd3c2).
    subject_words: int = 16
    # How far below the best a sentence may lead instead when it has the name
    # the best lacks, and when it has the kind of fact asked for (85d5e7d, 4a7d83f).
    name_margin: float = 0.05
    type_margin: float = 0.25


DEFAULT_THRESHOLDS = Thresholds()


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
    # The answer stage's margins and floors (above).
    thresholds: Thresholds = DEFAULT_THRESHOLDS
