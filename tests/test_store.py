import json

import pytest

from assistant.assistant import Assistant
from assistant.errors import IndexStoreError
from assistant.retrieve import Retriever
from assistant.settings import Settings
from assistant.store import build_index, load_index, open_index
from tests.conftest import FakeEmbedder, write

ARTICLE = "Ministers met in Paris. They signed a trade deal.\n\nFarmers protested outside."


@pytest.fixture
def built(settings, corpus_dir, fake_embedder):
    write(corpus_dir, "a.txt", ARTICLE)
    return build_index(settings, fake_embedder)


def test_index_folder_holds_plain_files_and_a_manifest(built, settings):
    manifest = json.loads((settings.index_dir / "manifest.json").read_text())
    assert manifest["format"] == "assistant-index/4"
    assert manifest["model"] == FakeEmbedder.name
    assert manifest["dimension"] == FakeEmbedder.dimension
    assert (manifest["documents"], manifest["sentences"], manifest["passages"]) == (1, 3, 2)
    assert manifest["index_type"] == "IndexFlatIP"
    for name in manifest["files"]:
        assert (settings.index_dir / name).is_file()
    assert not list(settings.index_dir.glob(".*tmp*"))


def test_unchanged_corpus_loads_without_embedding(built, settings):
    embedder = FakeEmbedder()
    index = open_index(settings, embedder)
    assert embedder.calls == 0
    assert [s.text for s in index.sentences] == [s.text for s in built.sentences]


def test_edited_article_rebuilds_and_embeds_only_new_text(built, settings, corpus_dir):
    write(corpus_dir, "a.txt", ARTICLE + "\n\nPrices rose.")
    embedder = FakeEmbedder()
    messages = []
    index = open_index(settings, embedder, messages.append)
    assert any("changed since it was built" in m for m in messages)
    assert index.sentences[-1].text == "Prices rose."
    assert embedder.calls == 1  # the new sentence, which is also its own one-sentence passage


def test_added_article_embeds_only_that_article(built, settings, corpus_dir):
    write(corpus_dir, "b.txt", "Rain fell. Rivers rose.")
    embedder = FakeEmbedder()
    index = open_index(settings, embedder)
    assert [d.id for d in index.documents] == ["a", "b"]
    assert embedder.calls == 3  # two sentences and one passage


@pytest.mark.parametrize("damage", ["truncate", "garble", "delete"])
def test_damaged_index_file_is_rebuilt_not_used(built, settings, damage):
    target = settings.index_dir / "sentences.faiss"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:50])
    elif damage == "garble":
        data = bytearray(target.read_bytes())
        data[-1] ^= 0xFF
        target.write_bytes(bytes(data))
    else:
        target.unlink()
    with pytest.raises(IndexStoreError):
        load_index(settings, FakeEmbedder())
    messages = []
    index = open_index(settings, FakeEmbedder(), messages.append)
    assert messages and "building it" in messages[0]
    assert index.sentence_vectors.ntotal == 3


def test_corrupt_manifest_is_rebuilt(built, settings):
    (settings.index_dir / "manifest.json").write_text("{not json")
    index = open_index(settings, FakeEmbedder())
    assert len(index.sentences) == 3


def test_index_from_another_model_is_stale(built, settings):
    other = FakeEmbedder()
    other.fingerprint = "another-model"
    with pytest.raises(IndexStoreError, match="built with model"):
        load_index(settings, other)


def test_missing_index_is_built(settings, corpus_dir):
    write(corpus_dir, "a.txt", ARTICLE)
    with pytest.raises(IndexStoreError, match="no index"):
        load_index(settings, FakeEmbedder())
    assert len(open_index(settings, FakeEmbedder()).sentences) == 3


def test_small_corpus_gets_an_exact_index_and_the_manifest_says_so(built, settings):
    manifest = json.loads((settings.index_dir / "manifest.json").read_text())
    assert manifest["index_type"] == manifest["passage_index_type"] == "IndexFlatIP"
    assert manifest["exact_index_limit"] == settings.exact_index_limit


def test_corpus_above_the_exact_limit_gets_an_inverted_file_recorded_in_the_manifest(
    tmp_path, corpus_dir
):
    write(corpus_dir, "a.txt", ARTICLE)
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index", exact_index_limit=2)
    build_index(settings, FakeEmbedder())
    manifest = json.loads((settings.index_dir / "manifest.json").read_text())
    assert manifest["index_type"] == "IndexRefineFlat"  # 3 sentences > 2
    assert manifest["approximate"] == {"lists": 1, "probe": 1, "refine_factor": 4.0}
    assert manifest["passage_index_type"] == "IndexFlatIP"  # 2 passages
    assert manifest["passage_approximate"] is None
    index = load_index(settings, FakeEmbedder())
    assert index.sentence_vectors.ntotal == 3
    assert index.sentence_vectors.k_factor == settings.ivf_refine_factor


def test_approximate_index_gives_the_same_hits_and_scores_as_the_exact_one(tmp_path, corpus_dir):
    write(corpus_dir, "a.txt", ARTICLE)
    write(corpus_dir, "b.txt", "Rain fell on the capital. Rivers rose in the north.")
    found = []
    for limit in (100, 1):
        folder = tmp_path / f"index-{limit}"
        settings = Settings(corpus_dir=corpus_dir, index_dir=folder, exact_index_limit=limit)
        retriever = Retriever(build_index(settings, FakeEmbedder()), FakeEmbedder())
        found.append([(h.row, round(h.score, 5)) for h in retriever.search("Which rivers rose?")])
    assert found[0] == found[1]


def test_search_settings_of_an_approximate_index_apply_when_it_loads(tmp_path, corpus_dir):
    import faiss

    write(corpus_dir, "a.txt", ARTICLE)
    folder = tmp_path / "index"
    first = Settings(corpus_dir=corpus_dir, index_dir=folder, exact_index_limit=1)
    build_index(first, FakeEmbedder())
    later = Settings(
        corpus_dir=corpus_dir, index_dir=folder, exact_index_limit=1, ivf_refine_factor=8
    )
    vectors = load_index(later, FakeEmbedder()).sentence_vectors
    assert vectors.k_factor == 8
    assert faiss.extract_index_ivf(vectors).nprobe == 1


def test_rebuilding_an_approximate_index_reuses_its_vectors(tmp_path, corpus_dir):
    write(corpus_dir, "a.txt", ARTICLE)
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index", exact_index_limit=1)
    build_index(settings, FakeEmbedder())
    write(corpus_dir, "b.txt", "Rain fell.")
    embedder = FakeEmbedder()
    index = open_index(settings, embedder)
    assert embedder.calls == 1  # one sentence, which is also its own passage
    assert index.sentence_vectors.ntotal == 4


def test_adding_a_document_embeds_only_that_document(built, settings):
    embedder = FakeEmbedder()
    assistant = Assistant(settings, embedder)
    assert len(assistant.index.sentences) == 3  # the built index opens without embedding
    assert embedder.calls == 0
    document = assistant.add_document("rain.txt", b"Rain fell. Rivers rose.")
    assert document.id == "rain"
    assert embedder.calls == 3  # two sentences and their one passage; article a is reused
    assert len(assistant.index.sentences) == 5


def test_no_onnx_export_for_an_embedder_that_has_none(built, settings):
    manifest = json.loads((settings.index_dir / "manifest.json").read_text())
    assert manifest["onnx"] is None
    assert not (settings.index_dir / "model.onnx").exists()
