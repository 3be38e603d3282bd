"""Refuse web requests that this app's own pages would not make.

An ASGI middleware in front of the Gradio app (app.py installs it). It checks
every request before Gradio sees it:

- Host: the name the client used must be one this server answers to
  (localhost, 127.0.0.1, [::1], and the --host name). A page on evil.example
  whose DNS answer is switched to 127.0.0.1 (DNS rebinding) is same-origin
  with itself, so the browser lets it read the answers; its requests still
  say `Host: evil.example`, and that is what gives it away.
- Origin: a request that carries one (browsers send it on every POST and on
  cross-site fetches) must come from the host and port it is sent to, so
  another site's page cannot ask questions, upload files or change the
  corpus. Programs (gradio_client, curl) send none and pass.
- Size: a request body over MAX_BODY is refused (uploads excepted: Gradio
  holds them to its own max_file_size); a question and its history fit in
  a small fraction of it.
- Files: `/file=` serves only files inside the upload folder (the app's own),
  never a URL (Gradio would fetch it from the network) and never a path
  elsewhere; the `/proxy=` route, which fetches from the network, is closed.

It authenticates no one: a program on this machine can ask questions, as the
CLI can. With --share, Host is not checked (the tunnel's name varies) but the
other checks stay.
"""

import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
MAX_BODY = 1024 * 1024  # bytes; a 50-question history is under 200 KB of JSON
FILE_ROUTE = re.compile(r"^(?:/gradio_api)?/file[=/](.*)$", re.S)
FETCH_ROUTE = re.compile(r"^(?:/gradio_api)?/proxy=")
UPLOAD_ROUTE = re.compile(r"^(?:/gradio_api)?/upload/?$")
WILDCARD = ("0.0.0.0", "::", "")
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def allowed_hosts(host: str | None, share: bool) -> frozenset[str] | None:
    """The names requests may use for this server; None means any (--share, or
    --host 0.0.0.0 which asks to be reached under any name).

    >>> sorted(allowed_hosts("127.0.0.1", False))
    ['127.0.0.1', '::1', 'localhost']
    >>> sorted(allowed_hosts("Assistant.Lan", False))
    ['127.0.0.1', '::1', 'assistant.lan', 'localhost']
    >>> allowed_hosts("0.0.0.0", False) is None, allowed_hosts("127.0.0.1", True) is None
    (True, True)
    """
    if share or (host or "").strip("[]") in WILDCARD:
        return None
    return frozenset({*LOCAL_NAMES, host.strip("[]").lower()})


def split_host(value: str) -> tuple[str, int | None] | None:
    """(name, port or None) of a Host header or an origin's netloc; None when it is not one.

    >>> split_host("LocalHost:7860"), split_host("[::1]:80"), split_host("example.org")
    (('localhost', 7860), ('::1', 80), ('example.org', None))
    >>> split_host("a b:1") is None, split_host("x:99999") is None, split_host("") is None
    (True, True, True)
    """
    if not value or any(c.isspace() or c in "/?#@\\" for c in value):
        return None
    try:
        parts = urlsplit(f"//{value}")
        name, port = parts.hostname, parts.port
    except ValueError:
        return None
    return (name, port) if name else None


def same_origin(origin: str, host: tuple[str, int | None]) -> bool:
    """Whether an Origin header names the server the request was sent to.

    >>> same_origin("http://127.0.0.1:7860", ("127.0.0.1", 7860))
    True
    >>> same_origin("https://evil.example", ("127.0.0.1", 7860)), same_origin("null", ("x", 1))
    (False, False)
    >>> same_origin("https://abc.tunnel.example", ("abc.tunnel.example", None))
    True
    """
    parts = urlsplit(origin)
    source = split_host(parts.netloc) if parts.scheme in DEFAULT_PORTS else None
    if source is None:
        return False
    default = DEFAULT_PORTS[parts.scheme]
    # A Host header without a port (behind a share tunnel) takes the origin's scheme's.
    return (source[0], source[1] or default) == (host[0], host[1] or default)


def refusal(
    path: str, headers: Headers, hosts: frozenset[str] | None, uploads: Path
) -> tuple[int, str] | None:
    """(status, message) for a request this app must not serve, or None to let it through."""
    host = split_host(headers.get("host", ""))
    if host is None or (hosts is not None and host[0] not in hosts):
        names = ", ".join(sorted(hosts or ())) or "any name"
        return 400, (
            f"This server answers only to {names}, not to the name in this request's Host "
            "header. Open it as http://127.0.0.1:PORT/, or start it with --host NAME."
        )
    origin = headers.get("origin")
    if origin is not None and not same_origin(origin, host):
        return 403, "Refused: this request comes from another site's page."
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY and not UPLOAD_ROUTE.match(path):
        return 413, f"Refused: the request is over {MAX_BODY // 1024} KB."
    if FETCH_ROUTE.match(path):
        return 403, "Refused: this app fetches nothing from the network."
    served = FILE_ROUTE.match(path)
    if served and not inside(served.group(1), uploads):
        return 403, "Refused: this app serves only its own files."
    return None


def inside(path: str, folder: Path) -> bool:
    """Whether path names a file inside folder (links and '..' resolved), not a URL.

    >>> inside("/tmp/up/a/b.txt", Path("/tmp/up")), inside("/tmp/up/../x", Path("/tmp/up"))
    (True, False)
    >>> inside("https://example.org/x", Path("/tmp/up"))
    False
    """
    if "://" in path or path.startswith("//"):
        return False
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real != root and os.path.commonpath([real, root]) == root


class Fence:
    """The middleware: `Fence(app, hosts=allowed_hosts(...), uploads=folder)`."""

    def __init__(self, app, hosts: Iterable[str] | None, uploads: Path):
        self.app = app
        self.hosts = frozenset(hosts) if hosts is not None else None
        self.uploads = Path(uploads)

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        refused = refusal(scope["path"], Headers(scope=scope), self.hosts, self.uploads)
        if refused is None:
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        status, message = refused
        await PlainTextResponse(message, status_code=status)(scope, receive, send)
