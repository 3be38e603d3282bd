"""Read the shape of answer a question asks for: a quote, a list or a fact.

Only English question forms decide it, never an article's words: a request for
exact wording is a quote; a plural asked for ("which documents", "what
sectors"), "list", "all", a terse plural ("documents signed?") or a passive with
nothing named ("what was signed?") is a list; anything else is a fact. Which
sentences answer is the scorer's call (scorer.py), not this module's.

Also here: the question's content words (conversation.py swaps and carries
them) and its names (who "he" is).
"""

import re
from dataclasses import dataclass

from assistant.lexical import STOPWORDS, fold, stem, words
from assistant.names import TITLES

QUOTE = re.compile(
    r"\b(quote|quotation|verbatim|word for word|exact (?:wording|words|sentence|text|passage)|"
    r"original (?:wording|passage|text|sentence|words)|cite|citation|wording|reproduce|"
    r"without paraphras\w*|as written)\b",
    re.IGNORECASE,
)
LIST_CUE = re.compile(
    r"^\s*(?:(?:please\s+)?(?:list|name|enumerate)\b|what\s+(?:are|were)\s+(?:all\s+)?the\b)"
    r"|\b(?:all|every|each(?!\s+other)|various|several)\b",
    re.IGNORECASE,
)
WH = re.compile(r"\b(how many|how much|who|whom|whose|when|where|why|how|which|what)\b", re.I)
# The verbs that open a yes-no question or end a noun phrase ("projects in X were").
AUXILIARY = r"(?:is|are|was|were|did|do|does|has|have|had|can|could|will|would|should)"
YES_NO = re.compile(rf"^\s*{AUXILIARY}\b", re.I)
VERB = re.compile(rf"\b(?:{AUXILIARY}|be|been)\b", re.I)
# "What was signed?", "What were agreed during the talks?": a passive that names
# nothing asks for everything that was so treated.
PASSIVE_LIST = re.compile(
    r"^\s*what\s+(?:was|were|has\s+been|have\s+been|got|had\s+been)\s+\w+(?:ed|en|wn)\b"
    r"(?:\s+(?:during|at|in|on|by|between|while|after|when)\b.*)?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# "Ms. Berg": a full stop that ends a title, not a sentence.
ABBREVIATION = re.compile(r"\b[A-Z][a-z]{0,3}\.$")
# Words that frame a question rather than name what it is about.
FRAME_WORDS = frozenset(
    """say said says saying tell told mention mentioned mentions article text story
    source passage sentence sentences paragraph quote quotation exact original
    wording words word verbatim cite list name enumerate please according written write
    wrote regarding concerning happen happened
    anything something thing things else kind type part much many discuss discussed
    one ones reproduce paraphrase paraphrasing kindly
    discussing discussion discussions talk talked talking anywhere somewhere""".split()
)


@dataclass(frozen=True)
class Question:
    text: str
    intent: str  # "quote", "list" or "fact"
    wh: str  # "who", "when", "how many", "yes-no", ... or "" when none
    terms: tuple[str, ...]  # stems of the content words, in question order


def plural_head(question: str) -> str | None:
    """The noun right after which/what, when it is plural ("which documents").

    >>> plural_head("Which libraries made an agreement?")
    'libraries'
    >>> plural_head("What protocol was signed?") is None
    True
    >>> plural_head("Which of the signed documents concern space?")
    'documents'
    >>> plural_head("Which memoranda were signed?")
    'memorandums'
    """
    match = re.search(r"\b(?:which|what)\s+(?:of\s+the\s+)?(\w+)(?:\s+(\w+))?", question, re.I)
    if not match:
        return words(question)[0] if terse_plural(question) else None
    word = words(match.group(1))[0]  # "memoranda" is "memorandums"
    if match.group(2) and word.endswith(("ed", "en", "al", "ic", "ing")):
        word = words(match.group(2))[0]  # "which of the signed documents"
    if word in STOPWORDS or word in {"did", "was", "were", "is", "are", "does", "do", "has"}:
        return None
    return word if word.endswith("s") and not word.endswith(("ss", "us", "is")) else None


def terse_plural(question: str) -> bool:
    """A question without a question word that opens on a plural noun asks for
    all of them ("documents signed?").

    >>> terse_plural("documents signed?"), terse_plural("tourism memo signed?")
    (True, False)
    """
    if WH.search(question) or YES_NO.match(question):
        return False
    first = words(question)[:1]
    return bool(first) and first[0].endswith("s") and not first[0].endswith(("ss", "us", "is"))


# "Which documents concern education?": the words after such a cue narrow a list.
NARROWED = re.compile(
    r"\b(?:concern(?:s|ed|ing)?|relat(?:e|es|ed|ing)\s+to|deal(?:s|t)?\s+with|to\s+do\s+with|"
    r"link(?:s|ed)?\s+to|about|regarding|"
    r"involv(?:e|es|ed|ing)|cover(?:s|ed|ing)?|on|in|for)\s+(.+)$",
    re.IGNORECASE,
)


def narrowed_to(question: str) -> tuple[str, ...]:
    """The content words a question narrows its answer to, after "concern",
    "relate to", "on", "in" ...; empty when it names none.

    >>> narrowed_to("Which documents concern education?")
    ('education',)
    >>> narrowed_to("Which projects in Namibia were approved?")
    ('namibia',)
    >>> narrowed_to("What was signed?")
    ()
    """
    match = NARROWED.search(question)
    if not match:
        return ()
    # "Which projects in Namibia were approved?": the narrowing ends at the verb.
    phrase = VERB.split(match.group(1), maxsplit=1)[0]
    return tuple(w for w in words(phrase) if w not in STOPWORDS and w not in FRAME_WORDS)


def proper_names(question: str) -> list[str]:
    """Capitalized words after the first word, acronyms and numbers, folded.

    >>> proper_names("Who is the president of France?")
    ['france']
    >>> proper_names("What did Vučić say? Quote his words.")
    ['vučić']
    >>> proper_names("What did the Serbian President say?")
    ['serbian']
    """
    names = []
    for match in re.finditer(r"\w+(?:['’]\w+)*", question):
        token = match.group()
        bare = token.removesuffix("'s").removesuffix("’s")
        # Every sentence of the question, or clause after a colon, opens with a
        # capital, name or not.
        end = match.start()
        while end and question[end - 1].isspace():
            end -= 1
        # The six characters before the word hold any abbreviation that ends
        # there; the whole question before it made reading one n * n steps.
        before = question[max(0, end - 6) : end]
        opens = (
            not before
            or before[-1] in "?!:"
            or (before[-1] == "." and not ABBREVIATION.search(before))
        )
        capital = bare[:1].isupper() and (not opens or bare.isupper() and len(bare) > 1)
        title = bare.rstrip(".") in TITLES or bare.removesuffix("s") in TITLES
        if (
            (capital or bare.isdigit())
            and fold(bare) not in STOPWORDS
            and bare != "I"
            and not title
        ):
            names.append(fold(bare))
    return names


def intent_of(question: str) -> str:
    """
    >>> intent_of("Quote the sentence about flights."), intent_of("What was signed?")
    ('quote', 'list')
    >>> intent_of("Which sectors were discussed?"), intent_of("Who is Vučić?")
    ('list', 'fact')
    """
    if QUOTE.search(question):
        return "quote"
    wh = WH.search(question)
    asks_plural = wh is not None and wh.group(1).lower() in ("which", "what")
    if (
        LIST_CUE.search(question)
        or PASSIVE_LIST.match(question)
        or (asks_plural and plural_head(question))
        or terse_plural(question)
    ):
        return "list"
    return "fact"


def analyze(question: str) -> Question:
    wh_match = WH.search(question)
    wh = "yes-no" if YES_NO.match(question) else (wh_match.group(1).lower() if wh_match else "")
    content = [w for w in words(question) if w not in STOPWORDS and w not in FRAME_WORDS]
    terms = tuple(dict.fromkeys(stem(w) for w in content))
    return Question(question, intent_of(question), wh, terms)
