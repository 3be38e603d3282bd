"""Choosing sentences from scored candidates: the structure rules, with made-up scores."""

from assistant.chunking import split_document
from assistant.corpus import parse_document
from assistant.retrieve import Hit
from assistant.select import Selector, ranked

ARTICLE = """ date 2023-05-04 OSLO – Trade ministers of Norway and Chile met on May 4.

The ministers exchanged three documents. These included an agreement on fisheries and another on customs. A memorandum on energy was also signed.

Other documents included a protocol on statistics. Minister Berg praised the talks. He called for closer ties.
"""

SENTENCES, _ = split_document(parse_document("talks.txt", ARTICLE.encode()))
TEXT = [s.text for s in SENTENCES]


def row(fragment: str) -> int:
    return next(i for i, text in enumerate(TEXT) if fragment in text)


def scored(probabilities: dict[str, float]):
    hits = [Hit(row(f), SENTENCES[row(f)], 0.0, 0.0, 0.0, 0.0) for f in probabilities]
    return ranked(hits, list(probabilities.values()))


SELECTOR = Selector(SENTENCES, sure=0.5)
T = 0.3  # the scorer's threshold in these tests


def test_a_fact_is_the_best_sentence_and_only_others_the_scorer_is_sure_of():
    rows = SELECTOR.fact(scored({"praised": 0.9, "protocol": 0.49, "met on": 0.4}), T)
    assert [TEXT[r] for r in rows] == ["Minister Berg praised the talks."]
    rows = SELECTOR.fact(scored({"praised": 0.9, "protocol": 0.6}), T)
    assert [TEXT[r] for r in rows] == [
        "Minister Berg praised the talks.",
        "Other documents included a protocol on statistics.",
    ]


def test_a_sentence_pointing_back_brings_the_sentence_before_it_as_context():
    rows = SELECTOR.fact(scored({"closer ties": 0.9}), T)
    assert [TEXT[r] for r in rows] == [
        "He called for closer ties.",
        "Minister Berg praised the talks.",
    ]


def test_context_already_given_in_the_conversation_is_not_repeated():
    given = frozenset({row("praised")})
    assert SELECTOR.fact(scored({"closer ties": 0.9}), T, given) == [row("closer ties")]


def test_a_list_carries_on_through_its_paragraph_and_into_an_other_sentence():
    # Only the first item sentence scores above the threshold; the sentences
    # that carry its enumeration on join, and its announcing sentence leads.
    rows = SELECTOR.listing(scored({"fisheries": 0.8, "praised": 0.1}), T)
    assert [TEXT[r] for r in rows] == [
        "The ministers exchanged three documents.",
        "These included an agreement on fisheries and another on customs.",
        "A memorandum on energy was also signed.",
        "Other documents included a protocol on statistics.",
    ]


def test_the_last_sentence_of_a_list_brings_the_sentences_it_carries_on():
    # "Other documents included ..." carries on the list the paragraph before
    # began: scored alone, it brings that list back to its announcing sentence.
    rows = SELECTOR.listing(scored({"protocol": 0.8}), T)
    assert [TEXT[r] for r in rows] == [
        "The ministers exchanged three documents.",
        "These included an agreement on fisheries and another on customs.",
        "A memorandum on energy was also signed.",
        "Other documents included a protocol on statistics.",
    ]


def test_sentences_that_do_not_carry_a_list_on_stay_out_of_it():
    rows = SELECTOR.listing(scored({"praised": 0.8}), T)
    assert [TEXT[r] for r in rows] == ["Minister Berg praised the talks."]
    assert SELECTOR.carrier(row("praised")) is None  # "He called ..." points back, lists nothing
    assert SELECTOR.carried_from(row("praised")) is None  # not "Other ...": a new subject
