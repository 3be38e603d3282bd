"""Nothing leaves the machine: the app, traced with strace from its start through a
hundred questions, connects and sends only on loopback, onnxruntime keeps no
telemetry files in the home folder, and the app's upload folder goes when it stops."""

import ipaddress
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, free_port
from tools.load import Session

STRACE = shutil.which("strace")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(STRACE is None, reason="strace is not installed (apt-get install strace)"),
]

QUESTIONS = [
    "What was signed?",
    "Which sectors were discussed?",
    "Quote what Vučić said.",
    "When did the visit take place?",
    "Who is the president of France?",
]
# connect(8, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")}, 16)
# sendto(3, ..., {sa_family=AF_INET6, sin6_port=htons(9), ..., inet_pton(AF_INET6, "::1", ...
ADDRESS = re.compile(
    r"sa_family=AF_INET6?, sin6?_port=htons\((\d+)\).*?"
    r"(?:inet_addr\(\"([^\"]+)\"\)|inet_pton\(AF_INET6, \"([^\"]+)\")"
)


def offending(trace: str) -> list[str]:
    """The traced calls that reach an address off this machine, or a DNS server.

    >>> offending('1 connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")}, 16) = 0')
    ['1 connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")}, 16) = 0']
    >>> offending('1 connect(3, {sa_family=AF_INET, sin_port=htons(7860), sin_addr=inet_addr("127.0.0.1")}, 16) = 0')
    []
    """
    found = []
    for line in trace.splitlines():
        match = ADDRESS.search(line)
        if not match:
            continue
        port, address = int(match.group(1)), ipaddress.ip_address(match[2] or match[3])
        mapped = getattr(address, "ipv4_mapped", None) or address
        if port == 53 or not (mapped.is_loopback or mapped.is_unspecified):
            found.append(line)
    return found


def stop(tracer: subprocess.Popen) -> None:
    """End the traced app, and with it strace (which, told to stop itself, would
    let the app run on untraced)."""
    children = Path(f"/proc/{tracer.pid}/task/{tracer.pid}/children")
    traced = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    for pid in traced:
        os.kill(pid, signal.SIGTERM)
    try:
        tracer.wait(timeout=60)
    except subprocess.TimeoutExpired:
        for pid in traced:
            os.kill(pid, signal.SIGKILL)
        tracer.kill()
        tracer.wait(timeout=30)


def test_app_start_and_a_hundred_questions_send_nothing_off_the_machine(app_server, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    # The shared app's index, so that nothing is built under the trace.
    shutil.copytree(app_server.corpus, tmp_path / "corpus")
    shutil.copytree(app_server.corpus.parent / "index", tmp_path / "index")
    port = free_port()
    trace = tmp_path / "trace.txt"
    temporary = tmp_path / "tmp"  # where the app makes its upload folder
    temporary.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "GRADIO_TEMP_DIR")}
    env |= {"HOME": str(home), "TMPDIR": str(temporary)}
    env |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    command = [
        STRACE, "-f", "-qq", "-e", "signal=none", "-e", "trace=connect,sendto,sendmsg,sendmmsg",
        "-o", str(trace), sys.executable, "app.py", "--port", str(port),
        "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index"),
    ]  # fmt: skip
    log = (tmp_path / "app.log").open("w")
    app = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        session = None
        while session is None:
            assert app.poll() is None, (tmp_path / "app.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "app.log").read_text()
            try:
                session = Session(port)
            except httpx.HTTPError:
                time.sleep(0.25)
        answers = [session.ask(QUESTIONS[n % len(QUESTIONS)], []) for n in range(100)]
        session.close()
    finally:
        stop(app)
        log.close()
    assert len(answers) == 100 and not [a for a in answers if "error" in a]
    assert offending(trace.read_text()) == []
    assert not (home / ".cache" / "Microsoft").exists()
    assert not any(Path(home).rglob("*onnxruntime*"))
    # Stopped with SIGTERM, the app removed its upload folder.
    assert not [p.name for p in temporary.iterdir() if p.name.startswith("assistant-uploads-")]
