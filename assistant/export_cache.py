"""A per-machine cache of verified ONNX exports, so that only the first build pays for one.

Exporting the model (onnx_embedding.export_onnx) imports torch, loads the
sentence-transformers model, traces it and checks the result against it: about
8 s on two cores before the first text is encoded, on every fresh
`assistant index`. The export depends only on the model and on the code that
makes it, so a checked export is kept in `<cache>/onnx/<key>/`: `model.onnx`,
`tokenizer.json` and `entry.json` (the manifest entry written when it was
checked, with the size and sha256 of both files). A later build copies the
files beside its FAISS index and records the same entry in its manifest,
without importing torch.

The key (`export_key`) covers what the export is made from: the weights'
sha256, every other file of the model folder (configuration, tokenizer,
pooling, maximum sequence length), the versions of the libraries that run and
export the model, and onnx_embedding.EXPORT_VERSION. An entry is written into a
temporary folder and renamed, so it appears whole or not at all; it is taken
only when its entry.json says the export agreed with sentence-transformers and
both copied files match the size and sha256 recorded there, and a damaged
entry is replaced by the next export. A cache folder that cannot
be written costs only the time of exporting again.

This module does not export or check an export; onnx_embedding.py does.
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from assistant import onnx_embedding
from assistant.embedding import file_sha256
from assistant.onnx_embedding import EXPORT_VERSION, ONNX_FILE, TOKENIZER_FILE

CACHE_VARIABLE = "ASSISTANT_CACHE_DIR"
ENTRY_FILE = "entry.json"
# The weights are keyed by the sha256 the model check already computed; other
# weight formats in the folder are not what sentence-transformers loads.
WEIGHT_SUFFIXES = {".safetensors", ".bin", ".pt", ".pth", ".onnx", ".h5", ".msgpack", ".ot"}
# An upgrade of any of these may change how the model runs or how it exports,
# so the export is then made and checked again, once.
LIBRARIES = ("torch", "transformers", "sentence-transformers", "tokenizers", "onnx")
# Temporary folders older than this were left by a build that was killed.
LEFTOVER_SECONDS = 3600

Progress = Callable[[str], None]


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """ASSISTANT_CACHE_DIR, else $XDG_CACHE_HOME/assistant, else ~/.cache/assistant.

    The CLI and the app pass os.environ; the XDG base directory rule ignores a
    relative XDG_CACHE_HOME.

    >>> str(default_cache_dir({"XDG_CACHE_HOME": "/var/cache", "HOME": "/home/me"}))
    '/var/cache/assistant'
    >>> str(default_cache_dir({"XDG_CACHE_HOME": "cache", "HOME": "/home/me"}))
    '/home/me/.cache/assistant'
    """
    if environ.get(CACHE_VARIABLE):
        return Path(environ[CACHE_VARIABLE])
    xdg = environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "assistant"
    home = environ.get("HOME") or str(Path.home())
    return Path(home) / ".cache" / "assistant"


def installed(name: str) -> str:
    from importlib import metadata  # about 50 modules, wanted only when building

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def key_parts(embedder) -> dict | None:
    """What the export of embedder's model is made from, or None when the model
    cannot be told apart by content (a hub name, a folder without safetensors)."""
    folder = getattr(embedder, "folder", None)
    if folder is None or not re.fullmatch(r"[0-9a-f]{64}", embedder.fingerprint):
        return None
    files = sorted(
        p for p in Path(folder).rglob("*") if p.is_file() and p.suffix not in WEIGHT_SUFFIXES
    )
    return {
        "export_version": EXPORT_VERSION,
        "model": embedder.name,
        "model_sha256": embedder.fingerprint,
        "model_files": {p.relative_to(folder).as_posix(): file_sha256(p) for p in files},
        "libraries": {name: installed(name) for name in LIBRARIES},
    }


def export_key(parts: dict) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def take_export(cache: Path, parts: dict, folder: Path, progress: Progress) -> dict | None:
    """Copy the cached export for `parts` into folder; its manifest entry, or None.

    The copies in folder are hashed and compared with the entry's record
    before they take the place of the export files, so a damaged or
    half-written entry is never used.
    """
    key = export_key(parts)
    entry_folder = cache / "onnx" / key
    if not (entry_folder / ENTRY_FILE).is_file():
        return None
    copies: dict[str, Path] = {}
    try:
        record = json.loads((entry_folder / ENTRY_FILE).read_text(encoding="utf-8"))
        entry = record["entry"]
        if record.get("key") != key or entry["model_sha256"] != parts["model_sha256"]:
            raise ValueError("its record is for another export")
        if entry["agreement"]["lowest_cosine"] < onnx_embedding.AGREEMENT:
            raise ValueError("its record says it did not agree with sentence-transformers")
        if set(entry["files"]) != {ONNX_FILE, TOKENIZER_FILE}:
            raise ValueError("its record lists other files")
        for name, expected in entry["files"].items():
            copies[name] = folder / f".{name}.tmp-{os.getpid()}"
            shutil.copyfile(entry_folder / name, copies[name])
            if copies[name].stat().st_size != expected["bytes"]:
                raise ValueError(f"{name} has the wrong size")
            if file_sha256(copies[name]) != expected["sha256"]:
                raise ValueError(f"{name} does not match its sha256")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as problem:
        for path in copies.values():
            path.unlink(missing_ok=True)
        progress(
            f"the cached ONNX export in {entry_folder} cannot be used ({problem}); exporting again"
        )
        return None
    for name, path in copies.items():
        os.replace(path, folder / name)
    progress(f"took the checked ONNX export from the cache ({entry_folder})")
    return entry


def store_export(cache: Path, parts: dict, folder: Path, entry: dict, progress: Progress) -> None:
    """Keep the checked export in folder (described by `entry`) in the cache for later builds."""
    key = export_key(parts)
    root = cache / "onnx"
    staging = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        remove_leftovers(root)
        staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
        for name in entry["files"]:
            shutil.copyfile(folder / name, staging / name)
        record = {"key": key, "made_from": parts, "made_at": time.time(), "entry": entry}
        (staging / ENTRY_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    except OSError as problem:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        progress(
            f"cannot keep the ONNX export in the cache folder {cache} ({problem}); "
            f"the next build will export it again (set {CACHE_VARIABLE} to another folder)"
        )
        return
    # A damaged entry of the same key is in the way of the rename.
    shutil.rmtree(root / key, ignore_errors=True)
    try:
        os.rename(staging, root / key)
    except OSError:  # another build kept the same export a moment ago
        shutil.rmtree(staging, ignore_errors=True)
        return
    progress(f"kept the ONNX export in the cache for later builds ({root / key})")


def remove_leftovers(root: Path) -> None:
    for leftover in root.glob(".tmp-*"):
        try:
            if time.time() - leftover.stat().st_mtime > LEFTOVER_SECONDS:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass
