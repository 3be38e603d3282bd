"""People in an article, and whether two spellings are one name.

Follow-ups point at people with "he" and "she", so conversation.py needs to
tell a person's name from a place's: a person is a capitalized name that
reports ("Solvang said") or carries a title ("President Aleksandar Vučić").
Names are compared without accents and allowing one typo or a demonym ending
("Vucic" / "Vučić", "Kazakhstan" / "Kazakh"). Each form is general English
usage; none comes from one article.
"""

import re
import unicodedata

from assistant.lexical import fold

# Endings that make a people or an adjective of a place name (Israel -> Israelis,
# Kazakhstan -> Kazakh).
DEMONYM = ("i", "is", "an", "ans", "ian", "ians", "ese", "ish", "ern", "n", "ns", "stan")
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


def plain(text: str) -> str:
    """Folded and stripped of accents, for matching names typed without them.

    >>> plain("Vučić")
    'vucic'
    """
    decomposed = unicodedata.normalize("NFKD", fold(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def people(text: str) -> frozenset[str]:
    """Plain names the text uses for people: they report, or carry a title.

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


def same_name(name: str, word: str) -> bool:
    """The name and the word are one name, in another form or spelling.

    >>> same_name("israelis", "israel"), same_name("kazakhstan", "kazakh")
    (True, True)
    >>> same_name("shirly", "shirley"), same_name("iran", "iraq")
    (True, False)
    """
    if name == word or close_spelling(name, word):
        return True
    short, long_ = sorted((name, word), key=len)
    return len(short) >= 4 and long_.startswith(short) and long_[len(short) :] in DEMONYM


def close_spelling(a: str, b: str) -> bool:
    """One typo apart, for words of five letters or more that open alike (a
    typo rarely falls on the first letter).

    >>> close_spelling("shirly", "shirley"), close_spelling("paris", "perks")
    (True, False)
    """
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1 or a[:1] != b[:1]:
        return False
    return one_edit(a, b)


def one_edit(a: str, b: str) -> bool:
    """One letter added, dropped or changed, or two neighbours swapped.

    >>> one_edit("dialouge", "dialogue"), one_edit("ab", "ba"), one_edit("trade", "grace")
    (True, True, False)
    """
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])
    return a[i:] == b[i + 1 :]
