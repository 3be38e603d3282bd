"""Training rows for the answer scorer's head, from the public data in ../shared/data/train/.

Every row is one (question, candidate sentence) pair as the product sees it:
the product's own index over the question's whole article (its splitter, its
token store), its retriever's candidates, and the scorer's own feature code
(`Assistant.scorer_input`, `scorer.features`), so training and answering
compute the same numbers. A candidate is positive when it overlaps a gold
answer span.

- SQuAD 2.0 train (first 10 articles): its answerable and unanswerable
  questions, asked of their own article.
- Off-topic: one question in OFF_TOPIC_EVERY is also asked of another
  article, whose sentences cannot answer it.
- Conversation: FOLLOW_UP_SHARE of the questions are asked as a follow-up of
  the question before them in the same paragraph, as the assistant passes a
  conversation's turns.
- Retyped: RETYPED_SHARE of the questions are rewritten the way people type
  them (lower case, typos, a request for a passage, keywords, after an aside;
  `retyped`).
- Reworded: REWORDED_SHARE of the questions have up to two of their lower-case
  content words replaced by a near word of the model's own vocabulary
  (`Rewording`: "sectors" -> "industries", "discussed" -> "debated"), as people
  who have not read the text ask without its words. SQuAD's questions were
  written beside their paragraph and share most of its words; without these,
  the heads learn that a question word missing from the text means no answer.
- SelQA (dev and test splits, both training data here): its articles as one
  corpus, a section per paragraph; a candidate is positive when it overlaps a
  sentence SelQA marks correct. Its questions are often paraphrases, with few
  words of the answer sentence.

The IDF table of the late-interaction features counts vocabulary ids over the
sentences of SQuAD train and SelQA. One SQuAD article (with 188 of the 348
unanswerable questions) and a tenth of SelQA are held out (`split == "val"`)
for the threshold and the reported figures. Nothing here reads ../shared/data/external/ or any
question set.
"""

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.assistant import Assistant
from assistant.settings import Settings
from tools.external import overlapping
from tools.external_data import join_paragraphs, read_json, safe_name

SQUAD_FILE = "squad2_train_first10.json"
SELQA_FILES = ("selqa-ass-dev.json", "selqa-ass-test.json")
VAL_ARTICLE = "Spectre_(2015_film)"  # held out: it has many of the unanswerable questions
OFF_TOPIC_EVERY = 5
FOLLOW_UP_SHARE = 0.5
RETYPED_SHARE = 0.4  # questions asked the way people type them (retyped)
RETYPED = "/retyped"  # ends the group name of a retyped question
REWORDED_SHARE = 0.3
REWORDED = "/reworded"
NEAR_WORDS = 5  # a replacement is drawn from this many nearest words
ASIDES = 500  # SelQA sentences a retyped question may follow, as people explain why they ask
# How people ask for a passage rather than a fact; each frame takes the
# question's content words.
REQUESTS = (
    "Tell me about {}",
    "What does the article say about {}?",
    "Quote the sentence about {}.",
    "Give me the exact wording on {}",
    "Show me the part about {}",
    "{}?",
)


@dataclass
class Rows:
    features: np.ndarray  # (pairs, features)
    labels: np.ndarray  # 1 when the sentence answers
    groups: list[str]  # one question as asked
    sources: list[str]  # "squad", "squad-impossible" or "off-topic"
    splits: list[str]  # "train" or "val"

    def save(self, path: Path) -> None:
        np.savez(
            path,
            features=self.features,
            labels=self.labels,
            groups=np.array(self.groups),
            sources=np.array(self.sources),
            splits=np.array(self.splits),
        )

    @classmethod
    def load(cls, path: Path) -> "Rows":
        with np.load(path, allow_pickle=False) as data:
            return cls(
                data["features"],
                data["labels"],
                data["groups"].tolist(),
                data["sources"].tolist(),
                data["splits"].tolist(),
            )


@dataclass(frozen=True)
class Asked:
    question: str
    previous: str | None
    spans: tuple[tuple[int, int], ...]  # gold answer spans in the article; empty when none


def squad_articles(folder: Path) -> list[tuple[str, str, list[Asked]]]:
    """(name, text, questions) per article; questions in paragraph order, each
    after the one before it in its paragraph."""
    articles = []
    for article in read_json(folder / SQUAD_FILE)["data"]:
        text, starts = join_paragraphs([p["context"] for p in article["paragraphs"]])
        asked = []
        for paragraph, offset in zip(article["paragraphs"], starts, strict=True):
            before = None
            for qa in paragraph["qas"]:
                question = " ".join(qa["question"].split())
                spans = tuple(
                    (offset + a["answer_start"], offset + a["answer_start"] + len(a["text"]))
                    for a in qa["answers"]
                )
                asked.append(Asked(question, before, () if qa.get("is_impossible") else spans))
                before = question
        articles.append((safe_name(article["title"]), text, asked))
    return articles


def misspelt(word: str, rng: random.Random) -> str:
    """The word with one slip of the keys: a letter dropped, doubled, swapped
    with the next one, or another letter in its place."""
    j = rng.randrange(1, len(word) - 1)
    slip = rng.randrange(4)
    if slip == 0:
        return word[:j] + word[j + 1 :]
    if slip == 1:
        return word[:j] + word[j] + word[j:]
    if slip == 2:
        return word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return word[:j] + rng.choice("aeiourstnl") + word[j + 1 :]


def retyped(question: str, rng: random.Random, asides: list[str] = ()) -> str:
    """The question as people also type it: lower case without its question
    mark, with typos in one to three words, as a request for a passage, as
    keywords, or after an aside about something else (a sentence of another
    text). The answer stays the same, so the labels do.

    >>> retyped("When did Beyonce start becoming popular?", random.Random(7))
    'What does the article say about beyonce start becoming popular?'
    >>> retyped("When did Beyonce start becoming popular?", random.Random(3))
    'When did Byonce start becoimng popullr?'
    >>> retyped("Who won?", random.Random(5), ["It rained all day."])
    'It rained all day. Who won?'
    """
    from assistant.lexical import STOPWORDS

    words = question.rstrip(" ?").split()
    content = [w for w in words if w.lower().strip(",.") not in STOPWORDS] or words
    way = rng.randrange(5 if asides else 4)
    if way == 0:
        return question.lower().rstrip(" ?")
    if way == 1:
        long_words = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        if not long_words:
            return question
        for i in rng.sample(long_words, min(len(long_words), rng.randint(1, 3))):
            words[i] = misspelt(words[i], rng)
        return " ".join(words) + "?"
    if way == 4:
        return f"{rng.choice(asides)} {question}"
    topic = " ".join(content).lower()
    if way == 2:
        return rng.choice(REQUESTS).format(topic)
    return topic


class Rewording:
    """Near words by the cosine of the model's input word vectors (its first
    layer), a thesaurus that ships with the model. Whole words only, and never
    one that shares a stem-like prefix with the word ("signed" -> "unsigned")."""

    def __init__(self, model_folder: Path):
        import json

        from safetensors.numpy import load_file

        weights = load_file(str(model_folder / "model.safetensors"))
        table = next(v for k, v in weights.items() if k.endswith("word_embeddings.weight"))
        self.vectors = table / np.linalg.norm(table, axis=1, keepdims=True)
        tokenizer = json.loads((model_folder / "tokenizer.json").read_text(encoding="utf-8"))
        self.vocabulary = tokenizer["model"]["vocab"]
        self.words = {i: w for w, i in self.vocabulary.items()}
        self.memo: dict[str, list[str]] = {}

    def near(self, word: str) -> list[str]:
        if word not in self.memo:
            found = []
            row = self.vocabulary.get(word)
            if row is not None:
                for other in np.argsort(-(self.vectors @ self.vectors[row]))[1:40]:
                    near = self.words[int(other)]
                    unlike = near[:4] != word[:4] and word not in near and near not in word
                    if near.isalpha() and len(near) >= 3 and unlike:
                        found.append(near)
            self.memo[word] = found[:NEAR_WORDS]
        return self.memo[word]

    def reword(self, question: str, rng: random.Random) -> str:
        from assistant.lexical import STOPWORDS

        words = question.split()
        places = [
            i
            for i, w in enumerate(words)
            if w.strip("?,.").isalpha()
            and w.strip("?,.").islower()
            and len(w.strip("?,.")) >= 4
            and w.strip("?,.") not in STOPWORDS
            and self.near(w.strip("?,."))
        ]
        for i in rng.sample(places, min(2, len(places))):
            bare = words[i].strip("?,.")
            words[i] = words[i].replace(bare, rng.choice(self.near(bare)))
        return " ".join(words)


def split_sentences(paragraphs: list[str]) -> list[str]:
    """The sentences of the paragraphs, by the product's splitter."""
    from assistant.chunking import split_sentences as spans

    return [p[a:b] for p in paragraphs for a, b in spans(p, 0, len(p))]


def held_out(key: str) -> bool:
    """A tenth of SelQA, chosen by a hash of the question so it never moves."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % 10 == 0


def selqa_corpus(folder: Path) -> tuple[dict[str, str], list[tuple[str, Asked]]]:
    """SelQA as one corpus: an article per document, a section per paragraph
    (its candidate sentences), and each question with the spans of its correct
    sentences in its article's document."""
    sections: dict[str, dict[tuple, int]] = {}
    texts: dict[str, list[str]] = {}
    asked = []
    for name in SELQA_FILES:
        for item in read_json(folder / name):
            doc = safe_name(item["article"])[:80] or "article"
            candidates = [" ".join(c.split()) for c in item["candidates"]]
            key = (item["section"], tuple(candidates))
            paragraphs = texts.setdefault(doc, [])
            if key not in sections.setdefault(doc, {}):
                sections[doc][key] = len(paragraphs)
                paragraphs.append(" ".join(candidates))
            asked.append((doc, key, candidates, item))
    documents = {doc: join_paragraphs(paragraphs)[0] for doc, paragraphs in texts.items()}
    starts = {doc: join_paragraphs(paragraphs)[1] for doc, paragraphs in texts.items()}
    questions = []
    for doc, key, candidates, item in asked:
        cursor = starts[doc][sections[doc][key]]
        spans = []
        for i, candidate in enumerate(candidates):
            if i in item["answers"]:
                spans.append((cursor, cursor + len(candidate)))
            cursor += len(candidate) + 1
        question = " ".join(item["question"].split())
        questions.append((doc, Asked(question, None, tuple(spans))))
    return documents, questions


def selqa_sentences(folder: Path) -> list[str]:
    return [
        s for name in SELQA_FILES for item in read_json(folder / name) for s in item["candidates"]
    ]


def document_frequency(texts: list[str], tokenizer_file: Path, vocabulary: dict) -> np.ndarray:
    """log(1 + (N - df + 0.5) / (df + 0.5)) of each vocabulary id over the texts
    (sentences and questions, so that "what" and "?" weigh little), and 0 for
    tokens of punctuation alone, which say nothing about the topic."""
    from tokenizers import Tokenizer

    tokens = Tokenizer.from_file(str(tokenizer_file))
    tokens.no_truncation()
    df = np.zeros(len(vocabulary), dtype=np.float64)
    for encoding in tokens.encode_batch(texts, add_special_tokens=False):
        df[np.unique(np.asarray(encoding.ids, dtype=np.int64))] += 1
    idf = np.log(1 + (len(texts) - df + 0.5) / (df + 0.5))
    for token, i in vocabulary.items():
        if not any(c.isalnum() for c in token):
            idf[i] = 0.0
    return idf.astype(np.float32)


def ask(assistant: Assistant, asked: Asked, scorer, k: int):
    """(features, hits) of one question as the product scores it; `scorer`
    lends its IDF table and background sample (no head is needed)."""
    from dataclasses import replace

    from assistant.scorer import features

    vector, tokens = assistant.retriever.question(asked.question)
    hits = assistant.retriever.search(asked.question, k=k, vector=vector)
    question, candidates = assistant.scorer_input(
        asked.question, asked.previous, hits, vector, tokens
    )
    question = replace(question, background=scorer.near_background(vector))
    return features(question, candidates, scorer.idf), hits


def assistant_for(root: Path, documents: dict[str, str], progress) -> Assistant:
    """An assistant over the documents, its index kept in root: a later run
    whose corpus is unchanged loads it instead of embedding it again."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        path = corpus / f"{name}.txt"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=root / "index"), progress=progress)
    _ = assistant.index  # loads the index, or builds it when missing or stale
    return assistant


def background_sample(folder: Path, size: int, seed: int) -> list[str]:
    """A fixed sample of SelQA's encyclopedia sentences: text about nothing in particular."""
    sentences = sorted(set(selqa_sentences(folder)))
    return random.Random(seed).sample(sentences, min(size, len(sentences)))


def build(
    folder: Path,
    work: Path,
    scorer,
    progress: Callable[[str], None],
    seed: int,
    rewording: Rewording | None = None,
) -> Rows:
    rng = random.Random(seed)
    asides = background_sample(folder, ASIDES, seed + 1)
    articles = squad_articles(folder)
    blocks, labels, groups, sources, splits = [], [], [], [], []
    assistants = {}
    for name, text, _ in articles:
        assistants[name] = assistant_for(work / "squad" / name, {name: text}, progress)
    k = Settings().scored
    for name, _, questions in articles:
        split = "val" if name == safe_name(VAL_ARTICLE) else "train"
        assistant = assistants[name]
        for number, asked in enumerate(questions):
            if asked.previous and rng.random() >= FOLLOW_UP_SHARE:
                asked = Asked(asked.question, None, asked.spans)
            label = f"{name}/{number}"
            if rewording is not None and rng.random() < REWORDED_SHARE:
                asked = Asked(rewording.reword(asked.question, rng), asked.previous, asked.spans)
                label += REWORDED
            if rng.random() < RETYPED_SHARE:
                asked = Asked(retyped(asked.question, rng, asides), asked.previous, asked.spans)
                label += RETYPED
            x, hits = ask(assistant, asked, scorer, k)
            gold = overlapping(assistant.index.sentences, asked.spans)
            blocks.append(x)
            labels += [int(h.row in gold) for h in hits]
            groups += [label] * len(hits)
            sources += ["squad" if asked.spans else "squad-impossible"] * len(hits)
            splits += [split] * len(hits)
            if number % OFF_TOPIC_EVERY == 0:
                other = assistants[rng.choice([n for n, _, _ in articles if n != name])]
                x, hits = ask(other, Asked(asked.question, None, ()), scorer, k)
                blocks.append(x)
                labels += [0] * len(hits)
                groups += [f"off-topic/{name}/{number}"] * len(hits)
                sources += ["off-topic"] * len(hits)
                splits += [split] * len(hits)
        progress(f"{name}: {len(questions)} questions")
    documents, questions = selqa_corpus(folder)
    selqa = assistant_for(work / "selqa", documents, progress)
    by_document: dict[str, list] = {}
    for sentence in selqa.index.sentences:
        by_document.setdefault(sentence.doc_id, []).append(sentence)
    for number, (doc, asked) in enumerate(questions):
        x, hits = ask(selqa, asked, scorer, k)
        sentences = by_document.get(doc, [])
        gold = {
            (s.doc_id, s.number)
            for s in sentences
            for a, b in asked.spans
            if s.start < b and a < s.end
        }
        blocks.append(x)
        labels += [int((h.sentence.doc_id, h.sentence.number) in gold) for h in hits]
        groups += [f"selqa/{number}"] * len(hits)
        sources += ["selqa"] * len(hits)
        splits += ["val" if held_out(asked.question) else "train"] * len(hits)
    progress(f"SelQA: {len(questions)} questions over {len(documents)} articles")
    return Rows(np.concatenate(blocks), np.array(labels), groups, sources, splits)
