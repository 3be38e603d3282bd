"""Training pairs for the answer scorer, from the public data in ../shared/data/train/.

Each example is (question, candidate sentence, the sentence before it, label),
grouped by question. The candidates are what the product would show the
scorer: the product's own retriever over the question's whole article (its
splitter, its index, its fusion), so the negatives are the hard ones the scorer
must beat at question time.

- SQuAD 2.0 train (first 10 articles): a candidate is positive when it overlaps
  an answer span; an unanswerable question has no positive.
- SelQA (dev and test splits, both used for training here): its labelled
  candidate sentences, in section order.
- Off-topic: a question asked of another article's index; nothing there answers.
- Conversation: some questions carry the question of an earlier turn before
  them ("previous [SEP] this"), as the product passes a follow-up; the labels
  stay those of the last question.

One SQuAD article (with 188 of the 348 unanswerable questions) and a tenth of SelQA are held out (`split == "val"`) for
calibration, the threshold and the reported figures. Nothing here reads
../shared/data/external/ or any question set.
"""

import hashlib
import json
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.assistant import Assistant
from assistant.external import MemoEmbedder, corpus_texts, overlapping
from assistant.external_data import load_squad, read_json, safe_name
from assistant.retrieve import neighbours
from assistant.scorer import conversation_question
from assistant.settings import Settings

SQUAD_FILE = "squad2_train_first10.json"
SELQA_FILES = ("selqa-ass-dev.json", "selqa-ass-test.json")
VAL_ARTICLE = "Spectre_(2015_film)"  # held out: it has many of the unanswerable questions
CANDIDATES = 16  # retrieved per question, as many as the product scores
OFF_TOPIC_EVERY = 5  # one question in this many is also asked of another article
FOLLOW_UP_SHARE = 0.3  # questions that carry an earlier question before them


@dataclass(frozen=True)
class Example:
    group: str  # one question as asked: its examples are ranked together
    source: str  # "squad", "squad-impossible", "selqa", "off-topic"
    split: str  # "train" or "val"
    question: str
    sentence: str
    before: str  # the sentence before it in its paragraph, or ""
    label: int  # 1 when the sentence answers the question


def held_out(key: str) -> bool:
    """A tenth of SelQA, chosen by a hash of the question so it never moves."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % 10 == 0


def selqa_examples(folder: Path) -> list[Example]:
    examples = []
    for name in SELQA_FILES:
        for number, item in enumerate(read_json(folder / name)):
            question = " ".join(item["question"].split())
            group = f"selqa/{name}/{number}"
            split = "val" if held_out(question) else "train"
            answers = set(item["answers"])
            candidates = item["candidates"]
            for i, sentence in enumerate(candidates):
                before = candidates[i - 1] if i else ""
                label = int(i in answers)
                examples.append(Example(group, "selqa", split, question, sentence, before, label))
    return examples


def squad_examples(
    folder: Path, embedder, progress: Callable[[str], None], seed: int
) -> list[Example]:
    """SQuAD questions against the product's retrieval over their own article,
    and some against another article's."""
    rng = random.Random(seed)
    corpora = load_squad(read_json(folder / SQUAD_FILE), per_article=10**9, seed=seed)
    memo = MemoEmbedder(embedder)
    memo.prime((t for c in corpora for t in corpus_texts(c, Settings())), progress)
    assistants = {}
    with tempfile.TemporaryDirectory(prefix="scorer-data-") as work:
        for corpus in corpora:
            root = Path(work) / corpus.name
            (root / "corpus").mkdir(parents=True)
            (root / "corpus" / f"{corpus.name}.txt").write_text(corpus.text, encoding="utf-8")
            assistant = Assistant(Settings(corpus_dir=root / "corpus", index_dir=root / "index"), memo)
            assistant.reindex()
            assistants[corpus.name] = assistant
            progress(f"indexed {corpus.name}")
        examples: list[Example] = []
        names = [c.name for c in corpora]
        for corpus in corpora:
            split = "val" if corpus.name == safe_name(VAL_ARTICLE) else "train"
            assistant = assistants[corpus.name]
            index = assistant.index
            beside = neighbours(index.sentences)
            questions = [turn for dialog in corpus.dialogs for turn in dialog]
            for number, turn in enumerate(questions):
                question = " ".join(turn.question.split())
                if rng.random() < FOLLOW_UP_SHARE:
                    earlier = questions[rng.randrange(len(questions))].question
                    question = conversation_question(question, " ".join(earlier.split()))
                gold = overlapping(index.sentences, turn.spans)
                hits = assistant.retriever.search(question, k=CANDIDATES)
                rows = [h.row for h in hits]
                # The scorer must learn the answer even where retrieval ranks it
                # low, so a positive the retriever missed joins the training set.
                if split == "train":
                    rows += [r for r in sorted(gold) if r not in rows]
                source = "squad" if turn.answerable else "squad-impossible"
                group = f"squad/{corpus.name}/{number}"
                for row in rows:
                    before = beside[row][0]
                    examples.append(
                        Example(
                            group,
                            source,
                            split,
                            question,
                            index.sentences[row].text,
                            "" if before is None else index.sentences[before].text,
                            int(row in gold),
                        )
                    )
                if number % OFF_TOPIC_EVERY == 0:
                    other = rng.choice([n for n in names if n != corpus.name])
                    examples += off_topic(
                        assistants[other], question, f"off-topic/{corpus.name}/{number}", split
                    )
            progress(f"{corpus.name}: {len(questions)} questions")
    return examples


def off_topic(assistant: Assistant, question: str, group: str, split: str) -> list[Example]:
    index = assistant.index
    beside = neighbours(index.sentences)
    out = []
    for hit in assistant.retriever.search(question, k=4):
        before = beside[hit.row][0]
        text = "" if before is None else index.sentences[before].text
        out.append(Example(group, "off-topic", split, question, hit.sentence.text, text, 0))
    return out


def build(folder: Path, embedder, progress: Callable[[str], None], seed: int) -> list[Example]:
    return squad_examples(folder, embedder, progress, seed) + selqa_examples(folder)


def save(examples: list[Example], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for e in examples:
            handle.write(json.dumps(e.__dict__, ensure_ascii=False) + "\n")


def load(path: Path) -> list[Example]:
    with path.open(encoding="utf-8") as handle:
        return [Example(**json.loads(line)) for line in handle if line.strip()]
