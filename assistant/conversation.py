"""Read a follow-up question against the conversation so far, without a language model.

The result is a `Turn`: the standalone query to search, plus which sentences to
search among or to skip. The forms handled are the ones people use in chat:

- "Quote it." / "Quote that."       -> the sentence the last answer was about;
- "Which one concerns education?"   -> search only among the last answer's sentences;
- "What else did he say?"           -> same subject, sentences not yet given;
- "And healthcare?" / "What about X?" -> the previous question with X in place of its topic;
- "Which cities would they connect?" -> pronoun replaced by the previous topic or person.

A question with none of these marks is self-contained and searched as typed.
"""

import re
from dataclasses import dataclass

from assistant.answer import Answer
from assistant.lexical import STOPWORDS, fold, stem
from assistant.question import FRAME_WORDS, analyze, proper_names

SELECT_AMONG = re.compile(
    r"^\s*(?:which|what|who)\s+(?:one|ones|of\s+(?:them|these|those|the\s+above))\b", re.I
)
MORE = re.compile(r"\b(?:else|more|another|other)\b", re.I)
CARRY = re.compile(
    r"^\s*(?:and|what\s+about|how\s+about|and\s+what\s+about)\s+(.+?)\s*\??\s*$", re.I
)
PERSON_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers)\b", re.I)
THING_PRONOUN = re.compile(r"\b(?:they|them|their|it|its)\b", re.I)


@dataclass(frozen=True)
class Turn:
    query: str  # standalone query to search and to show
    among: tuple[int, ...] = ()  # search only these rows (empty: all)
    skip: tuple[int, ...] = ()  # never cite these rows again
    quote_rows: tuple[int, ...] = ()  # quote these rows without searching


def last_found(history: list[Answer]) -> Answer | None:
    return next((a for a in reversed(history) if a.found and a.rows), None)


def topic_words(query: str) -> str:
    """The trailing run of content words of a question: its topic, as typed.

    >>> topic_words("What was discussed about direct flights?")
    'direct flights'
    """
    tokens = re.findall(r"[\w’'-]+", query)
    run: list[str] = []
    for token in reversed(tokens):
        low = fold(token)
        if low in STOPWORDS or low in FRAME_WORDS:
            if run:
                break
            continue
        run.insert(0, token)
    return " ".join(run)


def person(history: list[Answer]) -> str | None:
    for answer in reversed(history):
        names = [n for n in proper_names(answer.query) if not n.isdigit()]
        if names:
            original = re.search(re.escape(names[-1]), answer.query, re.I)
            return original.group(0) if original else names[-1]
    return None


def replace_pronouns(question: str, history: list[Answer]) -> str:
    previous = last_found(history) or (history[-1] if history else None)
    if previous is None:
        return question
    resolved = question
    name = person(history)
    if name and PERSON_PRONOUN.search(resolved):
        resolved = PERSON_PRONOUN.sub(name, resolved, count=1)
    topic = topic_words(previous.query)
    if topic and THING_PRONOUN.search(resolved):
        resolved = THING_PRONOUN.sub(topic, resolved, count=1)
    return resolved


def swap_topic(previous_query: str, new_topic: str) -> str:
    """The previous question asked about a new topic.

    >>> swap_topic("Was tourism part of the agenda?", "healthcare")
    'Was healthcare part of the agenda?'
    """
    analysis = analyze(previous_query)
    # The topic is the first content word that is not a verb form of the frame;
    # in "Was tourism part of the agenda?" that is "tourism".
    for token in re.findall(r"[\w’'-]+", previous_query):
        low = fold(token)
        if low in STOPWORDS or low in FRAME_WORDS or stem(low) not in analysis.terms:
            continue
        return re.sub(rf"\b{re.escape(token)}\b", new_topic, previous_query, count=1)
    return f"{previous_query} {new_topic}"


def resolve(question: str, history: list[Answer]) -> Turn:
    """The standalone reading of `question` after `history` (oldest first)."""
    previous = last_found(history)
    analysis = analyze(question)
    if previous is None:
        return Turn(question)
    if analysis.intent == "quote" and not analysis.terms:
        focus = previous.rows[previous.focus_index]
        return Turn(f"Quote the sentence behind: {previous.query}", quote_rows=(focus,))
    if SELECT_AMONG.match(question):
        rest = SELECT_AMONG.sub("", question).strip(" ?")
        return Turn(f"{rest} (among the answers to: {previous.query})", among=previous.rows)
    carried = CARRY.match(question)
    if carried and len(carried.group(1).split()) <= 4:
        return Turn(swap_topic(previous.query, carried.group(1)))
    resolved = replace_pronouns(question, history)
    if MORE.search(question):
        given = tuple(sorted({row for a in history for row in a.rows}))
        if resolved == question and not analysis.terms:
            resolved = previous.query
        return Turn(resolved, skip=given)
    return Turn(resolved)
