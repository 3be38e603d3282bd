"""The index folder's `manifest.json`: read it, and check every field before it is trusted.

The build writes each field with one type and range; anything else (a hand
edit, another program's file, `"files": null`, an entry that is a number,
`"dimension": 3`) makes the manifest corrupt, and the index is rebuilt with a
message, instead of failing later with an AttributeError in the middle of a
question. `check` answers with the first problem found, in words.

This module does not compare the listed files with their bytes, nor the index
with the corpus and the model; store.py does.
"""

import json
import re
from pathlib import Path

from assistant.errors import IndexStoreError

# 2: passages side by side; 3: clipped words spelt out in BM25; 4: BM25 by bm25s
FORMAT = "assistant-index/4"
# The files every index holds besides the manifest (the ONNX export is recorded apart).
DATA_FILES = frozenset(
    """documents.jsonl sentences.jsonl passages.jsonl sentences.faiss passages.faiss
    bm25.params.json""".split()
)
# bm25s writes its arrays only when the corpus has a word to index.
BM25_ARRAYS = frozenset("bm25.data.npy bm25.indices.npy bm25.indptr.npy bm25.vocab.json".split())
EXPORT_FILES = frozenset({"model.onnx", "tokenizer.json"})
SHA256 = re.compile(r"[0-9a-f]{64}")


def is_count(value, least: int = 0) -> bool:
    """A whole number of at least `least`; JSON's true and false are not numbers here.

    >>> is_count(3), is_count(True), is_count(2.0), is_count(0, least=1)
    (True, False, False, False)
    """
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def is_text(value) -> bool:
    return isinstance(value, str) and bool(value)


def file_problem(name: str, record) -> str:
    """What is wrong with one entry of a `files` table, or ''."""
    if not isinstance(record, dict):
        return f"its entry for {name} is not a table of bytes and sha256"
    if not is_count(record.get("bytes")):
        return f"its size of {name} is not a number of bytes"
    if not isinstance(record.get("sha256"), str) or not SHA256.fullmatch(record["sha256"]):
        return f"its sha256 of {name} is not 64 hexadecimal digits"
    return ""


def files_problem(files, expected: frozenset[str], optional: frozenset[str] = frozenset()) -> str:
    if not isinstance(files, dict):
        return "its list of files is not a table of file names"
    # Also keeps out names such as "../x".
    if not expected <= set(files) <= expected | optional:
        return f"it lists the files {sorted(map(str, files))}, not {sorted(expected)}"
    return next((p for name, record in files.items() if (p := file_problem(name, record))), "")


def approximate_problem(entry) -> str:
    if entry is None:
        return ""
    if not isinstance(entry, dict) or not (
        is_count(entry.get("lists"), 1)
        and is_count(entry.get("probe"), 1)
        and is_number(entry.get("refine_factor"))
    ):
        return "its record of the approximate index is not lists, probe and refine_factor"
    return ""


def export_problem(entry, dimension: int) -> str:
    """What is wrong with the record of the ONNX export, or '' (None: there is none)."""
    if entry is None:
        return ""
    if not isinstance(entry, dict):
        return "its record of the ONNX export is not a table"
    if not is_text(entry.get("model_sha256")):
        return "its ONNX export names no model"
    if entry.get("dimension") != dimension:
        return f"its ONNX export gives {entry.get('dimension')!r} dimensions, not {dimension}"
    agreement = entry.get("agreement")
    if not isinstance(agreement, dict) or not is_number(agreement.get("lowest_cosine")):
        return "its ONNX export has no record of its check"
    return files_problem(entry.get("files"), EXPORT_FILES)


# Every field the build writes, and the test its value must pass.
FIELDS = {
    "model": is_text,
    "model_sha256": is_text,
    "dimension": lambda v: is_count(v, 1),
    "corpus_sha256": lambda v: isinstance(v, str) and bool(SHA256.fullmatch(v)),
    "documents": lambda v: is_count(v, 1),
    "sentences": is_count,
    "passages": is_count,
    "passage_sentences": lambda v: is_count(v, 1),
    "encoded_with": is_text,
    "index_type": is_text,
    "passage_index_type": is_text,
    "exact_index_limit": is_count,
    "built_seconds": is_number,
}


def check(manifest) -> str:
    """The first thing wrong with a manifest's fields, or '' when every one is as built.

    >>> check({"format": "assistant-index/4", "files": None})[:40]
    "its field 'model' is missing"
    """
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return f"it is not a {FORMAT} manifest"
    for field, valid in FIELDS.items():
        if field not in manifest:
            return f"its field {field!r} is missing"
        if not valid(manifest[field]):
            return f"its field {field!r} has the value {manifest[field]!r}"
    return (
        files_problem(manifest.get("files"), DATA_FILES, BM25_ARRAYS)
        or approximate_problem(manifest.get("approximate", "absent"))
        or approximate_problem(manifest.get("passage_approximate", "absent"))
        or export_problem(manifest.get("onnx", "absent"), manifest["dimension"])
    )


def read_manifest(folder: Path) -> dict:
    """The checked manifest of the index in folder, or IndexStoreError saying why not."""
    path = folder / "manifest.json"
    if not path.is_file():
        raise IndexStoreError(f"no index in {folder}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise IndexStoreError(f"{path} is corrupt") from None
    built_as = manifest.get("format") if isinstance(manifest, dict) else None
    if isinstance(built_as, str) and built_as != FORMAT:  # an older build: stale, not damaged
        raise IndexStoreError(f"{path} is a {built_as} manifest, not {FORMAT}")
    problem = check(manifest)
    if problem:
        raise IndexStoreError(f"{path} is corrupt: {problem}")
    return manifest
