"""The document shelf behind the UI: answer many sessions, add and remove articles safely.

It wraps `Assistant` with the rules a shared app needs:

- requests are bounded: a question must be text, a conversation's history a
  list of at most MAX_HISTORY questions of text;
- uploads are bounded (MAX_UPLOAD_BYTES, MAX_UPLOAD_SENTENCES), and an added
  article may not take the title of one already there;
- the articles added through it are recorded with when they were added
  (added.py), so only those can be removed, the articles the corpus shipped
  with are never lost, and the UI can mark an added article wherever it is cited;
- a change of the corpus never stops the questions: it is indexed on a copy by
  a fresh Assistant (swap.py) while the one in service keeps answering, and
  the fresh one replaces it whole when it is ready. A request takes the
  Assistant in service when it begins (`current()`), so all its answers, a
  replayed history included, come from one corpus.

A lock lets one question at a time through, and is held for one question only,
never across a history or an indexing run. Another lock lets one corpus change
at a time through; questions never wait for it.

This module does not parse, split or index documents; corpus.py, chunking.py
and store.py do.
"""

import contextlib
import os
import threading
import unicodedata
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.added import Added, now, read_added, write_added
from assistant.answer import Answer
from assistant.assistant import Assistant, corpus_name, safe_name
from assistant.chunking import split_document
from assistant.corpus import Document, parse_document
from assistant.errors import CorpusError, QuestionError
from assistant.store import Progress

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # a long news article is ~50 KB; 2 MB leaves ample room
# A long article has a few hundred sentences. Indexing takes about 6 ms a
# sentence (with its passages) on two idle cores, so this bounds an upload's
# indexing at about half a minute there.
MAX_UPLOAD_SENTENCES = 5_000
# A history is replayed question by question on every /ask call (12 ms a
# question at 100 questions on two busy cores, more as it grows), so it is
# capped; real conversations are a handful of questions.
MAX_HISTORY = 50
MAX_HISTORY_CHARACTERS = 20_000
WARM_UP = "What is this article about?"  # asked of a fresh index before it serves anyone


@dataclass(frozen=True)
class Entry:
    """One row of the document list."""

    id: str
    title: str
    date: str | None
    sentences: int
    added: Added | None  # set when added through the UI (and therefore removable)


def kind(value: object) -> str:
    """How a message names the type of a value a client sent.

    >>> kind(5), kind(["a"]), kind(None), kind({"q": 1})
    ('a number', 'a list', 'nothing', 'an object')
    """
    if value is None:
        return "nothing"
    if isinstance(value, bool | int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    return "an object"


def check_question_type(question: object) -> str:
    """The question when it is text; QuestionError saying what was sent otherwise."""
    if question is None:
        return ""
    if not isinstance(question, str):
        raise QuestionError(f"the question must be text, not {kind(question)}")
    return question


def check_history(history: object) -> list[str]:
    """The earlier questions of a conversation, oldest first, or QuestionError.

    >>> check_history(["What was signed?"])
    ['What was signed?']
    >>> check_history(["What was signed?", 5])
    Traceback (most recent call last):
    ...
    assistant.errors.QuestionError: question 2 of the history is a number, not text
    """
    if history is None:
        return []
    if not isinstance(history, list | tuple):
        raise QuestionError(
            "the history must be a list of the earlier questions, oldest first, "
            f"not {kind(history)}"
        )
    if len(history) > MAX_HISTORY:
        raise QuestionError(
            f"the history has {len(history):,} questions; the limit is {MAX_HISTORY}. "
            "Send the latest questions of the conversation only, or start a new one"
        )
    for n, question in enumerate(history, start=1):
        if not isinstance(question, str):
            raise QuestionError(f"question {n} of the history is {kind(question)}, not text")
    size = sum(len(question) for question in history)
    if size > MAX_HISTORY_CHARACTERS:
        raise QuestionError(
            f"the history is {size:,} characters long; the limit is "
            f"{MAX_HISTORY_CHARACTERS:,}. Send the latest questions only"
        )
    return list(history)


def too_big(name: str, size: int, limit: int) -> str:
    """Says by how much a file is over the limit, in bytes when MB would round it onto it.

    >>> too_big("a.txt", 3 * 1_048_576, 2 * 1_048_576)
    'a.txt is 3.0 MB; the limit is 2 MB'
    >>> too_big("a.txt", 2 * 1_048_576 + 1, 2 * 1_048_576)
    'a.txt is 2,097,153 bytes; the limit is 2,097,152 bytes (2 MB)'
    """
    shown, limit_mb = f"{size / 1_048_576:.1f}", f"{limit / 1_048_576:g}"
    if float(shown) <= limit / 1_048_576:
        return f"{name} is {size:,} bytes; the limit is {limit:,} bytes ({limit_mb} MB)"
    return f"{name} is {shown} MB; the limit is {limit_mb} MB"


def title_key(title: str) -> str:
    """What two titles must not share: their words, in any case, accents, width or spacing.

    >>> title_key("Tokayev  visit to SERBIA!") == title_key("tokayev visit to serbia")
    True
    >>> title_key("Vučić\u200b meets") == title_key("Vucic meets")
    True
    """
    folded = unicodedata.normalize("NFKD", title).casefold()
    kept = "".join(
        c if unicodedata.category(c)[0] in "LN" else " "
        for c in folded
        if unicodedata.category(c) not in ("Mn", "Cf")
    )
    return " ".join(kept.split())


class FairLock:
    """A lock that lets waiting threads in in the order they came.

    threading.Lock does not: a thread that releases it and asks again at once
    nearly always gets it back, so a replayed history, asked one question at a
    time, would still keep every other session waiting until it was done.
    Here release hands the lock to the longest waiter.
    """

    def __init__(self):
        self._guard = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._held = False

    def __enter__(self) -> None:
        with self._guard:
            if not self._held:
                self._held = True
                return
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()  # set by the release that hands the lock over

    def __exit__(self, *_) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._held = False


@dataclass(frozen=True)
class Served:
    """The Assistant in service when a request began, with the question lock.

    Every answer of one request comes from it, so a history and the question
    after it are read against one corpus even when a document is added meanwhile.
    """

    assistant: Assistant
    lock: FairLock = field(repr=False)

    @property
    def generation(self) -> str:
        """Changes whenever the corpus changes; answers from another generation are stale."""
        return self.assistant.index.manifest["corpus_sha256"]

    def ask(self, question: str, history: Sequence[Answer] = ()) -> Answer:
        with self.lock:
            return self.assistant.ask(question, history)

    def replay(self, questions: Sequence[str]) -> list[Answer]:
        """The answers to a conversation's questions, asked in order, each after the ones before.

        The lock is taken for each question, not for the whole replay, so other
        sessions' questions go through between them. Questions that were
        unusable (empty, too long) are answered with an error and left out of
        the history of the later ones.
        """
        answers: list[Answer] = []
        for question in questions:
            answers.append(self.ask(question, [a for a in answers if a.error is None]))
        return answers


class Library:
    def __init__(
        self,
        assistant: Assistant,
        max_bytes: int = MAX_UPLOAD_BYTES,
        max_sentences: int = MAX_UPLOAD_SENTENCES,
    ):
        self.assistant = assistant  # in service; replaced whole by a change, never altered
        self.max_bytes = max_bytes
        self.max_sentences = max_sentences
        self.lock = FairLock()  # one question at a time, in the order they came
        self.changes = threading.Lock()  # one corpus change at a time
        # Added articles removed since the start, so answers given before still show
        # where their citations came from.
        self.departed: dict[str, Added] = {}

    def current(self) -> Served:
        return Served(self.assistant, self.lock)

    @property
    def generation(self) -> str:
        return self.current().generation

    def ask(self, question: str, history: Sequence[Answer] = ()) -> Answer:
        return self.current().ask(question, history)

    def replay(self, questions: Sequence[str]) -> list[Answer]:
        return self.current().replay(questions)

    def added(self) -> dict[str, Added]:
        """Document id -> its record, for every article added through the app."""
        records = read_added(self.assistant.settings.corpus_dir)
        documents = self.assistant.index.documents
        return self.departed | {d.id: records[d.path] for d in documents if d.path in records}

    def entries(self) -> list[Entry]:
        index = self.assistant.index
        added = self.added()
        counts: dict[str, int] = {}
        for s in index.sentences:
            counts[s.doc_id] = counts.get(s.doc_id, 0) + 1
        return [
            Entry(d.id, d.title, d.date, counts.get(d.id, 0), added.get(d.id))
            for d in index.documents
        ]

    def document(self, doc_id: str) -> Document | None:
        return next((d for d in self.assistant.index.documents if d.id == doc_id), None)

    def add(self, name: str, data: bytes, progress: Progress | None = None) -> Document:
        """Add an uploaded article, or raise CorpusError saying why it was not added."""
        if len(data) > self.max_bytes:
            raise CorpusError(f"{too_big(name, len(data), self.max_bytes)}. Split the article")
        document = parse_document(safe_name(name), data)
        sentences = len(split_document(document, self.assistant.settings.passage_sentences)[0])
        if sentences > self.max_sentences:
            raise CorpusError(
                f"{name} has {sentences:,} sentences; the limit is {self.max_sentences:,}. "
                "Split the article into smaller files"
            )
        with self.changes:
            corpus = self.assistant.settings.corpus_dir
            target = corpus_name(name, corpus)
            self.refuse_taken_title(name, parse_document(target, data).title)
            records = read_added(corpus)
            fresh = self.fresh()
            try:
                # Recorded before the article is written, so that no article is ever in
                # the corpus without its record; a record without its article is ignored.
                write_added(corpus, records | {target: Added(target, now())})
                try:
                    added = fresh.add_document(name, data, progress)
                except BaseException:
                    write_added(corpus, records)
                    raise
            except OSError as problem:
                raise CorpusError(self.write_failure(problem)) from None
            self.serve(fresh)
            return added

    def remove(self, doc_id: str, progress: Progress | None = None) -> None:
        """Remove an article added through the UI; shipped articles are refused."""
        with self.changes:
            document = self.document(doc_id)
            if document is None:
                raise CorpusError(f"there is no document {doc_id!r}; refresh the list")
            corpus = self.assistant.settings.corpus_dir
            records = read_added(corpus)
            if document.path not in records:
                raise CorpusError(
                    f"{document.title} came with the corpus and cannot be removed; "
                    "only documents added here can be"
                )
            fresh = self.fresh()
            try:
                fresh.remove_document(doc_id, progress)
            except OSError as problem:
                raise CorpusError(self.write_failure(problem)) from None
            record = records.pop(document.path)
            # The article is gone; a record left behind for it is ignored, so a
            # record that cannot be rewritten costs nothing.
            with contextlib.suppress(OSError):
                write_added(corpus, records)
            self.departed[doc_id] = record
            self.serve(fresh)

    def refuse_taken_title(self, name: str, title: str) -> None:
        """An added article may not pass for another: no two articles share a title."""
        added = self.added()
        for other in self.assistant.index.documents:
            if title_key(other.title) == title_key(title):
                whose = "an added article" if other.id in added else "an article of the corpus"
                raise CorpusError(
                    f"{name} would have the title “{title}”, which {whose} already has; "
                    "give it a title of its own (its first heading, or for a .txt file "
                    "its file name)"
                )

    def fresh(self) -> Assistant:
        """A new Assistant on the same folders and model, to be changed while this one serves."""
        serving = self.assistant
        return Assistant(serving.settings, serving.embedder, serving.progress)

    def serve(self, fresh: Assistant) -> None:
        """Put a changed Assistant in service. It answers one question first, so that
        the first user's question does not pay for loading its question encoder."""
        fresh.ask(WARM_UP)
        self.assistant = fresh

    def write_failure(self, problem: OSError) -> str:
        """The message for a file the change could not write, naming it as the app's
        folders do ("corpus/x.txt"), never by the server's absolute path."""
        why = (problem.strerror or type(problem).__name__).lower()
        if not problem.filename:
            return f"the change could not be saved ({why})"
        path = Path(os.path.abspath(problem.filename))
        shown = path.name
        for folder in (self.assistant.settings.corpus_dir, self.assistant.settings.index_dir):
            root = Path(os.path.abspath(folder))
            if path.is_relative_to(root):
                shown = f"{root.name}/{path.relative_to(root)}"
                break
        return (
            f"the change could not be saved: writing {shown} failed ({why}). "
            "The app needs to be able to write to its corpus and index folders"
        )
