"""The launched app's web surface: other host names and other sites' pages are refused,
uploads do not stay, requests are bounded, and a busy port gets one clear line."""

import socket
import subprocess
import sys
import time

import httpx
import pytest
from gradio_client import Client

from tests.conftest import ROOT, UPLOADS_KEPT_FOR
from tools.load import Session

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(app_server):
    return app_server


@pytest.fixture(scope="module")
def port(server) -> int:
    return int(server.url.rstrip("/").rsplit(":", 1)[1])


def stored(server) -> set[str]:
    return {str(p) for p in server.uploads.rglob("*") if p.is_file()}


def test_a_page_under_another_host_name_gets_nothing(server, port):
    """DNS rebinding: evil.example resolving to 127.0.0.1 still sends its own name."""
    foreign = {"host": f"evil.example:{port}"}
    page = httpx.get(server.url, headers=foreign)
    assert page.status_code == 400 and "Ask the article" not in page.text
    join = httpx.post(
        f"{server.url}gradio_api/queue/join",
        headers={**foreign, "origin": f"http://evil.example:{port}"},
        json={"data": ["What was signed?", []], "fn_index": 0, "session_hash": "x"},
    )
    assert join.status_code == 400
    assert httpx.get(server.url).status_code == 200


def test_another_sites_page_can_neither_upload_nor_ask(server):
    before = stored(server)
    upload = httpx.post(
        f"{server.url}gradio_api/upload",
        headers={"origin": "https://evil.example"},
        files={"files": ("x.bin", b"\0" * 100_000)},
    )
    assert upload.status_code == 403
    assert stored(server) == before
    join = httpx.post(
        f"{server.url}gradio_api/queue/join",
        headers={"origin": "https://evil.example"},
        json={"data": ["What was signed?", []], "fn_index": 0, "session_hash": "x"},
    )
    assert join.status_code == 403


def test_an_upload_nobody_adds_is_deleted_on_schedule(server):
    upload = httpx.post(f"{server.url}gradio_api/upload", files={"files": ("x.txt", b"x" * 1000)})
    [path] = upload.json()
    assert httpx.get(f"{server.url}gradio_api/file={path}").status_code == 200
    deadline = time.monotonic() + 3 * UPLOADS_KEPT_FOR + 5
    while path in stored(server) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert path not in stored(server)
    assert httpx.get(f"{server.url}gradio_api/file={path}").status_code in (403, 404)


def test_the_app_serves_no_file_outside_its_upload_folder(server):
    article = server.corpus / "tokayev-visit-to-serbia.txt"
    for path in [article, ROOT / "app.py", "/etc/passwd", "https://example.org/x.png"]:
        assert httpx.get(f"{server.url}gradio_api/file={path}").status_code == 403, path


def test_a_history_of_ten_thousand_questions_gets_a_message_within_a_second(port):
    session = Session(port, timeout=10)
    began = time.monotonic()
    answer = session.ask("Which one concerns education?", ["What was signed?"] * 10_000)
    assert time.monotonic() - began < 1.0
    assert answer["found"] is False
    assert "10,000 questions; the limit is 50" in answer["error"]


@pytest.mark.parametrize(
    "history, message",
    [
        ("What was signed?", "the history must be a list of the earlier questions"),
        (5, "not a number"),
        (["What was signed?", None], "question 2 of the history is nothing, not text"),
    ],
)
def test_a_history_of_the_wrong_type_gets_a_message(server, history, message):
    answer = Client(server.url, verbose=False).predict(
        question="Which one concerns education?", history=history, api_name="/ask"
    )
    assert answer["found"] is False and message in answer["error"]


def test_a_question_that_is_not_text_gets_a_message(server):
    answer = Client(server.url, verbose=False).predict(question=5, history=[], api_name="/ask")
    assert answer["error"] == "the question must be text, not a number"


def test_a_busy_port_gets_one_line_naming_the_option_that_picks_another(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "app.py", "--port", str(port), "--index", str(tmp_path / "index")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"127.0.0.1:{port}" in done.stderr and "--port" in done.stderr
    assert not (tmp_path / "index").exists()  # it said so before loading anything
