"""Whether a sentence can answer a question at all, and which one should lead.

A question is refused when the sentence that comes closest lacks what the
question hinges on:

- a name, acronym or number the question asks about, not in the sentence's
  paragraph nor in another retrieved sentence that could be cited beside it;
- a negation, when the question asks about what did not happen;
- a figure for "how many" / "how much" (and the thing counted, by word or meaning),
  or a date or time for "when".

Before any of these, a question the fitted model of topic.py finds about nothing
in the text is refused ("How do I make a classic carbonara?").

A sentence a little below the best may lead instead when it has what the best
lacks. This module does not rank or choose the sentences to cite; see select.py.
"""

import itertools
import re
from collections.abc import Callable

from assistant.lexical import STOPWORDS, stem, words
from assistant.matching import plain, similar_stems
from assistant.names import TITLES, mentions, same_name
from assistant.question import Question
from assistant.rank import CAPITALIZED, DIGITS, EXTENT, NUMBER, TIME
from assistant.select import Evidence, Selector, asks_topic, topic_of
from assistant.topic import FLOOR, on_topic, signals

# "Who is the prime minister of ...": the role a who-question asks to be named.
ROLE = re.compile(
    r"^\s*[Ww]ho\s+(?:is|was|are|were)\s+(?:the\s+((?:[a-z-]+\s+){0,2}[a-z-]+)\s+(?:of|in)\s+[A-Z]"
    r"|[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*['’]s\s+((?:[a-z-]+\s+){0,2}[a-z-]+)\s*\??\s*$)"
)
# Kinship and other ties between people are told by verbs as often as by their
# noun ("married", "born to", "succeeded", "fought"), so a missing "wife" or
# "rival" does not mean the person is not named.
TIES = frozenset(
    """wife husband spouse son sons daughter daughters father mother parents brother
    sister uncle aunt grandfather grandmother fiancee fiance cousin nephew niece child
    children heir rival rivals ally allies enemy enemies successor predecessor friend
    teacher mentor student partner""".split()
)
TITLE_STEMS = frozenset(stem(t.lower()) for t in TITLES)  # "the Presidents" names no one
# "How much does it cost / weigh?": the verb is measured in units, not named.
# Each white space run is read once: `\s*(?:million|...)?\s*` tried every split of it.
MONEY = re.compile(
    r"[$€£¥]\s*\d|"
    + DIGITS
    + r"\s*+(?:(?:million|billion|thousand|m|bn|k)\s*+)?(?:dollars?|euros?|"
    r"pounds?|yen|yuan|rubles?|roubles?|rupees?|francs?|kroner|krona|kronor|tenge|dinars?|usd|"
    r"eur|gbp)\b",
    re.IGNORECASE,
)
WEIGHT = re.compile(
    DIGITS + r"[\s-]*(?:kilo(?:gram)?s?|kg|grams?|g|tonnes?|tons?|pounds?|lbs?)\b", re.I
)
LENGTH = re.compile(
    DIGITS + r"[\s-]*(?:cubic\s+|square\s+)?(?:kilomet(?:re|er)s?|km|met(?:re|er)s?|m|miles?|feet|"
    r"foot|ft|centimet(?:re|er)s?|cm|millimet(?:re|er)s?|mm|inch(?:es)?|yards?)\b",
    re.I,
)
MEASURED_BY = {
    **dict.fromkeys(
        """meter meters metre metres kilometer kilometers kilometre kilometres km miles
        feet inches yards long length distance far tall high""".split(),
        LENGTH,
    ),
    **dict.fromkeys("times".split(), re.compile(r"\b(?:once|twice|thrice|\w+\s+times)\b", re.I)),
    **dict.fromkeys(
        "people persons inhabitants residents".split(),
        re.compile(r"\b(?:population|inhabitants|residents|people|persons|citizens)\b", re.I),
    ),
    **dict.fromkeys(
        "cost costs price priced worth spend spent pay paid budget fund funded".split(), MONEY
    ),
    **dict.fromkeys("weigh weighs weight heavy mass".split(), WEIGHT),
}
# "She did not say how ...", "declined to comment on ...": the text says it does not tell.
UNTOLD = re.compile(
    r"\b(?:did|does|do|would|could|will)\s+not\s+(?:say|disclose|reveal|specify|give|provide|"
    r"comment\s+on|elaborate\s+on|confirm|explain)\b|\bdeclined\s+to\s+(?:say|comment\s+on|"
    r"disclose|reveal|specify|give|explain)\b|\b(?:(?:was|were|is|are)\s+not|(?:has|have)\s+not"
    r"\s+been)\s+(?:disclosed|specified|revealed|announced|made\s+public)\b|\bundisclosed\b",
    re.IGNORECASE,
)
# "When do treaties apply?" is answered by the moment another thing happens.
WHEN_CLAUSE = re.compile(
    r"\b(?:as\s+soon\s+as|at\s+the\s+(?:beginning|start|end|outset|close)\s+of|"
    r"immediately\s+(?:after|before)|whenever|upon)\b",
    re.IGNORECASE,
)
# A sentence that says something did not happen, or is not so.
NEGATION = re.compile(r"\b(?:not|never|no|none|neither|nor|without)\b|n[’']t\b", re.I)
# A question asks about what did not happen when its own clause is negated
# ("Why did they not sign?", "What is not a symptom of ...?"). Not counted: a
# contrast on what is asked for ("complete, not a sample", "not only those"),
# "without" ("quote it without changing anything"), a tag asking for
# confirmation ("..., didn't he?"), a part in brackets, a sentence beside the
# question ("In which fields? Please give all, not only some.") and "No. 13".
ASKED_NEGATION = re.compile(
    r"(?<!,\s)(?<!,)\bnot\b(?!\s+(?:only|just|merely)\b)|\bno\b(?!\.\s*\d)"
    r"|\b(?:never|none|neither|nor)\b|n[’']t\b",
    re.I,
)
TAG = re.compile(r",\s*\w+n[’']t\s+(?:he|she|it|they|we|you|i|there|that|this)\s*\?", re.I)
BRACKETED = re.compile(r"\([^()]*\)")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def negated(question: Question) -> bool:
    """Whether the question asks about what did not happen.

    >>> from assistant.question import analyze
    >>> negated(analyze("Why did they not sign it?")), negated(analyze("What wasn't approved?"))
    (True, True)
    >>> negated(analyze("List every document. I need it complete, not a sample."))
    False
    >>> negated(analyze("He thanked them too, didn't he? What for?"))
    False
    >>> negated(analyze("Which fields? Please give me all of them, not only some."))
    False
    >>> negated(analyze("What is not a symptom of it?"))
    True
    >>> negated(analyze("Quote it without paraphrase."))
    False
    """
    text = TAG.sub("?", BRACKETED.sub(" ", question.text))
    sentences = SENTENCE_BREAK.split(text)
    asked = [sentence for sentence in sentences if "?" in sentence] or sentences
    return any(ASKED_NEGATION.search(sentence) for sentence in asked)


class Answerability:
    def __init__(self, selector: Selector, known_people: Callable[[], frozenset[str]] = frozenset):
        self.selector = selector
        self.known_people = known_people  # plain names the article uses for people
        self._about: dict[tuple[str, str], bool] = {}  # (doc_id, name): what about() found

    def paragraph_text(self, row: int) -> str:
        first = last = row
        sentences = self.selector.index.sentences
        here = (sentences[row].doc_id, sentences[row].paragraph)
        while first > 0 and (sentences[first - 1].doc_id, sentences[first - 1].paragraph) == here:
            first -= 1
        while last + 1 < len(sentences) and (
            (sentences[last + 1].doc_id, sentences[last + 1].paragraph) == here
        ):
            last += 1
        return " ".join(s.text for s in sentences[first : last + 1])

    def missing_names(self, question: Question, row: int) -> list[str]:
        """The question's names that the sentence's paragraph does not have."""
        if not question.names:
            return []
        paragraph = self.paragraph_text(row)
        return [name for name in question.names if not mentions(name, paragraph)]

    def has_name(self, name: str, row: int) -> bool:
        """In the sentence, or the actor a leading "He" stands for."""
        if mentions(name, self.selector.index.sentences[row].text):
            return True
        return any(similar_stems(stem(plain(name)), s) for s in self.selector.stems[row])

    def refusal(
        self, question: Question, evidence: Evidence, bridged: frozenset[str] = frozenset()
    ) -> str:
        """Why this sentence cannot answer the question, or '' when it can.
        Names in `bridged` are supplied by another cited sentence."""
        for name in self.missing_names(question, evidence.row):
            if name not in bridged:
                typed = re.search(re.escape(name), question.text, re.IGNORECASE)
                return f"it does not mention “{typed[0] if typed else name}” where it comes closest"
        if negated(question) and not NEGATION.search(evidence.hit.sentence.text):
            return "it says nothing of what the question says did not happen"
        if self.withheld(question, evidence):
            return "it says this was not disclosed"
        return self.type_gap(question, evidence)

    def withheld(self, question: Question, evidence: Evidence) -> bool:
        """Whether the sentence says that what the question asks was not told
        ("She did not say how the satellites would be financed"): the question's
        words it has stand mostly after such a clause."""
        text = evidence.hit.sentence.text
        clause = UNTOLD.search(text)
        if not clause or question.wh == "yes-no" or negated(question):
            return False
        after = {stem(w) for w in words(text[clause.end() :])}
        told = [t for t in evidence.matched if any(similar_stems(t, s) for s in after)]
        return bool(evidence.matched) and len(told) * 2 > len(evidence.matched)

    def type_gap(self, question: Question, evidence: Evidence) -> str:
        """What kind of fact the question wants that the sentence lacks, or ''."""
        text = evidence.hit.sentence.text
        if question.wants_number:
            if not NUMBER.search(text):
                return "it gives no figure for this"
            if question.measured and not self.mentions(question.measured, evidence):
                return f"it gives no figure for “{question.measured}”"
        if question.wh == "when" and not (TIME.search(text) or WHEN_CLAUSE.search(text)):
            return "it gives no date or time for this"
        if question.extent and not EXTENT.search(text):
            return "it gives no length, age, size or frequency for this"
        role = ROLE.match(question.text)
        # "the prime minister of": every word; "Serbia's main rival": the noun.
        asked = role and (role.group(1) or role.group(2).split()[-1])
        if asked and not TIES.intersection(words(asked)):
            # "Who is the prime minister of Serbia?" cannot be answered by an
            # article that never uses the word "prime": "president" does not do.
            vocabulary = self.selector.nearby_vocabulary
            missing = [
                w
                for w in words(asked)
                if w not in STOPWORDS
                and not any(similar_stems(stem(w), known) for known in vocabulary(stem(w)))
            ]
            if missing:
                return f"it does not name the “{asked}”"
        return ""

    def mentions(self, word: str, evidence: Evidence) -> bool:
        """Whether the sentence has the word, or a word close to it in meaning
        ("casualties" and "killed"), judged by the word's cosine with the sentence."""
        if any(similar_stems(stem(word), s) for s in self.selector.stems[evidence.row]):
            return True
        if word in ("percent", "percentage") and "%" in evidence.hit.sentence.text:
            return True
        unit = MEASURED_BY.get(word)
        if unit and unit.search(evidence.hit.sentence.text):
            return True
        # A compound holds it: "powder" in "gunpowder".
        if len(word) >= 5 and any(w.endswith(word) for w in words(evidence.hit.sentence.text)):
            return True
        vector = self.selector.encode([word])[0]
        sentence = self.selector.index.sentence_vectors.reconstruct(evidence.row)
        return float(vector @ sentence) >= self.selector.limits.mention_floor

    def bridges(self, question: Question, evidence: list[Evidence], names: list[str]) -> list[int]:
        """Retrieved sentences that have the names a candidate's paragraph lacks, for
        a question that links two things ("the designer of the bridge, born when?"),
        or [] when some name is in none of them."""
        found = []
        for name in names:
            support = next((e.row for e in evidence if self.has_name(name, e.row)), None)
            if support is None:
                return []
            found.append(support)
        return list(dict.fromkeys(found))

    def acceptable(
        self, question: Question, evidence: list[Evidence], candidate: Evidence
    ) -> list[int] | None:
        """The bridging rows ([] when none are needed) if the candidate can answer,
        else None."""
        if not self.refusal(question, candidate):
            return []
        missing = self.missing_names(question, candidate.row)
        # A figure belongs to what its sentence names: a figure in a sentence with
        # none of the question's names counts something else, whatever links it.
        if not missing or (question.wants_number and len(missing) == len(question.names)):
            return None
        if question.wants_number:
            rows = self.bridges(question, evidence, missing)
        else:
            # What the article is about ("Kazakhstan and Serbia" of a visit) goes
            # unsaid in many of its sentences: no sentence need be cited for it.
            told = all(self.about(name, candidate.row) for name in missing)
            rows = [] if told else self.bridges(question, evidence, missing)
        if (rows or not question.wants_number and told) and not self.refusal(
            question, candidate, frozenset(missing)
        ):
            return rows
        return None

    def about(self, name: str, row: int) -> bool:
        """Whether the row's article is about the name: its opening sentence and at
        least two of its other paragraphs name it."""
        doc = self.selector.index.sentences[row].doc_id
        if (doc, name) not in self._about:
            sentences, row_of = self.selector.index.sentences, self.selector.row_of
            rows = [
                row_of[doc, n]
                for n in itertools.takewhile(lambda n: (doc, n) in row_of, itertools.count(1))
            ]
            opening = rows[0] if rows else None
            paragraphs = {
                sentences[r].paragraph
                for r in rows[1:]
                if sentences[r].paragraph != sentences[opening].paragraph
                and mentions(name, sentences[r].text)
            }
            self._about[doc, name] = (
                opening is not None
                and mentions(name, sentences[opening].text)
                and len(paragraphs) >= 2
            )
        return self._about[doc, name]

    def someone_named(
        self, question: Question, evidence: list[Evidence]
    ) -> tuple[list[Evidence], str, list[int]] | None:
        """For "Who was X's counterpart?", when the best sentence names no one
        but the question's own names, a sentence a little below it that names
        another of the article's people leads instead. A best sentence naming
        anything else (an institution) is left first: "who" is not always a person."""
        best = evidence[0]
        if question.wh not in ("who", "whom") or self.names_other(question, best.row, False):
            return None
        for e in evidence[1:]:
            if e.relevance < best.relevance - self.selector.limits.type_margin:
                break
            if self.names_other(question, e.row, True):
                extra = self.acceptable(question, evidence, e)
                if extra is not None:
                    return [e] + [x for x in evidence if x is not e], "", extra
        return None

    def second_answer(self, question: Question, lead: Evidence, other: Evidence) -> bool:
        """Whether `other` may be cited beside the lead: for "who", when the lead
        names a person, a sentence that names no other person does not answer."""
        if self.refusal(question, other):
            return False
        if question.wh in ("who", "whom") and self.names_other(question, lead.row, True):
            return self.names_other(question, other.row, True)
        return True

    def names_other(self, question: Question, row: int, person: bool) -> bool:
        """Whether the sentence names a person (or, with person False, anything
        capitalized past its first word) that the question does not name."""
        text = self.selector.index.sentences[row].text
        known = self.known_people() if person else None
        for word in CAPITALIZED.findall(text):
            name = plain(word.removesuffix("’s").removesuffix("'s"))
            # The question's first word is a name too ("Tokayev held talks with whom?").
            if stem(name) in question.terms or any(same_name(n, name) for n in question.names):
                continue
            if known is None and stem(name) not in TITLE_STEMS:
                return True
            if known is not None and name in known:
                return True
        return False

    def unmatched_topic(self, question: Question, evidence: list[Evidence]) -> str:
        """The topic of "Is X mentioned?" / "Did they discuss X?" when no retrieved
        sentence uses a word of it, else ''. Likeness alone cannot tell a paraphrase
        from another topic, so the closest passage is offered instead.

        "What was said about X?" is not held to X's words: people name a topic in
        their own words ("travel and getting around" for direct flights) far more
        often than they ask about one the article leaves out."""
        if not asks_topic(question) or any(e.matched for e in evidence):
            return ""
        return " ".join(topic_of(question).term_words)

    def pick(
        self, question: Question, evidence: list[Evidence], among_answer: bool = False
    ) -> tuple[list[Evidence], str, list[int]]:
        """Evidence with the best sentence that can answer first, '' and the rows of
        any bridging sentences to cite too -- or the evidence unchanged, why the
        best cannot answer, and [].

        A sentence a little below the best may lead instead when the best lacks what
        the question needs (a name, a negation, a date, a figure) and it has it.
        """
        best = evidence[0]
        # A follow-up asked among the sentences of the answer before ("Which of
        # those ...?") is about the text by the conversation, whatever its words.
        if not among_answer and on_topic(signals(self.selector, question, evidence)) < FLOOR:
            return evidence, "nothing in it is close to this question", []
        topic = self.unmatched_topic(question, evidence)
        if topic:
            return evidence, f"none of its sentences uses the words “{topic}”", []
        extra = self.acceptable(question, evidence, best)
        if extra is not None:
            return self.someone_named(question, evidence) or (evidence, "", extra)
        reason = self.refusal(question, best)
        # Looking further down is for a sentence with the date or figure asked for;
        # a sentence that merely has the name the best lacks must be nearly as good.
        limits = self.selector.limits
        margin = (
            limits.type_margin if reason == self.type_gap(question, best) else limits.name_margin
        )
        for e in evidence[1:]:
            if e.relevance < best.relevance - margin:
                break
            extra = self.acceptable(question, evidence, e) if e.matched else None
            if extra is not None:
                return [e] + [x for x in evidence if x is not e], "", extra
        return evidence, reason, []
