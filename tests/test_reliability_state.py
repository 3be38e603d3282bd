"""Persisted state and bad text: each finding of issue 12 that is not about the app.

- a manifest with a wrong type or value is corrupt: a message and a rebuild,
  never a traceback, and `assistant index` repairs it (finding 8);
- questions with invalid UTF-8, lone surrogates or bidirectional controls, and
  documents with control characters, get a message (finding 9);
- a stale index in a folder that cannot be written gives one message saying
  which folder and what to do (finding 10);
- temporary files of killed builds are removed, two builds of one folder do not
  both do the work, and `kill -9` at any point of a build leaves answers as a
  clean build gives them (finding 11). A cached ONNX export is checked by its
  vectors in test_export_cache.py.

Everything here uses the fake embedder (tests/conftest.py); processes of their
own run tests/fake_cli.py.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import cli
from assistant.assistant import Assistant
from assistant.corpus import parse_document
from assistant.errors import CorpusError, IndexStoreError
from assistant.store import build_index, load_index, open_index
from tests.conftest import ROOT, FakeEmbedder, write

ARTICLE = (
    "Ministers met in Paris on Monday. They signed a trade deal and a memorandum on energy.\n\n"
    "Farmers protested outside the ministry. Police said 300 people took part."
)
LATER = "Rain fell in the north. Rivers rose by two metres, officials said."
QUESTIONS = ["What was signed?", "Who protested?", "How many people took part?", "Did rivers rise?"]


@pytest.fixture
def built(settings, corpus_dir):
    write(corpus_dir, "a.txt", ARTICLE)
    build_index(settings, FakeEmbedder())
    return settings


@pytest.fixture
def fake_model(monkeypatch):
    """The command line in this process embeds with the fake embedder."""
    monkeypatch.setattr(
        "assistant.assistant.SentenceTransformerEmbedder", lambda model=None: FakeEmbedder()
    )


@pytest.fixture
def cli_run(fake_model, capsys, settings):
    """`assistant ARGS` in this process, on the test's folders."""

    def invoke(*args: str) -> tuple[int, str, str]:
        folders = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
        code = cli.main([*args, *folders])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def answers(settings) -> list[dict]:
    assistant = Assistant(settings, FakeEmbedder())
    return [assistant.ask(q).to_dict() for q in QUESTIONS]


# Finding 8: a manifest with wrong types or values.


def set_field(manifest: dict, path: str, value) -> None:
    """Set manifest[a][b] for the path "a > b"."""
    *parents, last = path.split(" > ")
    for key in parents:
        manifest = manifest[key]
    manifest[last] = value


WRONG_FIELDS = [
    ("files", None),
    ("files", ["documents.jsonl"]),
    ("files", {}),
    ("files > sentences.faiss", 7),
    ("files > sentences.faiss > bytes", "120"),
    ("files > sentences.faiss > sha256", None),
    ("files > ../../outside", {"bytes": 1, "sha256": "0" * 64}),
    ("dimension", 3),
    ("dimension", "64"),
    ("dimension", True),
    ("sentences", 99),
    ("documents", -1),
    ("model", None),
    ("corpus_sha256", 12),
    ("passage_sentences", 0),
    ("approximate", "IVF"),
    ("onnx", ["model.onnx"]),
    ("built_seconds", None),
]


@pytest.mark.parametrize("field, value", WRONG_FIELDS, ids=[f"{f}={v!r}" for f, v in WRONG_FIELDS])
def test_a_manifest_with_a_wrong_type_or_value_is_corrupt_and_rebuilt(built, field, value):
    path = built.index_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    set_field(manifest, field, value)
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexStoreError, match="corrupt"):
        load_index(built, FakeEmbedder())
    messages: list[str] = []
    index = open_index(built, FakeEmbedder(), messages.append)
    assert "corrupt" in messages[0] and "building it" in messages[0]
    assert len(index.sentences) == 4
    assert load_index(built, FakeEmbedder()).manifest["dimension"] == FakeEmbedder.dimension


@pytest.mark.parametrize("manifest", ["[]", "null", '"text"', "3", "[" * 100_000])
def test_a_manifest_that_is_not_a_table_is_corrupt(built, manifest):
    (built.index_dir / "manifest.json").write_text(manifest)
    with pytest.raises(IndexStoreError, match="corrupt"):
        load_index(built, FakeEmbedder())


@pytest.mark.parametrize("field, value", [("files", None), ("dimension", 3), ("files", [])])
def test_assistant_index_repairs_a_wrong_typed_manifest_and_ask_answers(
    built, cli_run, field, value
):
    """`"dimension": 3` once made `index` report "up to date" while every `ask` failed."""
    path = built.index_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest[field] = value
    path.write_text(json.dumps(manifest))
    code, _, err = cli_run("index")
    assert code == 0 and "corrupt" in err and "up to date" not in err
    code, out, err = cli_run("ask", "What was signed?")
    assert code == 0 and "trade deal" in out and "Traceback" not in err
    assert cli_run("index")[2].startswith("index is up to date")


# Finding 9: bad text.


@pytest.mark.parametrize(
    "question, message",
    [
        ("What was \udcff signed?", "byte 0xFF, which is not UTF-8"),
        ("What was \ud800 signed?", "U+D800, half of a surrogate pair"),
        ("What was signed?\udfff", "U+DFFF"),
        ("What was \u202esigned?", "bidirectional control character (U+202E"),
        ("\u202aWhat was signed?", "U+202A"),
        ("What \u2066was\u2069 signed?", "U+2066"),
        ("What was signed\x00?", "control characters"),
    ],
)
def test_a_question_that_is_not_plain_text_gets_a_message(built, question, message):
    answer = Assistant(built, FakeEmbedder()).ask(question)
    assert answer.error and message in answer.error
    assert not answer.found and not answer.citations


def test_a_command_line_question_with_a_byte_that_is_not_utf8_gets_a_message(built):
    """The shell passes b"\\xff" through; Python hands it over as U+DCFF."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.fake_cli", "ask", b"What was \xff signed?"]
        + ["--corpus", str(built.corpus_dir), "--index", str(built.index_dir)],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert b"not valid text" in done.stderr and b"Traceback" not in done.stderr


def test_chat_reads_bytes_that_are_not_utf8_and_answers_with_a_message(built):
    done = subprocess.run(
        [sys.executable, "-m", "tests.fake_cli", "chat", "--json"]
        + ["--corpus", str(built.corpus_dir), "--index", str(built.index_dir)],
        input=b"What was \xff signed?\nWhat was signed?\n",
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    bad, good = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert "not UTF-8" in bad["error"] and bad["question"] == "What was \udcff signed?"
    assert good["found"] and "error" not in good


@pytest.mark.parametrize(
    "raw, line", [(b"Talks.\x00\x00", 1), (b"Talks.\n\nA bell\x07 rang.", 3), (b"\x1b[31mRed.", 1)]
)
def test_a_document_with_control_characters_is_refused_with_a_message(raw, line):
    with pytest.raises(
        CorpusError, match=rf"holds a control character \(U\+00..? on line {line}\)"
    ):
        parse_document("bad.txt", raw)


def test_tabs_line_breaks_and_form_feeds_are_text():
    assert parse_document("ok.txt", b"One\tcell.\r\nPage two.\x0cThree.").text.startswith("One")


def test_an_added_document_with_a_nul_byte_is_refused_and_not_written(built):
    assistant = Assistant(built, FakeEmbedder())
    with pytest.raises(CorpusError, match="control character"):
        assistant.add_document("binary.txt", b"Looks like text.\x00\x01\x02")
    assert not (built.corpus_dir / "binary.txt").exists()


# Finding 10: a folder that cannot be written.


@pytest.fixture
def read_only():
    """Make a folder read-only for this process: chmod for a user, the immutable
    flag for root (whom permissions do not stop); undone at the end."""
    made: list[Path] = []

    def make(folder: Path) -> None:
        if os.geteuid() != 0:
            folder.chmod(0o555)
        elif subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
            pytest.skip("running as root where chattr +i is not available")
        made.append(folder)

    yield make
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        folder.chmod(0o755)


@pytest.mark.parametrize("command", ["index", "ask"])
@pytest.mark.parametrize("lock_file", ["kept", "absent"])
def test_a_stale_index_in_a_read_only_folder_gives_one_message(
    built, fake_model, read_only, monkeypatch, capsys, command, lock_file
):
    """The message names what could not be written as the user gave it, and what to do."""
    monkeypatch.chdir(built.index_dir.parent)
    write(built.corpus_dir, "b.txt", LATER)  # the index is stale now
    if lock_file == "absent":
        (built.index_dir / ".build.lock").unlink()
    read_only(built.index_dir)
    args = ["ask", "Did rivers rise?"] if command == "ask" else ["index"]
    code = cli.main([*args, "--corpus", "corpus", "--index", "index"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    [message] = [line for line in err.splitlines() if line.startswith("error:")]
    assert message.startswith("error: cannot write the index folder index (")
    assert message.endswith("make it writable, or pass --index with a folder you can write")
    assert str(built.index_dir) not in err


# Finding 11: temporary files, two builds at once, kill -9.


def finished_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_next_build_removes_temporary_files_of_killed_builds_only(built, corpus_dir):
    folder = built.index_dir
    dead = finished_pid()
    (folder / f".sentences.jsonl.tmp-{dead}").write_text("half a file")
    (folder / f".bm25.tmp-{dead}").mkdir()
    (folder / f".bm25.tmp-{dead}" / "bm25.data.npy").write_bytes(b"half")
    (folder / f".model.onnx.tmp-{dead}").write_bytes(b"half")
    alive = folder / f".passages.jsonl.tmp-{os.getppid()}"  # a process still running
    alive.write_text("being written")
    write(corpus_dir, "b.txt", LATER)
    messages: list[str] = []
    open_index(built, FakeEmbedder(), messages.append)
    assert any("removed 3 temporary files" in m for m in messages)
    assert sorted(p.name for p in folder.glob(".*tmp*")) == [alive.name]


def fake_cli(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fake_cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(process: subprocess.Popen, text: str, seen: list[str]) -> None:
    """Read the process's standard error until a line holds text."""
    for line in process.stderr:
        seen.append(line)
        if text in line:
            return
    pytest.fail(f"the process ended without printing {text!r}:\n{''.join(seen)}")


def test_two_index_runs_at_once_do_the_work_once(built, corpus_dir, tmp_path):
    write(corpus_dir, "b.txt", LATER)
    folders = ["--corpus", str(corpus_dir), "--index", str(built.index_dir)]
    go_on = tmp_path / "go-on"
    first = fake_cli("index", *folders, FAKE_HOLD_AT="embedding", FAKE_HOLD_UNTIL=str(go_on))
    first_err: list[str] = []
    wait_for_line(first, "holding at embedding", first_err)  # with the lock held
    second = fake_cli("index", *folders)
    second_err: list[str] = []
    wait_for_line(second, "waiting for it to finish", second_err)
    go_on.touch()
    second_err.append(second.communicate(timeout=300)[1])
    first_err.append(first.communicate(timeout=300)[1])
    assert first.returncode == second.returncode == 0, first_err + second_err
    assert "embedded" in "".join(first_err)
    assert "embedded" not in "".join(second_err)
    assert "another build brought the index up to date" in "".join(second_err)


@pytest.fixture(scope="module")
def reference_answers(tmp_path_factory) -> list[dict]:
    """Answers from a clean build of both articles."""
    from assistant.settings import Settings

    folder = tmp_path_factory.mktemp("clean")
    (folder / "corpus").mkdir()
    write(folder / "corpus", "a.txt", ARTICLE)
    write(folder / "corpus", "b.txt", LATER)
    return answers(Settings(corpus_dir=folder / "corpus", index_dir=folder / "index"))


# Where a build is killed: while it embeds, and before the first rename, one in the
# middle, the BM25 arrays (moved out of a folder of their own) and the manifest (last).
STEPS = [
    "embedding",
    "documents.jsonl",
    "sentences.faiss",
    "bm25.data.npy",
    "manifest.json",
]


@pytest.mark.parametrize("step", STEPS)
def test_kill_9_at_any_point_of_a_build_leaves_the_answers_of_a_clean_build(
    built, corpus_dir, reference_answers, step
):
    write(corpus_dir, "b.txt", LATER)
    old_documents = [d.id for d in load_index(built, FakeEmbedder(), check_corpus=False).documents]
    folders = ["--corpus", str(corpus_dir), "--index", str(built.index_dir)]
    process = fake_cli("index", *folders, FAKE_HOLD_AT=step)
    wait_for_line(process, f"holding at {step}", [])
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    try:  # what a reader sees right after the kill: the old index, or a refusal
        documents = [d.id for d in load_index(built, FakeEmbedder(), check_corpus=False).documents]
    except IndexStoreError:
        documents = None
    assert documents in (old_documents, None)
    assert answers(built) == reference_answers
    assert not list(built.index_dir.glob(f".*.tmp-{process.pid}"))
