"""How follow-up questions are read, on made-up previous answers (no index needed)."""

from assistant.answer import Answer
from assistant.conversation import People, resolve


def answered(question: str, rows: tuple[int, ...] = (3,), query: str | None = None) -> Answer:
    return Answer(question, query or question, "text", True, rows=rows)


def test_first_question_is_searched_as_typed():
    assert resolve("Which documents were signed?", []).query == "Which documents were signed?"


def test_self_contained_question_ignores_history():
    turn = resolve("Can anyone use this library?", [answered("Where is the archive?")])
    assert turn.query == "Can anyone use this library?"
    assert not turn.skip and not turn.among


def test_person_pronoun_takes_the_name_last_asked_about():
    turn = resolve("What else did she say?", [answered("What did Ms. Berg say?", rows=(4,))])
    assert turn.query == "What else did Berg say?"
    assert turn.skip == (4,)


def test_thing_pronoun_adds_the_previous_topic_in_brackets():
    turn = resolve(
        "Which cities would they connect?", [answered("What was said about direct flights?")]
    )
    assert turn.query == "Which cities would they connect? (direct flights)"


def test_bare_number_question_borrows_the_previous_topic():
    turn = resolve("How many?", [answered("How do scholars divide the history?")])
    assert turn.query == "How many? (scholars divide history)"


def test_and_question_swaps_the_topic_of_the_previous_question():
    turn = resolve("And healthcare?", [answered("Was tourism part of the agenda?")])
    assert turn.query == "Was healthcare part of the agenda?"


def test_and_before_a_whole_question_leaves_the_question_as_asked():
    history = [answered("What did Berg point to?")]
    assert resolve("And what did Lind say?", history).query == "What did Lind say?"


def test_bare_and_continues_with_sentences_not_yet_given():
    history = [answered("Which subjects does it cover?", rows=(2, 5))]
    turn = resolve("And?", history)
    assert turn.query == "Which subjects does it cover?"
    assert turn.skip == (2, 5)


def test_which_one_searches_among_the_previous_answer():
    turn = resolve("Which one concerns education?", [answered("What was signed?", rows=(1, 2, 3))])
    assert turn.among == (1, 2, 3)
    assert turn.query == "concerns education (among the answers to: What was signed?)"


def test_next_to_it_searches_only_the_sentence_just_discussed():
    turn = resolve("What else was listed next to it?", [answered("What was signed?", rows=(4, 5))])
    assert turn.among == (4,) and not turn.skip
    assert turn.query == "What else was listed (in the sentence cited for: What was signed?)"


def test_quote_it_quotes_the_focus_sentence_of_the_last_found_answer():
    focus = Answer("Which one?", "Which one?", "t", True, rows=(7, 8), focus_index=1)
    refused = Answer("What is the GDP?", "What is the GDP?", "t", False)
    turn = resolve("Quote it.", [focus, refused])
    assert turn.quote_rows == (8,)


def test_she_after_who_is_takes_the_person_answered_not_the_place_asked():
    sentences = ["Tartu's mayor, Anna Lind, opened the fair, and Minister Berg spoke."]
    people = People(lambda: "Lind said so. Minister Berg agreed.", sentences.__getitem__)
    history = [answered("Who is the mayor of Tartu?", rows=(0,))]
    assert resolve("What did she say?", history, people=people).query == "What did Lind say?"


def test_without_people_in_the_article_the_last_name_asked_about_is_kept():
    people = People(lambda: "The fair opened.", ["The fair opened."].__getitem__)
    history = [answered("What did Tartu decide?", rows=(0,))]
    assert resolve("What did he say?", history, people=people).query == "What did Tartu say?"


def test_and_x_after_which_one_swaps_the_narrowing_topic_and_stays_among_the_same_answers():
    listed = answered("What was signed?", rows=(1, 2, 3))
    picked = answered("Which one concerns space?", rows=(2,), query="")
    picked = Answer(
        picked.question,
        "concerns space (among the answers to: What was signed?)",
        "t",
        True,
        rows=(2,),
    )
    turn = resolve("And tourism?", [listed, picked])
    assert turn.query == "concerns tourism (among the answers to: What was signed?)"
    assert turn.among == (1, 2, 3) and turn.among_lists


def test_and_one_on_x_puts_x_where_the_previous_question_had_its_topic():
    turn = resolve("And one on customs?", [answered("Was an agreement on fisheries signed?")])
    assert turn.query == "Was an agreement on customs signed?"


LISTED = Answer(
    "Which documents were signed?",
    "Which documents were signed?",
    "The article names 3 documents:\n\n- a treaty [1]\n- a protocol [1]\n- a memorandum [2]",
    True,
    rows=(11, 12),
)


def test_quote_the_second_one_quotes_the_sentence_of_the_second_item_shown():
    turn = resolve("What's the exact sentence for the second one?", [LISTED])
    assert turn.quote_rows == (11,)
    assert turn.query == "Quote the second of the answers to: Which documents were signed?"


def test_the_last_one_is_the_last_item_shown_and_is_searched_alone():
    turn = resolve("Who signed the last one?", [LISTED])
    assert turn.among == (12,) and not turn.quote_rows


def test_an_ordinal_beyond_the_list_or_naming_something_else_is_not_a_place():
    assert not resolve("Quote the fifth one.", [LISTED]).quote_rows
    turn = resolve("When was the first official visit?", [LISTED])
    assert turn.query == "When was the first official visit?" and not turn.among


def test_and_the_x_one_searches_the_last_list_even_after_a_quote():
    quoted = Answer("Quote it.", "Quote the sentence cited for: ...", "> a [1]", True, rows=(11,))
    turn = resolve("And the memorandum one?", [LISTED, quoted])
    assert turn.among == (11, 12) and turn.among_lists
    assert turn.query == "memorandum (among the answers to: Which documents were signed?)"


def test_a_quote_request_without_a_topic_of_its_own_quotes_what_was_just_said():
    for request in ("Can you quote that sentence exactly?", "exact wording pls", "Quote it."):
        turn = resolve(request, [LISTED])
        assert turn.quote_rows == (11,), request


def test_a_quote_request_with_a_topic_of_its_own_is_searched():
    for request in ("Quote the sentence about the floods.", "Quote what Vučić said."):
        turn = resolve(request, [LISTED])
        assert not turn.quote_rows and turn.query == request, request


def test_quote_the_x_one_quotes_from_the_last_list():
    turn = resolve("Quote the memorandum one.", [LISTED])
    assert turn.among == (11, 12) and not turn.quote_rows
