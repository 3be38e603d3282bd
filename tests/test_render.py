"""What the UI shows: inert text, highlights placed by offsets, plain refusals."""

from assistant.added import Added
from assistant.answer import Answer, Citation
from assistant.corpus import Document
from assistant.library import Entry
from assistant.render import (
    answer_markdown,
    answer_report,
    document_table,
    highlighted,
    inert,
    source_view,
)

HOSTILE = 'Hi <script>alert(1)</script>. See <img src=x onerror="alert(2)">. Twice. Twice.'
DOC = Document("d", "Hostile <b>title</b>", HOSTILE, "2024-01-02", "d.txt")


def cite(n: int, start: int, end: int) -> Citation:
    return Citation(n, "d", DOC.title, 1, n, start, end, 0.5, HOSTILE[start:end])


def test_inert_markdown_cannot_open_a_tag_a_link_or_an_image():
    text = inert("<script>x</script> [a](javascript:alert(1)) ![i](http://h/i.png)")
    assert "<" not in text
    assert "](" not in text.replace("\\](", "")
    assert "![" not in text


def test_highlight_escapes_the_document_and_marks_the_cited_offsets():
    twice = HOSTILE.rindex("Twice.")
    html = highlighted(DOC, [cite(1, twice, twice + 6)], turn=3)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert html.count("<mark") == 1
    assert 'id="cite-3-1"' in html
    # the second "Twice." is marked, not the first one
    assert html.index("<mark") > html.index("Twice.")


def test_found_answer_is_highlighted_and_its_markers_link_to_the_sentences():
    c = cite(1, 0, 37)
    answer = Answer("Q?", "Q?", f"{c.text} [1]", True, (c,))
    assert "(#cite-0-1)" in answer_markdown(answer, 0)
    assert "<mark" in source_view([DOC], answer, 0)
    assert "<script>" not in answer_markdown(answer, 0)


def test_refusal_is_plain_and_its_closest_passage_is_not_highlighted():
    c = cite(1, 0, 37)
    answer = Answer(
        "Q?", "Q?", f"The article does not answer this.\n\n> {c.text} [1]", False, (c,), "none"
    )
    markdown = answer_markdown(answer, 0)
    assert markdown.startswith("**Not in the article.**")
    assert "#cite-" not in markdown
    assert "not an answer" in markdown
    assert "<mark" not in source_view([DOC], answer, 0)


def test_follow_up_shows_the_query_that_was_searched():
    answer = Answer("And it?", "And the bridge?", "No.", False)
    assert "Searched for: And the bridge?" in answer_markdown(answer, 1)
    same = Answer("What?", "what? ", "No.", False)
    assert "Searched for" not in answer_markdown(same, 1)


def test_report_quotes_each_cited_sentence_with_its_place():
    c = cite(1, 0, 37)
    report = answer_report(Answer("Q?", "Q?", f"{c.text} [1]", True, (c,)))
    assert report.startswith("## Q?")
    assert f"> {c.text}" in report
    assert "paragraph 1, sentence 1" in report and "characters 0-37" in report


def test_unusable_question_gets_a_message_not_an_answer():
    answer = Answer("", "", "the question is empty.", False, error="the question is empty")
    assert answer_markdown(answer, 0) == "**This question cannot be asked:** the question is empty."


def test_an_added_article_is_marked_as_added_in_citations_source_view_report_and_list():
    added = {"d": Added("spoof.md", "2026-03-01T09:30:00+00:00")}
    c = cite(1, 0, 37)
    answer = Answer("Q?", "Q?", f"{c.text} [1]", True, (c,))
    mark = "added from spoof.md on 2026-03-01 09:30 UTC"
    assert mark in answer_markdown(answer, 0, added)
    view = source_view([DOC], answer, 0, added)
    assert view.count(mark) == 2  # the cited row and the article's heading
    assert mark in answer_report(answer, added)
    entries = [Entry("d", DOC.title, None, 4, added["d"]), Entry("s", "Shipped", None, 9, None)]
    assert mark in document_table(entries) and "shipped" in document_table(entries)


def test_a_shipped_article_carries_no_mark():
    c = cite(1, 0, 37)
    answer = Answer("Q?", "Q?", f"{c.text} [1]", True, (c,))
    assert "added" not in answer_markdown(answer, 0, {}) + source_view([DOC], answer, 0, {})
