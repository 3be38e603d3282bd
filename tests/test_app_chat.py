"""The app's chat function in-process: a session's conversation stays bounded, and a
message that is not text gets a message."""

import pytest

import app
from assistant.assistant import Assistant
from assistant.library import MAX_HISTORY, Library
from tests.conftest import FakeEmbedder


@pytest.fixture
def library(monkeypatch, shipped_settings) -> Library:
    library = Library(Assistant(shipped_settings, FakeEmbedder()))
    monkeypatch.setattr(app, "library", library)
    return library


def text(message: dict) -> str:
    return message["content"]


def test_a_conversation_keeps_fifty_questions_and_then_says_to_start_a_new_one(library):
    conversation = None
    for _ in range(MAX_HISTORY):
        _, conversation = app.chat("What was signed?", conversation)
    shown, kept = app.chat("What was signed?", conversation)
    assert kept is conversation and len(kept.answers) == MAX_HISTORY
    assert "the most one conversation keeps; start a new conversation" in text(shown[-1])
    assert len(shown) == 2 * (MAX_HISTORY + 1)


def test_a_message_that_is_not_text_gets_a_message(library):
    shown, conversation = app.chat(5, None)
    assert "the question must be text, not a number" in text(shown[-1])
    assert conversation.answers[0].error
