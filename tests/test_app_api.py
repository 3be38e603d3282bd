"""The launched app through gradio_client: `/ask` (contract JSON) and `/chat` (session chat)."""

import pytest
from gradio_client import Client

from assistant.chunking import split_document
from assistant.corpus import load_corpus

pytestmark = pytest.mark.integration

SHIPPED = "tokayev-visit-to-serbia"


@pytest.fixture(scope="module")
def url(app_server) -> str:
    return app_server[0]


@pytest.fixture(scope="module")
def sentences(app_server) -> dict[str, set[str]]:
    """Every sentence of every document the app serves, by document id."""
    return {d.id: {s.text for s in split_document(d)[0]} for d in load_corpus(app_server[1])}


def client(url: str) -> Client:
    return Client(url, verbose=False)


def text_of(message: dict) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)


def test_ask_returns_citations_that_are_sentences_of_the_article(url, sentences):
    answer = client(url).predict(question="What was signed?", history=[], api_name="/ask")
    assert answer["found"] is True
    assert set(answer) == {"question", "query", "answer", "found", "citations"}
    assert answer["citations"]
    for c in answer["citations"]:
        assert c["doc"] == SHIPPED
        assert c["text"] in sentences[SHIPPED]
        assert f"[{c['n']}]" in answer["answer"]


def test_ask_reads_a_follow_up_against_the_history_of_questions(url):
    answer = client(url).predict(
        question="Which one concerns education?", history=["What was signed?"], api_name="/ask"
    )
    assert answer["query"] != answer["question"]
    assert answer["found"] is True and answer["citations"]
    assert all("education" in c["text"] for c in answer["citations"])


def test_ask_refuses_a_question_outside_the_article(url):
    answer = client(url).predict(
        question="Who is the president of France?", history=[], api_name="/ask"
    )
    assert answer["found"] is False
    assert "does not answer" in answer["answer"]


def test_chat_keeps_the_history_of_a_two_turn_conversation(url):
    chat = client(url)
    first = chat.predict("What was signed?", api_name="/chat")
    assert [m["role"] for m in first] == ["user", "assistant"]
    second = chat.predict("Which one concerns education?", api_name="/chat")
    assert [m["role"] for m in second] == ["user", "assistant"] * 2
    reply = text_of(second[-1])
    assert "Searched for:" in reply and "What was signed?" in reply
    assert "memorandum of understanding in education" in reply


def test_two_clients_do_not_share_history(url):
    alice, bob = client(url), client(url)
    alice.predict("What was signed?", api_name="/chat")
    bob_chat = bob.predict("Which one concerns education?", api_name="/chat")
    assert len(bob_chat) == 2
    assert "What was signed?" not in text_of(bob_chat[-1])
    assert len(alice.predict("Which sectors were discussed?", api_name="/chat")) == 4


@pytest.mark.parametrize("question, message", [("", "empty"), ("x" * 2001, "2,001 characters")])
def test_unusable_question_gets_a_message_in_the_chat(url, question, message):
    chat = client(url).predict(question, api_name="/chat")
    reply = text_of(chat[-1])
    assert "cannot be asked" in reply and message in reply
