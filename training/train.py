"""Train, calibrate and export the answer scorer: `python -m training [--seed 0]`.

1. Pairs from the public training data (data.py), grouped by question.
2. A cross-encoder from the all-MiniLM-L6-v2 weights (mean pooling, one
   linear output), fine-tuned with binary cross-entropy; each epoch sees every
   positive and a fresh sample of each question's retrieved negatives.
3. Platt scaling of the logit and the "answers" threshold, both fitted on the
   held-out split of the training data (never on evaluation data).
4. An ONNX export, quantized to int8 when that keeps the held-out figures,
   written to models/answer-scorer/ with its sha256 in scorer.json.

Every figure is printed and stored in scorer.json; the model card
(models/answer-scorer/README.md) quotes them.
"""

import argparse
import json
import math
import random
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from assistant.embedding import SentenceTransformerEmbedder, bundled_model_path, file_sha256
from assistant.scorer import INPUT_VERSION, MODEL_DIR, PARAMS_FILE, PairEncoder, pad, pair_ids
from training import data as pairs_data
from training.metrics import best_threshold, fit_platt, group_figures

NEGATIVES = 6  # negatives per question per epoch
MAX_SHIFT = 0.005  # the int8 model may lose at most this much of a held-out figure


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def first_groups(examples: list, split: str, n: int) -> list[str]:
    groups = dict.fromkeys(e.group for e in examples if e.split == split)
    return list(groups)[:: max(1, len(groups) // n)][:n]


def encode_all(encoder: PairEncoder, examples: list) -> list[tuple[list[int], list[int]]]:
    texts = sorted({t for e in examples for t in (e.question, e.sentence, e.before)})
    ids = dict(zip(texts, encoder.ids(texts), strict=True))
    return [
        pair_ids(ids[e.question], ids[e.sentence], ids[e.before], encoder.cls, encoder.sep)
        for e in examples
    ]


def epoch_sample(groups: dict[str, list[int]], labels: list[int], rng: random.Random) -> list[int]:
    chosen = []
    for members in groups.values():
        positives = [i for i in members if labels[i]]
        negatives = [i for i in members if not labels[i]]
        chosen += positives + rng.sample(negatives, min(NEGATIVES, len(negatives)))
    return chosen


def batches(order: list[int], lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar lengths (little padding), in random order."""
    rng.shuffle(order)
    blocks = [order[i : i + size * 50] for i in range(0, len(order), size * 50)]
    out = []
    for block in blocks:
        block.sort(key=lambda i: lengths[i])
        out += [block[i : i + size] for i in range(0, len(block), size)]
    rng.shuffle(out)
    return out


class CrossEncoder:
    """The all-MiniLM-L6-v2 transformer with a linear output on its mean-pooled tokens."""

    def __init__(self, torch, folder: Path):
        from transformers import AutoModel

        self.torch = torch

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = AutoModel.from_pretrained(str(folder))
                self.out = torch.nn.Linear(self.encoder.config.hidden_size, 1)

            def forward(self, input_ids, attention_mask, token_type_ids):
                hidden = self.encoder(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ).last_hidden_state
                weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
                return self.out(pooled).squeeze(-1)

        self.net = Net()

    def feed(self, pairs):
        arrays = pad(pairs)
        return {k: self.torch.from_numpy(v) for k, v in arrays.items()}

    def logits(self, pairs, batch: int = 64) -> np.ndarray:
        self.net.eval()
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]))
        out = np.zeros(len(pairs), dtype=np.float32)
        with self.torch.no_grad():
            for b in range(0, len(order), batch):
                chunk = order[b : b + batch]
                out[chunk] = self.net(**self.feed([pairs[i] for i in chunk])).numpy()
        return out


def onnx_logits(path: Path, pairs, batch: int = 64) -> np.ndarray:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]))
    out = np.zeros(len(pairs), dtype=np.float32)
    for b in range(0, len(order), batch):
        chunk = order[b : b + batch]
        out[chunk] = session.run(None, pad([pairs[i] for i in chunk]))[0].reshape(-1)
    return out


def export(model: CrossEncoder, folder: Path) -> Path:
    torch = model.torch
    model.net.eval()
    sample = model.feed([pair_ids([2000, 2001], [2002, 2003, 2004], [2005], 101, 102)] * 2)
    path = folder / "model.fp32.onnx"
    axes = {name: {0: "pairs", 1: "tokens"} for name in sample}
    torch.onnx.export(
        model.net,
        (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
        str(path),
        input_names=list(sample),
        output_names=["logit"],
        dynamic_axes={**axes, "logit": {0: "pairs"}},
        opset_version=17,
        dynamo=False,
    )
    return path


def quantize(source: Path, target: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default="../shared/data/train", help="training data folder")
    parser.add_argument("--out", default=str(MODEL_DIR), help="where the model is written")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--work", default="training/.work", help="cache of the built pairs")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--limit", type=int, default=None, help="questions per split (a quick trial run)"
    )
    args = parser.parse_args(argv)

    import torch

    began = time.perf_counter()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    cache = work / f"pairs-seed{args.seed}.jsonl"
    if cache.is_file():
        examples = pairs_data.load(cache)
        say(f"read {len(examples)} pairs from {cache}")
    else:
        examples = pairs_data.build(Path(args.data), SentenceTransformerEmbedder(), say, args.seed)
        pairs_data.save(examples, cache)
    if args.limit:
        keep = {g for split in ("train", "val") for g in first_groups(examples, split, args.limit)}
        examples = [e for e in examples if e.group in keep]
    model_folder = bundled_model_path()
    encoder = PairEncoder(model_folder / "tokenizer.json")
    encoded = encode_all(encoder, examples)
    lengths = [len(ids) for ids, _ in encoded]
    labels = [e.label for e in examples]
    train_groups: dict[str, list[int]] = defaultdict(list)
    val = [i for i, e in enumerate(examples) if e.split == "val"]
    for i, e in enumerate(examples):
        if e.split == "train":
            train_groups[e.group].append(i)
    say(
        f"{len(train_groups)} training questions, {len(examples) - len(val)} training pairs; "
        f"{len({examples[i].group for i in val})} held-out questions, {len(val)} pairs"
    )

    model = CrossEncoder(torch, model_folder)
    steps_per_epoch = math.ceil(
        len(epoch_sample(train_groups, labels, random.Random(0))) / args.batch
    )
    total = steps_per_epoch * args.epochs
    head = list(model.net.out.parameters())
    body = [p for p in model.net.parameters() if all(p is not h for h in head)]
    optimizer = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": head, "lr": args.lr * 20}], weight_decay=0.01
    )
    warmup = max(1, total // 16)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup)))
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    val_pairs = [encoded[i] for i in val]
    val_examples = [examples[i] for i in val]
    history, best, step = [], None, 0
    for epoch in range(1, args.epochs + 1):
        model.net.train()
        chosen = epoch_sample(train_groups, labels, rng)
        running = []
        for batch in batches(chosen, lengths, args.batch, rng):
            logits = model.net(**model.feed([encoded[i] for i in batch]))
            target = torch.tensor([float(labels[i]) for i in batch])
            loss = loss_fn(logits, target)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.net.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            running.append(float(loss))
            step += 1
            if step % 50 == 0:
                say(
                    f"epoch {epoch} step {step}/{total} loss {np.mean(running[-50:]):.4f} "
                    f"({time.perf_counter() - began:.0f} s)"
                )
        logits = model.logits(val_pairs)
        figures = group_figures(val_examples, logits)
        figures.update(epoch=epoch, train_loss=round(float(np.mean(running)), 4))
        history.append(figures)
        say(f"held out after epoch {epoch}: {json.dumps(figures)}")
        if best is None or figures["top1"] + figures["balanced"] > best[0]:
            best = (figures["top1"] + figures["balanced"], epoch, logits)
            torch.save(model.net.state_dict(), work / "best.pt")
    model.net.load_state_dict(torch.load(work / "best.pt"))
    logits = best[2]
    scale, shift = fit_platt(logits, np.array([e.label for e in val_examples]))
    threshold, balanced = best_threshold(val_examples, scale * logits + shift)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fp32 = export(model, work)
    int8 = quantize(fp32, work / "model.int8.onnx")
    chosen_figures = {}
    for name, path in (("fp32", fp32), ("int8", int8)):
        fast = onnx_logits(path, val_pairs)
        probability = 1.0 / (1.0 + np.exp(-(scale * fast + shift)))
        chosen_figures[name] = group_figures(val_examples, fast, threshold=threshold, p=probability)
        say(f"{name} export on held-out pairs: {json.dumps(chosen_figures[name])}")
    keeps = all(
        chosen_figures["int8"][k] >= chosen_figures["fp32"][k] - MAX_SHIFT
        for k in ("top1", "balanced_at_threshold")
    )
    shipped = int8 if keeps else fp32
    for old in out.glob("model*.onnx"):
        old.unlink()
    shutil.copyfile(shipped, out / "model.onnx")
    shutil.copyfile(model_folder / "tokenizer.json", out / "tokenizer.json")
    seconds = round(time.perf_counter() - began)
    params = {
        "input_version": INPUT_VERSION,
        "model": "model.onnx",
        "tokenizer": "tokenizer.json",
        "files": {n: file_sha256(out / n) for n in ("model.onnx", "tokenizer.json")},
        "weights": "int8" if keeps else "fp32",
        "base": "sentence-transformers/all-MiniLM-L6-v2 (sha256 "
        f"{file_sha256(model_folder / 'model.safetensors')})",
        "calibration": {"scale": scale, "shift": shift, "threshold": threshold},
        "held_out": chosen_figures["int8" if keeps else "fp32"],
        "held_out_balanced_in_sample": balanced,
        "epochs": history,
        "best_epoch": best[1],
        "seed": args.seed,
        "command": "python -m training " + " ".join(argv if argv is not None else sys.argv[1:]),
        "training_seconds": seconds,
        "threads": args.threads,
        "pairs": {"train": len(examples) - len(val), "held_out": len(val)},
    }
    (out / PARAMS_FILE).write_text(json.dumps(params, indent=2) + "\n", encoding="utf-8")
    say(f"wrote {out} ({params['weights']}) in {seconds} s")
    print(json.dumps({k: params[k] for k in ("held_out", "calibration", "best_epoch")}, indent=2))
    return 0
