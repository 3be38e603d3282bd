import pytest

from assistant.corpus import corpus_hash, load_corpus, parse_document, read_corpus
from assistant.errors import CorpusError
from tests.conftest import SHIPPED_CORPUS, write


def test_date_header_is_metadata_not_text():
    document = parse_document("visit.txt", " date 2024-11-19 ASTANA – Talks were held.".encode())
    assert document.date == "2024-11-19"
    assert document.text == "ASTANA – Talks were held."
    assert "date" not in document.text


def test_shipped_article_loads_with_date_and_dateline():
    [document] = load_corpus(SHIPPED_CORPUS)
    assert document.date == "2024-11-19"
    assert document.text.startswith("ASTANA –")
    assert document.id == "tokayev-visit-to-serbia"


def test_markdown_title_comes_from_first_heading():
    document = parse_document("notes.md", b"# Trade talks\n\nThe ministers met.")
    assert document.title == "Trade talks"
    assert document.id == "notes"


def test_non_utf8_file_is_named_in_the_error(corpus_dir):
    (corpus_dir / "latin.txt").write_bytes("Caf\xe9 talks.".encode("latin-1"))
    with pytest.raises(CorpusError, match="latin.txt is not UTF-8"):
        load_corpus(corpus_dir)


def test_empty_file_is_named_in_the_error(corpus_dir):
    write(corpus_dir, "empty.txt", "  \n\n")
    with pytest.raises(CorpusError, match="empty.txt is empty"):
        load_corpus(corpus_dir)


def test_empty_folder_and_missing_folder_are_clear_errors(corpus_dir, tmp_path):
    with pytest.raises(CorpusError, match="has no .txt or .md files"):
        load_corpus(corpus_dir)
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")


def test_other_files_are_ignored(corpus_dir):
    write(corpus_dir, "a.txt", "One sentence.")
    write(corpus_dir, "notes.csv", "x,y")
    assert [d.id for d in load_corpus(corpus_dir)] == ["a"]


def test_corpus_hash_changes_when_an_article_changes(corpus_dir):
    write(corpus_dir, "a.txt", "One sentence.")
    before = corpus_hash(corpus_dir)
    write(corpus_dir, "a.txt", "One sentence, edited.")
    assert corpus_hash(corpus_dir) != before


def test_two_files_with_the_same_stem_are_a_clear_error(corpus_dir):
    write(corpus_dir, "notes.txt", "One sentence.")
    write(corpus_dir, "notes.md", "Another sentence.")
    with pytest.raises(CorpusError, match="would share the id 'notes'"):
        load_corpus(corpus_dir)


def test_read_corpus_gives_the_documents_and_the_hash_of_the_same_files(corpus_dir):
    write(corpus_dir, "a.txt", "One. Two.")
    write(corpus_dir, "b.md", "# B\n\nThree.")
    documents, digest = read_corpus(corpus_dir)
    assert [d.id for d in documents] == [d.id for d in load_corpus(corpus_dir)] == ["a", "b"]
    assert digest == corpus_hash(corpus_dir)
