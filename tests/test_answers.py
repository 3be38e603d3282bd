"""Answer behaviour on a small hand-written article (not the shipped one)."""

import re

import pytest

from assistant.assistant import Assistant
from tests.conftest import FakeEmbedder, write

ARTICLE = """ date 2023-05-04 OSLO – Trade ministers of Norway and Chile met on May 4, the ministry said.

The ministers signed three documents during the meeting. These included an agreement on fisheries and another agreement on customs. Additionally, a memorandum on renewable energy was signed.

Minister Berg praised the growth of salmon exports. He also called for closer cooperation in shipping, mining and tourism.

Heavy storms hit the northern coast in spring, and Chile thanked Norway for its help.
"""


@pytest.fixture
def assistant(settings, corpus_dir):
    write(corpus_dir, "trade-talks.txt", ARTICLE)
    return Assistant(settings, FakeEmbedder())


def sentences(answer) -> list[str]:
    return [c.text for c in answer.citations]


def test_list_gathers_items_spread_over_three_sentences(assistant):
    answer = assistant.ask("What was signed?")
    assert answer.found and answer.intent == "list"
    cited = " ".join(sentences(answer))
    for item in ("fisheries", "customs", "renewable energy"):
        assert item in cited
    bullets = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert "- an agreement on fisheries [2]" in bullets
    assert "- another agreement on customs [2]" in bullets
    assert answer.text.startswith("The article names ")


def test_every_marker_points_at_a_verbatim_sentence(assistant):
    document = assistant.index.documents[0].text
    for question in ("What was signed?", "What did Berg say?", "Quote the sentence about storms."):
        answer = assistant.ask(question)
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
        assert markers == {c.n for c in answer.citations}
        for c in answer.citations:
            assert document[c.start : c.end] == c.text


def test_quote_request_gives_the_whole_sentence_verbatim(assistant):
    answer = assistant.ask("Quote the sentence about the storms.")
    storm = "Heavy storms hit the northern coast in spring, and Chile thanked Norway for its help."
    assert answer.intent == "quote"
    assert f"> {storm} [1]" in answer.text


def test_pronoun_sentence_brings_its_antecedent_and_what_else_moves_on(assistant):
    first = assistant.ask("What did Berg praise?")
    assert sentences(first) == ["Minister Berg praised the growth of salmon exports."]
    second = assistant.ask("What else did he say?", [first])
    assert second.query == "What else did Berg say?"
    assert sentences(second) == [
        "He also called for closer cooperation in shipping, mining and tourism."
    ]


def test_which_one_picks_from_the_previous_list_and_quote_it_quotes_that(assistant):
    listed = assistant.ask("What was signed?")
    picked = assistant.ask("Which one concerns renewable energy?", [listed])
    assert sentences(picked) == ["Additionally, a memorandum on renewable energy was signed."]
    assert "among the answers to: What was signed?" in picked.query
    quoted = assistant.ask("Quote it.", [listed, picked])
    assert "> Additionally, a memorandum on renewable energy was signed. [1]" in quoted.text


def test_and_x_carries_the_previous_question_frame(assistant):
    first = assistant.ask("Was shipping part of the cooperation?")
    second = assistant.ask("And mining?", [first])
    assert second.query == "Was mining part of the cooperation?"
    assert second.found


def test_self_contained_question_is_not_rewritten_by_history(assistant):
    first = assistant.ask("What did Berg praise?")
    second = assistant.ask("Which storms hit the coast?", [first])
    assert second.query == "Which storms hit the coast?"
    assert "storms" in sentences(second)[0]


@pytest.mark.parametrize(
    "question",
    [
        "How many people died in the storms?",
        "Did they discuss Ukraine?",
        "What is the population of Chile?",
        "When will the memorandum take effect?",
        "How many Norwegian tourists visited in May?",
        "How long did the meeting last?",
        "Who is the prime minister of Norway?",
        "What was the trade turnover between Norway and Chile?",
        "Who is Chile's ambassador?",
        "Do we know how many people died in the storms?",
        "Did the ministry say when the memorandum takes effect?",
        "Has a date been set for the next meeting?",
    ],
)
def test_questions_the_article_does_not_answer_are_refused(assistant, question):
    answer = assistant.ask(question)
    assert not answer.found
    assert answer.text.startswith("The article does not answer this")
    assert len(answer.citations) <= 1
    assert "not an answer" in answer.text or not answer.citations


def test_when_question_uses_the_date_metadata(assistant):
    answer = assistant.ask("When did the trade ministers of Norway and Chile meet?")
    assert answer.found
    assert "May 4" in answer.citations[0].text
    assert "dated 2023-05-04" in answer.text


def test_bad_questions_come_back_as_errors_not_exceptions(assistant):
    for question in ("", "   ", "x" * 5000, "what\x00"):
        answer = assistant.ask(question)
        assert answer.error and not answer.found and not answer.citations


def test_answer_comes_first_and_its_antecedent_follows_as_context(assistant):
    answer = assistant.ask("Who called for closer cooperation in shipping?")
    assert sentences(answer)[0].startswith("He also called for closer cooperation")
    assert sentences(answer)[1] == "Minister Berg praised the growth of salmon exports."
    assert "Context, the sentence before it: Minister Berg praised" in answer.text


def test_question_about_what_did_not_happen_needs_a_negative_sentence(assistant):
    answer = assistant.ask("Which agreement was not signed?")
    assert not answer.found
    assert "did not happen" in answer.text


TWO_PARAGRAPHS = """The Sava bridge was designed by Ana Kovač.

Ana Kovač was born in Novi Sad in 1961.
"""


def test_question_linking_two_paragraphs_cites_both(settings, corpus_dir):
    write(corpus_dir, "bridge.txt", TWO_PARAGRAPHS)
    assistant = Assistant(settings, FakeEmbedder())
    answer = assistant.ask("When was Ana Kovač of the Sava bridge born in Novi Sad?")
    assert answer.found
    assert sentences(answer) == [
        "Ana Kovač was born in Novi Sad in 1961.",
        "The Sava bridge was designed by Ana Kovač.",
    ]
    assert not assistant.ask("When was Ana Kovač of the Drina bridge born in Novi Sad?").found


def test_list_framing_uses_the_questions_noun_only_when_the_article_does(assistant):
    named = assistant.ask("Which documents were signed?")
    assert named.text.startswith("The article names 3 documents:")
    unnamed = assistant.ask("Which deals were signed?")
    assert unnamed.found
    assert re.match(r"The article names \d+ items? for “deals”:", unnamed.text)


def test_did_they_discuss_x_cites_the_sentence_naming_x_first(assistant):
    answer = assistant.ask("Did the trade ministers of Norway and Chile discuss mining?")
    assert answer.found
    assert "mining" in answer.citations[0].text


PROBE = """The Lumen probe, a 12-kilogram spacecraft, was launched from Kiruna on June 3.

Anna Berger, chief executive officer of Nordlys Space, said the mission cost 4 million euros.

Berger plans two more probes. She did not say how the new probes would be financed.
"""


def test_what_was_said_about_x_cites_every_sentence_naming_x(assistant):
    answer = assistant.ask("What does the article say about Norway?")
    cited = sentences(answer)
    assert answer.found and len(cited) == 2
    assert all("Norway" in sentence for sentence in cited)


QUOTED = """The fair in Tartu opened on Monday with Mayor Lind and many visitors.

“Every stall here is local,” Lind told reporters. She added that the fair would run for ten days.
"""


def test_she_after_a_quoted_statement_is_its_speaker(settings, corpus_dir):
    write(corpus_dir, "fair.txt", QUOTED)
    assistant = Assistant(settings, FakeEmbedder())
    first = assistant.ask("What did Lind tell reporters?")
    more = assistant.ask("What else did she say?", [first])
    assert more.query == "What else did Lind say?"
    assert "ten days" in sentences(more)[0]


def test_a_sentence_saying_it_was_not_told_is_no_answer(settings, corpus_dir):
    write(corpus_dir, "probe.txt", PROBE)
    answer = Assistant(settings, FakeEmbedder()).ask("How will the new probes be financed?")
    assert not answer.found
    assert "not disclosed" in answer.text
    assert "did not say how the new probes" in answer.citations[0].text


def test_terse_plural_question_is_a_list(assistant):
    answer = assistant.ask("documents signed?")
    assert answer.intent == "list"
    assert answer.text.startswith("The article names 3 documents:")


PROJECTS = """The water council approved several projects in Maun on Tuesday, its secretariat said.

The largest of the approved projects is a canal in Rundu. Other projects included a dam, a wastewater plant and a wetland reserve. Additionally, the council endorsed a warning system that will share river data. A training centre for engineers will also be set up in Windhoek.

The next meeting will take place in Luanda.

Namibia will contribute $35 million to the package.
"""


def test_list_follows_additionally_and_will_also_in_its_paragraph(settings, corpus_dir):
    write(corpus_dir, "projects.txt", PROJECTS)
    answer = Assistant(settings, FakeEmbedder()).ask("Which projects were approved?")
    cited = " ".join(sentences(answer))
    for item in ("a dam", "warning system", "training centre"):
        assert item in cited


def test_a_figure_about_something_else_is_no_answer(settings, corpus_dir):
    # The $35 million is Namibia's; a sentence naming Botswana does not make it hers.
    write(corpus_dir, "projects.txt", PROJECTS.replace("Maun", "Maun, Botswana,"))
    answer = Assistant(settings, FakeEmbedder()).ask("How much will Botswana contribute?")
    assert not answer.found


def test_is_x_mentioned_reads_the_topic_before_a_passive_verb(assistant):
    answer = assistant.ask("Were shipping and mining mentioned anywhere?")
    assert answer.found
    assert "shipping, mining and tourism" in answer.citations[0].text
    refused = assistant.ask("Was an oil pipeline mentioned?")
    assert not refused.found
    assert "none of its sentences uses the words “oil pipeline”" in refused.text


def test_what_was_said_about_a_topic_in_other_words_is_answered(assistant):
    # "sea transport" is the article's "shipping" in other words, not a topic it
    # lacks: the fake embedder cannot tell, so only the refusal is checked.
    answer = assistant.ask("What did Berg say about sea transport?")
    assert answer.found and "Berg" in answer.citations[0].text
    assert assistant.ask("What did the ministers say about salmon exports?").found


def test_list_narrowed_to_a_topic_keeps_only_its_items(assistant):
    answer = assistant.ask("Which agreements concern customs?")
    bullets = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert bullets == ["- another agreement on customs [1]"]
    assert answer.text.startswith("The article names 1 item for “customs”:")
    assert [c.text for c in answer.citations] == [
        "These included an agreement on fisheries and another agreement on customs."
    ]


FIGURES = """The old fort held 45,000 pounds of gunpowder when it fell.

The town council elects its committees at the beginning of each session.

At the start of the war the town had a population of roughly 60,000.

Its football team won the national cup twice.

The radio tower is 300 metres tall.
"""


@pytest.mark.parametrize(
    "article, question, fact",
    [
        (PROBE, "How much does the Lumen probe weigh?", "12-kilogram"),
        (PROBE, "How much did the mission cost?", "4 million euros"),
        (PROBE, "Who is the CEO of Nordlys Space?", "Anna Berger"),
        (FIGURES, "How much gun powder did the old fort hold?", "gunpowder"),
        (FIGURES, "How many people lived in the town at the start of the war?", "60,000"),
        (FIGURES, "How many times did the football team win the national cup?", "twice"),
        (FIGURES, "How many meters tall is the radio tower?", "300 metres"),
        (FIGURES, "When does the town council elect its committees?", "beginning of each session"),
    ],
)
def test_a_fact_asked_in_other_words_is_found(settings, corpus_dir, article, question, fact):
    # "weigh" is answered in kilograms, "cost" in euros, "CEO" spelled out,
    # population counts people, "twice" counts times, "gunpowder" holds powder,
    # "at the beginning of" says when.
    write(corpus_dir, "article.txt", article)
    answer = Assistant(settings, FakeEmbedder()).ask(question)
    assert answer.found
    assert fact in answer.citations[0].text


def test_what_else_was_listed_next_to_it_reads_the_sentence_just_cited(assistant):
    first = assistant.ask("Was an agreement on customs signed?")
    assert "customs" in first.citations[0].text
    answer = assistant.ask("What else was listed next to it?", [first])
    assert answer.found
    assert answer.citations[0].text == first.citations[0].text


def test_which_one_after_an_announced_list_picks_from_the_sentences_carrying_it(assistant):
    first = assistant.ask("What did the ministers do during the meeting?")
    assert first.citations[0].text == "The ministers signed three documents during the meeting."
    answer = assistant.ask("Which one concerns energy?", [first])
    assert answer.found
    assert "renewable energy" in answer.citations[0].text
    again = assistant.ask("And customs?", [first, answer])
    assert again.found and "customs" in again.citations[0].text
    assert again.query.startswith("concerns customs (among the answers to: What did the ministers")


def test_words_that_single_out_one_enumeration_leave_the_others_out(settings, corpus_dir):
    write(
        corpus_dir,
        "forum.txt",
        "The delegations reviewed joint projects in mining, forestry and shipping.\n\n"
        "The delegations also reviewed joint plans in education, science and health.\n",
    )
    assistant = Assistant(settings, FakeEmbedder())
    narrow = assistant.ask("Which sectors did the joint projects they reviewed cover?")
    assert [c.text for c in narrow.citations] == [
        "The delegations reviewed joint projects in mining, forestry and shipping."
    ]
    broad = assistant.ask("Which sectors did the delegations name?")
    assert len(broad.citations) == 2


def test_who_question_cites_the_person_named_and_he_then_means_that_person(settings, corpus_dir):
    write(
        corpus_dir,
        "talks.txt",
        "Minister Berg held long talks on fisheries.\n\n"
        "Berg thanked Minister Rojas for the talks.\n\n"
        "Rojas said the talks were useful.\n",
    )
    assistant = Assistant(settings, FakeEmbedder())
    who = assistant.ask("Who was Berg's counterpart in the talks?")
    # The sentence naming no one else is not cited beside the one naming Rojas.
    assert [c.text for c in who.citations] == ["Berg thanked Minister Rojas for the talks."]
    said = assistant.ask("What did he say?", [who])
    assert said.query == "What did Rojas say?"
    assert said.citations[0].text == "Rojas said the talks were useful."


def test_other_documents_included_brings_the_list_begun_in_the_paragraph_before(
    settings, corpus_dir
):
    write(
        corpus_dir,
        "lima.txt",
        "The ministers met in Lima on Monday. They signed several papers. These included "
        "an agreement on fisheries.\n\n"
        "Other documents included a memorandum on energy and a protocol on customs.\n\n"
        "The weather was cold.\n",
    )
    assistant = Assistant(settings, FakeEmbedder())
    for question in ("Which documents were included?", "docs signed?"):
        cited = [c.text for c in assistant.ask(question).citations]
        assert "These included an agreement on fisheries." in cited
        assert "Other documents included a memorandum on energy and a protocol on customs." in cited
        assert "The weather was cold." not in cited


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        # A capital opening a second sentence is not a name the sentence must have.
        ("What did Berg praise? Quote his words.", "salmon exports"),
        # "Without paraphrase" asks for a quote, not about what did not happen.
        (
            "Kindly reproduce, without paraphrase, the sentence about the storms.",
            "Heavy storms hit the northern coast",
        ),
    ],
)
def test_a_quote_asked_in_other_forms_is_quoted(assistant, question, quoted):
    answer = assistant.ask(question)
    assert answer.found and answer.intent == "quote"
    assert quoted in answer.text


def test_a_title_in_the_question_is_not_a_name_the_sentence_must_have(assistant):
    answer = assistant.ask("What did the Chilean President thank Norway for?")
    assert answer.found
    assert "Heavy storms" in answer.citations[0].text


def test_a_list_of_a_kind_keeps_the_items_of_that_kind(assistant):
    answer = assistant.ask("Which agreements were signed?")
    bullets = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert answer.text.startswith("The article names 2 agreements:")
    assert bullets == ["- an agreement on fisheries [1]", "- another agreement on customs [1]"]
    # "documents" is what the article calls them all: nothing is left out; nor
    # when the question asks for more than one kind.
    assert "renewable energy" in assistant.ask("Which documents were signed?").text
    assert "renewable energy" in assistant.ask("Which agreements and memoranda were signed?").text


def test_the_two_countries_of_a_relation_do_not_pull_a_sentence_that_merely_names_them(
    settings, corpus_dir
):
    write(
        corpus_dir,
        "ferry.txt",
        "Relations between the two countries have been warm for decades.\n\n"
        "The ministers agreed to open a ferry line next year.\n",
    )
    answer = Assistant(settings, FakeEmbedder()).ask("What was agreed between the two countries?")
    assert [c.text for c in answer.citations] == [
        "The ministers agreed to open a ferry line next year."
    ]


def test_names_an_article_is_about_need_no_second_sentence_to_carry_them(settings, corpus_dir):
    write(
        corpus_dir,
        "partners.txt",
        "Norway and Chile held talks in Oslo on Monday.\n\n"
        "The partnership rests on shared interests in fishing.\n\n"
        "Chile exported copper to Norway last year.\n\n"
        "Norway and Chile will meet again in May.\n",
    )
    answer = Assistant(settings, FakeEmbedder()).ask(
        "What does the partnership between Norway and Chile rest on?"
    )
    assert [c.text for c in answer.citations] == [
        "The partnership rests on shared interests in fishing."
    ]
