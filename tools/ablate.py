"""Measure what each hand rule of the answer stage earns: `python -m tools.ablate`.

Each ablation switches one rule off for the length of a run (a patch of the
module attribute the rule lives in, undone after), and the question sets (and,
with --public, SQuAD 2.0, HotpotQA, QuAC and CoQA) are scored with and without
it in the same process. A rule keeps its place only if switching it off costs
the sets written apart from the code, or public data, something.

This module changes no behaviour of the product; it only measures it.
"""

import argparse
import contextlib
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from assistant import answerable, select
from assistant import assistant as assistant_module
from assistant.embedding import SentenceTransformerEmbedder
from assistant.settings import DEFAULT_THRESHOLDS
from tools.external import KINDS, MemoEmbedder, evaluate
from tools.question_sets import DEFAULT_SETS, name_of, score_set

ROOT = Path(__file__).resolve().parent.parent
NEVER = re.compile(r"(?!)")
EXTERNAL = ROOT.parent / "shared" / "data" / "external"
# The sets written by people who saw only the article and the gold format;
# the older sets were tuned on by the rounds that wrote the rules.
APART = [
    "eval/article-voices",
    "eval/paraphrase",
    "eval/final-article",
    "eval/round3-article",
    "eval/round6-paraphrase",
    "eval/round7-voices",
    "eval/round8-voices",
    "eval/round9-paraphrase",
    "eval/articles/nairobi",
    "eval/articles/andes",
    "eval/articles/harbour",
    "eval/articles/clinic",
    "eval/articles/transit",
    "eval/articles/vineyard",
]


def limits(**changes: float) -> contextlib.AbstractContextManager:
    """Selectors built in the block use the default thresholds with these changed."""
    build = select.Selector.__init__

    def init(self, index, encode, thresholds=DEFAULT_THRESHOLDS):
        build(self, index, encode, replace(thresholds, **changes))

    return patched((select.Selector, "__init__", init))


@contextlib.contextmanager
def patched(*changes: tuple[object, str, object]) -> Iterator[None]:
    """Set each (owner, attribute, value) for the block, then put the old values back."""
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in changes]
    try:
        for owner, name, value in changes:
            setattr(owner, name, value)
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


# name -> (what the rule does, the patch that switches it off)
ABLATIONS: dict[str, tuple[str, Callable[[], contextlib.AbstractContextManager]]] = {
    "someone-named": (
        '"Who ...?" led by a sentence naming another person',
        lambda: patched((answerable.Answerability, "someone_named", lambda *a: None)),
    ),
    "respelled": (
        'a misspelt question word ("wich", "wat") read as meant',
        lambda: patched((assistant_module, "respelled", lambda question, used=(): question)),
    ),
    "topic-gate": (
        "refuse a question the learned model (topic.py) finds about nothing in the text",
        lambda: patched((answerable, "FLOOR", 0.0)),
    ),
    "withheld": (
        'refuse when the sentence says it was not told ("did not say how")',
        lambda: patched((answerable.Answerability, "withheld", lambda *a: False)),
    ),
    "negation": (
        "refuse a question about what did not happen when the sentence has no negation",
        lambda: patched((answerable, "negated", lambda q: False)),
    ),
    "role-words": (
        '"Who is the prime minister ...?" refused when the role is never named',
        lambda: patched((answerable, "ROLE", NEVER)),
    ),
    "type-gap": (
        "refuse a sentence without the kind of fact asked (figure, date, extent, role)",
        lambda: patched((answerable.Answerability, "type_gap", lambda *a: "")),
    ),
    "unmatched-topic": (
        '"Did they discuss X?" refused when no retrieved sentence has a word of X',
        lambda: patched((answerable.Answerability, "unmatched_topic", lambda *a: "")),
    ),
    "who-second": (
        '"who": no second sentence that names no other person',
        lambda: patched(
            (
                answerable.Answerability,
                "second_answer",
                lambda self, q, lead, other: not self.refusal(q, other),
            )
        ),
    ),
    "about-lead": (
        "names the article is about need no second sentence to carry them",
        lambda: patched((answerable.Answerability, "about", lambda *a: False)),
    ),
    "also-about": (
        '"What was said about X?" cites every sentence naming X',
        lambda: patched((select.Selector, "also_about", lambda *a: [])),
    ),
    "subject-bonus": (
        '"What did X say?" puts the sentences where X acts first',
        lambda: limits(subject_bonus=0.0),
    ),
    "list-kind": (
        "a list of a kind the article never names takes every bare-noun enumeration",
        lambda: patched(
            (select.Selector, "list_group", lambda self, q, listing: select.natural_group(listing))
        ),
    ),
    "whole-list": (
        "a sentence of an announced list brings the rest of it",
        lambda: patched((select.Selector, "whole_announced_list", lambda *a: [])),
    ),
    "spelled-out": (
        "an announcement is cited with the sentences that spell it out",
        lambda: patched((select.Selector, "spelled_out", lambda *a: [])),
    ),
    "antecedent": (
        'a leading "He", "These" brings the sentence before',
        lambda: patched((select.Selector, "antecedent", lambda *a, **k: None)),
    ),
    "soft-matches": (
        "words the corpus never uses match by closeness in meaning",
        lambda: patched((select.Selector, "soft_matches", lambda *a: {})),
    ),
    "list-bonus": (
        "a list question prefers sentences that enumerate",
        lambda: limits(list_bonus=0.0),
    ),
    "too-close": (
        "a runner-up within too_close of the best is cited too",
        lambda: limits(too_close=-1.0),
    ),
}


def summarize(results: dict) -> dict[str, float]:
    """Turn-weighted means over the sets written apart from the code."""
    totals = {"recall": [], "precision": [], "items": [], "refusals": [], "false": []}
    for name, scores in results.items():
        if name not in APART:
            continue
        totals["recall"] += scores.recall
        totals["precision"] += scores.precision
        totals["items"] += scores.items
        totals["refusals"] += scores.refusals
        totals["false"] += scores.false_refusals
    return {k: sum(v) / len(v) for k, v in totals.items() if v}


def public(embedder) -> dict[str, float]:
    """The headline figure of each public data set."""
    figures = {}
    for kind in KINDS:
        rows, _, _ = evaluate(kind, EXTERNAL, embedder, progress=lambda m: None)
        for row in rows:
            figures[f"{kind}: {row.metric}"] = row.assistant
    return figures


def run(embedder, memo, with_public: bool, sets: list[Path]) -> tuple[dict, dict]:
    results = {name_of(p): score_set(p, embedder) for p in sets}
    return results, (public(memo) if with_public else {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ablate", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"ablations (default all): {', '.join(ABLATIONS)}")
    parser.add_argument("--public", action="store_true", help="also score public data")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in ABLATIONS]
    if unknown:
        parser.error(f"unknown ablation {', '.join(unknown)}; known: {', '.join(ABLATIONS)}")
    embedder = SentenceTransformerEmbedder()
    memo = MemoEmbedder(embedder)
    sets = DEFAULT_SETS
    base_sets, base_public = run(embedder, memo, args.public, sets)
    base = summarize(base_sets)
    print("baseline over the sets written apart: " + fmt(base), flush=True)
    for name in args.names or ABLATIONS:
        what, switch_off = ABLATIONS[name]
        with switch_off():
            results, figures = run(embedder, memo, args.public, sets)
        print(f"\n{name} off ({what}):", flush=True)
        print("  apart: " + fmt(summarize(results), base), flush=True)
        for set_name, scores in results.items():
            old, new = base_sets[set_name].summary(), scores.summary()
            moved = [
                f"{key.split('_')[-1]} {old[key]}->{new[key]}"
                for key in ("citation_recall", "citation_precision", "refusal_accuracy")
                if old[key] != new[key]
            ]
            if moved:
                print(f"  {set_name}: {', '.join(moved)}", flush=True)
        for metric, value in figures.items():
            if value != base_public.get(metric):
                print(f"  {metric}: {base_public.get(metric)} -> {value}", flush=True)
    return 0


def fmt(figures: dict[str, float], base: dict[str, float] | None = None) -> str:
    return ", ".join(
        f"{k} {v:.3f}" + (f" ({v - base[k]:+.3f})" if base else "") for k, v in figures.items()
    )


if __name__ == "__main__":
    sys.exit(main())
