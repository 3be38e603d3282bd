"""The one API the CLI and the UI call: `Assistant.ask(question, history) -> Answer`.

The answer stage is a straight pipeline:

    conversation (query and candidate set) -> retrieve -> score -> select -> compose

conversation.py reads a follow-up into a standalone query, the rows to search
among or skip, and the question the scorer reads (with the turn before it);
retrieve.py proposes candidates (dense and BM25, fused); scorer.py says how
likely each is to answer; select.py keeps the sentences the question's shape
asks for; answer.py writes them out. The index and the scorer open lazily on
the first question, so constructing an Assistant is cheap and only validates.
"""

import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from assistant.answer import Answer, Composer
from assistant.conversation import People, Turn, resolve, searched
from assistant.corpus import Document, corpus_files, parse_document
from assistant.embedding import Embedder, SentenceTransformerEmbedder
from assistant.errors import CorpusError, QuestionError
from assistant.items import enumeration
from assistant.question import analyze, plural_head
from assistant.retrieve import Hit, Retriever
from assistant.scorer import AnswerScorer, Candidate
from assistant.scorer import Question as ScorerQuestion
from assistant.select import Selector, ranked
from assistant.settings import Settings
from assistant.store import Index, Progress, build_index, open_index, quiet
from assistant.swap import build_changed

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
        scorer: AnswerScorer | None = None,
    ):
        self.settings = settings or Settings()
        self.embedder = embedder or SentenceTransformerEmbedder(self.settings.model)
        self.progress = progress
        self._scorer = scorer
        self._index: Index | None = None

    @property
    def scorer(self) -> AnswerScorer:
        # Read on first use: building an index (and training the scorer) needs none.
        if self._scorer is None:
            self._scorer = AnswerScorer(self.settings.scorer_dir)
        return self._scorer

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
        self.selector = Selector(index.sentences, settings.sure)
        self.composer = Composer(index)
        self.people = People(
            lambda: " ".join(d.text for d in index.documents),
            lambda row: index.sentences[row].text,
        )
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
        turn = resolve(question, list(history), self.closeness, self.people)
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
        before = self.selector.antecedent(rows[0])
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

    def candidates(self, turn: Turn, query: str, vector) -> list[Hit]:
        """Retrieve: the sentences the scorer reads, best-fused first."""
        total = len(self.index.sentences)
        if turn.among:
            among = (
                set(self.selector.carried_on(turn.among)) if turn.among_lists else set(turn.among)
            )
            hits = self.retriever.search(query, k=total, vector=vector)
            hits = [h for h in hits if h.row in among]
        else:
            k = min(self.settings.scored + len(turn.skip), total)
            hits = self.retriever.search(query, k=k, vector=vector)
        return [h for h in hits if h.row not in turn.skip][: max(self.settings.scored, 1)]

    def scorer_input(
        self, query: str, previous: str | None, hits: list[Hit], vector=None, tokens=None
    ) -> tuple[ScorerQuestion, list[Candidate]]:
        """What the answer scorer reads: the question (with the turn before) and
        each candidate with the sentence before it."""
        if vector is None or tokens is None:
            vector, tokens = self.retriever.question(query)
        before = self.retriever.question(previous)[1] if previous else None
        asked = ScorerQuestion(tokens, vector, before)
        return asked, [self.candidate(h) for h in hits]

    def candidate(self, hit: Hit) -> Candidate:
        index = self.index
        before = self.selector.neighbour(hit.row, -1)
        return Candidate(
            index.tokens[hit.row],
            index.sentence_vectors.reconstruct(hit.row),
            None if before is None else index.tokens[before],
            None if before is None else index.sentence_vectors.reconstruct(before),
            hit.context,
            hit.lexical,
        )

    def search(self, question: str, turn: Turn) -> Answer:
        intent = "quote" if analyze(question).intent == "quote" else analyze(turn.query).intent
        if turn.among and intent != "quote":
            intent = "fact"
        query = searched(turn.query)
        vector, tokens = self.retriever.question(query)
        hits = self.candidates(turn, query, vector)
        if not hits:
            text = self.composer.refusal("nothing further in it matches", None)
            return Answer(question, turn.query, text, False, (), "none")
        asked, candidates = self.scorer_input(query, turn.previous, hits, vector, tokens)
        verdict = self.scorer.score(asked, candidates)
        scored = ranked(hits, verdict.probabilities)
        best = scored[0]
        scores = {s.row: s.probability for s in scored}
        # "Which one ...?" picks among answers already given: the best of them.
        if not verdict.found and not turn.among:
            text = self.composer.refusal("no sentence in it answers the question", best.row)
            citations = self.composer.citations([best.row], scores)
            return Answer(question, turn.query, text, False, tuple(citations), "none")
        given = frozenset(turn.skip)
        if intent == "list":
            rows = self.selector.listing(scored, self.scorer.threshold, given)
        else:
            rows = self.selector.fact(scored, self.scorer.threshold, given)
        if intent == "quote":
            rows.sort()  # a quote reads in the article's order
        citations = self.composer.citations(rows, scores)
        single_sentence = len(rows) == 1 and not enumeration(self.index.sentences[rows[0]].text)
        if intent == "list" and not single_sentence:
            text = self.composer.bullets(rows, plural_head(turn.query))
        elif intent == "quote":
            text = self.composer.quote(rows)
        else:
            text = self.composer.fact(rows, with_date=analyze(turn.query).wh == "when")
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
