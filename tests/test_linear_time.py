"""Text from users is handled in time linear in its length.

Documents can be a one-megabyte line, questions up to Settings.max_question_chars;
either can be runs of punctuation, of blanks, of digits, or quotes and brackets
nested deep. Each test holds "time grows at most linearly" (tests/growth.py),
never an absolute time. The splitter's sentences and offsets on ordinary text
are compared with those of the splitter as it was before it was made linear.
"""

import re
from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assistant import (
    answer,
    answerable,
    assistant,
    chunking,
    conversation,
    corpus,
    items,
    lexical,
    names,
    question,
    rank,
    select,
)
from assistant.chunking import split_document, split_sentences
from assistant.corpus import Document, parse_document
from tests.growth import ladder, repeat_to, worst_step

MEGABYTE = 1_024_000
QUESTION = 2000  # Settings.max_question_chars
# Pieces whose runs or nesting made some pattern backtrack.
PATHOLOGICAL = [
    ".", "!", "?", "\u2026", "?!", ". ", ".\u201d ", "a. ", "A. ", "U.S. ", " ", "\t", "1",
    "1,", "1.", "'A", "A'", "A-", ".A", "a, ", "a and ", "(", ")", "\u201c", "\u201d", '"',
    "([{", "\u201c\u2018(", "#", "# ", "Mr. ", "Aa said ", "Minister A ",
]  # fmt: skip
# Nestings of quotes and brackets, opened n deep and closed again.
NESTINGS = ["(", "[", "\u201c", "\u2018", '"', "'", "(\u201c", "\u201c(\u2018"]
CLOSERS = str.maketrans("([\u201c\u2018", ")]\u201d\u2019")


def split(text: str) -> None:
    split_document(Document("d", "D", text, None, "d.txt"))


def nested(opening: str, size: int) -> str:
    depth = max(1, size // (2 * len(opening) + 2))
    return "He said " + opening * depth + "yes." + opening.translate(CLOSERS)[::-1] * depth


@pytest.mark.parametrize("unit", [".", "!", "?", "\u2026", "?!.", '."', "a.", "A.A."])
def test_the_splitter_takes_linear_time_on_runs_of_punctuation_up_to_a_megabyte(unit):
    """A paragraph ending in a run of n sentence marks once took n * n steps (90 s at 60 KB)."""

    def dots(size: int) -> str:
        return "Dots.\n" + repeat_to(unit, size)

    assert worst_step(split, dots, ladder(4000, MEGABYTE)) == ""


@pytest.mark.parametrize("opening", NESTINGS)
def test_the_splitter_takes_linear_time_on_deep_nesting(opening):
    assert worst_step(split, lambda n: nested(opening, n), ladder(4000, MEGABYTE)) == ""


@settings(max_examples=10, deadline=None, derandomize=True)
@given(
    unit=st.text(st.sampled_from("".join(PATHOLOGICAL) + "aA1"), min_size=1, max_size=5),
    tail=st.sampled_from(["", "x", " End.", "\nNext."]),
)
@example(unit=".", tail="")
def test_the_splitter_takes_linear_time_on_any_repeated_piece(unit, tail):
    def text(size: int) -> str:
        return "Start. " + repeat_to(unit, size) + tail

    assert worst_step(split, text, ladder(2000, 32000)) == ""


# The sentence pattern before it was made linear: the splitter must find the
# same sentences with the same offsets.
OLD_CANDIDATE = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+\S)")
OLD_NEXT_WORD = re.compile(r"\s+([\"'\u201c\u2018(\[]?)(\w+)")
TEXT_PIECES = list(".!?\u2026\"'\u201d\u2019)]\u201c\u2018([ \n\taAZ1") + [
    "Mr", "U.S", "The", "e.g", "Nov", "J", "they",
]  # fmt: skip


@settings(max_examples=300, deadline=None, derandomize=True)
@given(pieces=st.lists(st.sampled_from(TEXT_PIECES), max_size=30))
def test_the_splitter_finds_the_same_sentences_as_before(pieces):
    text = "".join(pieces)
    paragraphs = chunking.paragraph_spans(text)
    now = [split_sentences(text, a, b) for a, b in paragraphs]
    candidate, next_word = chunking.CANDIDATE, chunking.NEXT_WORD
    chunking.CANDIDATE, chunking.NEXT_WORD = OLD_CANDIDATE, OLD_NEXT_WORD
    try:
        before = [split_sentences(text, a, b) for a, b in paragraphs]
    finally:
        chunking.CANDIDATE, chunking.NEXT_WORD = candidate, next_word
    assert now == before


@pytest.mark.parametrize(
    "text",
    [
        "# Title\n\nBody.",
        "#  Title ##  \n\nBody.",
        "# \t#\nBody.",
        "##### Deep heading #\nBody.",
        "Intro.\n#Not a heading\n# Real one\nBody.",
    ],
)
def test_markdown_titles_are_those_of_the_old_heading_pattern(text):
    old = re.search(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", text, re.MULTILINE)
    assert parse_document("t.md", text.encode()).title == (old.group(1) if old else "T")


@pytest.mark.parametrize("unit", ["  ", " #", "#", "\t", "a "])
def test_a_markdown_heading_of_a_megabyte_is_read_in_linear_time(unit):
    """`(.+?)[ \\t#]*$` tried the tail of the line at each character: n * n steps."""

    def heading(size: int) -> bytes:
        return ("# a" + repeat_to(unit, size) + "b\n\nBody.").encode()

    def parse(raw: bytes) -> None:
        parse_document("t.md", raw)

    assert worst_step(parse, heading, ladder(4000, MEGABYTE)) == ""


def mixed(units: list[str], as_question: bool = False) -> Callable[[int], str]:
    """Texts of a given size made of a run of each unit in turn: a pattern that
    backtracks on any one of the runs grows faster than linearly on the whole.
    As a question, runs of white space are one blank, as check_question leaves them."""

    def text(size: int) -> str:
        share = max(1, size // len(units))
        made = "".join(repeat_to(unit, share) for unit in units) + " x"
        return " ".join(made.split()) if as_question else made

    return text


PIECES = st.lists(st.sampled_from(PATHOLOGICAL), min_size=1, max_size=3, unique=True)
# Functions of the answer stage that read document text (sentences, or every
# document joined), each with the text it is given.
ON_DOCUMENT_TEXT = {
    "lexical.tokenize": lexical.tokenize,
    "items.enumeration": items.enumeration,
    "names.figures": names.figures,
    "names.acronyms": names.acronyms.__wrapped__,  # not its cache
    "names.people": names.people,
    "rank.kind_features": lambda text: [rank.kind_features(wh, frozenset(), text) for wh in WHS],
}
WHS = ("when", "how many", "where")


@pytest.mark.parametrize("name", sorted(ON_DOCUMENT_TEXT))
@settings(max_examples=3, deadline=None, derandomize=True)
@given(units=PIECES)
@example(units=PATHOLOGICAL)
def test_functions_reading_sentences_take_linear_time(name, units):
    assert worst_step(ON_DOCUMENT_TEXT[name], mixed(units), ladder(2000, 128000)) == ""


# Patterns the code applies only with match, at one place of a text: tried from
# every position, as finditer does, they would not be linear. Questions reach
# their patterns with runs of white space made one blank, and capped.
ANCHORED = {"chunking.NEXT_WORD", "items.PREPOSITION"}
# In the order they import each other, so that a pattern is named by its own module.
MODULES = [chunking, corpus, lexical, names, items, rank, question, select, answerable, answer]
MODULES += [conversation, assistant]
QUESTION_MODULES = {"question", "conversation", "assistant"}
QUESTION_ONLY = {"answerable.ROLE", "select.TOPIC_VERB", "select.ABOUT"}


def patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern of the modules that read documents or questions, by name."""
    found: dict[str, re.Pattern] = {}
    for module in MODULES:
        short = module.__name__.rsplit(".", 1)[1]
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and value not in found.values():
                found[f"{short}.{name}"] = value
    return found


def find_all(pattern: re.Pattern) -> Callable[[str], list]:
    return lambda text: list(pattern.finditer(text))


@pytest.mark.parametrize("name", sorted(patterns()))
@settings(max_examples=1, deadline=None, derandomize=True)
@given(units=PIECES)
@example(units=PATHOLOGICAL)
def test_every_pattern_on_user_text_takes_linear_time(name, units):
    """Every module-level pattern, tried the way the code tries it."""
    pattern = patterns()[name]
    on_questions = name.split(".")[0] in QUESTION_MODULES or name in QUESTION_ONLY
    texts = mixed(units, as_question=on_questions)
    sizes = ladder(QUESTION // 16, QUESTION) if on_questions else ladder(2000, 128000)
    run = pattern.match if name in ANCHORED else find_all(pattern)
    assert worst_step(run, texts, sizes) == ""


@settings(max_examples=6, deadline=None, derandomize=True)
@given(units=PIECES)
@example(units=PATHOLOGICAL)
def test_reading_a_question_takes_linear_time(units):
    texts = mixed(units, as_question=True)
    assert worst_step(question.analyze, texts, ladder(QUESTION // 16, QUESTION)) == ""
