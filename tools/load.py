"""Drive a running app with concurrent clients over loopback, and time each answer.

`assistant bench` (its load section) and tests/test_load.py use it. Each
client is a session of the app that holds conversations through `/chat`,
question by question, and checks every reply against the reply a lone client
got for the same conversation in the same run: a reply that is not this
session's own (cross-talk) or an error is counted, never retried. Every
other client asks through `/ask` instead, sending the earlier questions as
the history, and is checked the same way.

A client speaks the app's queue protocol over plain HTTP (`Session`), as
gradio_client and the browser page do, but without gradio_client's polling
(50 ms sleeps, several threads per client), which on two cores would time
the load generator rather than the app.

Only 127.0.0.1 is ever targeted, and both the number of requests (clients x
rounds x questions) and the time (`deadline`) are bounded.

This module does not start the app; the caller does and passes its port.
"""

import json
import secrets
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# Conversations about the shipped article, follow-ups included, so that a reply
# depends on the session's own earlier questions.
CONVERSATIONS = [
    ["What was signed?", "Which one concerns education?", "Quote it."],
    ["Which sectors were discussed?", "And tourism?"],
    ["What did Vučić say?", "What else did he say?"],
    ["When did the visit take place?", "Who is the president of France?"],
]


@dataclass
class Load:
    """What one run of `drive` saw."""

    clients: int
    latencies: list[float] = field(default_factory=list)  # seconds, one per reply
    errors: list[str] = field(default_factory=list)
    crossed: list[str] = field(default_factory=list)  # replies that were not the session's
    wall: float = 0.0

    def percentile(self, share: float) -> float:
        """Milliseconds under which `share` of the replies came (nearest rank)."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def p50(self) -> float:
        return 1000 * statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        return self.percentile(0.95)


class Session:
    """One session of the app on 127.0.0.1, as a browser tab holds one: its own
    session hash, so `/chat` keeps its own conversation."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=timeout)
        config = self.http.get("/config").raise_for_status().json()
        kinds = {c["id"]: c["type"] for c in config["components"]}
        # api name -> (fn_index, which inputs are session state the server fills in)
        self.endpoints = {
            d["api_name"]: (d["id"], [kinds.get(i) == "state" for i in d["inputs"]])
            for d in config["dependencies"]
            if d.get("api_name")
        }
        self.reset()

    def reset(self) -> None:
        """Start a new session, as opening a new tab does."""
        self.hash = secrets.token_hex(8)

    def call(self, api_name: str, *args):
        """The endpoint's outputs for args (the state outputs left out)."""
        fn, state = self.endpoints[api_name]
        given = iter(args)
        data = [None if is_state else next(given) for is_state in state]
        body = {"data": data, "fn_index": fn, "session_hash": self.hash, "event_data": None}
        event = self.http.post("/gradio_api/queue/join", json=body).raise_for_status()
        wanted = event.json()["event_id"]
        with self.http.stream(
            "GET", "/gradio_api/queue/data", params={"session_hash": self.hash}
        ) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") != wanted or message.get("msg") != "process_completed":
                    continue
                output = message.get("output") or {}
                if not message.get("success"):
                    raise RuntimeError(output.get("error") or "the app reported an error")
                return output["data"]
        raise RuntimeError("the app closed the stream without an answer")

    def chat(self, question: str) -> list[tuple[str, str]]:
        return chat_text(self.call("chat", question)[0])

    def ask(self, question: str, history: list[str]) -> dict:
        return self.call("ask", question, history)[0]

    def close(self) -> None:
        self.http.close()


def chat_text(chat: list[dict]) -> list[tuple[str, str]]:
    """(role, text) of each message of a /chat reply."""
    shown = []
    for message in chat:
        content = message["content"]
        if not isinstance(content, str):
            content = "".join(part.get("text", "") for part in content)
        shown.append((message["role"], content))
    return shown


def expected(port: int) -> tuple[list[list[str]], list[list[str]]]:
    """What a lone client is told, turn by turn, for each conversation:
    the /chat reply's last message, and the /ask answer."""
    lone = Session(port)
    chats, asks = [], []
    for questions in CONVERSATIONS:
        lone.reset()
        chats.append([lone.chat(q)[-1][1] for q in questions])
        asks.append([lone.ask(q, questions[:n])["answer"] for n, q in enumerate(questions)])
    lone.close()
    return chats, asks


def converse(
    port: int, number: int, rounds: int, wanted, load: Load, lock, deadline, pause: float
) -> None:
    """One client's share of the run: `rounds` conversations, checked reply by reply,
    `pause` seconds between a reply and the next question."""
    chats, asks = wanted
    try:
        session = Session(port)
    except (httpx.HTTPError, KeyError, ValueError) as problem:
        with lock:
            load.errors.append(f"client {number} could not connect: {problem!r}"[:300])
        return
    for r in range(rounds):
        which = (number + r) % len(CONVERSATIONS)
        questions = CONVERSATIONS[which]
        session.reset()
        for turn, question in enumerate(questions):
            if time.monotonic() > deadline:
                session.close()
                return
            began = time.perf_counter()
            try:
                if number % 2:
                    right = session.ask(question, questions[:turn])["answer"] == asks[which][turn]
                else:
                    shown = session.chat(question)
                    said = [text for role, text in shown if role == "user"]
                    right = len(said) == turn + 1 and shown[-1][1] == chats[which][turn]
            except (httpx.HTTPError, RuntimeError, KeyError, ValueError) as problem:
                with lock:
                    load.errors.append(f"client {number}, {question!r}: {problem!r}"[:300])
                continue
            elapsed = time.perf_counter() - began
            with lock:
                load.latencies.append(elapsed)
                if not right:
                    load.crossed.append(f"client {number}, conversation {which}, turn {turn}")
            time.sleep(pause)
    session.close()


def drive(
    port: int, clients: int, rounds: int, wanted, seconds: float = 120.0, pause: float = 0.0
) -> Load:
    """`clients` concurrent sessions, each holding `rounds` conversations, for at most
    `seconds`; with `pause`, each waits that long after a reply, as a person reading it would."""
    load, lock = Load(clients), threading.Lock()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=converse,
            args=(port, n, rounds, wanted, load, lock, deadline, pause),
            daemon=True,
        )
        for n in range(clients)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 30)
    load.wall = time.perf_counter() - began
    return load


def resident(pid: int) -> int:
    """Resident memory of a process in bytes (Linux), 0 when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
