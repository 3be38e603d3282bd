"""The Gradio chat UI: ask about the articles and check each answer against its source.

Run `python app.py [--port N] [--host NAME] [--corpus DIR] [--index DIR]`; it
serves on 127.0.0.1 only, with no share link and no analytics. The page shows
the chat on the left and the source text on the right, with the sentences cited
by the answer highlighted. Two API endpoints serve programs: `/chat` (the chat
of this client's session) and `/ask` (one question after a list of earlier
questions, answered with the JSON of the chat contract).

All answering happens in `Assistant.ask`, behind the rules of
assistant/library.py (bounded requests, uploads indexed while questions go on);
this file only calls it and renders the result (through assistant/render.py).
Requests from other sites or under other host names are refused before Gradio
sees them (assistant/fence.py).
"""

import argparse
import atexit
import os
import shutil
import signal
import socket
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import assistant  # noqa: F401  (first: it turns off onnxruntime's telemetry before any import of it)

# Nothing this app does leaves the machine: Gradio's analytics would post usage.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
# Uploads go to a folder of this process's own, which is the only folder whose
# files it serves (fence.py) and which goes when it exits. Gradio reads the
# variable when the Blocks below are built.
OWN_UPLOADS = not os.environ.get("GRADIO_TEMP_DIR")
if OWN_UPLOADS:
    os.environ["GRADIO_TEMP_DIR"] = tempfile.mkdtemp(prefix="assistant-uploads-")
UPLOADS = Path(os.environ["GRADIO_TEMP_DIR"])


def forget_uploads() -> None:
    """Remove the upload folder, when this process made it."""
    if OWN_UPLOADS:
        shutil.rmtree(UPLOADS, ignore_errors=True)


atexit.register(forget_uploads)
# Seconds a file stays in that folder: an upload is indexed and deleted at
# once, so whatever is older was posted without being added. Every
# UPLOADS_SWEPT_EVERY seconds what is older is deleted (assistant/uploads.py).
UPLOADS_KEPT_FOR = int(os.environ.get("ASSISTANT_UPLOADS_KEPT_FOR") or 600)
UPLOADS_SWEPT_EVERY = max(1, min(60, UPLOADS_KEPT_FOR // 2))

import gradio as gr  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from assistant import render, uploads  # noqa: E402
from assistant.answer import Answer  # noqa: E402
from assistant.assistant import Assistant  # noqa: E402
from assistant.errors import AssistantError, QuestionError  # noqa: E402
from assistant.export_cache import default_cache_dir  # noqa: E402
from assistant.fence import Fence, allowed_hosts  # noqa: E402
from assistant.library import (  # noqa: E402
    MAX_HISTORY,
    Library,
    check_history,
    check_question_type,
)
from assistant.settings import Settings  # noqa: E402

EXAMPLES = [
    ("What was signed?", "What was signed?"),
    ("Which sectors were discussed?", "Which sectors were discussed?"),
    ("Quote what Vučić said.", "Quote what Vučić said."),
    ("Follow-up: Which one concerns education?", "Which one concerns education?"),
]

CSS = """
.source-view { font-size: 0.95rem; line-height: 1.55; }
.source-text { white-space: pre-wrap; }
.source-title { margin: 0.8em 0 0.3em; }
.source-title small { font-weight: normal; opacity: 0.7; }
.added-mark { margin-left: 0.6em; padding: 0 6px; border-radius: 4px; background: #fee2e2;
  color: #991b1b; font-size: 0.75rem; font-weight: normal; }
.source-note { font-size: 0.85rem; opacity: 0.8; margin: 0 0 0.3em; }
.source-rows { margin: 0 0 0.6em; padding-left: 1.2em; font-size: 0.85rem; }
.source-row { cursor: pointer; }
.source-row:hover { text-decoration: underline; }
mark.cited { background: #fde68a; color: inherit; border-radius: 3px; padding: 0 2px; }
mark.cited sup { font-weight: bold; margin-right: 2px; }
mark.cited.picked { background: #fbbf24; outline: 2px solid #d97706; }
.doc-table { width: 100%; font-size: 0.9rem; }
.doc-table th, .doc-table td { text-align: left; padding: 2px 6px; }
"""

# Clicking a marker ([1] in an answer) or a source row picks that sentence in the
# source view: it is scrolled into view and outlined. Markers are links to
# "#cite-<turn>-<n>"; the click is handled here so the page never navigates. A
# marker of an earlier answer also selects that message, which re-renders the
# source view for it; the observer picks the sentence once it is there.
HEAD = """
<script>
(() => {
  let wanted = null;
  function pick() {
    if (!wanted) return false;
    const target = document.getElementById(wanted);
    if (!target) return false;
    document.querySelectorAll("mark.cited.picked").forEach((m) => m.classList.remove("picked"));
    target.classList.add("picked");
    target.scrollIntoView({ block: "center" });
    wanted = null;
    return true;
  }
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#cite-"]');
    const row = event.target.closest && event.target.closest(".source-row");
    if (link) {
      event.preventDefault();
      wanted = link.getAttribute("href").slice(1);
    } else if (row) {
      wanted = `cite-${row.dataset.turn}-${row.dataset.cite}`;
    } else {
      return;
    }
    if (!pick()) setTimeout(pick, 400);
  }, true);
  let shown = null;
  new MutationObserver(() => {
    const view = document.querySelector(".source-view");
    if (view && view !== shown) {
      shown = view;
      const first = view.querySelector("mark.cited");
      if (!pick() && first) first.scrollIntoView({ block: "center" });
    } else {
      pick();
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
</script>
"""

COPY_JS = """
(report) => {
  if (!report) return;
  if (navigator.clipboard) navigator.clipboard.writeText(report);
}
"""

DOWNLOAD_JS = """
(report) => {
  if (!report) return;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([report], { type: "text/markdown" }));
  link.download = "answer.md";
  document.body.appendChild(link);
  link.click();
  link.remove();
}
"""


def settings_from(environ: dict) -> Settings:
    """Settings from ASSISTANT_CORPUS, ASSISTANT_INDEX, ASSISTANT_MODEL and
    ASSISTANT_CACHE_DIR, else the defaults."""
    defaults = Settings()
    return Settings(
        corpus_dir=Path(environ.get("ASSISTANT_CORPUS") or defaults.corpus_dir),
        index_dir=Path(environ.get("ASSISTANT_INDEX") or defaults.index_dir),
        model=environ.get("ASSISTANT_MODEL") or None,
        cache_dir=default_cache_dir(environ),
    )


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


library = Library(Assistant(settings_from(os.environ), progress=say))


@dataclass
class Conversation:
    """One browser session's conversation; gradio keeps one copy per session."""

    answers: list[Answer] = field(default_factory=list)
    generation: str = ""  # corpus generation the answers were given against
    shown: int = -1  # which answer the source view shows (-1: the latest)

    def history(self) -> list[Answer]:
        return [a for a in self.answers if a.error is None]


def messages(conversation: Conversation) -> list[dict]:
    shown = []
    added = library.added()
    for turn, answer in enumerate(conversation.answers):
        shown.append({"role": "user", "content": render.question_markdown(answer.question)})
        shown.append({"role": "assistant", "content": render.answer_markdown(answer, turn, added)})
    return shown


def refused(question: object, problem: QuestionError) -> Answer:
    """The answer to a request that cannot be asked, in the form Assistant.ask gives one."""
    shown = question[:200] if isinstance(question, str) else ""
    return Answer(shown, "", f"{problem}.", False, error=str(problem))


def chat(message: str, conversation: Conversation | None) -> tuple[list[dict], Conversation]:
    """Answer `message` after this session's earlier questions; the chat and the new state."""
    conversation = conversation or Conversation()
    if len(conversation.answers) >= MAX_HISTORY:
        # Shown, not kept: a session's state stays bounded however long it goes on.
        full = QuestionError(
            f"this conversation has {len(conversation.answers)} questions, the most one "
            "conversation keeps; start a new conversation to go on"
        )
        shown = Conversation([*conversation.answers, refused(message, full)])
        return messages(shown), conversation
    served = library.current()  # one corpus for the whole request
    generation = served.generation
    answers = conversation.answers
    try:
        question = check_question_type(message)
    except QuestionError as problem:
        answer = refused(message, problem)
    else:
        if conversation.generation != generation and answers:
            # The corpus changed since these answers: their sentence rows point into the
            # old index, so the conversation is asked again to read follow-ups correctly.
            answers = served.replay([a.question for a in answers])
        answer = served.ask(question, [a for a in answers if a.error is None])
    updated = Conversation([*answers, answer], generation, -1)
    return messages(updated), updated


def ask(question: str, history: list[str] | None = None) -> dict:
    """One question after the earlier questions of its conversation (oldest first);
    the JSON object of the chat contract. A history that is not a list of text,
    or too long, gets an answer with `error` set at once, before any replay."""
    try:
        earlier = check_history(history)
        question = check_question_type(question)
    except QuestionError as problem:
        return refused(question, problem).to_dict()
    served = library.current()  # the history and the question read against one corpus
    previous = served.replay(earlier)
    return served.ask(question, [a for a in previous if a.error is None]).to_dict()


def shown_answer(conversation: Conversation | None) -> tuple[int, Answer | None]:
    if not conversation or not conversation.answers:
        return -1, None
    turn = conversation.shown if 0 <= conversation.shown < len(conversation.answers) else -1
    turn = turn if turn >= 0 else len(conversation.answers) - 1
    return turn, conversation.answers[turn]


def source_for(conversation: Conversation | None, doc_id: str | None = None):
    """Source view HTML, the document picked, and the shown answer as a markdown report."""
    turn, answer = shown_answer(conversation)
    documents = []
    if doc_id is None and answer is not None and answer.found:
        for c in answer.citations:
            document = library.document(c.doc)
            if document is not None and document not in documents:
                documents.append(document)
    if not documents:
        fallback = doc_id or (answer.citations[0].doc if answer and answer.citations else None)
        document = library.document(fallback) if fallback else None
        documents = [document or library.assistant.documents()[0]]
    added = library.added()
    report = (
        render.answer_report(answer, added) if answer is not None and answer.error is None else ""
    )
    return render.source_view(documents, answer, turn, added), documents[0].id, report


def show_source(conversation: Conversation | None):
    html, doc_id, report = source_for(conversation)
    return html, gr.update(value=doc_id, choices=document_choices()), report, ""


def pick_document(doc_id: str, conversation: Conversation | None):
    html, _, _ = source_for(conversation, doc_id)
    return html


def pick_turn(conversation: Conversation | None, selected: gr.SelectData):
    """Clicking a message shows that turn's answer in the source view."""
    if conversation and conversation.answers and isinstance(selected.index, int):
        conversation.shown = min(selected.index // 2, len(conversation.answers) - 1)
    html, doc_id, report = source_for(conversation)
    return conversation, html, gr.update(value=doc_id), report


def new_conversation():
    conversation = Conversation()
    html, doc_id, _ = source_for(conversation)
    return [], conversation, html, gr.update(value=doc_id), "", ""


def document_choices() -> list[tuple[str, str]]:
    return [(f"added · {e.title}" if e.added else e.title, e.id) for e in library.entries()]


def removable_choices() -> list[tuple[str, str]]:
    return [(f"{e.title} ({e.added.file})", e.id) for e in library.entries() if e.added]


def shelf(status: str, show: str | None = None):
    """Everything that changes when the document list changes."""
    removable = removable_choices()
    return (
        status,
        render.document_table(library.entries()),
        gr.update(choices=removable, value=removable[0][1] if removable else None),
        gr.update(choices=document_choices(), value=show)
        if show
        else gr.update(choices=document_choices()),
    )


def upload(path: str | None, progress=gr.Progress()):  # noqa: B008
    """Add the uploaded file to the corpus and index it, reporting each step."""
    if not path:
        return shelf("")
    name = Path(path).name
    progress(0, desc=f"Adding {name}")
    try:
        data = Path(path).read_bytes()
    except OSError:
        return shelf("**Not added:** the upload could not be read; try again.")
    finally:
        uploads.discard(path, UPLOADS)
    try:
        document = library.add(name, data, lambda message: progress(None, desc=message))
    except AssistantError as problem:
        return shelf(f"**Not added:** {render.inert(str(problem))}.")
    sentences = next((e.sentences for e in library.entries() if e.id == document.id), 0)
    status = f"**Added** {render.inert(document.title)} ({sentences} sentences); ask about it now."
    return shelf(status, document.id)


def remove(doc_id: str | None, progress=gr.Progress()):  # noqa: B008
    if not doc_id:
        return shelf("Pick an added document to remove.")
    document = library.document(doc_id)
    title = document.title if document else doc_id
    progress(0, desc=f"Removing {title}")
    try:
        library.remove(doc_id, lambda message: progress(None, desc=message))
    except AssistantError as problem:
        return shelf(f"**Not removed:** {render.inert(str(problem))}.")
    return shelf(f"**Removed** {render.inert(title)}.", library.assistant.documents()[0].id)


def initial_source():
    html, doc_id, _ = source_for(None)
    return (
        html,
        gr.update(value=doc_id, choices=document_choices()),
        render.document_table(library.entries()),
        gr.update(choices=removable_choices()),
    )


THEME = gr.themes.Default(
    font=["system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"],
)

with gr.Blocks(title="Ask the article", analytics_enabled=False) as demo:
    conversation = gr.State(Conversation())
    report = gr.Textbox(visible=False)
    gr.Markdown(
        "# Ask the article\nAnswers are sentences quoted from the articles, each with its "
        "citation; the cited sentences are highlighted in the source on the right."
    )
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="Conversation",
                height=520,
                buttons=["copy"],
                latex_delimiters=[],
                feedback_options=None,
                elem_id="chat",
                placeholder="Ask a question about the article, or pick an example below.",
            )
            with gr.Row():
                question = gr.Textbox(
                    placeholder="Ask about the article…",
                    show_label=False,
                    scale=5,
                    elem_id="question",
                )
                send = gr.Button("Ask", variant="primary", scale=1, elem_id="send")
            with gr.Row():
                example_buttons = [
                    gr.Button(label, size="sm", elem_classes="example") for label, _ in EXAMPLES
                ]
            with gr.Row():
                fresh = gr.Button("New conversation", size="sm", elem_id="new-conversation")
                copy = gr.Button("Copy answer (markdown)", size="sm", elem_id="copy-answer")
                download = gr.Button("Download answer (.md)", size="sm", elem_id="download-answer")
        with gr.Column(scale=2):
            with gr.Tab("Source"):
                source_doc = gr.Dropdown(label="Document", choices=[], elem_id="source-doc")
                source = gr.HTML(elem_id="source-panel", max_height=620)
            with gr.Tab("Documents", elem_id="documents-tab"):
                documents = gr.HTML(elem_id="document-list")
                upload_file = gr.File(
                    label="Add a .txt or .md article (up to 2 MB)",
                    file_types=[".txt", ".md"],
                    file_count="single",
                    type="filepath",
                    elem_id="upload",
                )
                status = gr.Markdown(elem_id="shelf-status")
                with gr.Row():
                    removable = gr.Dropdown(label="Added documents", choices=[], scale=3)
                    drop = gr.Button("Remove", size="sm", scale=1, elem_id="remove")

    after_answer = dict(
        fn=show_source,
        inputs=[conversation],
        outputs=[source, source_doc, report, question],
        api_visibility="private",
    )
    gr.on(
        [question.submit, send.click],
        chat,
        [question, conversation],
        [chatbot, conversation],
        api_name="chat",
    ).then(**after_answer)
    for button, (_, text) in zip(example_buttons, EXAMPLES, strict=True):
        button.click(lambda text=text: text, None, question, api_visibility="private").then(
            chat, [question, conversation], [chatbot, conversation], api_visibility="private"
        ).then(**after_answer)
    fresh.click(
        new_conversation,
        None,
        [chatbot, conversation, source, source_doc, report, question],
        api_visibility="private",
    )
    chatbot.select(
        pick_turn,
        [conversation],
        [conversation, source, source_doc, report],
        api_visibility="private",
    )
    source_doc.input(pick_document, [source_doc, conversation], source, api_visibility="private")
    copy.click(None, [report], None, js=COPY_JS, api_visibility="private")
    download.click(None, [report], None, js=DOWNLOAD_JS, api_visibility="private")
    shelf_outputs = [status, documents, removable, source_doc]
    show_picked = dict(
        fn=pick_document,
        inputs=[source_doc, conversation],
        outputs=source,
        api_visibility="private",
    )
    # One change of the corpus at a time waits in Gradio's queue rather than in a
    # worker thread; questions have their own workers and never wait for it.
    shelf_queue = dict(api_visibility="private", concurrency_limit=1, concurrency_id="shelf")
    upload_file.upload(upload, [upload_file], shelf_outputs, **shelf_queue).then(
        lambda: None, None, upload_file, api_visibility="private"
    ).then(**show_picked)
    drop.click(remove, [removable], shelf_outputs, **shelf_queue).then(**show_picked)
    demo.load(
        initial_source, None, [source, source_doc, documents, removable], api_visibility="private"
    )
    gr.api(ask, api_name="ask")


def port_taken(host: str, port: int) -> str:
    """Why the server cannot listen on host:port ('' when it can)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # As the server itself will: a port left in TIME_WAIT by the last run is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as problem:
        return f"cannot serve on {host}:{port} ({(problem.strerror or str(problem)).lower()})"
    return ""


def interrupt(*_) -> None:
    """SIGTERM (a service manager's stop, a test's terminate) ends the app as Ctrl-C
    does, so that the server closes and the upload folder is removed; left to its
    default, SIGTERM would end the process at once and leave the folder behind."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the chat UI on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "7860")))
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to serve on (default 127.0.0.1); requests must name it, localhost or "
        "127.0.0.1; 0.0.0.0 serves every interface under any name",
    )
    parser.add_argument("--corpus", help="folder of .txt/.md articles (default corpus/)")
    parser.add_argument("--index", help="index folder (default index/)")
    parser.add_argument("--model", help="sentence-transformers model name or path, offline")
    parser.add_argument("--share", action="store_true", help="also open a public share link")
    args = parser.parse_args(argv)
    problem = port_taken(args.host, args.port)
    if problem:
        say(f"error: {problem}; pick another port with --port N (or PORT=N)")
        return 2
    settings = library.assistant.settings
    if args.corpus or args.index or args.model:
        settings = Settings(
            corpus_dir=Path(args.corpus) if args.corpus else settings.corpus_dir,
            index_dir=Path(args.index) if args.index else settings.index_dir,
            model=args.model or settings.model,
            cache_dir=settings.cache_dir,
        )
        library.assistant = Assistant(settings, progress=say)
    try:
        say(f"opening the index of {settings.corpus_dir}")
        entries = library.entries()
        library.ask("warm up")
    except AssistantError as problem:
        say(f"error: {problem}")
        return 2
    say(f"{len(entries)} documents, {sum(e.sentences for e in entries)} sentences")
    if allowed_hosts(args.host, args.share) is None:
        say("serving under any host name: whoever can reach it can ask and add documents")
    fence = Middleware(Fence, hosts=allowed_hosts(args.host, args.share), uploads=UPLOADS)
    uploads.sweep_every(UPLOADS, UPLOADS_SWEPT_EVERY, UPLOADS_KEPT_FOR)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        demo.queue(default_concurrency_limit=4).launch(
            server_name=args.host,
            server_port=args.port,
            share=args.share,
            theme=THEME,
            css=CSS,
            head=HEAD,
            # Above the article limit, so that a file just over it gets the app's
            # message with its numbers; Gradio refuses larger ones before writing them.
            max_file_size=2 * library.max_bytes,
            footer_links=["api"],
            app_kwargs={"middleware": [fence]},
        )
    except OSError as problem:
        if "port" not in str(problem).lower():
            raise
        say(f"error: port {args.port} is in use; pick another port with --port N (or PORT=N)")
        return 2
    finally:
        # At once, not only at exit: the interpreter's exit can still wait on threads.
        forget_uploads()
    return 0


if __name__ == "__main__":
    sys.exit(main())
