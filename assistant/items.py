"""Cut the items of an enumeration out of a sentence, as verbatim spans.

"...projects in industry, agriculture, transit and logistics and the aerospace
industry." gives "industry", "agriculture", "transit and logistics", "the aerospace
industry". Two shapes are recognised, both from punctuation and function words,
never from an article's vocabulary:

- a series of short lower-case conjuncts separated by commas, the last by "and"
  or "or"; the first conjunct is cut after its last preposition;
- long noun phrases joined by ", along with", ", as well as", "and another",
  or a comma series whose conjuncts each open with "a", "an" or "another".

A capitalized conjunct means the commas belong to a name ("Ministry of Labor,
Employment, and Social Policy"), so the sentence is left whole. Items are
(start, end) offsets relative to the sentence.
"""

import re

PREPOSITION = re.compile(
    r".*\b(?:in|on|of|for|to|with|including|included|include|includes|such as|like|"
    r"namely|are|were|is|was)\s+",
    re.IGNORECASE,
)
# `(?<!\s)` lets a separator start only where a run of white space starts: tried
# from every blank of a long run, as finditer does, each try read the rest of the
# run (n * n steps); a separator never starts inside a run anyway.
JOINER = re.compile(r",\s+(?:along with|as well as|together with)\s+|(?<!\s)\s+and\s+(?=another\b)")
SERIES_SPLIT = re.compile(r",\s+(?:and\s+|or\s+)?|(?<!\s)\s+(?:and|or)\s+")
PHRASE_OPENER = re.compile(r"(?:a|an|another|along with|as well as|together with)\b", re.I)
SHORT = 6  # words: a longer conjunct is a clause, not an item of a series


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,;:":
        start += 1
    while end > start and text[end - 1] in " ,;:.!?":
        end -= 1
    return start, end


def split_series(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Conjuncts of text[start:end] split at commas and the final and/or."""
    pieces = []
    cursor = start
    separators = list(SERIES_SPLIT.finditer(text, start, end))
    commas = [m for m in separators if m.group().startswith(",")]
    if len(commas) < 1:
        return []
    # Only the last " and " (after the last comma) separates conjuncts; earlier
    # ones stay inside a conjunct ("transit and logistics").
    last_comma_end = commas[-1].end()
    for match in separators:
        is_and = not match.group().startswith(",")
        if is_and and match.start() < last_comma_end:
            continue
        pieces.append((cursor, match.start()))
        cursor = match.end()
    pieces.append((cursor, end))
    return [strip_span(text, a, b) for a, b in pieces]


def short_series(text: str) -> list[tuple[int, int]]:
    """The trailing run of short lower-case conjuncts; the conjunct that opens
    the run is cut after its last preposition ("... projects in industry")."""
    body_end = len(text.rstrip(" .!?"))
    pieces = split_series(text, 0, body_end)
    run: list[tuple[int, int]] = []  # from the last conjunct back (inserting at the front
    for a, b in reversed(pieces):  # made a series of n conjuncts take n * n steps)
        conjunct = text[a:b]
        if conjunct and len(conjunct.split()) <= SHORT and conjunct[0].islower():
            run.append((a, b))
            continue
        lead = PREPOSITION.match(text, a, b)
        opening = text[lead.end() : b] if lead else ""
        if opening[:1].islower() and len(opening.split()) <= SHORT:
            run.append((b - len(opening), b))
        break
    run.reverse()
    if any(PHRASE_OPENER.match(text, a, b) for a, b in run):
        return []  # noun phrases with their own articles: see phrase_series
    return run if len(run) >= 3 else []


def phrase_series(text: str) -> list[tuple[int, int]]:
    body_end = len(text.rstrip(" .!?"))
    cuts = list(JOINER.finditer(text, 0, body_end))
    comma_series = [
        m for m in re.finditer(r",\s+(?:and\s+)?(?=(?:a|an|another)\s)", text[:body_end])
    ]
    cuts = sorted(cuts + comma_series, key=lambda m: m.start())
    if not cuts:
        return []
    pieces = []
    cursor = 0
    for match in cuts:
        pieces.append((cursor, match.start()))
        cursor = match.end()
    pieces.append((cursor, body_end))
    if comma_series:
        # "a dam, a plant for the town of X and the restoration of Y": in a series
        # of noun phrases the last "and the/a" opens the final one.
        last_start, last_end = pieces[-1]
        final = list(re.finditer(r"(?<!\s)\s+and\s+(?=(?:the|a|an)\s)", text[last_start:last_end]))
        if final:
            cut = final[-1]
            pieces[-1:] = [
                (last_start, last_start + cut.start()),
                (last_start + cut.end(), last_end),
            ]
    first_start, first_end = pieces[0]
    lead = re.search(
        r"\b(?:included|include|includes|including|are|were)\s+(?=(?:a|an|the)\s)",
        text[first_start:first_end],
    )
    if lead:
        pieces[0] = (first_start + lead.end(), first_end)
    pieces = [strip_span(text, a, b) for a, b in pieces]
    if len(text[pieces[0][0] : pieces[0][1]].split()) == 1:
        # "Additionally, a memorandum ...": an opening adverb, not an item.
        pieces = pieces[1:]
    return pieces if len(pieces) >= 2 else []


def enumeration(text: str) -> list[tuple[int, int]]:
    """Item spans of a sentence, or [] when it holds no enumeration.

    >>> s = "They saw projects in industry, farming, transit and logistics, and the space industry."
    >>> [s[a:b] for a, b in enumeration(s)]
    ['industry', 'farming', 'transit and logistics', 'the space industry']
    >>> s = "These included an agreement on trade and another agreement on defense."
    >>> [s[a:b] for a, b in enumeration(s)]
    ['an agreement on trade', 'another agreement on defense']
    >>> enumeration("The Ministry of Labor, Employment, and Social Policy signed a memorandum.")
    []
    >>> enumeration("Additionally, a memorandum on energy was signed.")
    []
    >>> s = "Others included a dam, a plant for the town of Ede and the restoration of wetlands."
    >>> [s[a:b] for a, b in enumeration(s)]
    ['a dam', 'a plant for the town of Ede', 'the restoration of wetlands']
    """
    return short_series(text) or phrase_series(text)
