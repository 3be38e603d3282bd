"""Turn answers and documents into what the UI shows, with every source text kept inert.

Document text and questions come from users, so nothing from them may become
markup: for the HTML source view every character goes through `html.escape`
and highlights are placed by the citations' character offsets; for chat
markdown, `inert` escapes the characters that could open a tag, a link or an
image. The only markup is the one written here.

An article added through the app is marked as added, with its file name and
when, wherever it is named: in each citation, in the source view, in the
exported report and in the document list. `added` maps such an article's id
to its record (Library.added()); every other article came with the corpus.

This module neither searches nor answers; it only formats an `Answer`.
"""

import html
import re
from collections.abc import Mapping, Sequence

from assistant.added import Added
from assistant.answer import Answer, Citation
from assistant.corpus import Document
from assistant.library import Entry

MARKER = re.compile(r"\\\[(\d+)\\\]")
QUESTION_SHOWN = 500  # characters of a question echoed in the chat; the rest is cut


def inert(text: str) -> str:
    """Markdown that shows `text` literally: no tags, links or images can form.

    >>> inert('<img src=x onerror=alert(1)> ![a](b) [1]')
    '&lt;img src=x onerror=alert(1)> \\\\!\\\\[a\\\\](b) \\\\[1\\\\]'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return re.sub(r"([\[\]!\\`])", r"\\\1", text)


def marker_links(markdown: str, turn: int) -> str:
    """Turn the escaped markers of `inert` text into links to the cited sentences.

    >>> marker_links(inert("Signed. [1]"), 0)
    'Signed. [\\\\[1\\\\]](#cite-0-1)'
    """
    return MARKER.sub(lambda m: f"[\\[{m.group(1)}\\]](#cite-{turn}-{m.group(1)})", markdown)


def differs(question: str, query: str) -> bool:
    """Whether the searched query is worth showing beside the question."""
    return bool(query) and " ".join(question.lower().split()) != " ".join(query.lower().split())


def question_markdown(question: str) -> str:
    shown = question if len(question) <= QUESTION_SHOWN else question[:QUESTION_SHOWN] + "…"
    return inert(shown)


def source_line(c: Citation, added: Mapping[str, Added] | None = None) -> str:
    """Where a cited sentence is, its article marked when it was added through the app.

    >>> c = Citation(1, "bridge", "Bridge", 2, 5, 0, 9, 0.5, "It opens.")
    >>> source_line(c, {"bridge": Added("bridge.md", "2026-03-01T09:30:00+00:00")})
    'Bridge (added from bridge.md on 2026-03-01 09:30 UTC), paragraph 2, sentence 5'
    """
    record = (added or {}).get(c.doc)
    origin = f" ({record.label()})" if record else ""
    return f"{c.title}{origin}, paragraph {c.paragraph}, sentence {c.sentence}"


def answer_markdown(answer: Answer, turn: int, added: Mapping[str, Added] | None = None) -> str:
    """The chat bubble: searched-for note, the answer with linked markers, and its sources.

    A refusal is a plain statement: its markers are not links and its closest
    passage is listed as "not an answer".
    """
    if answer.error is not None:
        return f"**This question cannot be asked:** {inert(answer.error)}."
    parts = []
    if differs(answer.question, answer.query):
        parts.append(f"<small>Searched for: {inert(answer.query)}</small>")
    if answer.found:
        parts.append(marker_links(inert(answer.text), turn))
        label = f"Sources ({len(answer.citations)})"
    else:
        parts.append("**Not in the article.**")
        parts.append(inert(answer.text))
        label = "Closest passage (not an answer)"
    if answer.citations:
        rows = []
        for c in answer.citations:
            marker = f"[\\[{c.n}\\]](#cite-{turn}-{c.n})" if answer.found else f"\\[{c.n}\\]"
            rows.append(f"- {marker} *{inert(source_line(c, added))}*: “{inert(c.text)}”")
        parts.append(
            f"<details><summary>{label}</summary>\n\n" + "\n".join(rows) + "\n\n</details>"
        )
    return "\n\n".join(parts)


def answer_report(answer: Answer, added: Mapping[str, Added] | None = None) -> str:
    """The answer as a markdown section to paste into a report: question, answer, quoted sources."""
    lines = [f"## {answer.question}", ""]
    if differs(answer.question, answer.query):
        lines += [f"*Searched for: {answer.query}*", ""]
    lines += [answer.text, ""]
    if answer.citations:
        lines += ["### Sources" if answer.found else "### Closest passage (not an answer)", ""]
        for c in answer.citations:
            lines += [
                f"[{c.n}] {source_line(c, added)} (document `{c.doc}`, "
                f"characters {c.start}-{c.end}):",
                "",
                f"> {c.text}",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


def highlighted(document: Document, citations: Sequence[Citation], turn: int) -> str:
    """The document's text as escaped HTML with each cited sentence in a <mark>.

    Offsets come from the citations, so a sentence is marked exactly where it
    was cut from, even when the same words occur twice.

    >>> d = Document("d", "D", "A <b>. B.", None, "d.txt")
    >>> c = Citation(1, "d", "D", 1, 2, 7, 9, 0.5, "B.")
    >>> highlighted(d, [c], 0)
    'A &lt;b&gt;. <mark class="cited" id="cite-0-1" data-cite="1"><sup>[1]</sup>B.</mark>'
    """
    text = document.text
    out, at = [], 0
    for c in sorted((c for c in citations if c.doc == document.id), key=lambda c: c.start):
        if c.start < at or c.end > len(text):
            continue
        out.append(html.escape(text[at : c.start]))
        out.append(
            f'<mark class="cited" id="cite-{turn}-{c.n}" data-cite="{c.n}">'
            f"<sup>[{c.n}]</sup>{html.escape(text[c.start : c.end])}</mark>"
        )
        at = c.end
    out.append(html.escape(text[at:]))
    return "".join(out)


def source_view(
    documents: Sequence[Document],
    answer: Answer | None,
    turn: int,
    added: Mapping[str, Added] | None = None,
) -> str:
    """The source panel: the answer's cited sentences as clickable rows, then each document.

    Only a found answer is highlighted; a refusal's closest passage is not.
    """
    cited = list(answer.citations) if answer is not None and answer.found else []
    parts = [f'<div class="source-view" data-turn="{turn}">']
    if answer is not None and answer.error is None:
        if cited:
            asked = html.escape(answer.question)
            parts.append(f'<p class="source-note">Cited in the answer to “{asked}”:</p>')
            parts.append('<ol class="source-rows">')
            for c in cited:
                parts.append(
                    f'<li class="source-row" data-cite="{c.n}" data-turn="{turn}" '
                    'title="Show in the text">'
                    f"<b>[{c.n}]</b> {html.escape(source_line(c, added))}</li>"
                )
            parts.append("</ol>")
        elif not answer.found:
            parts.append(
                '<p class="source-note">The article does not answer '
                f"“{html.escape(answer.question)}”; nothing is highlighted.</p>"
            )
    for document in documents:
        date = f" · {html.escape(document.date)}" if document.date else ""
        record = (added or {}).get(document.id)
        origin = f'<span class="added-mark">{html.escape(record.label())}</span>' if record else ""
        parts.append(
            f'<h3 class="source-title">{html.escape(document.title)}<small>{date}</small>'
            f"{origin}</h3>"
            f'<div class="source-text">{highlighted(document, cited, turn)}</div>'
        )
    parts.append("</div>")
    return "".join(parts)


def origin_cell(entry: Entry) -> str:
    return html.escape(entry.added.label()) if entry.added else "shipped"


def document_table(entries: Sequence[Entry]) -> str:
    """The document list as an HTML table: title, date, sentences, origin."""
    rows = "".join(
        f"<tr><td>{html.escape(e.title)}</td><td>{html.escape(e.date or '—')}</td>"
        f"<td>{e.sentences}</td><td>{origin_cell(e)}</td></tr>"
        for e in entries
    )
    return (
        '<table class="doc-table"><thead><tr><th>Title</th><th>Date</th><th>Sentences</th>'
        f"<th>Origin</th></tr></thead><tbody>{rows}</tbody></table>"
    )
