"""How well a retrieved sentence answers a question: a weighted sum of features.

The features are general properties of a question and a sentence, never words
of one article: cosines (sentence, passage, the sentences either side), BM25,
the share of the question's content words the sentence matches (and the share
only a neighbour matches, for answers that lean on the sentence before), word
order, and whether the sentence holds the kind of fact the question asks for
(a date for "when", a figure for "how many", a place name for "where").

The weights were fitted by `python -m tools.fit_ranker` (a softmax over each
question's candidates, trained on the 4,371 answerable questions of SQuAD 2.0
train's first 10 articles in `../shared/data/train/`; no evaluation data), then
divided by the sum of the two cosine weights, so a score reads in cosine units
and select.py's margins keep their meaning. Its best sentence holds the answer
for 0.728 of the training questions and 0.779 of the SQuAD 2.0 dev sample that
`assistant eval` asks.

This module scores; it does not choose what to cite (select.py) or refuse
(answerable.py).
"""

import re

from assistant.lexical import STOPWORDS, stem, words

NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens|"
    r"handful|few|several|half|quarter|double|twice|triple|single|both|pair|couple|none|zero)\b"
    r"|%",
    re.IGNORECASE,
)
TIME = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2})\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"[a-z]*\.?\s+\d|\b(?:january|february|march|april|june|july|august|september|october|"
    r"november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
    r"yesterday|tomorrow|tonight|spring|summer|autumn|winter)\b|\b(?:last|next|this|"
    r"earlier|later)\s+(?:week|month|year|decade|century)\b|\b\w+\s+(?:days|weeks|months|"
    r"years|decades|centuries)\s+(?:ago|later|earlier)\b|\bcentur(?:y|ies)\b|\b\d{2,4}s\b|"
    r"\b(?:in|since|until|by|from|after|before)\s+\d{3,4}\b",
    re.IGNORECASE,
)
# A figure such as 10,000.5: a run of digits, commas and points with a digit in it,
# taken whole from the run's start. Tried from each digit of a long run, as
# `\d[\d,.]*` was, each try read the rest of the run (n * n steps).
DIGITS = r"(?<![\d,.])(?=[,.]*\d)[\d,.]++"
# A length of time, an age, a size or a frequency: what "how long/old/far/often" asks.
EXTENT = re.compile(
    r"(?:" + DIGITS + r"|\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|"
    r"thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|several|few|"
    r"many|dozen|dozens))[\s-]*(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|"
    r"decades?|centur(?:y|ies)|millennia|millennium|km|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|"
    r"feet|foot|ft|inch(?:es)?|cm|mm|m|kg|tonnes?|tons?|acres?|hectares?|times?)\b"
    r"|\b(?:since|until|daily|weekly|monthly|yearly|annually|every|each|once|twice)\b",
    re.IGNORECASE,
)
# A capitalized word that does not open the sentence: a name, often a place.
CAPITALIZED = re.compile(r"(?<=\s)[A-Z][\w'’-]+")

# Fitted weights (see the module docstring); "dense" and "context" sum to 1.
WEIGHTS = {
    "dense": 0.340,  # cosine of the question with the sentence
    "context": 0.660,  # best cosine with a passage holding the sentence
    "lexical": 0.139,  # BM25, as a share of the best BM25 among the candidates
    "coverage": 0.365,  # IDF-weighted share of the question's words in the sentence
    "phrase": 0.042,  # share of the question's word pairs found in the same order
    "date": 0.144,  # a "when" question, and the sentence has a date or time
    "figure": 0.185,  # a "how many/much" question, and the sentence has a number
    "place": 0.087,  # a "where" question, and the sentence names something new
    "new": 0.248,  # share of the sentence's words the question does not use
    "before_adds": 0.357,  # share of the question's words only the sentence before has
    "after_adds": 0.169,  # same for the sentence after
    "before": 0.000,  # cosine of the question with the sentence before
    "after": -0.030,  # and with the sentence after
    "before_coverage": -0.097,  # the sentence before's own coverage: it may be the answer
}


def kind_features(wh: str, terms: frozenset[str], text: str) -> dict[str, float]:
    """Whether the sentence holds the kind of fact the question asks for.

    >>> kind_features("when", frozenset(), "It opened in 1998.")["date"]
    1.0
    >>> kind_features("where", frozenset({"born"}), "He was born in Lyon.")["place"]
    1.0
    """
    places = [w for w in CAPITALIZED.findall(text) if stem(w.lower()) not in terms]
    return {
        "date": float(wh == "when" and bool(TIME.search(text))),
        "figure": float(wh in ("how many", "how much") and bool(NUMBER.search(text))),
        "place": float(wh == "where" and bool(places)),
    }


def novelty(terms: frozenset[str], text: str) -> float:
    """Share of the sentence's content words that the question does not use.

    >>> novelty(frozenset({"born"}), "Curie was born in Warsaw.")
    0.6666666666666666
    """
    content = [w for w in words(text) if w not in STOPWORDS]
    if not content:
        return 0.0
    return sum(stem(w) not in terms for w in content) / len(content)


def score(features: dict[str, float]) -> float:
    return sum(WEIGHTS[name] * value for name, value in features.items())
