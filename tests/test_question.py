"""Reading the shape of answer a question asks for."""

import pytest

from assistant.question import analyze, plural_head


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Quote the sentence about the storms.", "quote"),
        ("Give me the exact wording on flights.", "quote"),
        ("What was signed?", "list"),
        ("What were agreed during the talks?", "list"),
        ("Which sectors were discussed?", "list"),
        ("List the documents.", "list"),
        ("documents signed?", "list"),
        ("What did each minister sign?", "list"),
        ("What was discussed about flights?", "fact"),
        ("What will the two sides send each other?", "fact"),
        ("Who is the president of Serbia?", "fact"),
        ("What protocol was signed?", "fact"),
    ],
)
def test_the_form_of_a_question_decides_quote_list_or_fact(question, intent):
    assert analyze(question).intent == intent


def test_the_plural_asked_for_is_the_noun_after_which_or_what():
    assert plural_head("Which of the signed documents concern space?") == "documents"
    assert plural_head("Which memoranda were signed?") == "memorandums"
    assert plural_head("What protocol was signed?") is None


def test_yes_no_and_wh_questions_are_told_apart():
    assert analyze("Did they discuss the bridge?").wh == "yes-no"
    assert analyze("When did they meet?").wh == "when"
    assert analyze("How many people died?").wh == "how many"
