"""Read public question-answering data sets into one shape: corpora of dialogs.

Each loader turns one file of ../shared/data/external/ (see its README) into
`Corpus` objects: the text of one document, and the questions asked about it,
each carrying its gold answer as character spans into that text. SQuAD and
HotpotQA questions are one-turn dialogs; QuAC and CoQA dialogs keep their turns
in order, because those are asked with history. A turn without spans is
unanswerable.

Sampling is seeded per corpus (`random.Random(f"{seed}/{corpus name}")`), so the
same seed gives the same questions whatever the --limit of other corpora.

This module reads files only; it does not index or ask (see external.py).
"""

import json
import random
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import DataError

Span = tuple[int, int]  # [start, end) into Corpus.text


@dataclass(frozen=True)
class Turn:
    id: str
    question: str
    spans: tuple[Span, ...]  # gold answer spans; empty when unanswerable

    @property
    def answerable(self) -> bool:
        return bool(self.spans)


@dataclass(frozen=True)
class Corpus:
    name: str  # a safe file stem: the document id
    text: str
    dialogs: tuple[tuple[Turn, ...], ...]  # each dialog is asked in order, with history


# Default sample sizes, as in the data README: 60 answerable questions per SQuAD
# article, plus half as many unanswerable ones; the first 100 HotpotQA records.
SQUAD_ANSWERABLE = 60
HOTPOT_RECORDS = 100


def read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path} does not exist") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path} is not a JSON file ({exc.__class__.__name__})") from None


def safe_name(name: str) -> str:
    """A file stem made of word characters and dashes.

    >>> safe_name("French_and_Indian War (1754)")
    'French_and_Indian-War-1754'
    """
    return "-".join("".join(c if c.isalnum() or c == "_" else " " for c in name).split())


def join_paragraphs(paragraphs: list[str]) -> tuple[str, list[int]]:
    """Paragraphs joined by blank lines, and where each one starts.

    >>> join_paragraphs(["One.", "Two."])
    ('One.\\n\\nTwo.', [0, 6])
    """
    starts, cursor = [], 0
    for paragraph in paragraphs:
        starts.append(cursor)
        cursor += len(paragraph) + 2
    return "\n\n".join(paragraphs), starts


def sample(items: list, n: int | None, rng: random.Random) -> list:
    """n items drawn without replacement (all of them, shuffled, when n is larger)."""
    return rng.sample(items, len(items) if n is None else min(n, len(items)))


def load_squad(data: dict, per_article: int | None = None, seed: int = 0) -> list[Corpus]:
    """One corpus per SQuAD 2.0 article: all its paragraphs, blank-line separated.

    Per article, `per_article` answerable questions (default 60) and half as many
    unanswerable ones are sampled. Every annotator's answer span is gold.
    """
    answerable_n = SQUAD_ANSWERABLE if per_article is None else per_article
    corpora = []
    for article in data["data"]:
        text, starts = join_paragraphs([p["context"] for p in article["paragraphs"]])
        answerable, unanswerable = [], []
        for paragraph, offset in zip(article["paragraphs"], starts, strict=True):
            for qa in paragraph["qas"]:
                spans = tuple(
                    sorted(
                        {
                            (
                                offset + a["answer_start"],
                                offset + a["answer_start"] + len(a["text"]),
                            )
                            for a in qa["answers"]
                        }
                    )
                )
                if qa.get("is_impossible") or not spans:
                    unanswerable.append(Turn(qa["id"], qa["question"], ()))
                else:
                    answerable.append(Turn(qa["id"], qa["question"], spans))
        name = safe_name(article["title"])
        rng = random.Random(f"{seed}/{name}")
        chosen = sample(answerable, answerable_n, rng)
        chosen += sample(unanswerable, (answerable_n + 1) // 2, rng)
        corpora.append(Corpus(name, text, tuple((turn,) for turn in chosen)))
    return corpora


def load_hotpot(records: list, limit: int | None = None) -> list[Corpus]:
    """One corpus per HotpotQA record: its ten paragraphs, blank-line separated.

    Paragraph text is the dataset's sentences concatenated as given (they carry
    their own leading spaces), without the title. A supporting fact
    [title, i] becomes the span of sentence i of that paragraph, stripped of
    white space; facts pointing past a paragraph's end (a known quirk of the
    data) are dropped.
    """
    corpora = []
    for number, record in enumerate(records[: HOTPOT_RECORDS if limit is None else limit]):
        paragraphs, spans_of = [], {}
        for title, sentences in record["context"]:
            raw = "".join(sentences)
            cursor = -(len(raw) - len(raw.lstrip()))  # offsets into the stripped paragraph
            spans = []
            for sentence in sentences:
                lead = len(sentence) - len(sentence.lstrip())
                spans.append((cursor + lead, cursor + len(sentence.rstrip())))
                cursor += len(sentence)
            spans_of.setdefault(title, (len(paragraphs), spans))
            paragraphs.append(raw.strip())
        text, starts = join_paragraphs(paragraphs)
        gold = []
        for title, i in record["supporting_facts"]:
            p, spans = spans_of.get(title, (0, []))
            if i < len(spans):
                gold.append((starts[p] + spans[i][0], starts[p] + spans[i][1]))
        turn = Turn(record.get("_id") or f"hotpot-{number + 1}", record["question"], tuple(gold))
        corpora.append(Corpus(f"hotpot-{number + 1:03d}", text, ((turn,),)))
    return corpora


QUAC_UNANSWERABLE = "CANNOTANSWER"


def load_quac(data: dict, limit: int | None = None) -> list[Corpus]:
    """One corpus per QuAC dialog; the context's trailing " CANNOTANSWER" is cut.

    Gold is `orig_answer`; a CANNOTANSWER turn is unanswerable. `limit` keeps the
    first turns of each dialog.
    """
    corpora = []
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            text = paragraph["context"].removesuffix(" " + QUAC_UNANSWERABLE).rstrip()
            turns = []
            for qa in paragraph["qas"][:limit]:
                answer = qa["orig_answer"]
                spans: tuple[Span, ...] = ()
                if answer["text"] != QUAC_UNANSWERABLE:
                    start = answer["answer_start"]
                    spans = ((start, start + len(answer["text"])),)
                turns.append(Turn(qa["id"], qa["question"], spans))
            corpora.append(Corpus(safe_name(paragraph["id"]), text, (tuple(turns),)))
    return corpora


def load_coqa(data: dict, limit: int | None = None) -> list[Corpus]:
    """One corpus per CoQA story; gold is the rationale span, `unknown` is unanswerable."""
    corpora = []
    for story in data["data"]:
        answers = {a["turn_id"]: a for a in story["answers"]}
        turns = []
        for q in story["questions"][:limit]:
            a = answers[q["turn_id"]]
            unknown = a["span_start"] < 0 or a["input_text"].strip().lower() == "unknown"
            spans = () if unknown else ((a["span_start"], a["span_end"]),)
            turns.append(Turn(f"{story['id']}#{q['turn_id']}", q["input_text"], spans))
        corpora.append(Corpus(safe_name(story["id"]), story["story"], (tuple(turns),)))
    return corpora


# File-name prefixes that identify each data set inside a folder.
PREFIXES = {"squad": "squad", "hotpot": "hotpot", "quac": "quac", "coqa": "coqa"}


def find_file(path: Path, kind: str) -> Path:
    """The file itself, or the one data file of that kind inside a folder."""
    if path.is_file():
        return path
    if not path.is_dir():
        raise DataError(f"{path} does not exist; pass a data file or its folder")
    matches = sorted(path.glob(f"{PREFIXES[kind]}*.json"))
    if len(matches) != 1:
        found = ", ".join(p.name for p in matches) or "none"
        raise DataError(
            f"{path} should hold one {PREFIXES[kind]}*.json file (found: {found}); "
            "pass the file itself"
        )
    return matches[0]


def load(kind: str, path: Path, limit: int | None = None, seed: int = 0) -> list[Corpus]:
    data = read_json(find_file(path, kind))
    try:
        if kind == "squad":
            return load_squad(data, limit, seed)
        if kind == "hotpot":
            return load_hotpot(data, limit)
        if kind == "quac":
            return load_quac(data, limit)
        return load_coqa(data, limit)
    except (KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"{path} is not in the {kind} layout (no {exc})") from None
