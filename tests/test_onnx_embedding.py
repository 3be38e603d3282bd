"""The fast query path against the reference model, offline (real model)."""

import json
import shutil

import numpy as np
import pytest

from assistant import cli
from assistant.assistant import Assistant
from assistant.onnx_embedding import ONNX_FILE, PROBES, OnnxEmbedder
from assistant.settings import Settings
from assistant.store import build_index
from tests.conftest import SHARED, SHIPPED_CORPUS, run_python

pytestmark = pytest.mark.integration

DEV = SHARED / "eval" / "dev.jsonl"


@pytest.fixture(scope="module")
def built(tmp_path_factory, reference) -> Settings:
    """The shipped article indexed once with the real model (and its ONNX export)."""
    folder = tmp_path_factory.mktemp("onnx")
    shutil.copytree(SHIPPED_CORPUS, folder / "corpus")
    settings = Settings(corpus_dir=folder / "corpus", index_dir=folder / "index")
    build_index(settings, reference)
    return settings


@pytest.fixture
def copy_of(built, tmp_path) -> Settings:
    """A private copy of the built index, free to damage."""
    shutil.copytree(built.index_dir, tmp_path / "index")
    return Settings(corpus_dir=built.corpus_dir, index_dir=tmp_path / "index")


def dev_conversations() -> list[list[str]]:
    lines = DEV.read_text(encoding="utf-8").splitlines()
    return [[turn["q"] for turn in json.loads(line)["turns"]] for line in lines if line.strip()]


def test_manifest_records_the_onnx_export_with_its_hash(built, reference):
    manifest = json.loads((built.index_dir / "manifest.json").read_text())
    entry = manifest["onnx"]
    assert entry["model_sha256"] == reference.fingerprint == manifest["model_sha256"]
    assert set(entry["files"]) == {"model.onnx", "tokenizer.json"}
    for name, recorded in entry["files"].items():
        assert (built.index_dir / name).stat().st_size == recorded["bytes"]


def test_onnx_and_sentence_transformers_vectors_agree(built, reference):
    index = Assistant(built, reference).index
    texts = [s.text for s in index.sentences] + [p.text for p in index.passages]
    texts += [q for turns in dev_conversations() for q in turns]
    texts += ["", "x", "Vučić’s “visit”", " ".join(["word"] * 600)]
    fast = OnnxEmbedder(
        built.index_dir / "model.onnx",
        built.index_dir / "tokenizer.json",
        reference.name,
        reference.fingerprint,
        reference.dimension,
    )
    cosines = np.sum(fast.encode(texts) * reference.encode(texts), axis=1)
    assert cosines.min() >= 0.9999


def test_questions_encoded_either_way_get_the_same_citations(built, reference):
    fast = Assistant(built, reference)
    slow = Assistant(built, reference)
    slow.use(slow.index)
    assert isinstance(fast.index and fast.retriever.embedder, OnnxEmbedder)
    slow.retriever.embedder = reference
    for turns in dev_conversations():
        fast_history, slow_history = [], []
        for question in turns:
            a, b = fast.ask(question, fast_history), slow.ask(question, slow_history)
            assert [(c.doc, c.start, c.end) for c in a.citations] == [
                (c.doc, c.start, c.end) for c in b.citations
            ], question
            assert a.text == b.text
            fast_history.append(a)
            slow_history.append(b)


@pytest.mark.parametrize("damage", ["missing", "corrupt", "stale"])
def test_unusable_onnx_export_falls_back_to_the_reference_with_a_message(
    copy_of, reference, damage
):
    onnx = copy_of.index_dir / ONNX_FILE
    if damage == "missing":
        onnx.unlink()
    elif damage == "corrupt":
        data = bytearray(onnx.read_bytes())
        data[len(data) // 2] ^= 0xFF
        onnx.write_bytes(bytes(data))
    else:
        manifest_path = copy_of.index_dir / "manifest.json"
        manifest = json.loads(manifest_path.read_text())
        manifest["onnx"]["model_sha256"] = "0" * 64
        manifest_path.write_text(json.dumps(manifest))
    messages: list[str] = []
    assistant = Assistant(copy_of, reference, progress=messages.append)
    answer = assistant.ask("What was signed?")
    assert assistant.retriever.embedder is reference
    assert any("sentence-transformers" in m and "assistant index" in m for m in messages)
    assert "readmission of persons" in " ".join(c.text for c in answer.citations)


def test_assistant_index_restores_a_missing_export(copy_of, reference, capsys):
    (copy_of.index_dir / ONNX_FILE).unlink()
    cli.main(["index", "--corpus", str(copy_of.corpus_dir), "--index", str(copy_of.index_dir)])
    assert "restoring it" in capsys.readouterr().err
    assistant = Assistant(copy_of, reference)
    assert isinstance(assistant.index and assistant.retriever.embedder, OnnxEmbedder)


def test_ask_on_a_built_index_does_not_import_torch(built):
    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        f"code = main(['ask', 'What was signed?', '--corpus', {str(built.corpus_dir)!r},"
        f" '--index', {str(built.index_dir)!r}])\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy, code)\n"
    )
    done = run_python(code)
    assert "HEAVY [] 0" in done.stdout, done.stderr
    assert "readmission of persons" in done.stdout


def test_index_sentences_are_encoded_by_the_verified_export_and_match_the_reference(
    built, reference
):
    manifest = json.loads((built.index_dir / "manifest.json").read_text())
    assert manifest["encoded_with"] == "OnnxEmbedder"
    agreement = manifest["onnx"]["agreement"]
    assert agreement["lowest_cosine"] >= 0.9999
    assert agreement["texts"] > len(PROBES)  # the probes and a sample of the corpus
    index = Assistant(built, reference).index
    stored = index.sentence_vectors.reconstruct_n(0, len(index.sentences))
    expected = reference.encode([s.text for s in index.sentences])
    assert np.sum(stored * expected, axis=1).min() >= 0.9999


def test_encoding_on_several_threads_gives_the_same_vectors_in_the_same_order(built, reference):
    texts = [s.text for s in Assistant(built, reference).index.sentences]
    texts = texts[::-1] + ["x", " ".join(["word"] * 300)]
    files = (built.index_dir / "model.onnx", built.index_dir / "tokenizer.json")
    one = OnnxEmbedder(*files, reference.name, reference.fingerprint, reference.dimension)
    two = OnnxEmbedder(*files, reference.name, reference.fingerprint, reference.dimension, 2)
    assert np.allclose(one.encode(texts, batch_size=4), two.encode(texts, batch_size=4), atol=1e-6)
    assert np.allclose(one.encode(texts[:1]), one.encode(texts)[:1], atol=1e-5)


def test_an_export_that_does_not_agree_is_dropped_and_the_reference_encodes_the_corpus(
    tmp_path, reference, monkeypatch
):
    import assistant.onnx_embedding

    monkeypatch.setattr(assistant.onnx_embedding, "AGREEMENT", 1.01)  # no export can agree
    shutil.copytree(SHIPPED_CORPUS, tmp_path / "corpus")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    index = build_index(settings, reference)
    assert index.manifest["onnx"] is None
    assert index.manifest["encoded_with"] == "SentenceTransformerEmbedder"
    assert not (settings.index_dir / ONNX_FILE).exists()


def test_adding_an_article_with_a_sound_export_does_not_import_torch(copy_of):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from assistant.assistant import Assistant\n"
        "from assistant.settings import Settings\n"
        f"settings = Settings(corpus_dir=Path({str(copy_of.corpus_dir)!r}),"
        f" index_dir=Path({str(copy_of.index_dir)!r}))\n"
        "assistant = Assistant(settings)\n"
        "assistant.add_document('rain.txt', b'Rain fell on Belgrade. Rivers rose.')\n"
        "answer = assistant.ask('What rose?')\n"
        "print('TORCH', 'torch' in sys.modules, answer.citations[0].text)\n"
    )
    done = run_python(code)
    assert "TORCH False Rivers rose." in done.stdout, done.stderr
