"""Change the corpus on a copy, index the copy, and only then move the result in.

Adding or removing an article re-indexes the corpus, which takes seconds to
minutes. Done in place, the corpus and index folders would be half-changed all
that time. Here the change is made to a copy of the corpus, in a staging
folder inside the index folder (`.next/`), and the copy is indexed there,
starting from links to the current index files so that unchanged sentences
keep their vectors and a sound ONNX export is kept. Only when that build has
succeeded are the new index files renamed into the index folder, the
manifest last, as store.py writes them, and the change made to the corpus
folder. A failed build leaves both folders as they were.

Linking instead of copying is safe because every index file is written under
a temporary name and renamed (store.py, onnx_embedding.py, export_cache.py),
so a build never writes through a link into the file the live index uses.

This module does not decide what may be added (library.py) or how an index is
built (store.py); it only stages a build and swaps its files in.
"""

import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from assistant.corpus import corpus_files
from assistant.embedding import Embedder
from assistant.settings import Settings
from assistant.store import Index, Progress, build_index

STAGING = ".next"  # in the index folder

# change(folder): make the change (write one article, delete one) in a corpus folder.
Change = Callable[[Path], None]


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def stage(settings: Settings) -> Settings:
    """A fresh staging folder holding a copy of the corpus and links to the index files;
    the settings that build there."""
    staging = settings.index_dir / STAGING
    shutil.rmtree(staging, ignore_errors=True)  # left by a build that did not finish
    corpus, index = staging / "corpus", staging / "index"
    corpus.mkdir(parents=True)
    index.mkdir()
    for path in corpus_files(settings.corpus_dir):
        shutil.copy2(path, corpus / path.name)
    for path in settings.index_dir.iterdir():
        if path.is_file() and not path.name.startswith("."):
            link_or_copy(path, index / path.name)
    return replace(settings, corpus_dir=corpus, index_dir=index)


def move_in(staged: Path, folder: Path) -> None:
    """Rename the staged index files into the index folder, the manifest last."""
    names = sorted(p.name for p in staged.iterdir() if p.is_file() and not p.name.startswith("."))
    names.sort(key=lambda name: name == "manifest.json")
    for name in names:
        os.replace(staged / name, folder / name)


def build_changed(
    settings: Settings, embedder: Embedder, change: Change, progress: Progress
) -> Index:
    """Index the corpus as `change` leaves it, then make the change for real.

    Raises what the build raises (CorpusError for a corpus it cannot use,
    OSError for a folder it cannot write) with both folders unchanged.
    """
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    staging = settings.index_dir / STAGING
    try:
        staged = stage(settings)
        change(staged.corpus_dir)
        index = build_index(staged, embedder, progress)
        # Index first: a crash before the corpus changes leaves the old corpus
        # beside an index that no longer matches it, which the next start
        # rebuilds; the other order could leave an article nobody recorded.
        move_in(staged.index_dir, settings.index_dir)
        change(settings.corpus_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return index
