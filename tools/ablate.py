"""Measure what each structure rule of the answer stage earns: `python -m tools.ablate`.

Each rule is switched off in turn (by replacing it for the run, the product
code is not changed) and the question sets and the public data are scored
again. A rule stays only if switching it off costs something on question sets
written without sight of the code and nothing on the public data.

    python -m tools.ablate [--rules carry-on,context] [--sets SET ...] [--external DIR]
"""

import argparse
import contextlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from assistant import conversation, question, select
from assistant.assistant import Assistant
from assistant.embedding import SentenceTransformerEmbedder
from tools.question_sets import DEFAULT_SETS, name_of, score_set

NEVER = re.compile(r"(?!)")  # a pattern that matches nothing
READS_PREVIOUS = Assistant.scorer_input


@contextlib.contextmanager
def patched(target, name: str, value) -> Iterator[None]:
    old = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, old)


@contextlib.contextmanager
def both(first, second) -> Iterator[None]:
    with first, second:
        yield


RULES = {
    # A list goes on in sentences that carry its enumeration on.
    "carry-on": lambda: patched(select, "CARRIES_ON", NEVER),
    # A sentence that points back brings the sentence before it.
    "context": lambda: patched(select, "POINTS_BACK", NEVER),
    # Plural, "list", passive questions are lists (every sentence above the threshold).
    "list-intent": lambda: patched(
        question, "intent_of", lambda q: "quote" if question.QUOTE.search(q) else "fact"
    ),
    # The scorer reads the question of the turn before a follow-up.
    "previous-question": lambda: patched(
        Assistant,
        "scorer_input",
        lambda self, query, previous, *rest: READS_PREVIOUS(self, query, None, *rest),
    ),
    # A sentence that carries a list on brings the sentences it carries on.
    "list-back": lambda: patched(select.Selector, "carried_from", lambda self, row: None),
    # "Quote that one", "Quote the one about X" read the sentences just cited.
    "quote-back": lambda: both(
        patched(conversation, "QUOTES_BACK", NEVER), patched(conversation, "QUOTES_AMONG", NEVER)
    ),
    # "he" / "she" in a follow-up is replaced by the person last asked about.
    "pronoun": lambda: patched(conversation, "PERSON_PRONOUN", NEVER),
}


def figures(sets: list[Path], external: Path | None, limit: int | None, embedder) -> dict:
    out = {}
    for path in sets:
        out[name_of(path)] = score_set(path, embedder).summary()
    if external is not None:
        from tools.external import evaluate

        for kind in ("squad", "hotpot", "quac", "coqa"):
            rows, _, _ = evaluate(kind, external, embedder, limit, 0, lambda m: None)
            out[kind] = {r.metric: r.assistant for r in rows if r.assistant is not None}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ablate", description=__doc__)
    parser.add_argument("--rules", default=",".join(RULES), help="comma list of " + ",".join(RULES))
    parser.add_argument("--sets", nargs="*", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--external", type=Path, default=None, help="public data folder")
    parser.add_argument("--limit", type=int, default=None, help="public questions per data set")
    args = parser.parse_args(argv)
    from tools.external import MemoEmbedder

    embedder = MemoEmbedder(SentenceTransformerEmbedder())
    results = {"all rules": figures(args.sets, args.external, args.limit, embedder)}
    for rule in [r for r in args.rules.split(",") if r]:
        print(f"without {rule}...", file=sys.stderr, flush=True)
        with RULES[rule]():
            results[f"without {rule}"] = figures(args.sets, args.external, args.limit, embedder)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
