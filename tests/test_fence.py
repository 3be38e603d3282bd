"""The fence in front of the app: other host names, other sites' pages, oversized bodies
and files that are not the app's own are refused; the app's own requests pass."""

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from assistant.fence import MAX_BODY, Fence, allowed_hosts

LOCAL = "http://127.0.0.1:7860"


def echo(request):
    return PlainTextResponse(f"served {request.url.path}")


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "abc").mkdir(parents=True)
    (folder / "abc" / "note.txt").write_text("mine")
    (tmp_path / "secret.txt").write_text("not mine")
    return folder


def client(uploads, host="127.0.0.1", share=False) -> TestClient:
    app = Starlette(routes=[Route("/{path:path}", echo, methods=["GET", "POST"])])
    fenced = Fence(app, hosts=allowed_hosts(host, share), uploads=uploads)
    return TestClient(fenced, base_url=LOCAL)


@pytest.mark.parametrize("host", ["127.0.0.1:7860", "localhost:7860", "[::1]:7860"])
def test_the_local_names_are_served(uploads, host):
    assert client(uploads).get("/", headers={"host": host}).status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example:7860", "evil.example", "127.0.0.1.evil.example", ""]
)
def test_another_host_name_is_refused_as_dns_rebinding(uploads, host):
    response = client(uploads).get("/", headers={"host": host})
    assert response.status_code == 400
    assert "--host" in response.text


def test_the_host_given_with_host_is_served_and_every_name_with_0000(uploads):
    named = client(uploads, host="assistant.lan")
    assert named.get("/", headers={"host": "assistant.lan:7860"}).status_code == 200
    assert named.get("/", headers={"host": "evil.example"}).status_code == 400
    anywhere = client(uploads, host="0.0.0.0")
    assert anywhere.get("/", headers={"host": "evil.example"}).status_code == 200


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://127.0.0.1:9999", "http://localhost:7860", "null"]
)
def test_a_request_from_another_sites_page_is_refused(uploads, origin):
    fenced = client(uploads)
    assert fenced.post("/gradio_api/upload", headers={"origin": origin}).status_code == 403
    assert fenced.post("/gradio_api/queue/join", headers={"origin": origin}).status_code == 403


def test_the_apps_own_page_and_programs_without_origin_pass(uploads):
    fenced = client(uploads)
    assert fenced.post("/gradio_api/queue/join", headers={"origin": LOCAL}).status_code == 200
    assert fenced.post("/gradio_api/queue/join").status_code == 200


def test_share_keeps_the_origin_check(uploads):
    shared = client(uploads, share=True)
    host = {"host": "abc.tunnel.example"}
    assert shared.get("/", headers=host).status_code == 200
    own = {**host, "origin": "https://abc.tunnel.example"}
    assert shared.post("/gradio_api/queue/join", headers=own).status_code == 200
    other = {**host, "origin": "https://evil.example"}
    assert shared.post("/gradio_api/queue/join", headers=other).status_code == 403


def test_a_body_over_the_limit_is_refused_except_an_upload(uploads):
    fenced = client(uploads)
    big = b"x" * (MAX_BODY + 1)
    assert fenced.post("/gradio_api/queue/join", content=big).status_code == 413
    assert fenced.post("/gradio_api/upload", content=big).status_code == 200


def test_only_files_in_the_upload_folder_are_served(uploads):
    fenced = client(uploads)
    own = uploads / "abc" / "note.txt"
    assert fenced.get(f"/gradio_api/file={own}").status_code == 200
    for path in [
        uploads.parent / "secret.txt",
        f"{uploads}/abc/../../secret.txt",
        "/etc/passwd",
        "app.py",
        "https://example.org/x.png",
    ]:
        assert fenced.get(f"/gradio_api/file={path}").status_code == 403, path
    assert fenced.get("/gradio_api/proxy=https://example.org/").status_code == 403
