"""Shared fixtures: a deterministic offline embedder and temp data folders."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

from assistant.lexical import tokenize
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# gradio_client in the tests sends its telemetry unless told not to.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
UPLOADS_KEPT_FOR = 4  # seconds the test app keeps an upload nobody added


class FakeEmbedder:
    """Hashed bag of stemmed words: texts sharing words get similar vectors.

    Deterministic and instant, so unit tests need no model; `calls` counts the
    texts embedded, so tests can see whether an index re-embedded anything.
    """

    name = "fake-bag-of-words"
    fingerprint = "fake-1"
    dimension = 64

    def __init__(self):
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += len(texts)
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for token in tokenize(text) or ["<empty>"]:
                rows[i] += self.one_hot(token)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        return rows

    def one_hot(self, token: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        vector[self.slot(token)] = 1.0
        return vector

    def slot(self, token: str) -> int:
        return int(hashlib.md5(token.encode()).hexdigest(), 16) % self.dimension


@pytest.fixture(scope="session", autouse=True)
def export_cache(tmp_path_factory) -> Path:
    """The ONNX export cache of every test and of every process a test starts
    (through ASSISTANT_CACHE_DIR): a temp folder, never the machine's own."""
    folder = tmp_path_factory.mktemp("export-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_CACHE_DIR", str(folder))
        yield folder


def run_python(code: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter, so that sys.modules shows what it imported."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def reference():
    """The real model through sentence-transformers, loaded once for every test
    that compares against it."""
    from assistant.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    return Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index")


@pytest.fixture
def shipped_settings(tmp_path: Path) -> Settings:
    """A copy of the shipped corpus with its own index folder."""
    folder = tmp_path / "shipped"
    shutil.copytree(SHIPPED_CORPUS, folder)
    return Settings(corpus_dir=folder, index_dir=tmp_path / "shipped-index")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(NamedTuple):
    url: str
    corpus: Path
    uploads: Path  # the app's upload folder (GRADIO_TEMP_DIR)
    process: subprocess.Popen
    log: Path


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """app.py launched as a subprocess on a free port, on a copy of the shipped corpus.

    Yields a Server (url, corpus folder, ...). Shared by the API, load and browser
    tests: starting it loads the real model once. It keeps an upload nobody added
    for UPLOADS_KEPT_FOR seconds only, so that a test can see it go.
    """
    import time
    import urllib.request

    folder = tmp_path_factory.mktemp("app")
    corpus = folder / "corpus"
    shutil.copytree(SHIPPED_CORPUS, corpus)
    uploads = folder / "uploads"
    uploads.mkdir()
    port = free_port()
    log = (folder / "app.log").open("w")
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PORT": str(port),
        "GRADIO_TEMP_DIR": str(uploads),
        "ASSISTANT_UPLOADS_KEPT_FOR": str(UPLOADS_KEPT_FOR),
    }
    process = subprocess.Popen(
        [sys.executable, "app.py", "--corpus", str(corpus), "--index", str(folder / "index")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"app.py exited with {process.returncode}:\n{(folder / 'app.log').read_text()}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not answer on {url}:\n{(folder / 'app.log').read_text()}")
            time.sleep(0.25)
        yield Server(url, corpus, uploads, process, folder / "app.log")
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
