"""Write the answer: framing words plus verbatim, cited sentences or items.

Nothing here states a fact of its own. Facts appear only as whole sentences or
as items cut from them by offset, each followed by the marker of its citation;
citations are numbered in order of first use. The framing ("The article names
5 items:") only counts and points.

This module does not choose sentences; see select.py.
"""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from assistant.chunking import Sentence
from assistant.items import enumeration
from assistant.lexical import stem, tokenize
from assistant.store import Index


@dataclass(frozen=True)
class Citation:
    n: int
    doc: str
    title: str
    paragraph: int
    sentence: int
    start: int
    end: int
    score: float
    text: str


@dataclass(frozen=True)
class Answer:
    question: str
    query: str  # the standalone query actually searched
    text: str  # markdown
    found: bool
    citations: tuple[Citation, ...] = ()
    intent: str = "fact"  # "fact", "list", "quote" or "none"
    error: str | None = None  # set when the question itself was unusable
    rows: tuple[int, ...] = field(default=(), compare=False)  # index rows cited, for follow-ups
    focus_index: int = field(default=0, compare=False)  # position in rows of the main sentence

    def to_dict(self) -> dict:
        """The JSON object of the chat contract."""
        result = {
            "question": self.question,
            "query": self.query,
            "answer": self.text,
            "found": self.found,
            "citations": [
                {k: v for k, v in asdict(c).items() if k != "title"} for c in self.citations
            ],
        }
        if self.error is not None:
            result["error"] = self.error
        return result


YEARLESS_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b(?!,?\s+\d{4})",
    re.IGNORECASE,
)


class Composer:
    def __init__(self, index: Index):
        self.index = index
        self.titles = {d.id: d.title for d in index.documents}
        self.dates = {d.id: d.date for d in index.documents}

    def citations(self, rows: list[int], scores: dict[int, float]) -> list[Citation]:
        cited = []
        for n, row in enumerate(rows, start=1):
            s: Sentence = self.index.sentences[row]
            cited.append(
                Citation(
                    n,
                    s.doc_id,
                    self.titles.get(s.doc_id, s.doc_id),
                    s.paragraph,
                    s.number,
                    s.start,
                    s.end,
                    round(float(scores.get(row, 0.0)), 4),
                    s.text,
                )
            )
        return cited

    def date_note(self, rows: list[int]) -> str:
        for row in rows:
            s = self.index.sentences[row]
            if YEARLESS_DATE.search(s.text) and self.dates.get(s.doc_id):
                return f"\n\nThe article is dated {self.dates[s.doc_id]}."
        return ""

    def fact(self, rows: list[int], with_date: bool) -> str:
        """Sentences best first; a sentence that only gives the one before it its
        context ("He noted..." needs "Tokayev acknowledged...") says so."""
        parts = []
        for n, row in enumerate(rows, start=1):
            s = self.index.sentences[row]
            text = f"{s.text} [{n}]"
            if n > 1 and self.is_before(row, rows[n - 2]):
                text = f"Context, the sentence before it: {text}"
            parts.append(text)
        return "\n\n".join(parts) + (self.date_note(rows) if with_date else "")

    def is_before(self, row: int, other: int) -> bool:
        a, b = self.index.sentences[row], self.index.sentences[other]
        return a.doc_id == b.doc_id and a.number == b.number - 1

    def quote(self, rows: list[int]) -> str:
        """Consecutive sentences in reading order, as one block quote."""
        sentences = " ".join(
            f"{self.index.sentences[row].text} [{n}]" for n, row in enumerate(rows, start=1)
        )
        s = self.index.sentences[rows[0]]
        return f"The article says (paragraph {s.paragraph}):\n\n> {sentences}"

    def bullets(
        self,
        rows: list[int],
        noun: str | None,
        keep: Callable[[str], bool] | None = None,
        narrowed: str = "",
    ) -> str:
        """A bulleted list of items cut from the sentences, counted in its framing.

        A sentence without an enumeration is one item; a sentence that only
        announces the list ("... exchanged several documents") leads it instead.
        With `keep`, only the items it accepts are listed, and with `narrowed`
        the framing says they are the ones for it ("education").
        """
        lines, leads = [], []
        for n, row in enumerate(rows, start=1):
            text = self.index.sentences[row].text
            spans = enumeration(text)
            if not spans and n < len(rows) and self.announces(row, rows[n]):
                leads.append(f"{text} [{n}]")
                continue
            for a, b in spans or [(0, len(text))]:
                if keep is None or keep(text[a:b]):
                    lines.append(f"- {text[a:b]} [{n}]")
        count = len(lines)
        said = noun and any(stem(noun) in tokenize(self.index.sentences[row].text) for row in rows)
        plural = count != 1
        if keep is not None and narrowed:
            framing = f"The article names {count} item{'s' if plural else ''} for “{narrowed}”:"
        elif not noun or said:
            framing = f"The article names {count} {noun or 'items' if plural else 'item'}:"
        else:
            # The article never calls them that ("Which companies ...?"), so the
            # framing must not either.
            framing = f"The article names {count} item{'s' if plural else ''} for “{noun}”:"
        lead = ("\n\n" + "\n\n".join(leads)) if leads else ""
        sources = "\n".join(
            f"[{n}] {self.index.sentences[row].text}" for n, row in enumerate(rows, start=1)
        )
        items = "\n".join(lines)
        return f"{framing}{lead}\n\n{items}\n\nCited sentences:\n\n{sources}"

    def announces(self, row: int, next_row: int) -> bool:
        current, following = self.index.sentences[row], self.index.sentences[next_row]
        return following.number == current.number + 1 and bool(
            re.match(
                r"^(?:these|they|those)\s+(?:included|include|were|are)\b", following.text, re.I
            )
        )

    def refusal(self, reason: str, closest: int | None) -> str:
        text = f"The article does not answer this: {reason}."
        if closest is None:
            return text
        s = self.index.sentences[closest]
        return (
            f"{text}\n\nClosest passage (not an answer, paragraph {s.paragraph}):\n\n> {s.text} [1]"
        )
