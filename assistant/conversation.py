"""Read a follow-up question against the conversation so far, without a language model.

The result is a `Turn`: the standalone query to search (shown to the user), plus
which sentences to search among or to skip. The forms handled are the ones
people use in chat:

- "Quote it." / "Quote that."        -> the sentence the last answer was about;
- "Which one concerns education?"    -> search only among the last answer's sentences;
- "Quote the second one."            -> the sentence of the second item the last answer showed;
- "And the statistics one?"          -> search the last list's sentences for "statistics";
- "What else was listed next to it?" -> the sentence the last answer was about;
- "What else did he say?" / "And?"   -> same subject, sentences not yet given;
- "And healthcare?" / "What about X?" -> the previous question with X in place of its topic;
- "What did he sign?"                -> "he" replaced by the person last asked about;
- "Which cities would they connect?" -> the previous question's topic added in brackets.

A question with none of these marks is self-contained and searched as typed.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer import Answer
from assistant.lexical import STOPWORDS, fold, stem
from assistant.matching import plain
from assistant.names import people, same_name
from assistant.question import AUXILIARY, FRAME_WORDS, VERB, analyze, narrowed_to, proper_names

# closeness(word, words): how alike in meaning the word is to each of the words.
Closeness = Callable[[str, list[str]], list[float]]

SELECT_AMONG = re.compile(
    r"^\s*(?:which|what|who)\s+(?:one|ones|of\s+(?:them|these|those|the\s+above))\b", re.I
)
# "What else was listed next to it?": the rest of the sentence just cited.
ALONGSIDE = re.compile(
    r"\s*\b(?:with|alongside|beside|next\s+to|along\s+with|together\s+with)\s+"
    r"(?:it|that|this|them|those)\b",
    re.I,
)
# The note that shows which answers "Which one ...?" searched among; it is for
# the reader, not part of what is searched. ("In the sentence cited for: ..."
# names what "next to it" points at, so it is searched.)
AMONG_NOTE = re.compile(r"\s*\(among the answers to: (.*)\)\s*$")
MORE = re.compile(r"\b(?:else|more|another|other|others|further)\b", re.I)
BARE_MORE = re.compile(
    r"^\s*(?:and|and\s+then|go\s+on|continue|more|anything\s+else|what\s+else|tell\s+me\s+more)"
    r"\s*[?.!]*\s*$",
    re.I,
)
CARRY = re.compile(
    r"^\s*(?:and\s+what\s+about|what\s+about|how\s+about|and)\s+(.+?)\s*\??\s*$", re.I
)
ONE_ON = re.compile(
    r"^(?:the\s+|a\s+)?(?:one|ones|those|that|this)\s+(on|about|for|in|of|with|concerning)\s+",
    re.I,
)
PERSON_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers)\b", re.I)
# "it", "they", or a demonstrative standing alone ("why is that?", "is this new?");
# "this library" is a determiner and names its own topic.
THING_PRONOUN = re.compile(
    r"\b(?:it|its|they|them|their)\b|\b(?:this|that|these|those)\b(?=\s*[?.!]*\s*$|\s+(?:is|was|"
    r"are|were|will|would|can|could|did|does|do|has|have|had|mean|means|meant)\b)",
    re.I,
)
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
# "Quote the second one", "the last item?": a place in the list the last answer
# showed. "The first official visit" names something else, so the ordinal must
# stand alone or with "one" or "item".
ORDINAL = re.compile(
    rf"\bthe\s+({'|'.join(ORDINALS)}|last)(?:\s+(?:one|item|entry))?\s*(?=[?.!,]|$)", re.I
)
# "Quote the sentence about X", "the exact wording on X", "quote what he said": a
# quote request with a topic of its own, to be searched.
QUOTE_TOPIC = re.compile(
    r"\b(?:about|on|regarding|concerning|mentioning|naming|where|when|what|which|who|how|"
    r"of\s+the|that\s+(?:says|said|mentions|names))\b",
    re.I,
)
# "And the statistics one?": the item of the last list that names statistics.
NAMED_ONE = re.compile(
    r"^\s*(?:and\s+)?(?:quote\s+)?the\s+((?:[\w’'-]+\s+){0,2}[\w’'-]+)\s+one\s*[?.!]*\s*$", re.I
)
BULLET = re.compile(r"^- .* \[(\d+)\]$", re.M)
WH_WORDS = frozenset("what which who whom whose when where why how".split())
# "And what did Vučić say?": a whole question after "and" stands on its own.
AND_QUESTION = re.compile(
    r"^\s*and\s+(?!what\s+about\b|how\s+about\b)"
    rf"(?=(?:what|which|who|whom|whose|when|where|why|how|{AUXILIARY})\b)",
    re.I,
)


@dataclass(frozen=True)
class Turn:
    query: str  # standalone query to search and to show
    among: tuple[int, ...] = ()  # search only these rows (empty: all)
    skip: tuple[int, ...] = ()  # never cite these rows again
    quote_rows: tuple[int, ...] = ()  # quote these rows without searching
    # "Which one ...?" after "They exchanged several documents": the list the
    # answer announced goes on in the sentences that carry it on.
    among_lists: bool = False


def content_words(query: str) -> str:
    """The words of a question that carry its topic, in order.

    >>> content_words("What was discussed about direct flights?")
    'direct flights'
    """
    kept = []
    for token in re.findall(r"[\w’'-]+", query):
        low = fold(token)
        if low in STOPWORDS or low in FRAME_WORDS or low in WH_WORDS:
            continue
        kept.append(token)
    return " ".join(kept)


class People:
    """Who in the article is a person, so "he" is not read as "Serbia".

    `known` (plain folded names the article uses for people, names.people) is
    read from the article the first time a follow-up needs it, not at start-up.
    """

    def __init__(self, text: Callable[[], str], sentence: Callable[[int], str]):
        self.text = text  # the whole article
        self.sentence = sentence  # an index row's text

    @functools.cached_property
    def known(self) -> frozenset[str]:
        return people(self.text())

    def answered(self, answer: Answer) -> str | None:
        """The person an answer names for its question ("Who is the president of
        Serbia?" -> "Vučić"): in its main sentence, the first person after a name
        of the question, else the last before it, else the first; as written."""
        if not answer.found or not answer.rows:
            return None
        text = self.sentence(answer.rows[answer.focus_index])
        asked = [plain(n) for n in proper_names(answer.query)]
        tokens = re.findall(r"[\w’'-]+", text)
        persons = [
            i for i, t in enumerate(tokens) if plain(t) in self.known and plain(t) not in asked
        ]
        if not persons:
            return None
        named = [i for i, t in enumerate(tokens) if any(same_name(a, plain(t)) for a in asked)]
        if named:
            after = [i for i in persons if i > named[0]]
            before = [i for i in persons if i < named[0]]
            return tokens[after[0] if after else before[-1]]
        return tokens[persons[0]]


def person(history: list[Answer], people: People | None = None) -> str | None:
    """The person the conversation last asked about, or was told about, as typed."""
    for answer in reversed(history):
        told = people.answered(answer) if people is not None else None
        if told and analyze(answer.query).wh in ("who", "whom"):
            return told  # after "Who was X's counterpart?", "he" is the one answered
        names = [n for n in proper_names(answer.query) if not n.isdigit()]
        if people is not None:
            names = [n for n in names if plain(n) in people.known]
        if names:
            original = re.search(re.escape(names[-1]), answer.query, re.I)
            return original.group(0) if original else names[-1]
        if told:
            return told
    # No one the article calls a person: the name last asked about, whatever it is.
    return person(history) if people is not None else None


def swap_topic(previous_query: str, new_topic: str, closeness: Closeness | None = None) -> str:
    """The previous question asked about a new topic.

    >>> swap_topic("Was tourism part of the agenda?", "healthcare")
    'Was healthcare part of the agenda?'
    >>> like = lambda word, words: [float(w == "healthcare") for w in words]
    >>> swap_topic("Did the leaders discuss healthcare?", "agriculture", like)
    'Did the leaders discuss agriculture?'
    """
    asked = searched(previous_query)  # the note is kept, not searched for a topic
    analysis = analyze(asked)
    # In "Was tourism part of the agenda?" the candidates are "tourism" and
    # "agenda" ("part" is a frame word); in "concerns space" the narrowing topic.
    narrowed = set(narrowed_to(asked))
    candidates = [
        token
        for token in re.findall(r"[\w’'-]+", asked)
        if fold(token) not in STOPWORDS
        and fold(token) not in FRAME_WORDS
        and stem(fold(token)) in analysis.terms
        and (not narrowed or fold(token) in narrowed)
    ]
    if not candidates:
        return f"{previous_query} {new_topic}"
    # The new topic takes the place of the word most like it ("agriculture" of
    # "healthcare", not of "leaders"); without a model, of the first one.
    topic = candidates[0]
    if closeness is not None and len(candidates) > 1:
        scores = closeness(new_topic, candidates)
        topic = candidates[max(range(len(candidates)), key=lambda i: (scores[i], -i))]
    return re.sub(rf"\b{re.escape(topic)}\b", new_topic, previous_query, count=1)


def put_after(query: str, preposition: str, topic: str) -> str | None:
    """The query with `topic` in place of the phrase after `preposition` ("And one
    on defense?"), or None when the query has no such phrase.

    >>> put_after("Was a document on space cooperation signed?", "on", "defense")
    'Was a document on defense signed?'
    """
    place = re.search(rf"\b{preposition}\s+(.+)", searched(query), re.I)
    if not place:
        return None
    phrase = re.split(r"\s*[?.!,]|\s+(?:that|which|who)\b", place.group(1))[0]
    phrase = VERB.split(phrase, maxsplit=1)[0].strip()
    phrase = re.sub(r"\s+\w+(?:ed|en)$", "", phrase)  # "... fisheries signed"
    return query.replace(phrase, topic, 1) if phrase else None


def searched(query: str) -> str:
    """The query without the note on which answers it searched among.

    >>> searched("concerns space (among the answers to: What was signed?)")
    'concerns space'
    """
    return AMONG_NOTE.sub("", query)


def placed(answer: Answer, ordinal: str) -> int | None:
    """The row of the item at that place in the answer as the user saw it: the
    sentence of its n-th bullet, or its n-th cited sentence when it has no bullets.

    >>> shown = Answer("q", "q", "Two:\\n\\n- a [1]\\n- b [1]\\n- c [2]", True, rows=(7, 9))
    >>> placed(shown, "second"), placed(shown, "last"), placed(shown, "fifth")
    (7, 9, None)
    """
    markers = [int(n) for n in BULLET.findall(answer.text)]
    markers = markers or list(range(1, len(answer.rows) + 1))
    place = len(markers) - 1 if ordinal == "last" else ORDINALS.index(ordinal)
    if place >= len(markers) or markers[place] > len(answer.rows):
        return None
    return answer.rows[markers[place] - 1]


def given_rows(history: list[Answer]) -> tuple[int, ...]:
    return tuple(sorted({row for answer in history for row in answer.rows}))


def resolve(
    question: str,
    history: list[Answer],
    closeness: Closeness | None = None,
    people: People | None = None,
) -> Turn:
    """The standalone reading of `question` after `history` (oldest first);
    `closeness(word, words)` scores how alike in meaning words are (cosines);
    `people` tells persons from places, so "he" takes a person."""
    if not history:
        return Turn(question)
    if AND_QUESTION.match(question):
        question = AND_QUESTION.sub("", question)
        question = question[:1].upper() + question[1:]
    last = history[-1]
    found = next((a for a in reversed(history) if a.found and a.rows), None)
    analysis = analyze(question)
    ordinal = ORDINAL.search(question)
    row = ordinal and found and placed(found, ordinal.group(1).lower())
    if ordinal and row is not None:
        place = f"the {ordinal.group(1).lower()} of the answers to: {found.query}"
        if analysis.intent == "quote":
            return Turn(f"Quote {place}", quote_rows=(row,))
        rest = ORDINAL.sub(" it", question).strip(" ?")
        return Turn(f"{rest} ({place})", among=(row,))
    named = NAMED_ONE.match(question)
    listed = next((a for a in reversed(history) if a.found and len(a.rows) > 1), None)
    if named and listed:
        query = f"{named.group(1)} (among the answers to: {listed.query})"
        return Turn(query, among=listed.rows, among_lists=True)
    if (
        analysis.intent == "quote"
        and found
        and not (analysis.terms and (QUOTE_TOPIC.search(question) or proper_names(question)))
    ):
        # "Can you quote that sentence exactly?", "exact wording pls": a quote
        # request that names no topic of its own is about what was just said.
        focus = found.rows[found.focus_index]
        return Turn(f"Quote the sentence cited for: {found.question}", quote_rows=(focus,))
    if ALONGSIDE.search(question) and found:
        rest = ALONGSIDE.sub("", question).strip(" ?")
        focus = found.rows[found.focus_index]
        return Turn(f"{rest} (in the sentence cited for: {found.query})", among=(focus,))
    if SELECT_AMONG.match(question) and found:
        rest = SELECT_AMONG.sub("", question).strip(" ?")
        query = f"{rest} (among the answers to: {found.query})"
        return Turn(query, among=found.rows, among_lists=True)
    if BARE_MORE.match(question):
        return Turn(last.query, skip=given_rows(history))
    carried = CARRY.match(question)
    if carried and len(carried.group(1).split()) <= 4:
        one_on = ONE_ON.match(carried.group(1))
        topic = carried.group(1)[one_on.end() :] if one_on else ""
        query = one_on and topic and put_after(last.query, one_on.group(1), topic)
        query = query or swap_topic(last.query, topic or carried.group(1), closeness)
        # "Which one concerns space?" then "And tourism?": among the same answers.
        note = AMONG_NOTE.search(last.query)
        source = note and next((a for a in history if a.query == note.group(1) and a.rows), None)
        if source:
            return Turn(query, among=source.rows, among_lists=True)
        return Turn(query)
    resolved = question
    name = person(history, people)
    if name and PERSON_PRONOUN.search(resolved):
        resolved = PERSON_PRONOUN.sub(name, resolved, count=1)
    if THING_PRONOUN.search(resolved) or not analyze(resolved).terms:
        # Without a parser the pronoun cannot be replaced safely; the previous
        # topic is added instead, in brackets, so the user sees how it was read.
        topic = " ".join(dict.fromkeys(content_words(last.query).split()).keys())
        if topic and topic.lower() not in resolved.lower():
            resolved = f"{resolved.rstrip(' ?')}? ({topic})"
    skip = given_rows(history) if MORE.search(question) else ()
    return Turn(resolved, skip=skip)
