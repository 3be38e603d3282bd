"""Reading questions: which words must be matched."""

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
