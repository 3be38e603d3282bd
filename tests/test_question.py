"""Reading questions: which words must be matched."""

from assistant.question import analyze


def test_describe_counts_after_a_subject_but_frames_an_imperative():
    # "How did he describe it?" is answered by the sentence that describes it.
    assert "describ" in analyze("How did the minister describe the talks?").terms
    assert "describ" not in analyze("Describe the talks.").terms
    assert analyze("Give me the exact wording about the storms.").terms == ("storm",)
