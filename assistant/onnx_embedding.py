"""The fast path: the embedding model exported to ONNX.

`assistant index` exports the sentence-transformers model once
(`export_onnx`), next to the FAISS files: `model.onnx` (the transformer, up to
its last hidden state) and `tokenizer.json` (the same tokenizer, truncating at
the model's max_seq_length). The manifest records both with their sha256, the
fingerprint of the weights they came from and how closely they agreed with
sentence-transformers. `OnnxEmbedder` then encodes with onnxruntime and
tokenizers alone (mean pooling over the attention mask, then L2 normalization,
as sentence-transformers does): questions, so answering never imports torch,
and the corpus at build time (`corpus_embedder`), which on two cores runs about
three times faster than sentence-transformers' own batched encode.

`query_embedder` picks the encoder for a loaded index: the ONNX one when its
files are present, unchanged and exported from the very weights that built the
index; otherwise the sentence-transformers embedder, with a message saying why.
An export is kept only if it reproduces the reference vectors, so the fast path
never gives different vectors.

This module does not build or search the index; see store.py and retrieve.py.
"""

import os
import warnings
from pathlib import Path

import numpy as np

from assistant.embedding import Embedder, file_sha256

ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
# Part of the key of cached exports (export_cache.py): bump it whenever
# export_onnx changes what it writes, so that no build takes an older export.
EXPORT_VERSION = 1
# Cosine the exported model must reach against sentence-transformers on PROBES.
AGREEMENT = 0.9999
PROBES = [
    "What was signed?",
    "President Tokayev met Aleksandar Vučić in Belgrade on Nov. 19, 2024.",
    "Which sectors — industry, agriculture, aerospace — were discussed?",
    "x",
    " ".join(["a long sentence that goes past the maximum sequence length"] * 40),
]


class OnnxEmbedder:
    """Encodes like the sentence-transformers model it was exported from.

    name, fingerprint and dimension are those of that model, so an index
    validates the same whichever path encodes the questions.
    """

    def __init__(
        self,
        onnx: Path,
        tokenizer: Path,
        name: str,
        fingerprint: str,
        dimension: int,
        threads: int = 1,
    ):
        self.onnx, self.tokenizer = onnx, tokenizer
        self.name, self.fingerprint, self.dimension = name, fingerprint, dimension
        # Batches encoded at once, each on one core; more than one only pays
        # when there are many texts (building an index).
        self.threads = max(1, threads)
        self._session = None

    def _load(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        # One thread: a question is a few dozen tokens, and onnxruntime's extra
        # threads spin-wait, which on two busy cores makes a query ~4x slower.
        options.intra_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(self.onnx), options, providers=["CPUExecutionProvider"]
        )
        self._tokens = Tokenizer.from_file(str(self.tokenizer))
        self._inputs = {i.name for i in self._session.get_inputs()}

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """One unit row per text. Texts are batched shortest first, so a batch
        pads little; small batches of 16 encoded the SQuAD sentences faster on
        two cores than batches of 64."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._session is None:
            self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [
            [texts[i] for i in order[b : b + batch_size]] for b in range(0, len(texts), batch_size)
        ]
        if self.threads > 1 and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            # onnxruntime releases the GIL while it runs, and a session may be
            # run from several threads at once.
            with ThreadPoolExecutor(self.threads) as pool:
                rows = list(pool.map(self._encode_batch, batches))
        else:
            rows = [self._encode_batch(batch) for batch in batches]
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        vectors[order] = np.concatenate(rows)
        return vectors

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokens.encode_batch(texts)
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.asarray([e.type_ids for e in encodings], dtype=np.int64)
        hidden = self._session.run(None, feed)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def exportable(model) -> bool:
    """True for Transformer -> mean Pooling [-> Normalize], the pipeline OnnxEmbedder mirrors."""
    kinds = [type(module).__name__ for module in model]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return False
    return model[1].get_config_dict().get("pooling_mode") == "mean"


def agreement(fast: Embedder, reference: Embedder, texts: list[str]) -> float:
    """Lowest cosine between the two embedders' vectors for the same texts."""
    return float(np.min(np.sum(fast.encode(texts) * reference.encode(texts), axis=1)))


def spread_sample(texts: list[str], size: int = 32) -> list[str]:
    """Up to `size` distinct texts, evenly spaced from the shortest to the longest.

    >>> spread_sample(["a", "bbb", "cc", "dddd", "a"], 3)
    ['a', 'bbb', 'dddd']
    """
    ordered = sorted(set(texts), key=lambda t: (len(t), t))
    if len(ordered) <= size:
        return ordered
    step = (len(ordered) - 1) / (size - 1)
    return [ordered[round(i * step)] for i in range(size)]


def export_onnx(embedder, folder: Path, corpus: list[str] = ()) -> dict | None:
    """Write model.onnx and tokenizer.json into folder; their manifest entry, or None.

    The export must reproduce the reference vectors (cosine >= AGREEMENT) on
    PROBES and on a sample of `corpus`, the texts it is about to encode for
    the index. None means the model cannot take the fast path (another
    pooling, or an export that does not agree); questions and the corpus are
    then encoded by sentence-transformers.
    """
    import torch

    model = embedder.model
    if not exportable(model):
        return None
    from tokenizers import Tokenizer

    # A copy, so the reference model's own tokenizer settings stay untouched.
    tokenizer = Tokenizer.from_str(model.tokenizer.backend_tokenizer.to_str())
    tokenizer.no_padding()
    tokenizer.enable_truncation(int(model.max_seq_length))
    pad = model.tokenizer
    tokenizer.enable_padding(pad_id=pad.pad_token_id, pad_token=pad.pad_token)

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = tokenizer.encode_batch(["an example", "another example sentence"])
    example = tuple(
        torch.tensor([getattr(e, field) for e in sample])
        for field in ("ids", "attention_mask", "type_ids")
    )
    names = ["input_ids", "attention_mask", "token_type_ids"]
    onnx = folder / f".{ONNX_FILE}.tmp-{os.getpid()}"
    tokens = folder / f".{TOKENIZER_FILE}.tmp-{os.getpid()}"
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(model[0].auto_model.eval()),
            example,
            str(onnx),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )
    tokenizer.save(str(tokens))
    staged = OnnxEmbedder(onnx, tokens, embedder.name, embedder.fingerprint, embedder.dimension)
    checked = PROBES + spread_sample(list(corpus))
    lowest = agreement(staged, embedder, checked)
    if lowest < AGREEMENT:
        onnx.unlink(missing_ok=True)
        tokens.unlink(missing_ok=True)
        return None
    os.replace(onnx, folder / ONNX_FILE)
    os.replace(tokens, folder / TOKENIZER_FILE)
    return {
        "model_sha256": embedder.fingerprint,
        "max_seq_length": int(model.max_seq_length),
        "dimension": int(embedder.dimension),
        "agreement": {"texts": len(checked), "lowest_cosine": round(lowest, 6)},
        "files": {
            name: {"bytes": (folder / name).stat().st_size, "sha256": file_sha256(folder / name)}
            for name in (ONNX_FILE, TOKENIZER_FILE)
        },
    }


def fast_path_problem(folder: Path, manifest: dict, embedder: Embedder) -> str:
    """Why the index's ONNX export cannot encode questions for embedder, or ''."""
    entry = manifest.get("onnx")
    if not isinstance(entry, dict):
        return "the index has no ONNX export of the model"
    if entry.get("model_sha256") != embedder.fingerprint:
        return "the ONNX export is stale: it was made from other model weights"
    for name, expected in entry.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            return f"{path} is missing"
        if path.stat().st_size != expected.get("bytes") or file_sha256(path) != expected.get(
            "sha256"
        ):
            return f"{path} does not match its manifest (altered or damaged)"
    if set(entry.get("files", {})) != {ONNX_FILE, TOKENIZER_FILE}:
        return "the manifest's ONNX entry is incomplete"
    return ""


def query_embedder(folder: Path, manifest: dict, embedder: Embedder, notify) -> Embedder:
    """The ONNX embedder when the index's export is sound, else embedder (after notify(why))."""
    if not hasattr(embedder, "export_onnx"):
        return embedder
    problem = fast_path_problem(folder, manifest, embedder)
    if problem:
        notify(
            f"{problem}; encoding questions with sentence-transformers "
            "(slower start; run `assistant index` to restore the fast path)"
        )
        return embedder
    return exported(folder, embedder, int(manifest["dimension"]))


def exported(folder: Path, embedder: Embedder, dimension: int, threads: int = 1) -> "OnnxEmbedder":
    """The export in folder, encoding as `embedder` does (same name and fingerprint)."""
    return OnnxEmbedder(
        folder / ONNX_FILE,
        folder / TOKENIZER_FILE,
        embedder.name,
        embedder.fingerprint,
        dimension,
        threads=threads,
    )


def corpus_embedder(folder: Path, entry: dict | None, embedder: Embedder) -> Embedder:
    """What embeds the corpus of a build: the verified export in folder, on
    every core, when the build has one (`entry`); otherwise embedder itself."""
    if entry is None:
        return embedder
    dimension = int(entry.get("dimension") or embedder.dimension)
    return exported(folder, embedder, dimension, threads=os.cpu_count() or 1)
