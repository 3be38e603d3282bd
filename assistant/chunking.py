"""Split documents into paragraphs, sentences and passages, keeping offsets.

Paragraphs are the non-blank lines of a document. Sentences are found by a rule
splitter that knows common abbreviations ("Nov. 19", "Mr.", "U.S."), so it does
not need a downloaded model. Passages are windows of consecutive sentences, side
by side, that never cross a paragraph. Every piece keeps character offsets into
`Document.text`: `document.text[s.start:s.end] == s.text` always holds, which is
what lets a citation point at the exact source characters.

This module does not embed or index anything.
"""

import re
from dataclasses import dataclass

from assistant.corpus import Document

# Words that end with a period without ending a sentence when followed by a
# capital or a digit: titles, months, and other short forms common in news text.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st gen col lt sgt capt cmdr adm gov sen rep pres rev hon amb
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vs fig dept univ approx est
    corp inc ltd co mt ft op vol ch art sec para""".split()
)
# Sentence starters that do end a sentence even after an acronym like "U.S.".
STARTERS = frozenset(
    """the a an he she it they we i this that these those there in on at but and however
    meanwhile his her its their""".split()
)
# A run of sentence-ending marks and the closing quotes or brackets after it,
# followed by a word. The look-behind lets a candidate start only where a run
# starts, and the possessive quantifiers never give back what they took: without
# them a run of n dots that ends a paragraph was tried from each of its n
# positions, n * n steps (a 60 KB line of dots took 90 s).
CANDIDATE = re.compile(r"(?<![.!?\u2026])[.!?\u2026]++[\"'\u201d\u2019)\]]*+(?=\s++\S)")
NEXT_WORD = re.compile(r"\s++([\"'\u201c\u2018(\[]?)(\w+)")
ACRONYM = re.compile(r"^(?:[A-Za-z]\.){2,}$")


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    paragraph: int  # 1-based paragraph number in the document
    number: int  # 1-based sentence number in the document
    start: int  # offsets into Document.text
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    doc_id: str
    paragraph: int
    first: int  # number of the first sentence in the window
    last: int  # number of the last sentence in the window
    start: int
    end: int
    text: str


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, stripped of surrounding white space.

    >>> paragraph_spans("One.\\n\\n  Two. ")
    [(0, 4), (8, 12)]
    """
    return [(m.start(), m.end()) for m in re.finditer(r"[^\s](?:[^\n]*[^\s])?", text)]


def word_before(text: str, end: int) -> str:
    """The run of non-space characters that ends at text[end - 1].

    Walks back from `end` rather than searching from the start of the text,
    which made splitting a long document quadratic in its length.

    >>> word_before("met Mr. Smith", 7)
    'Mr.'
    """
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def is_boundary(text: str, dot_start: int, after: int, end: int) -> bool:
    """Whether the punctuation at text[dot_start:after] ends a sentence; the
    sentence's paragraph ends at `end`."""
    follower = NEXT_WORD.match(text, after, end)
    if follower is None:
        return True
    next_word = follower.group(2)
    if not (next_word[0].isupper() or next_word[0].isdigit() or follower.group(1)):
        return False
    if text[dot_start] != ".":
        return True
    token = word_before(text, dot_start + 1)
    bare = token.rstrip(".").lstrip("(\"'\u201c\u2018").lower()
    if bare in ABBREVIATIONS and text[after - 1] == ".":
        return False
    if len(bare) == 1 and bare.isalpha() and next_word[0].isupper():
        return False  # an initial, as in "J. Smith"
    if ACRONYM.match(token.lstrip("(\"'\u201c\u2018")):
        return next_word.lower() in STARTERS
    return True


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences in text[start:end].

    >>> t = "He met Mr. Vucic on Nov. 19 in the U.S. capital. They talked."
    >>> [t[a:b] for a, b in split_sentences(t, 0, len(t))]
    ['He met Mr. Vucic on Nov. 19 in the U.S. capital.', 'They talked.']
    """
    spans = []
    begin = start
    for match in CANDIDATE.finditer(text, start, end):
        if is_boundary(text, match.start(), match.end(), end):
            spans.append((begin, match.end()))
            follower = re.compile(r"\s*").match(text, match.end())
            begin = follower.end() if follower else match.end()
    if begin < end:
        spans.append((begin, end))
    return spans


def split_document(document: Document, window: int = 3) -> tuple[list[Sentence], list[Passage]]:
    """All sentences and passages of a document, in reading order."""
    sentences: list[Sentence] = []
    passages: list[Passage] = []
    text = document.text
    for paragraph, (p_start, p_end) in enumerate(paragraph_spans(text), start=1):
        in_paragraph = []
        for s_start, s_end in split_sentences(text, p_start, p_end):
            sentence = Sentence(
                document.id, paragraph, len(sentences) + 1, s_start, s_end, text[s_start:s_end]
            )
            sentences.append(sentence)
            in_paragraph.append(sentence)
        width = min(window, len(in_paragraph))
        # Windows side by side, the last one flush with the paragraph's end: every
        # sentence gets a passage, at a third of the texts to embed that windows
        # sliding by one sentence cost (same answers on the dev and SQuAD sets).
        starts = list(range(0, len(in_paragraph) - width + 1, width))
        if starts[-1] != len(in_paragraph) - width:
            starts.append(len(in_paragraph) - width)
        for i in starts:
            first, last = in_paragraph[i], in_paragraph[i + width - 1]
            passages.append(
                Passage(
                    document.id,
                    paragraph,
                    first.number,
                    last.number,
                    first.start,
                    last.end,
                    text[first.start : last.end],
                )
            )
    return sentences, passages
