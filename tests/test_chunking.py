from assistant.chunking import split_document, split_sentences
from assistant.corpus import Document, load_corpus
from tests.conftest import SHIPPED_CORPUS


def sentences_of(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, 0, len(text))]


def test_shipped_article_is_16_sentences_in_9_paragraphs():
    [document] = load_corpus(SHIPPED_CORPUS)
    sentences, passages = split_document(document)
    assert len(sentences) == 16
    assert len({s.paragraph for s in sentences}) == 9
    assert sentences[0].text.startswith("ASTANA – President")
    assert sentences[0].text.endswith("on Nov. 19, Akorda reported.")


def test_every_sentence_and_passage_is_an_exact_slice_of_the_document():
    [document] = load_corpus(SHIPPED_CORPUS)
    sentences, passages = split_document(document)
    for piece in [*sentences, *passages]:
        assert document.text[piece.start : piece.end] == piece.text


def test_abbreviations_do_not_end_sentences():
    text = "Mr. Smith met Dr. Jones on Nov. 19 in the U.S. capital. Talks went well. J. Doe agreed."
    assert sentences_of(text) == [
        "Mr. Smith met Dr. Jones on Nov. 19 in the U.S. capital.",
        "Talks went well.",
        "J. Doe agreed.",
    ]


def test_acronym_before_a_sentence_starter_ends_the_sentence():
    assert sentences_of("He moved to the U.S. The next year he returned.") == [
        "He moved to the U.S.",
        "The next year he returned.",
    ]


def test_question_marks_quotes_and_lowercase_followers():
    text = "Why now? “It is time,” he said. The plan, e.g. roads, is set."
    assert sentences_of(text) == [
        "Why now?",
        "“It is time,” he said.",
        "The plan, e.g. roads, is set.",
    ]


def test_passages_never_cross_a_paragraph():
    document = Document("d", "D", "A one. A two. A three. A four.\nB one.", None, "d.txt")
    sentences, passages = split_document(document, window=3)
    assert [(p.first, p.last) for p in passages] == [(1, 3), (2, 4), (5, 5)]
    assert all("\n" not in p.text for p in passages)
    assert [s.paragraph for s in sentences] == [1, 1, 1, 1, 2]


def test_passages_sit_side_by_side_and_cover_every_sentence():
    document = Document("d", "D", "One. Two. Three. Four. Five. Six. Seven.", None, "d.txt")
    sentences, passages = split_document(document, window=3)
    assert [(p.first, p.last) for p in passages] == [(1, 3), (4, 6), (5, 7)]
    covered = {n for p in passages for n in range(p.first, p.last + 1)}
    assert covered == {s.number for s in sentences}
