import json
import shutil

import pytest

from assistant import cli
from tests.conftest import SHIPPED_CORPUS, FakeEmbedder


@pytest.fixture
def run(monkeypatch, tmp_path, capsys):
    """Run the CLI in-process on a copy of the shipped corpus with the fake embedder."""
    monkeypatch.setattr(
        "assistant.assistant.SentenceTransformerEmbedder", lambda model: FakeEmbedder()
    )
    corpus = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS, corpus)

    def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", __import__("io").StringIO(stdin))
        code = cli.main([*args, "--corpus", str(corpus), "--index", str(tmp_path / "index")])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_index_prints_a_summary_and_then_reuses_the_index(run):
    code, out, err = run("index")
    assert code == 0 and out == ""
    assert "indexed 1 documents, 16 sentences" in err
    code, _, err = run("index")
    assert "up to date" in err


@pytest.mark.parametrize(
    "question, message",
    [("", "empty"), ("   ", "empty"), ("x" * 2001, "2,001 characters"), ("why\x07", "control")],
)
def test_ask_refuses_bad_questions_with_a_message_and_status_2(run, question, message):
    code, out, err = run("ask", question)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_ask_json_follows_the_contract(run):
    code, out, _ = run("ask", "What was signed?", "--json")
    answer = json.loads(out)
    assert code == 0
    assert set(answer) == {"question", "query", "answer", "found", "citations"}
    for c in answer["citations"]:
        assert set(c) == {"n", "doc", "paragraph", "sentence", "text", "start", "end", "score"}


def test_chat_writes_one_json_line_per_question_and_survives_bad_input(run):
    code, out, _ = run(
        "chat", "--json", stdin="What was signed?\n\n\x01\nWho is the president of Serbia?\n"
    )
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    first, bad, last = (json.loads(line) for line in lines)
    assert bad["found"] is False and "control" in bad["error"]
    assert last["question"] == "Who is the president of Serbia?"
    document = (
        (SHIPPED_CORPUS / "tokayev-visit-to-serbia.txt")
        .read_text()
        .removeprefix(" date 2024-11-19 ")
    )
    for c in first["citations"] + last["citations"]:
        assert document[c["start"] : c["end"]] == c["text"]


def test_missing_corpus_is_one_line_not_a_traceback(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(
        "assistant.assistant.SentenceTransformerEmbedder", lambda model: FakeEmbedder()
    )
    code = cli.main(
        ["ask", "What?", "--corpus", str(tmp_path / "none"), "--index", str(tmp_path / "i")]
    )
    err = capsys.readouterr().err
    assert code == 2 and "does not exist" in err and "Traceback" not in err
