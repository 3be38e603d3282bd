from assistant.items import enumeration


def items(sentence: str) -> list[str]:
    return [sentence[a:b] for a, b in enumeration(sentence)]


def test_series_of_short_items_is_cut_after_its_preposition():
    assert items(
        "Talks covered projects in mining, fishing, transport and logistics, and tourism."
    ) == [
        "mining",
        "fishing",
        "transport and logistics",
        "tourism",
    ]


def test_long_noun_phrases_joined_by_along_with_and_another():
    sentence = "A treaty on fisheries was signed, along with a memorandum on ports and another memorandum on rail."
    assert items(sentence) == [
        "A treaty on fisheries was signed",
        "a memorandum on ports",
        "another memorandum on rail",
    ]


def test_commas_inside_a_name_do_not_make_a_list():
    assert items("The Ministry of Labor, Employment, and Social Policy signed a memorandum.") == []


def test_a_sentence_without_a_list_has_no_items():
    assert items("The ministers met in Oslo on Monday.") == []


def test_items_are_exact_slices_of_the_sentence():
    sentence = "They reviewed projects in trade, energy and the space industry."
    spans = enumeration(sentence)
    assert [sentence[a:b] for a, b in spans] == ["trade", "energy", "the space industry"]
    for a, b in spans:
        assert sentence.find(sentence[a:b], a) == a
