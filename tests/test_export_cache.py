"""The per-machine cache of checked ONNX exports.

The first tests use small stand-in files and need no model; the last ones
build real indexes with the real model (offline).
"""

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant import export_cache
from assistant.embedding import file_sha256
from assistant.export_cache import (
    default_cache_dir,
    export_key,
    key_parts,
    store_export,
    take_export,
)
from assistant.onnx_embedding import ONNX_FILE, TOKENIZER_FILE
from assistant.settings import Settings
from assistant.store import build_index
from tests.conftest import SHIPPED_CORPUS, run_python

PARTS = {"export_version": 1, "model_sha256": "a" * 64, "model_files": {}, "libraries": {}}


def stand_in_export(folder: Path) -> dict:
    """Two small files where an export would be, and the manifest entry describing them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ONNX_FILE).write_bytes(bytes(range(256)) * 40)
    (folder / TOKENIZER_FILE).write_text('{"model": "stand-in"}', encoding="utf-8")
    files = {
        name: {"bytes": (folder / name).stat().st_size, "sha256": file_sha256(folder / name)}
        for name in (ONNX_FILE, TOKENIZER_FILE)
    }
    agreement = {"texts": 37, "lowest_cosine": 1.0}
    return {"model_sha256": "a" * 64, "dimension": 4, "agreement": agreement, "files": files}


@pytest.fixture
def stored(tmp_path) -> tuple[Path, dict]:
    """(cache folder, entry) after keeping a stand-in export in a new cache."""
    entry = stand_in_export(tmp_path / "made")
    cache = tmp_path / "cache"
    messages: list[str] = []
    store_export(cache, PARTS, tmp_path / "made", entry, messages.append)
    assert messages and "kept the ONNX export" in messages[0]
    return cache, entry


def test_cache_folder_is_the_variable_then_xdg_cache_home_then_home():
    assert default_cache_dir({"ASSISTANT_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}) == Path("/c")
    assert default_cache_dir({"XDG_CACHE_HOME": "/x", "HOME": "/h"}) == Path("/x/assistant")
    assert default_cache_dir({"HOME": "/h"}) == Path("/h/.cache/assistant")
    assert default_cache_dir({"ASSISTANT_CACHE_DIR": "", "HOME": "/h"}) == Path(
        "/h/.cache/assistant"
    )


def test_a_kept_export_is_taken_with_the_same_entry_and_bytes(stored, tmp_path):
    cache, entry = stored
    target = tmp_path / "index"
    target.mkdir()
    messages: list[str] = []
    assert take_export(cache, PARTS, target, messages.append) == entry
    for name in (ONNX_FILE, TOKENIZER_FILE):
        assert (target / name).read_bytes() == (tmp_path / "made" / name).read_bytes()
    assert "took the checked ONNX export from the cache" in messages[0]
    assert sorted(p.name for p in target.iterdir()) == [ONNX_FILE, TOKENIZER_FILE]


def test_an_export_made_from_anything_else_is_not_taken(stored, tmp_path):
    cache, _ = stored
    other = {**PARTS, "export_version": 2}
    assert take_export(cache, other, tmp_path, print) is None
    assert not (tmp_path / ONNX_FILE).exists()


@pytest.mark.parametrize(
    "damage", ["garbled", "truncated", "missing", "record cut short", "record of no agreement"]
)
def test_a_damaged_cache_entry_is_detected_and_not_used(stored, tmp_path, damage):
    cache, _ = stored
    entry_folder = cache / "onnx" / export_key(PARTS)
    onnx = entry_folder / ONNX_FILE
    if damage == "garbled":
        data = bytearray(onnx.read_bytes())
        data[len(data) // 2] ^= 0xFF
        onnx.write_bytes(bytes(data))
    elif damage == "truncated":
        onnx.write_bytes(onnx.read_bytes()[:100])
    elif damage == "missing":
        onnx.unlink()
    elif damage == "record cut short":
        record = entry_folder / "entry.json"
        record.write_text(record.read_text()[:80])
    else:
        record = json.loads((entry_folder / "entry.json").read_text())
        record["entry"]["agreement"]["lowest_cosine"] = 0.9
        (entry_folder / "entry.json").write_text(json.dumps(record))
    target = tmp_path / "index"
    target.mkdir()
    messages: list[str] = []
    assert take_export(cache, PARTS, target, messages.append) is None
    assert "cannot be used" in messages[0]
    assert list(target.iterdir()) == []  # neither the export nor a temporary copy


def test_a_half_written_entry_is_never_read(tmp_path):
    """An entry is written under a temporary name; until the rename, no build sees it."""
    stand_in_export(tmp_path / "cache" / "onnx" / ".tmp-1234")
    assert take_export(tmp_path / "cache", PARTS, tmp_path, print) is None


def test_keeping_an_export_again_replaces_a_damaged_entry(stored, tmp_path):
    cache, entry = stored
    (cache / "onnx" / export_key(PARTS) / ONNX_FILE).write_bytes(b"damaged")
    store_export(cache, PARTS, tmp_path / "made", entry, print)
    target = tmp_path / "index"
    target.mkdir()
    assert take_export(cache, PARTS, target, print) == entry
    assert [p.name for p in (cache / "onnx").iterdir()] == [export_key(PARTS)]


def test_a_cache_folder_that_cannot_be_written_costs_a_message_not_the_build(tmp_path):
    entry = stand_in_export(tmp_path / "made")
    (tmp_path / "a-file").write_text("not a folder")
    messages: list[str] = []
    store_export(tmp_path / "a-file" / "cache", PARTS, tmp_path / "made", entry, messages.append)
    assert "cannot keep the ONNX export" in messages[0] and "ASSISTANT_CACHE_DIR" in messages[0]


def model_folder(folder: Path, max_seq_length: int) -> SimpleNamespace:
    folder.mkdir(exist_ok=True)
    (folder / "model.safetensors").write_bytes(b"weights")
    config = {"max_seq_length": max_seq_length, "do_lower_case": False}
    (folder / "sentence_bert_config.json").write_text(json.dumps(config))
    return SimpleNamespace(
        name="m", folder=folder, fingerprint=file_sha256(folder / "model.safetensors")
    )


def test_the_key_changes_with_the_model_configuration_and_the_export_version(tmp_path, monkeypatch):
    first = export_key(key_parts(model_folder(tmp_path / "m", 256)))
    assert export_key(key_parts(model_folder(tmp_path / "m", 256))) == first
    assert export_key(key_parts(model_folder(tmp_path / "m", 128))) != first
    monkeypatch.setattr(export_cache, "EXPORT_VERSION", 2)
    assert export_key(key_parts(model_folder(tmp_path / "m", 256))) != first


def test_a_model_known_only_by_name_is_not_cached():
    assert key_parts(SimpleNamespace(name="x/y", folder=None, fingerprint="name:x/y")) is None


# The real model from here on.


@pytest.fixture(scope="module")
def first_build(tmp_path_factory, reference) -> Settings:
    """A fresh build with an empty cache: it exports the model and keeps the export."""
    folder = tmp_path_factory.mktemp("first")
    shutil.copytree(SHIPPED_CORPUS, folder / "corpus")
    settings = Settings(
        corpus_dir=folder / "corpus", index_dir=folder / "index", cache_dir=folder / "cache"
    )
    messages: list[str] = []
    build_index(settings, reference, messages.append)
    assert "exporting the model to ONNX" in messages
    assert any("kept the ONNX export" in m for m in messages)
    return settings


def manifest_of(folder: Path) -> dict:
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["built_seconds"]
    return manifest


@pytest.mark.integration
def test_a_second_fresh_build_takes_the_export_from_the_cache_without_torch(first_build, tmp_path):
    index = tmp_path / "index"
    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        f"code = main(['index', '--corpus', {str(first_build.corpus_dir)!r},"
        f" '--index', {str(index)!r}])\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy, code)\n"
    )
    done = run_python(code, {"ASSISTANT_CACHE_DIR": str(first_build.cache_dir)})
    assert "HEAVY [] 0" in done.stdout, done.stderr
    assert "took the checked ONNX export from the cache" in done.stderr
    # The export beside the index and the manifest are those of a build that exported.
    assert manifest_of(index) == manifest_of(first_build.index_dir)
    for name in (ONNX_FILE, TOKENIZER_FILE):
        assert file_sha256(index / name) == file_sha256(first_build.index_dir / name)


@pytest.mark.integration
def test_a_build_with_a_damaged_cache_entry_exports_again_and_mends_the_entry(
    first_build, reference, tmp_path
):
    cache = tmp_path / "cache"
    shutil.copytree(first_build.cache_dir, cache)
    [cached] = (cache / "onnx").glob(f"*/{ONNX_FILE}")
    data = bytearray(cached.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cached.write_bytes(bytes(data))
    settings = Settings(
        corpus_dir=first_build.corpus_dir, index_dir=tmp_path / "index", cache_dir=cache
    )
    messages: list[str] = []
    build_index(settings, reference, messages.append)
    assert any("cannot be used" in m for m in messages)
    assert "exporting the model to ONNX" in messages
    assert manifest_of(settings.index_dir) == manifest_of(first_build.index_dir)
    assert file_sha256(cached) == file_sha256(first_build.index_dir / ONNX_FILE)


@pytest.mark.integration
def test_a_build_whose_cache_folder_cannot_be_written_still_builds(reference, tmp_path):
    shutil.copytree(SHIPPED_CORPUS, tmp_path / "corpus")
    (tmp_path / "a-file").write_text("not a folder")
    settings = Settings(
        corpus_dir=tmp_path / "corpus",
        index_dir=tmp_path / "index",
        cache_dir=tmp_path / "a-file" / "cache",
    )
    messages: list[str] = []
    index = build_index(settings, reference, messages.append)
    assert any("cannot keep the ONNX export" in m for m in messages)
    assert index.manifest["encoded_with"] == "OnnxEmbedder"


def poison(onnx_file: Path) -> None:
    """Add noise to one weight matrix of an exported model: it still runs, and
    encodes otherwise."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(onnx_file))
    weights = max(model.graph.initializer, key=lambda t: "dense" in t.name and len(t.dims) == 2)
    array = numpy_helper.to_array(weights)
    noise = np.random.default_rng(0).normal(0, array.std(), array.shape).astype(array.dtype)
    weights.CopyFrom(numpy_helper.from_array(array + noise, weights.name))
    onnx.save(model, str(onnx_file))


@pytest.mark.integration
def test_a_cached_export_whose_record_matches_but_whose_vectors_do_not_is_not_used(
    first_build, reference, tmp_path, monkeypatch
):
    """A poisoned entry: another export, with its record's size and sha256 rewritten to
    match. (Exporting again is stubbed out: the test above shows that it mends the entry.)"""
    cache = tmp_path / "cache"
    shutil.copytree(first_build.cache_dir, cache)
    [cached] = (cache / "onnx").glob(f"*/{ONNX_FILE}")
    poison(cached)
    record_file = cached.parent / "entry.json"
    record = json.loads(record_file.read_text())
    record["entry"]["files"][ONNX_FILE] = {
        "bytes": cached.stat().st_size,
        "sha256": file_sha256(cached),
    }
    record_file.write_text(json.dumps(record))
    exports: list[int] = []
    monkeypatch.setattr(
        "assistant.onnx_embedding.export_onnx", lambda embedder, folder, texts: exports.append(1)
    )
    settings = Settings(
        corpus_dir=first_build.corpus_dir, index_dir=tmp_path / "index", cache_dir=cache
    )
    messages: list[str] = []
    index = build_index(settings, reference, messages.append)
    assert any("does not encode as the model does" in m for m in messages), messages
    assert exports == [1]
    assert index.manifest["onnx"] is None  # sentence-transformers encoded, not the poisoned export


def test_the_shipped_probe_vectors_are_for_the_probe_texts_and_the_bundled_model():
    from assistant.embedding import BUNDLED_SHA256
    from assistant.export_check import shipped_reference
    from assistant.onnx_embedding import PROBES

    vectors = shipped_reference(BUNDLED_SHA256)
    assert vectors is not None and vectors.shape == (len(PROBES), 384)
    assert shipped_reference("0" * 64) is None


@pytest.mark.integration
def test_the_shipped_probe_vectors_are_those_sentence_transformers_gives(reference):
    """When this fails, PROBES or the model changed: `python -m assistant.export_check`."""
    import numpy as np

    from assistant.export_check import shipped_reference
    from assistant.onnx_embedding import AGREEMENT, PROBES

    shipped = shipped_reference(reference.fingerprint)
    assert np.min(np.sum(shipped * reference.encode(PROBES), axis=1)) >= AGREEMENT
