"""Sixteen clients at once on loopback: no errors, every reply the session's own, and
the app's memory growth reported (in test-artifacts/load.txt and the test output)."""

import pytest

from tests.conftest import ROOT
from tools import load

pytestmark = pytest.mark.integration

CLIENTS, ROUNDS = 16, 2


def test_sixteen_clients_at_once_get_their_own_answers_and_no_errors(app_server):
    port = int(app_server.url.rstrip("/").rsplit(":", 1)[1])
    wanted = load.expected(port)
    before = load.resident(app_server.process.pid)
    run = load.drive(port, CLIENTS, ROUNDS, wanted, seconds=180)
    after = load.resident(app_server.process.pid)
    report = (
        f"{CLIENTS} clients: {len(run.latencies)} replies in {run.wall:.1f} s, "
        f"p50 {run.p50:.0f} ms, p95 {run.p95:.0f} ms, {len(run.errors)} errors, "
        f"{len(run.crossed)} replies not the session's own; app resident memory "
        f"{before / 2**20:.0f} -> {after / 2**20:.0f} MiB ({(after - before) / 2**20:+.0f} MiB)"
    )
    print(report)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "load.txt").write_text(report + "\n")
    asked = sum(
        len(load.CONVERSATIONS[(n + r) % len(load.CONVERSATIONS)])
        for n in range(CLIENTS)
        for r in range(ROUNDS)
    )
    assert run.errors == []
    assert run.crossed == []
    assert len(run.latencies) == asked
    assert after - before < 150 * 2**20, report
