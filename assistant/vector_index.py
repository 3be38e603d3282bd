"""Which FAISS index holds a set of vectors, and how it searches.

Up to `Settings.exact_index_limit` rows the index is exact (`IndexFlatIP`,
inner product of unit vectors = cosine). Above it, exact search costs too much
a question (every row is read), so the vectors go into an inverted file:
k-means splits them into lists, a question searches the lists nearest to it,
the lists hold 8-bit codes of the vectors (a quarter of the memory to read),
and the best candidates are re-ranked with the full vectors, so the scores
that come out are exact ("IVF4096,SQ8,RFlat" at a million rows).

On a million synthetic 384-d vectors with the spread of real sentence
embeddings (`assistant bench`), an HNSW graph (M=16, efConstruction=40) took
167 s to build and found 72% of the exact top 10 at efSearch 512; this inverted
file took 41 s and, searching 1/8 of its lists, found 97% in about 4 ms.

This module does not decide what the vectors are; see store.py.
"""

import math

import numpy as np

from assistant.settings import Settings


def approximate_layout(rows: int, settings: Settings) -> tuple[int, int]:
    """(lists, lists searched) of the inverted file for `rows` vectors.

    About 4 x sqrt(rows) lists, the faiss guideline, rounded to a power of two,
    and never more than rows / 39, so that k-means has enough points for each
    list; a fixed share of them is searched.

    >>> approximate_layout(1_000_000, Settings()), approximate_layout(3, Settings())
    ((4096, 512), (1, 1))
    """
    lists = 1 << max(0, round(math.log2(settings.ivf_lists_per_root * math.sqrt(rows))))
    lists = min(lists, 1 << max(0, (rows // 39).bit_length() - 1))
    return lists, max(1, round(lists * settings.ivf_probe_share))


def new_faiss(rows: int, sample: np.ndarray, settings: Settings):
    """An empty index of the kind for `rows` vectors, ready to `add` them.

    Up to `exact_index_limit` rows: exact inner product. Above: an inverted
    file whose lists hold 8-bit codes of the vectors, with the full vectors
    kept to re-rank its candidates exactly (IVF,SQ8,RFlat), trained on
    `sample` (vectors like the ones to come).
    """
    import faiss

    dimension = sample.shape[1]
    if rows <= settings.exact_index_limit:
        return faiss.IndexFlatIP(dimension)
    lists, _ = approximate_layout(rows, settings)
    index = faiss.index_factory(dimension, f"IVF{lists},SQ8,RFlat", faiss.METRIC_INNER_PRODUCT)
    # k-means wants about 39 points a list; more only slows training down.
    rng = np.random.default_rng(0)
    points = sample[rng.permutation(len(sample))[: 39 * lists]]
    index.train(np.ascontiguousarray(points, dtype=np.float32))
    return tune(index, settings)


def tune(index, settings: Settings):
    """Apply the search settings to an approximate index (exact ones have none)."""
    import faiss

    if hasattr(index, "k_factor"):
        ivf = faiss.extract_index_ivf(index)
        ivf.nprobe = max(1, round(ivf.nlist * settings.ivf_probe_share))
        index.k_factor = float(settings.ivf_refine_factor)
    return index


def make_faiss(vectors: np.ndarray, settings: Settings):
    """An index of the right kind holding vectors (row i = vector i)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    index = new_faiss(len(vectors), vectors, settings)
    if len(vectors):
        index.add(vectors)
    return index


def approximate_entry(index) -> dict | None:
    """The manifest's record of an approximate index's layout, or None for an exact one."""
    import faiss

    if not hasattr(index, "k_factor"):
        return None
    ivf = faiss.extract_index_ivf(index)
    return {"lists": int(ivf.nlist), "probe": int(ivf.nprobe), "refine_factor": index.k_factor}


def faiss_kind(index) -> str:
    return type(index).__name__


def all_vectors(index) -> np.ndarray:
    return index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), "f4")
