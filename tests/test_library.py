"""The document shelf: uploads are checked, shipped articles are kept."""

import pytest

from assistant.assistant import Assistant
from assistant.errors import CorpusError
from assistant.library import ADDED, Library

NOTE = "A new bridge over the Sava will open in March. It has six lanes.\n"


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
    assert (shipped_settings.corpus_dir / ADDED).read_text() == ""


def test_replay_answers_a_follow_up_against_the_questions_before_it(library):
    first, follow_up = library.replay(["What was signed?", "Which one concerns education?"])
    assert first.found
    assert follow_up.query != follow_up.question


def test_generation_changes_when_the_corpus_changes(library):
    before = library.generation
    library.add("bridge.txt", NOTE.encode())
    assert library.generation != before
