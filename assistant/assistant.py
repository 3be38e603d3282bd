"""The one API the CLI and the UI call: `Assistant.ask(question, history) -> Answer`.

It ties the stages together: follow-up reading (conversation.py), retrieval
(retrieve.py), choosing sentences (select.py) and writing the answer
(answer.py). The index opens lazily on the first question, so constructing an
Assistant is cheap and only validates.
"""

import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from assistant.answer import Answer, Composer
from assistant.answerable import Answerability
from assistant.conversation import People, Turn, resolve, searched
from assistant.corpus import Document, corpus_files, parse_document
from assistant.embedding import Embedder, SentenceTransformerEmbedder
from assistant.errors import CorpusError, QuestionError
from assistant.items import enumeration
from assistant.question import analyze, narrowed_to, plural_head, respelled
from assistant.retrieve import Retriever
from assistant.select import Selector
from assistant.settings import Settings
from assistant.store import Index, Progress, build_index, open_index, quiet
from assistant.swap import build_changed

# "What was signed?" asks for everything that was: a list, shown as one.
PASSIVE_LIST = re.compile(
    r"^\s*what\s+(?:was|were|has\s+been|have\s+been)\s+\w+(?:ed|en|wn)"
    r"(?:\s+(?:during|at|in)\s+the\s+(?:visit|talks|meeting|summit))?\s*\??\s*$",
    re.IGNORECASE,
)


# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
# shown back, they can reverse how the question reads on screen.
BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def check_question(question: str, limit: int) -> str:
    """The question, stripped; QuestionError when it cannot be asked.

    Lone surrogates are what invalid UTF-8 becomes on the way in (a command
    line argument with a byte such as 0xFF arrives as U+DCFF), and what a JSON
    "\\ud800" decodes to; the tokenizer cannot encode them.

    >>> check_question("What  was signed?", 100)
    'What was signed?'
    >>> check_question("What was \\udcff signed?", 100)
    Traceback (most recent call last):
    ...
    assistant.errors.QuestionError: the question is not valid text: character 10 is the byte 0xFF, which is not UTF-8; type it again as plain text
    """  # noqa: E501
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty; type a question about the article")
    if len(question) > limit:
        raise QuestionError(
            f"the question is {len(question):,} characters long; the limit is {limit:,}. "
            "Ask a shorter question"
        )
    for position, character in enumerate(question, start=1):
        if "\ud800" <= character <= "\udfff":
            if "\udc80" <= character <= "\udcff":  # surrogateescape of one byte
                what = f"the byte 0x{ord(character) - 0xDC00:02X}, which is not UTF-8"
            else:
                what = f"U+{ord(character):04X}, half of a surrogate pair, not a character"
            raise QuestionError(
                f"the question is not valid text: character {position} is {what}; "
                "type it again as plain text"
            )
        if character in BIDI_CONTROLS:
            raise QuestionError(
                f"the question holds a bidirectional control character (U+{ord(character):04X} "
                f"at character {position}), which can make it display in a misleading order; "
                "type it without one"
            )
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in question):
        raise QuestionError("the question contains control characters; type it as plain text")
    return " ".join(question.split())


class Assistant:
    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        progress: Progress = quiet,
    ):
        self.settings = settings or Settings()
        self.embedder = embedder or SentenceTransformerEmbedder(self.settings.model)
        self.progress = progress
        self._index: Index | None = None

    @property
    def index(self) -> Index:
        if self._index is None:
            return self.use(open_index(self.settings, self.embedder, self.progress))
        return self._index

    def use(self, index: Index) -> Index:
        from assistant.onnx_embedding import query_embedder

        self._index = index
        settings = self.settings
        questions = query_embedder(settings.index_dir, index.manifest, self.embedder, self.progress)
        self.retriever = Retriever(index, questions, settings.candidates, settings.rrf_k)
        self.selector = Selector(index, questions.encode, self.settings.thresholds)
        self.composer = Composer(index)
        self.people = People(
            lambda: " ".join(d.text for d in index.documents),
            lambda row: index.sentences[row].text,
        )
        self.answerability = Answerability(self.selector, lambda: self.people.known)
        return index

    def reindex(self, progress: Progress | None = None) -> Index:
        return self.use(build_index(self.settings, self.embedder, progress or self.progress))

    def documents(self) -> list[Document]:
        return list(self.index.documents)

    def ask(self, question: str, history: Sequence[Answer] = ()) -> Answer:
        """Answer one question; a bad question yields an Answer with `error` set."""
        try:
            question = check_question(question, self.settings.max_question_chars)
        except QuestionError as problem:
            return Answer(str(question)[:200], "", f"{problem}.", False, error=str(problem))
        _ = self.index  # opening the index finds the article's people
        # "wich one ...?" is read as "which one ...?" by everything after.
        typed = respelled(question, self.index.bm25.vocab)
        turn = resolve(typed, list(history), self.closeness, self.people)
        if turn.quote_rows:
            return self.quote(question, turn)
        return self.search(question, turn)

    def closeness(self, word: str, words: list[str]) -> list[float]:
        """Cosines of the word with each of the words, by the question encoder."""
        _ = self.index  # opening the index sets up the question encoder
        vectors = self.retriever.embedder.encode([word, *words])
        return [float(v @ vectors[0]) for v in vectors[1:]]

    def quote(self, question: str, turn: Turn) -> Answer:
        rows = list(turn.quote_rows)
        before = self.selector.antecedent(rows[0], analyze(turn.query))
        if before is not None:
            rows.insert(0, before)
        citations = self.composer.citations(rows, {})
        return Answer(
            question,
            turn.query,
            self.composer.quote(rows),
            True,
            tuple(citations),
            "quote",
            rows=tuple(rows),
            focus_index=len(rows) - 1,
        )

    def search(self, question: str, turn: Turn) -> Answer:
        analysis = analyze(searched(turn.query))
        asked = analyze(question)
        intent = "quote" if asked.intent == "quote" else analysis.intent
        if intent == "fact" and PASSIVE_LIST.match(turn.query):
            intent = "list"
        if turn.among and intent != "quote":
            intent = "fact"  # one of the answers given, unless it is to be quoted
        total = len(self.index.sentences)
        limits = self.settings.thresholds
        depth = (
            total if turn.among else (limits.list_depth if intent == "list" else limits.fact_depth)
        )
        # analysis.text is the query, or the question embedded in it ("Did they
        # say when ...?").
        hits = self.retriever.search(analysis.text, k=min(depth + len(turn.skip), total))
        if turn.among:
            among = self.selector.carried_on(turn.among) if turn.among_lists else set(turn.among)
            hits = [h for h in hits if h.row in among]
        hits = [h for h in hits if h.row not in turn.skip]
        if not hits:
            text = self.composer.refusal("nothing further in it matches", None)
            return Answer(question, turn.query, text, False, (), "none")
        evidence, reason, bridges = self.answerability.pick(
            analysis, self.selector.weigh(analysis, hits, intent), bool(turn.among)
        )
        best = evidence[0]
        if reason:
            text = self.composer.refusal(reason, best.row)
            citations = self.composer.citations([best.row], {best.row: best.relevance})
            return Answer(question, turn.query, text, False, tuple(citations), "none")
        rows = self.selector.choose(
            analysis,
            evidence,
            intent,
            frozenset(turn.skip),
            lambda e: self.answerability.second_answer(analysis, best, e),
        )
        rows += [row for row in bridges if row not in rows]
        narrowed = narrowed_to(turn.query) if intent == "list" else ()
        rows, keep = self.selector.narrow(rows, narrowed)
        if intent == "quote":
            rows.sort()  # a quote reads in the article's order
        scores = {e.row: e.relevance for e in evidence}
        citations = self.composer.citations(rows, scores)
        single_sentence = len(rows) == 1 and not enumeration(self.index.sentences[rows[0]].text)
        if intent == "list" and not single_sentence:
            text = self.composer.bullets(rows, plural_head(turn.query), keep, " ".join(narrowed))
        elif intent == "quote":
            text = self.composer.quote(rows)
        else:
            text = self.composer.fact(rows, with_date=analysis.wh == "when")
        return Answer(
            question,
            turn.query,
            text,
            True,
            tuple(citations),
            intent,
            rows=tuple(rows),
            focus_index=rows.index(max(rows, key=lambda r: scores.get(r, -1.0))),
        )

    def add_document(self, name: str, data: bytes, progress: Progress | None = None) -> Document:
        """Save an uploaded article into the corpus folder and index it.

        The file name is reduced by `corpus_name`, so "../../x.txt" cannot write
        outside the folder. Same content as an existing document raises
        CorpusError instead of indexing it twice. The corpus is indexed on a
        copy (swap.py) and this Assistant switches to the new index only
        when it is built, so a failed build changes nothing.
        """
        target = corpus_name(name, self.settings.corpus_dir)
        parse_document(target, data)  # refuse a bad file before anything is written
        for path in corpus_files(self.settings.corpus_dir):
            if path.read_bytes() == data:
                raise CorpusError(f"{name} has the same content as {path.name}; not added again")

        def put(corpus: Path) -> None:
            temporary = corpus / f".{target}.tmp-{os.getpid()}"
            temporary.write_bytes(data)
            os.replace(temporary, corpus / target)

        index = build_changed(self.settings, self.embedder, put, progress or self.progress)
        self.use(index)
        return next(d for d in index.documents if d.path == target)

    def remove_document(self, doc_id: str, progress: Progress | None = None) -> None:
        """Delete an article from the corpus folder and re-index; the last one stays.

        Indexed on a copy first, as in add_document."""
        paths = corpus_files(self.settings.corpus_dir)
        match = [p for p in paths if p.stem == doc_id]
        if not match:
            raise CorpusError(f"no document {doc_id!r} in {self.settings.corpus_dir}")
        if len(paths) == 1:
            raise CorpusError("the corpus needs at least one document; add another first")
        name = match[0].name
        self.use(
            build_changed(
                self.settings,
                self.embedder,
                lambda corpus: (corpus / name).unlink(missing_ok=True),
                progress or self.progress,
            )
        )


def safe_name(name: str) -> str:
    """An uploaded file's name reduced to its last component and a safe character set,
    or CorpusError when it is not a .txt or .md file.

    >>> safe_name("../../My notes (v2).md")
    'My-notes-v2-.md'
    """
    safe = re.sub(r"[^\w.-]+", "-", Path(name.replace("\\", "/")).name).strip(".-")
    if Path(safe).suffix.lower() not in (".txt", ".md"):
        raise CorpusError(f"{name}: only .txt and .md files can be added")
    return safe


def corpus_name(name: str, folder: Path) -> str:
    """The file name an upload gets in the corpus folder: `safe_name`, with a number
    added to its stem when another article has that stem, since ids are stems."""
    safe = safe_name(name)
    taken = {p.stem for p in corpus_files(folder)}
    stem, suffix = Path(safe).stem, Path(safe).suffix
    counter = 2
    while stem in taken:
        stem = f"{Path(safe).stem}-{counter}"
        counter += 1
    return f"{stem}{suffix}"
