"""Score the assistant on the gold conversations of eval/README.md.

Metrics, per answerable turn then averaged: citation recall and precision
(a citation hits a gold sentence when its text contains the fragment, with case
and runs of white space folded and curly apostrophes read as straight), item
recall, quote exactness; over all turns: refusal accuracy and false refusal rate.

This module does not answer; it drives `Assistant.ask` like any other caller.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer import Answer


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip().lower()


@dataclass
class Scores:
    recall: list[float] = field(default_factory=list)
    precision: list[float] = field(default_factory=list)
    items: list[float] = field(default_factory=list)
    quotes: list[float] = field(default_factory=list)
    refusals: list[float] = field(default_factory=list)
    false_refusals: list[float] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)
    # Per answerable turn, by conversation id: every gold sentence cited and
    # every item named (a complete list, for the list questions).
    complete: dict[str, list[bool]] = field(default_factory=dict)

    def summary(self) -> dict[str, float | int | None]:
        def mean(values: list[float]) -> float | None:
            return round(sum(values) / len(values), 4) if values else None

        return {
            "citation_recall": mean(self.recall),
            "citation_precision": mean(self.precision),
            "item_recall": mean(self.items),
            "quote_exact": mean(self.quotes),
            "refusal_accuracy": mean(self.refusals),
            "false_refusal_rate": mean(self.false_refusals),
            "answerable_turns": len(self.recall),
            "unanswerable_turns": len(self.refusals),
        }


def score_turn(turn: dict, answer: Answer, scores: Scores, where: str) -> None:
    cited = [norm(c.text) for c in answer.citations]
    miss = {"where": where, "q": turn["q"], "query": answer.query, "found": answer.found}
    if turn.get("expect") == "none":
        scores.refusals.append(0.0 if answer.found else 1.0)
        if answer.found:
            scores.misses.append({**miss, "problem": "answered an unanswerable question"})
        return
    scores.false_refusals.append(0.0 if answer.found else 1.0)
    gold = [norm(g) for g in turn.get("gold", [])]
    ok = [norm(g) for g in turn.get("ok", [])]
    hit_gold = [g for g in gold if answer.found and any(g in c for c in cited)]
    recall = len(hit_gold) / len(gold) if gold else 1.0
    good = [c for c in cited if any(g in c for g in gold + ok)]
    precision = len(good) / len(cited) if cited else (1.0 if not answer.found else 0.0)
    scores.recall.append(recall)
    scores.precision.append(precision)
    text = norm(answer.text)
    items = turn.get("items") or []
    present = [alts for alts in items if any(norm(a) in text for a in alts)]
    if items:
        scores.items.append(len(present) / len(items))
    if turn.get("quote"):
        fragment = norm(turn["quote"])
        whole = [c.text for c in answer.citations if fragment in norm(c.text)]
        exact = bool(whole) and any(w in answer.text for w in whole)
        scores.quotes.append(1.0 if exact else 0.0)
        if not exact:
            scores.misses.append({**miss, "problem": "quote missing or not verbatim"})
    group = where.split(".")[0].rstrip("0123456789").rstrip("-")
    scores.complete.setdefault(group, []).append(recall == 1 and len(present) == len(items))
    if recall < 1 or precision < 1 or (items and len(present) < len(items)):
        scores.misses.append(
            {
                **miss,
                "problem": "incomplete or imprecise",
                "recall": round(recall, 2),
                "precision": round(precision, 2),
                "missing_gold": [g for g in gold if g not in hit_gold],
                "extra": [c[:70] for c in cited if c not in good],
                "missing_items": [alts[0] for alts in items if alts not in present],
            }
        )


def run_gold(ask, path: Path) -> Scores:
    """`ask(question, history) -> Answer` over every conversation in a gold file."""
    scores = Scores()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            conversation = json.loads(line)
            history: list[Answer] = []
            for i, turn in enumerate(conversation["turns"], start=1):
                answer = ask(turn["q"], history)
                history.append(answer)
                score_turn(turn, answer, scores, f"{conversation.get('id', '?')}.{i}")
    return scores
