"""Choose the sentences to cite from scored candidates: structure only.

The scorer (scorer.py) says how likely each candidate is to answer the
question; this module turns those probabilities into an answer of the shape
the question asks for:

- a fact: the best sentence, and any other the scorer is as sure of;
- a list: every sentence at or above the threshold, plus the rest of each
  enumeration one of them belongs to: the sentences that carry it on
  ("Additionally, ...", "Other ... included ...", "... was also signed") and
  the sentences those carry on, back to the one that began it; in the
  article's order;
- a sentence that points back ("He said ...", "These included ...") brings the
  sentence before it as its context.

The two kinds of sentence it knows are structures of English prose, not words
of any article or question. This module does not score (scorer.py) or write
text (answer.py).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.chunking import Sentence
from assistant.retrieve import Hit

# Openers whose referent is never in the sentence itself: the reader needs the
# sentence before. ("This is ... that ..." defines its own referent; "They"
# is left out, since a story's "they" is mostly its plain subject.)
POINTS_BACK = re.compile(
    r"^(?:he|she|his|her|these|those|this|that|it|its)\b"
    r"(?!\s+(?:is|was)\s+\w+\s+that)",
    re.IGNORECASE,
)
# Openers, or an "also" right after the subject, that carry on what the
# sentence before began: "Additionally, ...", "Other documents included ...",
# "A memorandum was also signed".
CARRIES_ON = re.compile(
    r"^(?:additionally|also|other|others|further|furthermore|moreover|in addition|besides|"
    r"likewise|similarly|these|those|they)\b|^[\w'’-]+(?:\s+[\w'’-]+){0,8}?\s+(?:were|was|are|is|will|"
    r"would|have|has|had)\s+also\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Scored:
    hit: Hit
    probability: float  # calibrated: the sentence answers the question or a part of it

    @property
    def row(self) -> int:
        return self.hit.row


def ranked(hits: Sequence[Hit], probabilities: Sequence[float]) -> list[Scored]:
    """The candidates, most probable first (ties keep retrieval order)."""
    scored = [Scored(h, float(p)) for h, p in zip(hits, probabilities, strict=True)]
    return sorted(scored, key=lambda s: -s.probability)


class Selector:
    def __init__(self, sentences: Sequence[Sentence], sure: float):
        self.sentences = sentences
        self.sure = sure  # a second sentence joins a fact at or above this probability
        self.row_of = {(s.doc_id, s.number): i for i, s in enumerate(sentences)}

    def neighbour(self, row: int, step: int) -> int | None:
        """The sentence `step` places away in the same paragraph, if any."""
        s = self.sentences[row]
        other = self.row_of.get((s.doc_id, s.number + step))
        if other is None or self.sentences[other].paragraph != s.paragraph:
            return None
        return other

    def antecedent(self, row: int) -> int | None:
        """The sentence before, when this one points back to it."""
        if POINTS_BACK.match(self.sentences[row].text):
            return self.neighbour(row, -1)
        return None

    def carried_on(self, rows: Sequence[int]) -> list[int]:
        """The rows with the whole enumeration each belongs to: the sentences
        before it that it carries on, back to the one that began the list, and
        the sentences after it that carry the list on.

        In the same paragraph a carrying sentence follows directly; the first
        sentence of the next paragraph carries on only when it opens with
        "Other(s)", the one opener that names the list before it."""
        found = list(rows)
        for row in rows:
            step = row
            while (step := self.carried_from(step)) is not None and step not in found:
                found.append(step)
            step = row
            while (step := self.carrier(step)) is not None and step not in found:
                found.append(step)
        return found

    def carried_from(self, row: int) -> int | None:
        """The sentence before, when this one carries its list on."""
        s = self.sentences[row]
        before = self.row_of.get((s.doc_id, s.number - 1))
        return before if before is not None and self.carrier(before) == row else None

    def carrier(self, row: int) -> int | None:
        s = self.sentences[row]
        after = self.row_of.get((s.doc_id, s.number + 1))
        if after is None:
            return None
        text = self.sentences[after].text
        if self.sentences[after].paragraph != s.paragraph and not re.match(
            r"others?\b", text, re.I
        ):
            return None
        return after if CARRIES_ON.match(text) else None

    def fact(
        self, scored: list[Scored], threshold: float, given: frozenset[int] = frozenset()
    ) -> list[int]:
        """The best sentence, any other the scorer is sure of, and the sentence
        before each that points back; best first. `given` rows were cited
        earlier in the conversation and are not brought back as context."""
        best = scored[0]
        sure = max(self.sure, threshold)
        chosen = [best.row] + [s.row for s in scored[1:] if s.probability >= sure]
        return self.with_context(chosen, given)

    def listing(
        self, scored: list[Scored], threshold: float, given: frozenset[int] = frozenset()
    ) -> list[int]:
        """Every sentence at or above the threshold with the sentences that
        carry their lists on, and their context, in the article's order."""
        chosen = [s.row for s in scored if s.probability >= threshold] or [scored[0].row]
        rows = self.carried_on(sorted(chosen))
        return sorted(self.with_context(rows, given))

    def with_context(self, rows: list[int], given: frozenset[int]) -> list[int]:
        out: list[int] = []
        for row in rows:
            if row not in out:
                out.append(row)
            before = self.antecedent(row)
            if (
                before is not None
                and before not in rows
                and before not in out
                and before not in given
            ):
                out.append(before)
        return out
