"""Reading questions: which words must be matched."""

import pytest

from assistant.question import analyze


def test_describe_counts_after_a_subject_but_frames_an_imperative():
    # "How did he describe it?" is answered by the sentence that describes it.
    assert "describ" in analyze("How did the minister describe the talks?").terms
    assert "describ" not in analyze("Describe the talks.").terms
    assert analyze("Give me the exact wording about the storms.").terms == ("storm",)


def test_a_quantity_noun_wants_a_figure_only_when_it_is_what_is_asked():
    assert analyze("What was the population of the Dutch Republic?").wants_number
    assert analyze("What is Kestrel Orbital Systems' annual revenue?").wants_number
    assert not analyze("What components raise steam temperature?").wants_number
    assert not analyze("What was the name of the count of Apulia?").wants_number


@pytest.mark.parametrize(
    ("question", "wh"),
    [
        ("Do we know how many people died?", "how many"),
        ("Did they say when the flights start?", "when"),
        ("Has a date been set for the flights?", "when"),
        ("Is there a timeline for the bridge?", "when"),
        ("Did they discuss the bridge?", "yes-no"),
        ("Does the text indicate when the flights start?", "when"),
        ("On what day did they meet?", "when"),
        ("In what year did they meet?", "what"),
    ],
)
def test_a_question_asking_for_a_date_or_figure_in_other_words_wants_it(question, wh):
    assert analyze(question).wh == wh


def test_each_other_does_not_make_a_list_but_each_does():
    assert analyze("What will the two sides send each other?").intent == "fact"
    assert analyze("What did each minister sign?").intent == "list"


def test_the_parties_of_a_relation_are_not_what_a_question_is_about():
    terms = analyze("Which agreement covers the return of people to their home country?").terms
    assert "countri" not in terms and "return" in terms
    assert "countri" in analyze("Which countries signed?").terms
