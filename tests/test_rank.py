"""The fitted ranking and the name matching behind refusals, on small hand-written articles."""

import numpy as np
import pytest

from assistant.assistant import Assistant
from assistant.names import mentions
from tests.conftest import FakeEmbedder, write

MUSEUM = """The city museum opened a new wing for modern art.

The new wing of the museum opened in 1998, after years of delays.

The museum is run by the European Union Cultural Fund, which paid 10,000 euros for the roof.
"""


def ask(settings, corpus_dir, question):
    write(corpus_dir, "museum.txt", MUSEUM)
    return Assistant(settings, FakeEmbedder()).ask(question)


def test_when_question_puts_the_sentence_with_a_date_first(settings, corpus_dir):
    answer = ask(settings, corpus_dir, "When did the museum open its new wing?")
    assert answer.found
    assert "1998" in answer.citations[0].text


def test_acronym_for_a_name_the_article_spells_out_is_not_refused(settings, corpus_dir):
    answer = ask(settings, corpus_dir, "Which EU fund runs the museum?")
    assert answer.found
    assert "European Union Cultural Fund" in answer.citations[0].text


@pytest.mark.integration
def test_figure_written_without_separator_is_found(settings, corpus_dir, reference):
    # Which sentence ranks first turns on meaning ("pay" and "paid"), so this one
    # needs the real model; the fake vectors of the others only test the rules.
    write(corpus_dir, "museum.txt", MUSEUM)
    answer = Assistant(settings, reference).ask("What did the 10000 euros pay for?")
    assert answer.found
    assert "10,000 euros" in answer.citations[0].text


def test_a_name_the_article_never_uses_is_still_refused(settings, corpus_dir):
    answer = ask(settings, corpus_dir, "Which UN fund runs the museum?")
    assert not answer.found


def test_names_match_in_their_other_forms_only():
    assert mentions("israelis", "Israel should withdraw.")
    assert mentions("wwii", "After World War II the city grew.")
    assert mentions("5", "Purchases exceeded five times the total.")
    assert not mentions("iraq", "Iran and Syria signed.")
    assert not mentions("1999", "It opened in 1998.")


def load_fit():
    from tools import fit_ranker

    return fit_ranker


def test_fit_learns_which_feature_marks_the_answer():
    fit_ranker = load_fit()
    rng = np.random.default_rng(0)
    names = len(fit_ranker.NAMES)
    data = []
    for _ in range(200):
        x = rng.normal(size=(6, names))
        gold = np.zeros(6)
        gold[int(np.argmax(x[:, 3]))] = 1.0  # the fourth feature alone marks the answer
        data.append((x, gold))
    w = fit_ranker.fit(data)
    assert int(np.argmax(w)) == 3
    assert fit_ranker.top_one(data, w, len(data)) > 0.9
