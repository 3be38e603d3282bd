"""The document shelf: uploads are checked, shipped articles are kept, questions never wait
for indexing, and a request's history is bounded."""

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.added import RECORD
from assistant.assistant import Assistant
from assistant.errors import CorpusError, QuestionError
from assistant.library import Library, check_history
from tests.conftest import FakeEmbedder

NOTE = "A new bridge over the Sava will open in March. It has six lanes.\n"
SHIPPED = "tokayev-visit-to-serbia"


@pytest.fixture
def library(shipped_settings, fake_embedder) -> Library:
    return Library(Assistant(shipped_settings, fake_embedder), max_bytes=1000)


def test_entries_list_title_date_and_sentence_count_of_the_shipped_article(library):
    [entry] = library.entries()
    assert entry.title == "Tokayev visit to serbia"
    assert entry.date == "2024-11-19"
    assert entry.sentences == 16
    assert not entry.added


def test_added_article_is_listed_and_can_be_asked_about_at_once(library):
    document = library.add("bridge.txt", NOTE.encode())
    assert document.id == "bridge"
    assert [e.id for e in library.entries() if e.added] == ["bridge"]
    answer = library.ask("When will the bridge over the Sava open?")
    assert any(c.doc == "bridge" for c in answer.citations)


def test_upload_over_the_size_limit_is_refused_with_the_numbers(library, shipped_settings):
    with pytest.raises(CorpusError, match="the limit is"):
        library.add("big.txt", b"x. " * 1000)
    assert not (shipped_settings.corpus_dir / "big.txt").exists()


def test_upload_that_is_not_utf8_is_refused(library):
    with pytest.raises(CorpusError, match="not UTF-8"):
        library.add("latin.txt", "Caf\xe9 opened.".encode("latin-1"))


@pytest.mark.parametrize("name", ["notes.pdf", "script.js", "noext"])
def test_upload_of_another_file_type_is_refused(library, name):
    with pytest.raises(CorpusError, match=r"only \.txt and \.md"):
        library.add(name, NOTE.encode())


def test_upload_name_with_dot_dot_stays_inside_the_corpus_folder(library, shipped_settings):
    document = library.add("../../escape.txt", NOTE.encode())
    folder = shipped_settings.corpus_dir
    assert (folder / document.path).is_file()
    assert not (folder.parent / "escape.txt").exists()
    assert not (folder.parent.parent / "escape.txt").exists()


def test_duplicate_content_is_not_indexed_twice(library):
    library.add("bridge.txt", NOTE.encode())
    with pytest.raises(CorpusError, match="same content"):
        library.add("bridge-copy.md", NOTE.encode())
    assert len(library.entries()) == 2


def test_shipped_article_cannot_be_removed(library, shipped_settings):
    library.add("bridge.txt", NOTE.encode())
    with pytest.raises(CorpusError, match="came with the corpus"):
        library.remove("tokayev-visit-to-serbia")
    assert (shipped_settings.corpus_dir / "tokayev-visit-to-serbia.txt").is_file()


def test_added_article_can_be_removed_and_the_shipped_one_stays(library, shipped_settings):
    library.add("bridge.txt", NOTE.encode())
    library.remove("bridge")
    assert [e.id for e in library.entries()] == ["tokayev-visit-to-serbia"]
    assert (shipped_settings.corpus_dir / RECORD).read_text() == ""


def test_replay_answers_a_follow_up_against_the_questions_before_it(library):
    first, follow_up = library.replay(["What was signed?", "Which one concerns education?"])
    assert first.found
    assert follow_up.query != follow_up.question


def test_generation_changes_when_the_corpus_changes(library):
    before = library.generation
    library.add("bridge.txt", NOTE.encode())
    assert library.generation != before


class SlowEmbedder(FakeEmbedder):
    """The fake embedder, made slow for texts holding a word: to stand for a long
    indexing run (it waits for `gate`) or a slow question (it sleeps)."""

    def __init__(self, word: str, gate: threading.Event | None = None, seconds: float = 0.0):
        super().__init__()
        self.word, self.gate, self.seconds = word, gate, seconds
        self.reached = threading.Event()

    def encode(self, texts):
        if any(self.word in t for t in texts):
            self.reached.set()
            if self.gate is not None:
                self.gate.wait(10)
            time.sleep(self.seconds)
        return super().encode(texts)


def in_thread(call, *args):
    """Start call(*args) in a thread; the thread and a list that gets the result."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(call(*args)), daemon=True)
    thread.start()
    return thread, result


def test_questions_are_answered_from_the_old_index_while_an_upload_is_indexed(shipped_settings):
    gate = threading.Event()
    embedder = SlowEmbedder("Sava", gate=gate)
    library = Library(Assistant(shipped_settings, embedder))
    library.ask("What was signed?")
    adding, added = in_thread(library.add, "bridge.txt", NOTE.encode())
    assert embedder.reached.wait(10)  # the upload is being indexed, and stays so
    asking, answers = in_thread(library.ask, "What was signed?")
    asking.join(5)
    gate.set()
    adding.join(10)
    assert answers, "a question waited for the upload to be indexed"
    assert answers[0].found and {c.doc for c in answers[0].citations} == {SHIPPED}
    assert added and added[0].id == "bridge"
    answer = library.ask("When will the bridge over the Sava open?")
    assert any(c.doc == "bridge" for c in answer.citations)


def test_a_long_history_lets_other_sessions_questions_through_between_its_questions(
    shipped_settings,
):
    library = Library(Assistant(shipped_settings, SlowEmbedder("slowly", seconds=0.1)))
    library.ask("What was signed?")
    history = [f"What was said slowly about item {n}?" for n in range(12)]
    began = time.monotonic()
    replaying, _ = in_thread(library.replay, history)
    time.sleep(0.25)
    asking, answers = in_thread(library.ask, "What was signed?")
    asking.join(10)
    answered = time.monotonic() - began
    replaying.join(10)
    replayed = time.monotonic() - began
    assert answers and answers[0].found
    # The replay takes 12 x 0.1 s; the other question waits for one of them at most.
    assert answered < 0.8 < replayed, (answered, replayed)


@pytest.mark.parametrize(
    "history, message",
    [
        ("What was signed?", "must be a list of the earlier questions"),
        (7, "not a number"),
        (["What was signed?", 7], "question 2 of the history is a number"),
        (["What was signed?"] * 10_000, "10,000 questions; the limit is 50"),
        (["x" * 1_000] * 30, "30,000 characters long; the limit is 20,000"),
    ],
)
def test_a_history_of_the_wrong_type_or_size_gets_a_message(history, message):
    began = time.monotonic()
    with pytest.raises(QuestionError, match=message):
        check_history(history)
    assert time.monotonic() - began < 0.1


def test_an_upload_cannot_take_the_title_of_a_shipped_article(library, shipped_settings):
    before = sorted(p.name for p in shipped_settings.corpus_dir.iterdir())
    for name, text in [
        ("spoof.md", "# Tokayev visit to serbia\n\nThey also signed a secret pact.\n"),
        ("spoof2.md", "# TOKAYEV  visit to Serbia!\n\nThey also signed a secret pact.\n"),
        ("Tokayev visit to serbia.txt", "They also signed a secret pact.\n"),
    ]:
        with pytest.raises(CorpusError, match="which an article of the corpus already has"):
            library.add(name, text.encode())
    assert sorted(p.name for p in shipped_settings.corpus_dir.iterdir()) == before
    assert [e.title for e in library.entries()] == ["Tokayev visit to serbia"]


def test_two_added_articles_cannot_share_a_title(library):
    library.add("bridge.md", f"# Sava bridge\n\n{NOTE}".encode())
    with pytest.raises(CorpusError, match="which an added article already has"):
        library.add("bridge-news.md", b"# Sava Bridge\n\nIt will open in April.\n")


def test_added_article_is_recorded_with_its_file_name_and_when(library):
    before = datetime.now(UTC)
    library.add("../bridge.txt", NOTE.encode())
    entry = next(e for e in library.entries() if e.id == "bridge")
    assert entry.added.file == "bridge.txt"
    assert before - timedelta(seconds=1) <= datetime.fromisoformat(entry.added.at)
    assert entry.added.label().startswith("added from bridge.txt on ")
    shipped = next(e for e in library.entries() if e.id == SHIPPED)
    assert shipped.added is None


def test_upload_with_too_many_sentences_is_refused_with_the_numbers(shipped_settings):
    library = Library(Assistant(shipped_settings, FakeEmbedder()), max_sentences=3)
    with pytest.raises(CorpusError, match="has 4 sentences; the limit is 3"):
        library.add("long.txt", b"One. Two. Three. Four.")


def test_one_byte_over_the_limit_is_not_shown_as_the_limit(shipped_settings):
    library = Library(Assistant(shipped_settings, FakeEmbedder()))
    with pytest.raises(CorpusError) as refused:
        library.add("big.txt", b"x" * (2 * 1024 * 1024 + 1))
    assert "2,097,153 bytes; the limit is 2,097,152 bytes (2 MB)" in str(refused.value)


def test_a_folder_that_cannot_be_written_is_reported_by_its_name_in_the_app(
    library, shipped_settings, monkeypatch, tmp_path
):
    folder = shipped_settings.corpus_dir
    write_text, write_bytes = Path.write_text, Path.write_bytes

    def refuse(write):
        def attempt(path, *args, **kwargs):
            if path.parent == folder:
                raise PermissionError(13, "Permission denied", str(path))
            return write(path, *args, **kwargs)

        return attempt

    monkeypatch.setattr(Path, "write_text", refuse(write_text))
    monkeypatch.setattr(Path, "write_bytes", refuse(write_bytes))
    with pytest.raises(CorpusError) as refused:
        library.add("bridge.txt", NOTE.encode())
    message = str(refused.value)
    assert "could not be saved" in message and "permission denied" in message
    assert f"{folder.name}/.added" in message
    assert str(tmp_path) not in message
    assert not (folder / "bridge.txt").exists()
    assert library.ask("What was signed?").found


def test_a_failed_indexing_run_leaves_the_corpus_and_the_index_as_they_were(shipped_settings):
    class Failing(FakeEmbedder):
        def encode(self, texts):
            if any("Sava" in t for t in texts):
                raise RuntimeError("the model failed")
            return super().encode(texts)

    library = Library(Assistant(shipped_settings, Failing()))
    library.ask("What was signed?")
    index = shipped_settings.index_dir
    before = {p.name: p.read_bytes() for p in index.iterdir() if p.is_file()}
    with pytest.raises(RuntimeError):
        library.add("bridge.txt", NOTE.encode())
    assert {p.name: p.read_bytes() for p in index.iterdir() if p.is_file()} == before
    assert not (index / ".next").exists()
    assert not (shipped_settings.corpus_dir / "bridge.txt").exists()
    assert [e.id for e in library.entries()] == [SHIPPED]
    assert library.ask("What was signed?").found
