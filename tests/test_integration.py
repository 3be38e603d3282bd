"""The shipped article with the real model, offline."""

import pytest

from assistant.assistant import Assistant

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    import shutil

    from assistant.settings import Settings
    from tests.conftest import SHIPPED_CORPUS

    folder = tmp_path_factory.mktemp("integration")
    shutil.copytree(SHIPPED_CORPUS, folder / "corpus")
    return Assistant(Settings(corpus_dir=folder / "corpus", index_dir=folder / "index"))


def cited(answer) -> str:
    return " || ".join(c.text for c in answer.citations)


def test_what_was_signed_cites_the_readmission_and_defense_sentence(assistant):
    answer = assistant.ask("What was signed?")
    assert answer.found
    assert "readmission of persons" in cited(answer)
    assert "cooperation in defense" in cited(answer)


def test_sectors_question_cites_industry_agriculture_aerospace(assistant):
    answer = assistant.ask("Which sectors were discussed?")
    sentence = next(c.text for c in answer.citations if "agriculture" in c.text)
    assert "industry" in sentence and "aerospace" in sentence


def test_areas_of_cooperation_are_the_sector_lists_not_the_documents(assistant):
    # The article never says "areas": the sentences enumerating bare nouns answer.
    answer = assistant.ask("Which areas of cooperation were discussed?")
    assert "agriculture" in cited(answer) and "healthcare" in cited(answer)
    assert "memorandum" not in cited(answer)


def test_citations_are_numbered_in_order_and_exact(assistant):
    answer = assistant.ask("Which documents were signed?")
    document = assistant.index.documents[0].text
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        assert document[c.start : c.end] == c.text
        assert f"[{c.n}]" in answer.text


def test_question_outside_the_article_is_refused(assistant):
    answer = assistant.ask("Who is the president of France?")
    assert not answer.found
    assert "does not answer" in answer.text


def test_and_x_replaces_the_word_most_like_x(assistant):
    first = assistant.ask("Did the leaders discuss healthcare?")
    assert "healthcare" in first.citations[0].text
    second = assistant.ask("And agriculture?", [first])
    assert second.query == "Did the leaders discuss agriculture?"
    assert any("agriculture" in c.text for c in second.citations)


def test_he_after_who_is_the_president_is_the_president_named(assistant):
    first = assistant.ask("Who is the president of Serbia?")
    follow = assistant.ask("What did he say?", [first])
    assert follow.query == "What did Vučić say?"
    assert follow.citations[0].text.startswith("Vučić conveyed")


@pytest.mark.parametrize(
    "question",
    ["docs signed during tokayev serbia trip, full list", "docs signed list"],
)
def test_terse_document_list_has_every_document_and_no_sentence_that_only_names_the_trip(
    assistant, question
):
    text = cited(assistant.ask(question))
    for document in (
        "readmission of persons",
        "memorandum of understanding in education",
        "exchange of statistical data",
        "Ministry of Information and Telecommunications",
        "National Academic Library",
    ):
        assert document in text
    assert "highlighted the significance" not in text  # the visit's first sentence
    assert "spring floods" not in text


def test_who_was_tokayevs_counterpart_names_vucic_and_he_follows(assistant):
    who = assistant.ask("Who was Tokayev's counterpart in the talks?")
    assert "Vučić" in who.citations[0].text
    follow = assistant.ask("What did he express interest in?", [who])
    assert follow.query == "What did Vučić express interest in?"
    assert "expressing interest in developing ties" in cited(follow)
