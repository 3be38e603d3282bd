"""Build, save and load the index folder.

`index/` holds plain files: `manifest.json` (format version, model, model hash,
dimension, corpus hash, counts, index type, and the size and sha256 of every
other file), `documents.jsonl`, `sentences.jsonl`, `passages.jsonl`,
`sentences.faiss`, `passages.faiss`, the BM25 arrays, and the ONNX export of
the model for the fast query path (`model.onnx`, `tokenizer.json`; recorded
apart, since a damaged export only slows questions down, see onnx_embedding.py).
The FAISS index is exact (`IndexFlatIP`) up to `Settings.exact_index_limit`
rows and an inverted file above it (vector_index.py); the manifest says which.
Loading checks every field of the manifest (manifest.py), then the manifest
against the corpus and the model; a stale, corrupt or half-written index is
rebuilt, never used. A build holds the folder's lock, and files are written
under temporary names and renamed, the manifest last (staging.py), so an
interrupted build leaves either the old index or one whose hashes do not match
(and is therefore rebuilt), and two builds never write the folder at once.

The texts are encoded by the verified ONNX export when the model has one.
Rebuilding reuses the vectors of every sentence and passage whose text is
unchanged, so editing or adding one article embeds only that article, and
keeps a sound ONNX export instead of exporting again (then torch is not even
imported). A fresh build takes the export from the per-machine cache in
`Settings.cache_dir` when it holds one for this model, also without torch.
"""

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.chunking import Passage, Sentence, split_document
from assistant.corpus import Document, corpus_hash, read_corpus
from assistant.embedding import Embedder, file_sha256
from assistant.errors import IndexStoreError
from assistant.lexical import BM25
from assistant.manifest import FORMAT, read_manifest
from assistant.settings import Settings
from assistant.staging import building, temporary, unwritable, write_atomic
from assistant.vector_index import all_vectors, approximate_entry, faiss_kind, make_faiss, tune

Progress = Callable[[str], None]


def quiet(_message: str) -> None:
    pass


@dataclass
class Index:
    """Everything retrieval needs, loaded in memory."""

    manifest: dict
    documents: list[Document]
    sentences: list[Sentence]
    passages: list[Passage]
    sentence_vectors: object  # faiss.Index over sentences, row i = sentences[i]
    passage_vectors: object  # faiss.Index over passages
    bm25: BM25

    def document(self, doc_id: str) -> Document:
        return next(d for d in self.documents if d.id == doc_id)


def embed_reusing(
    texts: list[str],
    embedder: Embedder,
    known: dict[str, np.ndarray],
    progress: Progress,
    label: str,
    batch: int = 512,
) -> np.ndarray:
    """Vectors for texts, taking unchanged texts from `known` and embedding the rest.

    Each distinct new text is embedded once, in batches of similar length so
    that little time goes into padding.
    """
    missing = sorted({t for t in texts if t not in known}, key=lambda t: (len(t), t))
    fresh: dict[str, np.ndarray] = {}
    for i in range(0, len(missing), batch):
        chunk = missing[i : i + batch]
        fresh.update(zip(chunk, embedder.encode(chunk), strict=True))
        progress(f"embedded {min(i + batch, len(missing))}/{len(missing)} new {label}")
    if not missing:
        progress(f"all {len(texts)} {label} reused from the previous index")
    rows = [fresh[t] if t in fresh else known[t] for t in texts]
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)


def write_jsonl(rows: list, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")


def read_jsonl(path: Path, kind: type) -> list:
    with path.open(encoding="utf-8") as handle:
        return [kind(**json.loads(line)) for line in handle if line.strip()]


def previous_index(settings: Settings, embedder: Embedder) -> tuple[dict[str, np.ndarray], dict]:
    """(text -> vector, manifest) of the old index, when it was built with the same model."""
    try:
        old = load_index(settings, embedder, check_corpus=False)
    except IndexStoreError:
        return {}, {}
    known = dict(
        zip([s.text for s in old.sentences], all_vectors(old.sentence_vectors), strict=True)
    )
    known.update(zip([p.text for p in old.passages], all_vectors(old.passage_vectors), strict=True))
    return known, old.manifest


def fast_model(
    folder: Path,
    embedder: Embedder,
    old_manifest: dict,
    texts: list[str],
    progress: Progress,
    cache: Path | None = None,
):
    """The manifest entry of the ONNX export that encodes the corpus and the questions, or None.

    A sound export from the previous build is kept; otherwise a checked export
    of the same model is taken from the cache folder (export_cache.py) once
    its vectors on the probe texts are checked (export_check.py), and only
    when there is none is the model exported again, checked on a sample of
    `texts` and kept in the cache. Embedders without an export (the test
    fake) get None.
    """
    from assistant.export_cache import key_parts, store_export, take_export
    from assistant.export_check import probe_problem
    from assistant.onnx_embedding import export_onnx, fast_path_problem

    if not hasattr(embedder, "export_onnx"):
        return None
    if old_manifest and not fast_path_problem(folder, old_manifest, embedder):
        return old_manifest["onnx"]
    parts = key_parts(embedder) if cache is not None else None
    if parts is not None:
        entry = take_export(cache, parts, folder, progress)
        if entry is not None:
            problem = probe_problem(folder, entry, embedder)
            if not problem:
                return entry
            for name in entry["files"]:
                (folder / name).unlink(missing_ok=True)
            progress(f"the ONNX export taken from the cache {problem}; exporting again")
    progress("exporting the model to ONNX")
    entry = export_onnx(embedder, folder, texts)
    if entry is None:
        progress("this model cannot be exported to ONNX; sentence-transformers will encode")
    elif parts is not None:
        store_export(cache, parts, folder, entry, progress)
    return entry


def build_index(settings: Settings, embedder: Embedder, progress: Progress = quiet) -> Index:
    """Split and embed the corpus, write the index folder, return it loaded.

    Sentences and passages are encoded by the model's verified ONNX export
    when there is one (about twice as fast as sentence-transformers on two
    cores), else by embedder. The folder's lock is held throughout.
    """
    with building(settings.index_dir, progress):
        return build_locked(settings, embedder, progress)


def save_bm25(folder: Path, bm25: BM25) -> list[str]:
    """Write the BM25 arrays into a temporary folder, then move each into place."""
    staging = temporary(folder, "bm25")
    try:
        staging.mkdir(exist_ok=True)
        names = bm25.save(staging)
        for name in names:
            os.replace(staging / name, folder / name)
        staging.rmdir()
    except OSError as problem:
        raise unwritable(folder, problem) from None
    return names


def build_locked(settings: Settings, embedder: Embedder, progress: Progress) -> Index:
    import faiss

    from assistant.onnx_embedding import corpus_embedder

    began = time.perf_counter()
    documents, digest = read_corpus(settings.corpus_dir)
    sentences: list[Sentence] = []
    passages: list[Passage] = []
    for document in documents:
        s, p = split_document(document, settings.passage_sentences)
        sentences += s
        passages += p
    progress(f"{len(documents)} documents, {len(sentences)} sentences, {len(passages)} passages")
    known, old_manifest = previous_index(settings, embedder)
    texts = [s.text for s in sentences] + [p.text for p in passages]
    folder = settings.index_dir
    new_texts = [t for t in texts if t not in known]
    onnx = fast_model(folder, embedder, old_manifest, new_texts, progress, settings.cache_dir)
    encoder = corpus_embedder(folder, onnx, embedder)
    matrix = embed_reusing(texts, encoder, known, progress, "sentences and passages")
    sentence_matrix, passage_matrix = matrix[: len(sentences)], matrix[len(sentences) :]
    sentence_index = make_faiss(sentence_matrix, settings)
    passage_index = make_faiss(passage_matrix, settings)
    bm25 = BM25.build([s.text for s in sentences])

    write_atomic(folder, "documents.jsonl", lambda p: write_jsonl(documents, p))
    write_atomic(folder, "sentences.jsonl", lambda p: write_jsonl(sentences, p))
    write_atomic(folder, "passages.jsonl", lambda p: write_jsonl(passages, p))
    write_atomic(folder, "sentences.faiss", lambda p: faiss.write_index(sentence_index, str(p)))
    write_atomic(folder, "passages.faiss", lambda p: faiss.write_index(passage_index, str(p)))
    bm25_files = save_bm25(folder, bm25)
    files = ["documents.jsonl", "sentences.jsonl", "passages.jsonl", "sentences.faiss"]
    files += ["passages.faiss", *bm25_files]
    manifest = {
        "format": FORMAT,
        "model": embedder.name,
        "model_sha256": embedder.fingerprint,
        "dimension": int(sentence_matrix.shape[1]),
        "corpus_sha256": digest,
        "documents": len(documents),
        "sentences": len(sentences),
        "passages": len(passages),
        "passage_sentences": settings.passage_sentences,
        "encoded_with": type(encoder).__name__,
        "index_type": faiss_kind(sentence_index),
        "passage_index_type": faiss_kind(passage_index),
        "exact_index_limit": settings.exact_index_limit,
        "approximate": approximate_entry(sentence_index),
        "passage_approximate": approximate_entry(passage_index),
        "onnx": onnx,
        "built_seconds": round(time.perf_counter() - began, 3),
        "files": {
            name: {"bytes": (folder / name).stat().st_size, "sha256": file_sha256(folder / name)}
            for name in files
        },
    }
    write_atomic(
        folder, "manifest.json", lambda p: p.write_text(json.dumps(manifest, indent=2) + "\n")
    )
    return Index(manifest, documents, sentences, passages, sentence_index, passage_index, bm25)


def stale_reason(manifest: dict, settings: Settings, embedder: Embedder, check_corpus: bool) -> str:
    """Why an index cannot serve this corpus and model, or '' when it can."""
    if manifest.get("model_sha256") != embedder.fingerprint:
        return f"it was built with model {manifest.get('model')!r}, not {embedder.name!r}"
    if manifest.get("passage_sentences") != settings.passage_sentences:
        return "it was built with another passage size"
    if check_corpus and manifest.get("corpus_sha256") != corpus_hash(settings.corpus_dir):
        return f"the corpus in {settings.corpus_dir} changed since it was built"
    return ""


def verify_files(folder: Path, manifest: dict) -> None:
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != expected["bytes"]:
            raise IndexStoreError(f"{path} is missing or truncated")
        if file_sha256(path) != expected["sha256"]:
            raise IndexStoreError(f"{path} does not match its manifest (corrupt or half-written)")


def load_index(settings: Settings, embedder: Embedder, check_corpus: bool = True) -> Index:
    """The index in settings.index_dir, or IndexStoreError saying why it cannot be used."""
    import faiss

    folder = settings.index_dir
    manifest = read_manifest(folder)
    reason = stale_reason(manifest, settings, embedder, check_corpus)
    if reason:
        raise IndexStoreError(f"the index in {folder} is stale: {reason}")
    verify_files(folder, manifest)
    try:
        index = Index(
            manifest,
            read_jsonl(folder / "documents.jsonl", Document),
            read_jsonl(folder / "sentences.jsonl", Sentence),
            read_jsonl(folder / "passages.jsonl", Passage),
            faiss.read_index(str(folder / "sentences.faiss")),
            faiss.read_index(str(folder / "passages.faiss")),
            BM25.load(folder),
        )
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:
        raise IndexStoreError(f"the index in {folder} cannot be read ({exc})") from None
    for vectors in (index.sentence_vectors, index.passage_vectors):
        tune(vectors, settings)
    problem = inconsistency(index)
    if problem:
        raise IndexStoreError(f"the index in {folder} is corrupt: {problem}")
    return index


def inconsistency(index: Index) -> str:
    """What in the loaded files disagrees with the manifest or with each other, or ''."""
    manifest = index.manifest
    counts = {
        "documents": len(index.documents),
        "sentences": len(index.sentences),
        "passages": len(index.passages),
    }
    for name, count in counts.items():
        if manifest[name] != count:
            return f"the manifest counts {manifest[name]} {name}, the files hold {count}"
    sentences, passages = index.sentence_vectors, index.passage_vectors
    if sentences.ntotal != len(index.sentences) or passages.ntotal != len(index.passages):
        return "the vector files do not hold one row per sentence and passage"
    if len(index.bm25) != len(index.sentences):
        return "the BM25 arrays do not hold one row per sentence"
    if not manifest["dimension"] == sentences.d == passages.d:
        return (
            f"the manifest says {manifest['dimension']} dimensions, "
            f"the vectors have {sentences.d} and {passages.d}"
        )
    return ""


def open_index(settings: Settings, embedder: Embedder, progress: Progress = quiet) -> Index:
    """Load the index, rebuilding it (with a message saying why) when it cannot be used.

    A build already running elsewhere is waited for, and its index used.
    """
    try:
        return load_index(settings, embedder)
    except IndexStoreError as problem:
        reason = problem
    with building(settings.index_dir, progress):
        try:
            return load_index(settings, embedder)
        except IndexStoreError:
            progress(f"{reason}; building it")
            return build_locked(settings, embedder, progress)
