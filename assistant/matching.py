"""Whether two words are one word: same stem, a derivation, a typo, an accent.

Questions and articles rarely spell a word alike ("agreed" / "agreement",
"defence" / "defense", "dialouge" / "dialogue", "Vucic" / "Vučić"). These
helpers compare stems (lexical.stem) and plain text; they know no vocabulary
and rank nothing (rank.py, select.py use them).
"""

from collections.abc import Iterable

from assistant.lexical import fold, tokenize

# Endings that turn one word into a close relative ("agreed" / "agreement").
DERIVATIONS = frozenset(
    """e s es ed er ers ing ion ions ment ments ement al ation ations ive or ors ance ence
    ity ist ists ism y ies""".split()
)


def similar_stems(a: str, b: str) -> bool:
    """Same stem, one a derivation of the other, or one letter apart (defence/defense).

    >>> similar_stems("agre", "agreement"), similar_stems("defenc", "defens")
    (True, True)
    >>> similar_stems("trade", "grade"), similar_stems("sign", "signific")
    (False, False)
    """
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and long_.startswith(short) and long_[len(short) :] in DERIVATIONS:
        return True
    return close_spelling(a, b, opening=2)


def close_spelling(a: str, b: str, opening: int = 1) -> bool:
    """One typo apart, for words of five letters or more whose first `opening`
    letters agree (a typo rarely falls there).

    >>> close_spelling("shirly", "shirley"), close_spelling("celeron", "celoron")
    (True, True)
    >>> close_spelling("paris", "perks"), close_spelling("celeron", "celoron", opening=4)
    (False, False)
    """
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1 or a[:opening] != b[:opening]:
        return False
    return edit_distance_at_most_one(a, b)


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """One letter added, dropped or changed, or two neighbours swapped (a typo).

    >>> edit_distance_at_most_one("dialouge", "dialogue"), edit_distance_at_most_one("ab", "ba")
    (True, True)
    >>> edit_distance_at_most_one("trade", "grace")
    False
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


def by_opening(stems: Iterable[str]) -> dict[str, list[str]]:
    """Stems grouped by their first two letters: similar_stems accepts no other pair.

    >>> by_opening(["agre", "agreement", "trade"])
    {'ag': ['agre', 'agreement'], 'tr': ['trade']}
    """
    grouped: dict[str, list[str]] = {}
    for known in stems:
        grouped.setdefault(known[:2], []).append(known)
    return grouped


def plain(text: str) -> str:
    """Folded and stripped of accents, for matching names typed without them."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", fold(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def phrase_share(terms: tuple[str, ...], text: str) -> float:
    """Share of the question's adjacent word pairs that the sentence has adjacent too.

    >>> phrase_share(("direct", "flight", "capit"), "direct flights and new routes to capitals")
    0.5
    """
    pairs = set(zip(terms, terms[1:], strict=False))
    if not pairs:
        return 0.0
    tokens = tokenize(text)
    return len(pairs & set(zip(tokens, tokens[1:], strict=False))) / len(pairs)
