"""Whether a text mentions a name, figure or acronym that a question uses.

A question and its source rarely spell a name the same way: "EU" and "European
Union", "U.N." and "UN", "10000" and "10,000", "5" and "five", "Israelis" and
"Israel", "Shirly" and "Shirley", "Mongke" and "Möngke". Each form here is
general English usage; none comes from one article.

This module only matches; answerable.py decides what a missing name means.
"""

import functools
import re

from assistant.lexical import STOPWORDS, stem, words
from assistant.matching import close_spelling, plain, similar_stems

NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    "first": "1", "second": "2", "third": "3", "once": "1", "twice": "2",
}  # fmt: skip
ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6"}
# Endings that make a people or an adjective of a place name (Israel -> Israelis,
# Kazakhstan -> Kazakh).
DEMONYM = ("i", "is", "an", "ans", "ian", "ians", "ese", "ish", "ern", "n", "ns", "stan")
# Small words inside a name that its acronym skips ("Bank of England" -> BoE).
LINKS = frozenset("of and for de du la".split())
# Initials an acronym has at most ("UNESCO" has six): every stretch of a run of n
# capitalized words was taken for one, n * n of them for "A A A ...".
LONGEST = 8


def figures(text: str) -> set[str]:
    """The numbers a text states, as digits without separators.

    >>> sorted(figures("By 1883, five engines gave 10,000 hp in World War II."))
    ['10000', '1883', '2', '5']
    """
    found = {n.replace(",", "") for n in re.findall(r"\d[\d,]*\d|\d", text)}
    for word in words(text):
        found.add(NUMBER_WORDS.get(word) or ROMAN.get(word) or "")
    found.discard("")
    return found


@functools.lru_cache(maxsize=4096)
def acronyms(text: str) -> frozenset[str]:
    """Initials of runs of capitalized words, and dotted abbreviations, folded.

    >>> found = acronyms("Treaties of the European Union, the U.N. and the Bank of England.")
    >>> sorted(a for a in found if a in {"eu", "un", "be", "boe", "wwii"})
    ['be', 'boe', 'eu', 'un']
    >>> "wwii" in acronyms("After World War II, the city grew.")
    True
    """
    found = {a.replace(".", "").lower() for a in re.findall(r"\b(?:[A-Z]\.){2,}", text)}
    run: list[str] = []
    for token in re.findall(r"[\w’'-]+", text) + [""]:
        if token[:1].isupper() or (run and token in LINKS):
            run.append(token)
            continue
        while run and run[-1] in LINKS:
            run.pop()
        for initials in (
            "".join(t[0] for t in run if t not in LINKS),  # Bank of England: BE
            "".join(t[0] for t in run),  # and BoE
        ):
            for i in range(len(initials)):
                for j in range(i + 2, min(len(initials), i + LONGEST) + 1):
                    found.add(initials[i:j].lower())
        for i, t in enumerate(run):
            if t.isupper():  # "World War II": the numeral is kept whole
                found.update(
                    ("".join(x[0] for x in run[j:i]) + t).lower()
                    for j in range(max(0, i - LONGEST + 1), i)
                )
        run = []
    return frozenset(found)


def same_name(name: str, word: str) -> bool:
    """The name and the word are one name, in another form or spelling.

    >>> same_name("israelis", "israel"), same_name("northern", "north")
    (True, True)
    >>> same_name("kazakhstan", "kazakh")
    True
    >>> same_name("iran", "iraq")
    False
    """
    if name == word or close_spelling(name, word):
        return True
    short, long_ = sorted((name, word), key=len)
    return len(short) >= 4 and long_.startswith(short) and long_[len(short) :] in DEMONYM


def mentions(name: str, text: str) -> bool:
    """Whether the text mentions the (folded) name a question uses.

    >>> mentions("eu", "None of the treaties of the European Union did.")
    True
    >>> mentions("10000", "engines of 10,000 hp"), mentions("mongke", "Möngke Khan")
    (True, True)
    >>> mentions("france", "The president of Serbia spoke.")
    False
    """
    name = plain(name)
    if name.isdigit():
        return name in figures(text)
    flat, stems = plain_words(text)
    if any(same_name(name, w) for w in flat):
        return True
    stemmed = stem(name)
    if any(similar_stems(stemmed, s) for s in stems):
        return True
    if len(name) > 6:
        return False
    return name in acronyms(plain_caps(text)) or spelled_out(name, flat)


def spelled_out(acronym: str, flat: tuple[str, ...]) -> bool:
    """Whether consecutive content words, in any case, have the acronym's letters
    as initials ("CEO" and "chief executive officer"). Two letters match too
    much at random, so only longer acronyms are looked for.

    >>> spelled_out("ceo", ("its", "chief", "executive", "officer", "said"))
    True
    >>> spelled_out("ceo", ("chief", "of", "operations"))
    False
    """
    size = len(acronym)
    if size < 3 or not acronym.isalpha():
        return False
    return any(
        "".join(w[0] for w in flat[i : i + size]) == acronym
        and not STOPWORDS.intersection(flat[i : i + size])
        for i in range(len(flat) - size + 1)
    )


@functools.lru_cache(maxsize=4096)
def plain_words(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The text's words without accents, and their stems; the same sentences and
    paragraphs are checked for every question, so they are kept."""
    flat = tuple(plain(w) for w in words(text))
    return flat, frozenset(stem(w) for w in flat)


def plain_caps(text: str) -> str:
    """Accents stripped, case kept (acronyms need the capitals)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# "Tokayev acknowledged", "Solvang said", "President Aleksandar Vučić",
# "Ingrid Solvang, chief executive officer of Kestrel, said": forms that make a
# capitalized word a person's name, not a place's or a company's.
REPORTING = (
    r"(?:said|says|told|added|noted|stressed|recalled|called|proposed|expressed|"
    r"acknowledged|highlighted|conveyed|reaffirmed|praised|emphasi[sz]ed|urged|warned|"
    r"announced|explained|argued|insisted|suggested|thanked|welcomed|declared|stated)"
)
# At most 41 characters, taken whole: a name is tried from every capital after an
# apostrophe or hyphen ("al-Assad"), and an unbounded one read the rest of a long
# "A-A-A-..." from each of them (n * n steps). No person's name is that long.
NAME = r"([A-Z][\w’'-]{1,40}+)"
TITLES = (
    "President Minister Professor Mr Ms Mrs Dr Chancellor Governor Mayor Senator "
    "King Queen General Director Chairman Chairwoman"
).split()
PERSON = re.compile(
    rf"\b{NAME}(?:\s+(?:also|further|later))?\s+{REPORTING}\b"
    rf"|\b{NAME},[^,.;]{{1,80}},\s+{REPORTING}\b"
    rf"|\b(?:{'|'.join(TITLES)}|Prime\s+Minister)\.?\s+(?:[A-Z][\w’'-]{{1,40}}+\s+){{0,2}}{NAME}"
)


def people(text: str) -> frozenset[str]:
    """Folded names the text uses for people: they report, or carry a title.

    >>> sorted(people("Minister Berg praised the plan. Namibia will pay, Berg said."))
    ['berg']
    >>> sorted(people("Ingrid Solvang, chief executive of Kestrel, said it flew."))
    ['solvang']
    """
    return frozenset(
        plain(name)
        for match in PERSON.finditer(text)
        for name in match.groups()
        if name and name.lower() not in {"he", "she", "they", "it"}
    )
