"""The document shelf behind the UI: list, add and remove articles safely.

It wraps `Assistant.add_document` and `Assistant.remove_document` with the rules
a shared app needs: an upload size limit, and a record of which articles were
added through it (`.added` in the corpus folder, one file name a line), so only
those can be removed and the articles the corpus shipped with are never lost.
A lock serialises questions and corpus changes, because re-indexing swaps the
index that concurrent questions read.

This module does not parse, split or index documents; assistant.py does.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer import Answer
from assistant.assistant import Assistant
from assistant.corpus import Document
from assistant.errors import CorpusError
from assistant.store import Progress

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # a long news article is ~50 KB; 2 MB leaves ample room
ADDED = ".added"  # in the corpus folder: file names of the articles added through the UI


@dataclass(frozen=True)
class Entry:
    """One row of the document list."""

    id: str
    title: str
    date: str | None
    sentences: int
    added: bool  # True when added through the UI (and therefore removable)


class Library:
    def __init__(self, assistant: Assistant, max_bytes: int = MAX_UPLOAD_BYTES):
        self.assistant = assistant
        self.max_bytes = max_bytes
        self.lock = threading.RLock()

    @property
    def generation(self) -> str:
        """Changes whenever the corpus changes; answers from another generation are stale."""
        return self.assistant.index.manifest["corpus_sha256"]

    def ask(self, question: str, history: Sequence[Answer] = ()) -> Answer:
        with self.lock:
            return self.assistant.ask(question, history)

    def replay(self, questions: Sequence[str]) -> list[Answer]:
        """The answers to a conversation's questions, asked in order, each after the ones before.

        Questions that were unusable (empty, too long) are answered with an
        error and left out of the history of the later ones.
        """
        answers: list[Answer] = []
        with self.lock:
            for question in questions:
                answers.append(self.ask(question, [a for a in answers if a.error is None]))
        return answers

    def added_names(self) -> set[str]:
        path = self.assistant.settings.corpus_dir / ADDED
        if not path.is_file():
            return set()
        return {line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()}

    def record(self, names: set[str]) -> None:
        path = self.assistant.settings.corpus_dir / ADDED
        path.write_text("".join(f"{n}\n" for n in sorted(names)), "utf-8")

    def entries(self) -> list[Entry]:
        with self.lock:
            index = self.assistant.index
            added = self.added_names()
            counts: dict[str, int] = {}
            for s in index.sentences:
                counts[s.doc_id] = counts.get(s.doc_id, 0) + 1
            return [
                Entry(d.id, d.title, d.date, counts.get(d.id, 0), d.path in added)
                for d in index.documents
            ]

    def document(self, doc_id: str) -> Document | None:
        with self.lock:
            return next((d for d in self.assistant.index.documents if d.id == doc_id), None)

    def add(self, name: str, data: bytes, progress: Progress | None = None) -> Document:
        """Add an uploaded article, or raise CorpusError saying why it was not added."""
        if len(data) > self.max_bytes:
            raise CorpusError(
                f"{name} is {len(data) / 1_048_576:.1f} MB; the limit is "
                f"{self.max_bytes / 1_048_576:.0f} MB. Split the article or shorten it"
            )
        with self.lock:
            document = self.assistant.add_document(name, data, progress)
            self.record(self.added_names() | {document.path})
            return document

    def remove(self, doc_id: str, progress: Progress | None = None) -> None:
        """Remove an article added through the UI; shipped articles are refused."""
        with self.lock:
            document = self.document(doc_id)
            if document is None:
                raise CorpusError(f"there is no document {doc_id!r}; refresh the list")
            added = self.added_names()
            if document.path not in added:
                raise CorpusError(
                    f"{document.title} came with the corpus and cannot be removed; "
                    "only documents added here can be"
                )
            self.assistant.remove_document(doc_id, progress)
            self.record(added - {document.path})
