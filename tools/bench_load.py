"""`assistant bench --only load`: the app under concurrent clients, and questions
while an upload is indexed, each figure beside its single-client reference.

1. Clients: app.py is started on a copy of the shipped corpus and index, and
   1, 4 and 16 concurrent sessions (load.py) hold conversations through `/chat`
   and `/ask` on 127.0.0.1, a fixed number each. Every reply is checked against
   a lone client's reply in the same run. The 1-client p50 is the reference of
   the other rows; its resident memory is read before and after.
2. Indexing: `Library.add` indexes a long synthetic article in one thread while
   another asks the same question again and again; the question's latency is
   set beside its latency just before, with nothing being indexed.

Clients are closed-loop (each sends its next question when its reply comes),
so at 16 clients the app is never idle: the 16-client latency is bounded
below by about 16 / cores times a reply's work. A last run has the 16
clients wait READING seconds after each reply, as people reading it would.
This module is not a test.
"""

import os
import shutil
import threading
import time
from pathlib import Path

from tools import load
from tools.bench import (
    QUESTION,
    ROOT,
    Row,
    environment,
    pct,
    shipped_index,
    started_app,
    verdict,
)

CLIENTS = (1, 4, 16)
ROUNDS = 4  # conversations per client per run: 16 clients ask about 160 questions
READING = 2.0  # seconds a client of the last run waits after each reply, as a reader would
UPLOAD_SENTENCES = 2_000


def clients(work: Path) -> list[Row]:
    folder = work / "load"
    folder.mkdir()
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    shutil.copytree(shipped_index(work), folder / "index")
    app, port = started_app(folder, environment(work / "export-cache"))
    try:
        wanted = load.expected(port)
        runs, memory = {}, [load.resident(app.pid)]
        for n in CLIENTS:
            runs[n] = load.drive(port, n, ROUNDS, wanted)
            memory.append(load.resident(app.pid))
        reading = load.drive(port, CLIENTS[-1], 2, wanted, pause=READING)
        memory.append(load.resident(app.pid))
    finally:
        app.terminate()
        app.wait(timeout=15)
    lone = runs[1].p50
    rows = []
    for n, run in runs.items():
        ratio = run.p95 / lone
        rows.append(
            Row(
                "6 load",
                f"{n} client{'s' * (n > 1)}: reply p50 / p95 (ms, {len(run.latencies)} replies, "
                f"{len(run.latencies) / run.wall:.1f}/s)",
                f"{run.p50:.0f} / {run.p95:.0f}",
                f"{lone:.0f} 1-client p50",
                f"{ratio:.1f}x p95",
                "p95 <= 10x" if n == 16 else "",
                verdict(ratio <= 10) if n == 16 else "",
            )
        )
    n = CLIENTS[-1]
    rows.append(
        Row(
            "6 load",
            f"{n} clients reading {READING:.0f} s after each reply: reply p50 / p95 "
            f"(ms, {len(reading.latencies)} replies)",
            f"{reading.p50:.0f} / {reading.p95:.0f}",
            f"{lone:.0f} 1-client p50",
            f"{reading.p95 / lone:.1f}x p95",
        )
    )
    everything = [*runs.values(), reading]
    errors = sum(len(r.errors) for r in everything)
    crossed = sum(len(r.crossed) for r in everything)
    rows.append(
        Row(
            "6 load",
            "errors / replies not the session's own (all runs)",
            f"{errors} / {crossed}",
            "",
            "",
            "0 / 0",
            verdict(errors == crossed == 0),
        )
    )
    mib = [m / 2**20 for m in memory]
    rows.append(
        Row(
            "6 load",
            "app resident memory before / after each run (MiB)",
            " / ".join(f"{m:.0f}" for m in mib),
            "",
            f"+{mib[-1] - mib[0]:.0f} MiB",
        )
    )
    return rows


def long_article(sentences: int) -> bytes:
    """A made-up report of distinct sentences, ten to a paragraph."""
    lines = []
    for p in range(0, sentences, 10):
        lines.append(
            " ".join(
                f"Item {n} of the harbour report notes that berth {n % 97} handled "
                f"{n * 13 % 1000} containers in week {n % 52}."
                for n in range(p, min(p + 10, sentences))
            )
        )
    return ("\n\n".join(lines) + "\n").encode()


def indexing(work: Path) -> list[Row]:
    """Question latency while an upload is indexed, beside the same question's idle latency."""
    from assistant.assistant import Assistant
    from assistant.library import Library
    from assistant.settings import Settings

    folder = work / "indexing"
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    shutil.copytree(shipped_index(work), folder / "index")
    os.environ["ASSISTANT_CACHE_DIR"] = str(work / "export-cache")
    settings = Settings(
        corpus_dir=folder / "corpus", index_dir=folder / "index", cache_dir=work / "export-cache"
    )
    library = Library(Assistant(settings))
    library.ask(QUESTION)
    idle = []
    for _ in range(30):
        began = time.perf_counter()
        library.ask(QUESTION)
        idle.append(time.perf_counter() - began)
    data = long_article(UPLOAD_SENTENCES)
    adding = threading.Thread(target=library.add, args=("harbour-report.txt", data), daemon=True)
    began_adding = time.perf_counter()
    adding.start()
    busy = []
    while adding.is_alive():
        began = time.perf_counter()
        library.ask(QUESTION)
        busy.append(time.perf_counter() - began)
        time.sleep(0.05)
    indexed = time.perf_counter() - began_adding
    idle_p50, busy_p50, busy_p95 = pct(idle, 50) * 1e3, pct(busy, 50) * 1e3, pct(busy, 95) * 1e3
    return [
        Row(
            "6 load",
            f"question p50 / p95 while a {UPLOAD_SENTENCES:,}-sentence upload is indexed "
            f"({indexed:.0f} s, {len(busy)} questions) (ms)",
            f"{busy_p50:.0f} / {busy_p95:.0f}",
            f"{idle_p50:.0f} idle p50",
            f"+{busy_p95 - idle_p50:.0f} ms p95",
            "p95 <= idle + 1000",
            verdict(busy_p95 <= idle_p50 + 1000),
        )
    ]


def rows(work: Path) -> list[Row]:
    return clients(work) + indexing(work)
