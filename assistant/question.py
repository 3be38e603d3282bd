"""Read a question: what shape of answer it wants and which words must be matched.

Everything here is about English questions in general, never about one article:
the intent comes from question forms ("quote ...", "which documents ...",
"how many ..."), and the words to match are the question's own content words
minus the words every question uses ("say", "mention", "article").

This module does not look at the corpus; answer.py does the matching.
"""

import re
from collections.abc import Container
from dataclasses import dataclass

from assistant.lexical import STOPWORDS, fold, stem, words
from assistant.matching import edit_distance_at_most_one
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
EXTENT = re.compile(r"\bhow\s+(?:long|old|far|tall|high|big|large|deep|wide|often)\b", re.I)
# The verbs that open a yes-no question or end a noun phrase ("projects in X were").
AUXILIARY = r"(?:is|are|was|were|did|do|does|has|have|had|can|could|will|would|should)"
YES_NO = re.compile(rf"^\s*{AUXILIARY}\b", re.I)
# "Do we know how many died?", "Did they say when ...?": a yes-no question that
# asks what its embedded question asks, and is answered only by that fact.
EMBEDDED = re.compile(
    r"\b(?:say|says|said|know|known|mention|mentions|mentioned|tell|tells|told|announce|"
    r"announced|disclose|disclosed|specify|specified|reveal|revealed|report|reported|state|"
    r"stated|explain|explained|indicate|indicates|indicated|clarify|clarified)\s+"
    r"(how\s+many|how\s+much|when|where|who)\b",
    re.I,
)
# "Could you kindly list ...?", "Would you be so kind as to give ...?": a request
# put as a yes-no question, which asks what its imperative asks.
REQUEST = re.compile(
    r"^\s*(?:could|can|would|will)\s+(?:you|u)\s+(?:please\s+|kindly\s+|"
    r"(?:be\s+)?so\s+kind\s+as\s+to\s+)?(?=[a-z])",
    re.I,
)
# "On what day ...?" asks when. (Not "what year": that often asks for a year
# told beside another event, as in questions that link two articles.)
DAY_ASKED = re.compile(r"\b(?:what|which)\s+(?:day|date|month)\b", re.I)
# "Between the two countries", "their home country": the parties of a story of
# relations, which every sentence is about; a sentence that happens to spell
# them out is no closer to the answer.
PARTIES = re.compile(
    r"\b(?:the\s+)?(?:two|both|their|our)\s+(?:home\s+)?(?:countries|country|nations|sides|parties)\b",
    re.I,
)
# "Ms. Berg": a full stop that ends a title, not a sentence.
ABBREVIATION = re.compile(r"\b[A-Z][a-z]{0,3}\.$")
# "Has a date been set for ...?", "Is there a timeline for ...?" ask when.
DATE_ASKED = re.compile(
    r"\b(?:a|any|the)\s+(?:(?:start|starting|launch|opening|target|exact|specific|firm|set)\s+)?"
    r"(?:date|dates|timeline|timetable|deadline|schedule|time\s*frame|timeframe)\b",
    re.I,
)
# Nouns whose answer is a quantity, so a sentence without a number cannot answer.
QUANTITY_NOUNS = frozenset(
    """number amount population gdp cost costs price prices budget size percentage percent
    rate toll total value volume length distance height weight revenue income salary
    sum tonnes tons capacity turnover altitude speed temperature""".split()
)
# The quantity noun must be what is asked ("What was the population of ...?", "What
# capacity will ...?"), not a word further on ("What components raise steam
# temperature?").
QUANTITY_ASKED = re.compile(
    r"^\s*(?:what|which)\s+(?:(?:is|was|are|were|will\s+be|would\s+be)\s+)?(?:the\s+)?"
    r"(?:(?:[\w-]+\s+){0,3}[\w-]+(?:'s|’s|'|’)\s+)?"  # "Kestrel Orbital Systems' revenue"
    r"(?:[\w-]+\s+){0,2}?(?:" + "|".join(sorted(QUANTITY_NOUNS)) + r")\b",
    re.IGNORECASE,
)
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

# Frame words only as the opening imperative ("Describe the talks", "Give me the
# wording"); after a subject they carry the question ("How did he describe it?").
IMPERATIVES = frozenset("describe give show".split())


# "What did Vučić say?", "What has he announced?": the name or pronoun right after
# the auxiliary is the subject the answer should be about.
SUBJECT = re.compile(
    r"\b(?:did|does|do|has|have|had|will|would|could|can|should|what|how|why)\s+(?=(\w+))",
    re.I,
)


@dataclass(frozen=True)
class Question:
    text: str
    intent: str  # "quote", "list" or "fact"
    wh: str  # "who", "when", "how many", "yes-no", ... or "" when none
    terms: tuple[str, ...]  # stems of the content words, in question order
    term_words: tuple[str, ...]  # the word each term was first seen as
    names: tuple[str, ...]  # folded proper nouns, acronyms and numbers: must be matched
    wants_number: bool  # only a sentence with a number can answer
    subject: str | None = None  # folded name the question is about as actor, if any
    measured: str | None = None  # what a quantity question counts ("tanks", "population")
    extent: bool = False  # "how long / old / far ...": wants a duration, age or size


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


# "Which documents concern education?": the words after such a cue narrow a list.
NARROWED = re.compile(
    r"\b(?:concern(?:s|ed|ing)?|relat(?:e|es|ed|ing)\s+to|deal(?:s|t)?\s+with|to\s+do\s+with|"
    r"link(?:s|ed)?\s+to|about|regarding|"
    r"involv(?:e|es|ed|ing)|cover(?:s|ed|ing)?|on|in|for)\s+(.+)$",
    re.IGNORECASE,
)

VERB = re.compile(rf"\b(?:{AUXILIARY}|be|been)\b", re.I)


def narrowed_to(question: str) -> tuple[str, ...]:
    """The content words a list question narrows its items to, after "concern",
    "relate to", "on", "in" ...; empty when it asks for every item.

    >>> narrowed_to("Which documents concern education?")
    ('education',)
    >>> narrowed_to("Which agreements were signed on defence and security?")
    ('defence', 'security')
    >>> narrowed_to("Which of the documents have to do with space or aerospace?")
    ('space', 'aerospace')
    >>> narrowed_to("What was signed?")
    ()
    >>> narrowed_to("Which projects in Namibia were approved?")
    ('namibia',)
    """
    match = NARROWED.search(question)
    if not match:
        return ()
    # "Which projects in Namibia were approved?": the narrowing ends at the verb.
    phrase = VERB.split(match.group(1), maxsplit=1)[0]
    return tuple(w for w in words(phrase) if w not in STOPWORDS and w not in FRAME_WORDS)


def terse_plural(question: str) -> bool:
    """A question without a question word that opens on a plural noun asks for
    all of them ("documents signed?").

    >>> terse_plural("documents signed?"), terse_plural("tourism memo signed?")
    (True, False)
    """
    first = words(question)[:1]
    return bool(first) and first[0].endswith("s") and not first[0].endswith(("ss", "us", "is"))


def proper_names(question: str) -> list[str]:
    """Capitalized words after the first word, acronyms and numbers, folded.

    >>> proper_names("Who is the president of France?")
    ['france']
    >>> proper_names("What is the GDP of Serbia in 2023?")
    ['gdp', 'serbia', '2023']
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
        # "President" is a title, not a name: "the Serbian President" may be
        # "Vučić" in the text.
        title = bare.rstrip(".") in TITLES or bare.removesuffix("s") in TITLES
        if (
            (capital or bare.isdigit())
            and fold(bare) not in STOPWORDS
            and bare != "I"
            and not title
        ):
            names.append(fold(bare))
    return names


QUESTION_WORDS = ("what", "which", "when", "where", "who", "whom", "whose", "why", "how")
LEADING_WORD = re.compile(r"^\s*([A-Za-z]+)\b")


def respelled(question: str, used: Container[str] = frozenset()) -> str:
    """The question with a misspelt question word at its start put right ("wat",
    "wich", "wen", "hw"): a word that is no common word and none the text uses
    (`used`, stems: "Wat Arun" in an article about the temple), one typo from
    exactly one question word. Everything that reads a question's form (its
    question word, "which one ...?" follow-ups) then reads it as meant.

    >>> respelled("wich one is about educashun"), respelled("wat r the 5 thingz?")
    ('which one is about educashun', 'what r the 5 thingz?')
    >>> respelled("That was signed?"), respelled("Hat trick?"), respelled("Wat Arun?", {"wat"})
    ('That was signed?', 'Hat trick?', 'Wat Arun?')
    """
    match = LEADING_WORD.match(question)
    if not match:
        return question
    typed = match.group(1).lower()
    if typed in STOPWORDS or typed in QUESTION_WORDS or len(typed) < 2 or stem(typed) in used:
        return question
    meant = [w for w in QUESTION_WORDS if edit_distance_at_most_one(typed, w)]
    if len(meant) != 1 or not typed.startswith(meant[0][0]):
        return question
    word = meant[0].capitalize() if match.group(1)[0].isupper() else meant[0]
    return question[: match.start(1)] + word + question[match.end(1) :]


def analyze(question: str) -> Question:
    """What the question asks for and which of its words must be matched.

    >>> analyze("Could you kindly list the documents signed?").intent
    'list'
    >>> analyze("Would you be so kind as to tell me when it opened?").wh
    'when'
    """
    if request := REQUEST.match(question):
        return analyze(question[request.end() :])
    wh_match = WH.search(question)
    wh = "yes-no" if YES_NO.match(question) else (wh_match.group(1).lower() if wh_match else "")
    if wh == "yes-no" and (embedded := EMBEDDED.search(question)):
        # Who would say it is the source, not the topic: the embedded question
        # ("when the flights start?") is what to search and answer.
        return analyze(question[embedded.start(1) :])
    date_asked = DATE_ASKED if wh == "yes-no" else DAY_ASKED if wh in ("what", "which") else None
    if date_asked and date_asked.search(question):
        wh = "when"
    if QUOTE.search(question):
        intent = "quote"
    elif (
        LIST_CUE.search(question)
        or (wh in {"which", "what"} and plural_head(question))
        or (wh == "" and terse_plural(question))
    ):
        intent = "list"
    else:
        intent = "fact"
    said = words(PARTIES.sub(" ", question))
    content = [
        w
        for i, w in enumerate(said)
        if w not in STOPWORDS and w not in FRAME_WORDS and not (i == 0 and w in IMPERATIVES)
    ]
    first_word = {}
    for w in content:
        first_word.setdefault(stem(w), w)
    terms = tuple(first_word)
    wants_number = wh in {"how many", "how much"} or bool(QUANTITY_ASKED.search(question))
    return Question(
        question,
        intent,
        wh,
        terms,
        tuple(first_word.values()),
        tuple(proper_names(question)),
        wants_number,
        subject_of(question),
        measured_thing(question) if wants_number else None,
        bool(EXTENT.search(question)),
    )


def opening_phrase(text: str) -> list[str]:
    """The content words that open the text, small words before them skipped, up
    to the next small word other than "and", "or" or an article.

    >>> opening_phrase("was the trade turnover of Serbia?")
    ['trade', 'turnover']
    >>> opening_phrase("fishing quotas and the tariffs on the river")
    ['fishing', 'quotas', 'tariffs']
    >>> opening_phrase("releasing the data.")
    ['releasing', 'data']
    """
    run: list[str] = []
    for word in words(text):
        if word in STOPWORDS or word in FRAME_WORDS:
            if run and word not in ("and", "or", "the", "a", "an"):
                break
            continue
        run.append(word)
    return run


def measured_thing(question: str) -> str | None:
    """The word a quantity question counts or measures.

    >>> measured_thing("How many tanks will Serbia sell?"), measured_thing("What is the GDP?")
    ('tanks', 'gdp')
    >>> measured_thing("What was the number of visitors?")
    'visitors'
    >>> measured_thing("What is the total number of professors at Harvard?")
    'professors'
    >>> measured_thing("How many Serbian tourists came?")
    'tourists'
    >>> measured_thing("How much was the trade turnover?")
    'turnover'
    >>> measured_thing("How many people work at the plant?")
    'people'
    """
    lowered = [w for w in words(question) if w not in STOPWORDS]
    counted = re.search(r"\bhow\s+(many|much)\s+(.*)", question, re.I)
    if counted:
        # "Serbian tourists visited", "(was the) trade turnover".
        run = opening_phrase(counted.group(2))
        plural = [w for w in run if w.endswith("s") and not w.endswith("ss")]
        if run and counted.group(1).lower() == "many":
            # "How many" counts a plural noun, or the word right after it
            # ("people work" counts people).
            return plural[0] if plural else run[0]
        if run:
            return run[-1]  # "how much" measures the noun that ends the phrase
    generic = {"number", "amount", "total", "count", "figure", "sum"}
    for i, word in enumerate(lowered):
        if word in QUANTITY_NOUNS:
            # "the total number of professors" counts professors
            rest = [w for w in lowered[i:] if w not in generic]
            return rest[0] if word in generic and rest else word
    return None


def subject_of(question: str) -> str | None:
    """The name acting in the question, if it names one.

    >>> subject_of("What else did Vučić say?")
    'vučić'
    >>> subject_of("Quote what Tokayev said about the visit.")
    'tokayev'
    >>> subject_of("What did the leaders praise?") is None
    True
    """
    for match in SUBJECT.finditer(question):
        if match.group(1)[0].isupper():
            return fold(match.group(1))
    return None
