"""Score every question set in one table: `python -m tools.question_sets [SET ...]`.

A set is a gold JSONL file (eval/README.md), or a folder holding `gold.jsonl`
and, when it is about other articles, `corpus/` (indexed into `index/` beside
it). Sets without a corpus of their own are asked of the shipped corpus.
Beside the dev-set metrics it prints, per group of conversation ids
("P-SIGN-01", "P-SIGN-02", ... form the group P-SIGN), the share of answerable
turns answered completely: every gold sentence cited and every item named.
"""

import argparse
import json
import sys
from pathlib import Path

from assistant.assistant import Assistant
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import Settings
from tools.evaluate import Scores, run_gold

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = [
    ROOT.parent / "shared" / "eval" / "dev.jsonl",
    *sorted((ROOT / "eval").glob("*.jsonl")),
    *sorted(p.parent for p in (ROOT / "eval").glob("*/gold.jsonl")),
    *sorted(p.parent for p in (ROOT / "eval" / "articles").glob("*/gold.jsonl")),
]
COLUMNS = [
    ("citation_recall", "recall"),
    ("citation_precision", "precision"),
    ("item_recall", "items"),
    ("quote_exact", "quotes"),
    ("refusal_accuracy", "refusals"),
    ("false_refusal_rate", "false ref."),
]


def score_set(path: Path, embedder) -> Scores:
    gold = path / "gold.jsonl" if path.is_dir() else path
    corpus = path / "corpus" if path.is_dir() and (path / "corpus").is_dir() else None
    settings = Settings(
        corpus_dir=corpus or ROOT / "corpus",
        index_dir=(path / "index") if corpus else ROOT / "index",
    )
    return run_gold(Assistant(settings, embedder).ask, gold)


def name_of(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def table(results: dict[str, Scores]) -> str:
    head = f"{'set':34s} {'turns':>7s} " + " ".join(f"{label:>10s}" for _, label in COLUMNS)
    lines = [head]
    for name, scores in results.items():
        summary = scores.summary()
        turns = f"{summary['answerable_turns']}/{summary['unanswerable_turns']}"
        cells = " ".join(
            f"{'-' if summary[key] is None else format(summary[key], '.3f'):>10s}"
            for key, _ in COLUMNS
        )
        lines.append(f"{name:34s} {turns:>7s} {cells}")
    lines.append("\ncomplete answers (every gold sentence cited, every item named), by id group:")
    for name, scores in results.items():
        groups = ", ".join(
            f"{group} {sum(flags)}/{len(flags)}"
            for group, flags in scores.complete.items()
            if len(flags) > 1
        )
        lines.append(f"  {name}: {groups}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.question_sets", description=__doc__)
    parser.add_argument("sets", nargs="*", type=Path, help="gold files or set folders")
    parser.add_argument("--json", action="store_true", help="summaries and misses as JSON")
    args = parser.parse_args(argv)
    embedder = SentenceTransformerEmbedder()
    results = {}
    for path in args.sets or DEFAULT_SETS:
        print(f"scoring {name_of(path)}", file=sys.stderr, flush=True)
        results[name_of(path)] = score_set(path, embedder)
    if args.json:
        out = {
            name: {"summary": s.summary(), "complete": s.complete, "misses": s.misses}
            for name, s in results.items()
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
