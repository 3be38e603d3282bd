"""Check an ONNX export taken from the per-machine cache by its vectors, not only its hash.

A cache entry's record (export_cache.py) holds the sha256 of its files, but
whatever can write the cache can write a record to match: a poisoned or
mistaken export would then encode the corpus and every question. So before a
build uses an export from the cache, it encodes onnx_embedding.PROBES with it
and compares the vectors with a reference the cache cannot alter. For the
bundled model that is `reference_probes.json`, shipped with the code and
written by sentence-transformers (`python -m assistant.export_check`), so the
check needs no torch; for any other model it is sentence-transformers itself.

This module does not make or keep exports; onnx_embedding.py and export_cache.py do.
"""

import json
from pathlib import Path

import numpy as np

from assistant.embedding import Embedder
from assistant.onnx_embedding import AGREEMENT, PROBES, exported

REFERENCE_FILE = Path(__file__).with_name("reference_probes.json")


def shipped_reference(fingerprint: str, path: Path = REFERENCE_FILE) -> np.ndarray | None:
    """The shipped vectors of PROBES for the model with this fingerprint, or None."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["model_sha256"] != fingerprint or record["probes"] != PROBES:
            return None
        return np.asarray(record["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def probe_problem(folder: Path, entry: dict, embedder: Embedder) -> str:
    """Why the export in folder does not encode PROBES as embedder's model does, or ''."""
    reference = shipped_reference(embedder.fingerprint)
    if reference is None:
        reference = embedder.encode(PROBES)
    try:
        vectors = exported(folder, embedder, int(entry["dimension"])).encode(PROBES)
    except Exception as problem:  # onnxruntime and tokenizers raise many kinds for a bad file
        return f"cannot be run ({type(problem).__name__})"
    if vectors.shape != reference.shape:
        return f"gives vectors of shape {vectors.shape}, not {reference.shape}"
    lowest = float(np.min(np.sum(vectors * reference, axis=1)))
    if not lowest >= AGREEMENT:  # also false for NaN
        return f"does not encode as the model does (cosine {lowest:.4f} on a probe text)"
    return ""


def write_reference(path: Path = REFERENCE_FILE) -> None:
    """Encode PROBES with the bundled model through sentence-transformers and ship them."""
    from assistant.embedding import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    vectors = embedder.encode(PROBES)
    record = {
        "model_sha256": embedder.fingerprint,
        "probes": PROBES,
        "vectors": [[round(float(x), 7) for x in row] for row in vectors],
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_reference()
