"""Decide which retrieved sentences answer a question, or that none does.

Each hit gets a relevance that mixes its cosine with the question (alone and in
its passage) and its coverage of the question's content words (IDF-weighted, so
rare words count most; spelling variants such as defence/defense match). Then:

- a question is refused when a name, acronym or number it asks about is not in
  the best sentence's paragraph, when it asks for a quantity or a time and the
  best sentence has none, or when nothing is even loosely similar;
- a fact gets the best sentence, plus sentences that match the same words about
  as well, plus the antecedent a leading "He", "These", "Additionally" needs;
- a list gets every sentence close to the best, plus the continuation sentences
  that follow them ("Other ... included", "Additionally, ...").

The margins are fractions of the best score in the same answer, not absolute
cut-offs tuned to a question. This module does not write text; see answer.py.
"""

import re
from dataclasses import dataclass

from assistant.lexical import fold, stem, tokenize, words
from assistant.question import Question
from assistant.retrieve import Hit
from assistant.store import Index

# Openers that make a sentence lean on the one before it.
ANAPHORA = re.compile(
    r"^(?:he|she|they|it|these|those|this|that|his|her|their|its|additionally|also|"
    r"other|others|further|furthermore|moreover|in addition|besides|likewise|similarly|"
    r"meanwhile|however|both)\b",
    re.IGNORECASE,
)
CONTINUES = re.compile(
    r"^(?:additionally|also|other|others|further|furthermore|moreover|in addition|besides|"
    r"likewise|similarly|these|those|they)\b|^\w+(?:\s+\w+){0,3}\s+(?:were|was|are|is)\s+also\b",
    re.IGNORECASE,
)
NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens)\b",
    re.IGNORECASE,
)
TIME = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2})\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"[a-z]*\.?\s+\d|\b(?:january|february|march|april|june|july|august|september|october|"
    r"november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
    r"yesterday|tomorrow|spring|summer|autumn|fall|winter|century|decade|ago|since|until|"
    r"week|weeks|month|months|year|years|era|period|age)\b",
    re.IGNORECASE,
)
SIMILARITY_FLOOR = 0.15  # below this cosine MiniLM pairs are unrelated text
FACT_MARGIN = 0.06  # a second sentence must be this close to the best to join a fact
LIST_MARGIN = 0.14  # list members may trail the best by more: lists spread wide


@dataclass(frozen=True)
class Evidence:
    hit: Hit
    matched: frozenset[str]  # question terms found in the sentence
    coverage: float  # IDF-weighted share of the question terms matched
    relevance: float

    @property
    def row(self) -> int:
        return self.hit.row


def similar_stems(a: str, b: str) -> bool:
    """Same stem, one a prefix of the other, or one letter apart (defence/defense).

    >>> similar_stems("agre", "agreement"), similar_stems("defenc", "defens")
    (True, True)
    >>> similar_stems("trade", "grade")
    False
    """
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and long_.startswith(short):
        return True
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1 or a[:2] != b[:2]:
        return False
    return edit_distance_at_most_one(a, b)


def edit_distance_at_most_one(a: str, b: str) -> bool:
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def plain(text: str) -> str:
    """Folded and stripped of accents, for matching names typed without them."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", fold(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Selector:
    def __init__(self, index: Index):
        self.index = index
        self.stems = [frozenset(tokenize(s.text)) for s in index.sentences]
        self.row_of = {(s.doc_id, s.number): i for i, s in enumerate(index.sentences)}

    def weight(self, term: str) -> float:
        bm25 = self.index.bm25
        known = bm25.vocab.get(term)
        if known is None:
            return float(bm25.idf_unseen())
        return bm25.idf(known)

    def matched(self, terms: tuple[str, ...], row: int) -> frozenset[str]:
        stems = self.stems[row]
        return frozenset(t for t in terms if any(similar_stems(t, s) for s in stems))

    def weigh(self, question: Question, hits: list[Hit]) -> list[Evidence]:
        weights = {t: self.weight(t) for t in question.terms}
        total = sum(weights.values()) or 1.0
        evidence = []
        for hit in hits:
            matched = self.matched(question.terms, hit.row)
            coverage = sum(weights[t] for t in matched) / total
            similarity = max(hit.dense, (hit.dense + hit.context) / 2)
            evidence.append(Evidence(hit, matched, coverage, similarity + 0.35 * coverage))
        return sorted(evidence, key=lambda e: (-e.relevance, e.row))

    def paragraph_text(self, row: int) -> str:
        sentence = self.index.sentences[row]
        return " ".join(
            s.text
            for s in self.index.sentences
            if s.doc_id == sentence.doc_id and s.paragraph == sentence.paragraph
        )

    def refusal(self, question: Question, best: Evidence) -> str:
        """Why the best sentence cannot answer the question, or '' when it can."""
        if best.hit.dense < SIMILARITY_FLOOR and best.coverage == 0:
            return "nothing in the article is close to this question"
        context = set(plain(self.paragraph_text(best.row)).split())
        context_words = {stem(w) for w in words(plain(self.paragraph_text(best.row)))}
        for name in question.names:
            bare = plain(name)
            if bare in context or any(similar_stems(stem(bare), w) for w in context_words):
                continue
            return f"the article does not mention “{name}” in this context"
        text = best.hit.sentence.text
        if question.wants_number and not NUMBER.search(text):
            return "the article gives no figure for this"
        if question.wh == "when" and not TIME.search(text):
            return "the article gives no date or time for this"
        return ""

    def antecedent(self, row: int) -> int | None:
        """The sentence before `row` in its paragraph, when `row` leans on it."""
        sentence = self.index.sentences[row]
        if not ANAPHORA.match(sentence.text):
            return None
        before = self.row_of.get((sentence.doc_id, sentence.number - 1))
        if before is None or self.index.sentences[before].paragraph != sentence.paragraph:
            return None
        return before

    def continuation(self, row: int) -> int | None:
        """The next sentence, when it carries the same list on ("Other ... included")."""
        sentence = self.index.sentences[row]
        after = self.row_of.get((sentence.doc_id, sentence.number + 1))
        if after is None or not CONTINUES.match(self.index.sentences[after].text):
            return None
        return after

    def choose(self, question: Question, evidence: list[Evidence], intent: str) -> list[int]:
        """Rows to cite, in the order they should be presented."""
        best = evidence[0]
        by_row = {e.row: e for e in evidence}
        if intent == "list":
            chosen = [
                e.row
                for e in evidence
                if e.relevance >= best.relevance - LIST_MARGIN
                and (e.matched or not best.matched)
            ]
            grown = list(chosen)
            for row in chosen:
                step = row
                while (step := self.continuation(step)) is not None:
                    if step not in grown:
                        grown.append(step)
            for row in list(grown):
                before = self.antecedent(row)
                if before is not None and before not in grown and before in by_row:
                    grown.append(before)
            return sorted(grown)
        chosen = [best.row]
        for e in evidence[1:]:
            same_words = e.matched and e.matched >= best.matched
            if same_words and e.relevance >= best.relevance - FACT_MARGIN:
                chosen.append(e.row)
        with_context = []
        for row in chosen:
            before = self.antecedent(row)
            if before is not None and before not in chosen and before not in with_context:
                with_context.append(before)
            with_context.append(row)
        return with_context
