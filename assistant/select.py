"""Decide which retrieved sentences answer a question, or that none does.

Each hit gets a relevance that mixes its cosine with the question (alone and in
its passage) and its coverage of the question's content words (IDF-weighted, so
rare words count most; spelling variants such as defence/defense match). Then:

- a fact gets the best sentence, plus sentences that match the same words about
  as well, plus the antecedent a leading "He", "These", "Additionally" needs;
- a list gets every sentence close to the best, plus the continuation sentences
  that follow them ("Other ... included", "Additionally, ...").

The margins are fractions of the best score in the same answer, not absolute
cut-offs tuned to a question. Whether the best sentence can answer at all is
answerable.py's call; this module does not write text either (answer.py).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from assistant.items import enumeration, short_series
from assistant.lexical import STOPWORDS, fold, stem, tokenize, words
from assistant.matching import by_opening, phrase_share, similar_stems
from assistant.names import REPORTING
from assistant.question import Question, plural_head
from assistant.rank import kind_features, novelty, score
from assistant.retrieve import Hit, neighbours
from assistant.settings import DEFAULT_THRESHOLDS, Thresholds
from assistant.store import Index

# Openers that make a sentence lean on the one before it.
ANAPHORA = re.compile(
    r"^(?:he|she|they|it|these|those|this|that|his|her|their|its|additionally|also|"
    r"other|others|further|furthermore|moreover|in addition|besides|likewise|similarly|"
    r"meanwhile|however|both)\b",
    re.IGNORECASE,
)
# "These included ...": the sentence spells out what the one before announced.
SPELLS_OUT = re.compile(r"^(?:these|those|they)\s+(?:included|include|includes|were|are)\b", re.I)
# Openers whose referent is never in the sentence itself: the reader needs the one before.
NEEDS_ANTECEDENT = re.compile(
    r"^(?:he|she|his|her|these|those|this|that|it|its)\b(?!\s+(?:is|was)\s+\w+\s+that)",
    re.IGNORECASE,
)
# "Did they discuss / mention / talk about X?": whether the text covers X at all.
TOPIC_VERB = re.compile(r"\b(?:discuss|mention|talk|rais|address|cover)\w*", re.IGNORECASE)
# "Under the plan, the fleet would also be moved": a subject of up to 11 words,
# commas and all, then an auxiliary and "also".
CONTINUES = re.compile(
    r"^(?:additionally|also|other|others|further|furthermore|moreover|in addition|besides|"
    r"likewise|similarly|these|those)\b|^[\w’'-]+,?(?:\s+[\w’'-]+,?){0,10}\s+(?:were|was|are|is|will|would|could|can|should|may|"
    r"might|must|has|have|had)\s+also\b",
    re.IGNORECASE,
)
# Inside a list that a sentence announced and the next began to spell out
# ("The plan has five parts. These include ..."), "It also ..." and "The final
# part ..." are further items; elsewhere "They also ..." may start a new point.
ANNOUNCED_GOES_ON = re.compile(
    r"^(?:it|they)\s+also\b|^the\s+(?:second|third|fourth|fifth|sixth|next|final|last)\b",
    re.IGNORECASE,
)
# "Other documents included ...": more of a list told before.
OTHERS = re.compile(r"^(?:other|others)\b", re.IGNORECASE)
REPORTS = re.compile(REPORTING, re.IGNORECASE)
LEADING_QUOTE = re.compile(r'^\s*(?:“[^”]*”|"[^"]*")[\s,.]*')
# "What was said / did he say about X?": every sentence naming X is part of the answer.
ABOUT = re.compile(
    r"^\s*what\b.*\b(?:say|said|says|discuss\w*|mention\w*|report\w*)\s+about\b", re.I
)


@dataclass(frozen=True)
class Evidence:
    hit: Hit
    matched: frozenset[str]  # question terms found in the sentence
    coverage: float  # IDF-weighted share of the question terms matched
    relevance: float

    @property
    def row(self) -> int:
        return self.hit.row


def natural_group(
    evidence: list[Evidence], limits: Thresholds = DEFAULT_THRESHOLDS
) -> list[Evidence]:
    """The best few, cut at the widest drop in relevance within list_span of the best.

    A list's sentences score alike and stand apart from the rest; where that
    drop falls depends on the question, so it is found, not fixed.

    >>> scores = [0.9, 0.85, 0.8, 0.5, 0.45]
    >>> ev = [Evidence(None, frozenset(), 0.0, s) for s in scores]
    >>> [e.relevance for e in natural_group(ev)]
    [0.9, 0.85, 0.8]
    """
    best = evidence[0].relevance
    inside = [e for e in evidence if e.relevance >= best - limits.list_span]
    if len(inside) == 1:
        return inside
    values = [e.relevance for e in evidence[: len(inside) + 1]]
    gaps = [values[i] - values[i + 1] for i in range(len(values) - 1)]
    cut = max(range(len(gaps)), key=lambda i: (gaps[i], -i))
    if gaps[cut] < limits.clear_drop:
        # No clear break: keep only what is as good as the best.
        return [e for e in inside if e.relevance >= best - limits.fact_margin]
    return inside[: cut + 1]


def asks_topic(question: Question) -> bool:
    """Whether the question asks if the text covers something at all.

    >>> from assistant.question import analyze
    >>> asks_topic(analyze("Did they discuss Ukraine?")), asks_topic(analyze("Did he win?"))
    (True, False)
    """
    return question.wh == "yes-no" and bool(TOPIC_VERB.search(question.text))


def topic_of(question: Question) -> Question:
    """For "Did the leaders discuss agriculture?", the question narrowed to its
    topic (the words after the verb): which sentence names agriculture decides,
    not which names the leaders.

    >>> from assistant.question import analyze
    >>> topic_of(analyze("Did the leaders discuss agriculture?")).terms
    ('agricultur',)
    >>> topic_of(analyze("Were transit and logistics mentioned anywhere?")).terms
    ('transit', 'logist')
    """
    verb = TOPIC_VERB.search(question.text)
    if not verb:
        return question
    # In the passive ("Were transit and logistics mentioned?") the topic comes first.
    passive = re.match(r"\s*(?:is|are|was|were|has|have|had)\b", question.text, re.I)
    topic = question.text[: verb.start()] if passive else question.text[verb.end() :]
    said = {stem(w) for w in words(topic)}
    kept = [(t, w) for t, w in zip(question.terms, question.term_words, strict=True) if t in said]
    if not kept:
        return question
    return replace(question, terms=tuple(t for t, _ in kept), term_words=tuple(w for _, w in kept))


class Selector:
    def __init__(
        self,
        index: Index,
        encode: Callable[[list[str]], np.ndarray],
        limits: Thresholds = DEFAULT_THRESHOLDS,
    ):
        self.index = index
        self.encode = encode
        self.limits = limits
        self.row_of = {(s.doc_id, s.number): i for i, s in enumerate(index.sentences)}
        self.beside = neighbours(index.sentences)
        self._by_opening: dict[str, list[str]] | None = None  # built on first need
        self._announced: dict[int, list[int]] = {}  # announced_list, on first need
        self.actors: list[frozenset[str]] = []
        for row in range(len(index.sentences)):
            self.actors.append(self.leading_names(row))
        # A sentence opening with "He"/"They" also speaks of the actor before it,
        # and every sentence of a story of the names in its lead, the first
        # sentence: after "Minera Andes del Sur reported ..." the story says "the
        # company" or nothing, so a question naming it must not favour the one
        # other sentence that repeats the name.
        protagonist = {
            s.doc_id: frozenset(
                fold(t)
                for t in re.findall(r"\w+", s.text)
                if t[:1].isupper() and len(t) > 1 and fold(t) not in STOPWORDS
            )
            for s in index.sentences
            if s.number == 1
        }
        self.stems = [
            frozenset(tokenize(s.text))
            | {stem(name) for name in self.actors[row] | protagonist.get(s.doc_id, frozenset())}
            for row, s in enumerate(index.sentences)
        ]
        self.openings = [by_opening(stems) for stems in self.stems]

    def leading_names(self, row: int) -> frozenset[str]:
        """Folded capitalized words among the first five, or up to a reporting verb
        further on ("The scientific director, Professor Mikael Aaltonen of ...,
        said"): the sentence's actor. A leading personal pronoun takes the actor
        of the sentence before it."""
        sentence = self.index.sentences[row]
        # "“The river ...,” Moatlhodi told reporters": the speaker follows the quote.
        text = LEADING_QUOTE.sub("", sentence.text)
        tokens = re.findall(r"\w+", text)
        verb = next(
            (i for i, t in enumerate(tokens[: self.limits.subject_words]) if REPORTS.fullmatch(t)),
            0,
        )
        tokens = tokens[: max(verb, 5)]
        if tokens and tokens[0].lower() in {"he", "she", "they"}:
            before = self.row_of.get((sentence.doc_id, sentence.number - 1))
            if before is not None and before < row:
                return self.actors[before]
            return frozenset()
        return frozenset(fold(t) for t in tokens if t[:1].isupper() and len(t) > 1)

    def weight(self, term: str) -> float:
        bm25 = self.index.bm25
        known = bm25.vocab.get(term)
        if known is None:
            return float(bm25.idf_unseen())
        return bm25.idf(known)

    def matched(self, terms: tuple[str, ...], row: int) -> frozenset[str]:
        stems = self.stems[row]
        # similar_stems only accepts stems with the same first two letters.
        openings = self.openings[row]
        return frozenset(
            t
            for t in terms
            if t in stems or any(similar_stems(t, s) for s in openings.get(t[:2], ()))
        )

    def soft_matches(self, question: Question, hits: list[Hit]) -> dict[str, np.ndarray]:
        """For words the corpus never uses ("sectors", "disaster"), how close each hit
        comes in meaning, relative to the closest hit (1.0).

        Names are left out: a name must be matched as written, not by likeness.
        """
        vocabulary = self.index.bm25.vocab
        names = {stem(n) for n in question.names}
        gaps = [
            (term, word)
            for term, word in zip(question.terms, question.term_words, strict=True)
            if term not in vocabulary
            and term not in names
            and not any(similar_stems(term, known) for known in self.nearby_vocabulary(term))
        ]
        if not gaps or not hits:
            return {}
        vectors = self.encode([word for _, word in gaps])
        sentences = np.stack([self.index.sentence_vectors.reconstruct(h.row) for h in hits])
        result = {}
        for (term, _), vector in zip(gaps, vectors, strict=True):
            closeness = sentences @ vector
            top = float(closeness.max())
            if top >= self.limits.similarity_floor:
                result[term] = np.clip(closeness / max(top, self.limits.soft_scale), 0.0, 1.0)
        return result

    def nearby_vocabulary(self, term: str) -> list[str]:
        """Corpus words with the term's first two letters: the only ones
        similar_stems can accept, looked up without scanning the vocabulary."""
        if self._by_opening is None:
            self._by_opening = by_opening(self.index.bm25.vocab)
        return self._by_opening.get(term[:2], [])

    def describe(
        self, question: Question, hits: list[Hit]
    ) -> list[tuple[frozenset[str], float, dict[str, float]]]:
        """Per hit: the question terms it matches, its coverage of the question's
        words, and its features for rank.py."""
        weights = {t: self.weight(t) for t in question.terms}
        total = sum(weights.values()) or 1.0
        soft = self.soft_matches(question, hits)
        terms = frozenset(question.terms)
        top_lexical = max((h.lexical for h in hits), default=0.0) or 1.0
        described = []
        for i, hit in enumerate(hits):
            matched = self.matched(question.terms, hit.row)
            exact = sum(weights[t] for t in matched)
            near = sum(weights[t] * float(closeness[i]) for t, closeness in soft.items())
            coverage = (exact + near) / total
            before, after = (
                frozenset() if row is None else self.matched(question.terms, row)
                for row in self.beside[hit.row]
            )
            features = {
                "dense": hit.dense,
                "context": hit.context,
                "lexical": hit.lexical / top_lexical,
                "coverage": coverage,
                "phrase": phrase_share(question.terms, hit.sentence.text),
                "new": novelty(terms, hit.sentence.text),
                "before_adds": sum(weights[t] for t in before - matched) / total,
                "after_adds": sum(weights[t] for t in after - matched) / total,
                "before": hit.before,
                "after": hit.after,
                "before_coverage": sum(weights[t] for t in before) / total,
                **kind_features(question.wh, terms, hit.sentence.text),
            }
            described.append((matched, coverage, features))
        return described

    def weigh(self, question: Question, hits: list[Hit], intent: str = "fact") -> list[Evidence]:
        # "What did X say?" asks about X and nothing else: any sentence naming X
        # covers it, so the ones where X acts must come first. With more words
        # ("What did X invent?") coverage tells the sentences apart.
        subject = question.subject and stem(question.subject)
        about_actor = bool(subject) and set(question.terms) <= {subject}
        if asks_topic(question):
            question = topic_of(question)
        evidence = []
        for hit, (matched, coverage, features) in zip(
            hits, self.describe(question, hits), strict=True
        ):
            if intent == "list" or asks_topic(question):
                # The fitted weights pick the one sentence that holds an answer to a
                # question. A list wants every sentence that names what was asked,
                # and "Did they discuss X?" the sentence that names X: cosine and
                # coverage rank those, enumerations first for a list.
                similarity = max(hit.dense, (hit.dense + hit.context) / 2)
                relevance = similarity + self.limits.plain_coverage * coverage
                if intent == "list":
                    relevance += self.limits.list_bonus if enumeration(hit.sentence.text) else 0.0
                else:
                    relevance += self.limits.plain_phrase * features["phrase"]
            else:
                relevance = score(features)
            if about_actor and question.subject in self.actors[hit.row]:
                relevance += self.limits.subject_bonus
            evidence.append(Evidence(hit, matched, coverage, relevance))
        return sorted(evidence, key=lambda e: (-e.relevance, e.row))

    def antecedent(
        self, row: int, question: Question | None = None, strict: bool = False
    ) -> int | None:
        """The sentence before `row` in its paragraph, when `row` cannot be understood
        without it: it opens with "He"/"She"/"These"/..., or it opens with "They"/
        "Additionally"/... and the question's words are in the sentence before."""
        sentence = self.index.sentences[row]
        before = self.row_of.get((sentence.doc_id, sentence.number - 1))
        if before is None or self.index.sentences[before].paragraph != sentence.paragraph:
            return None
        if not strict and NEEDS_ANTECEDENT.match(sentence.text):
            return before
        if question is not None and ANAPHORA.match(sentence.text):
            missing = set(question.terms) - self.matched(question.terms, row)
            if missing & self.matched(question.terms, before):
                return before
        return None

    def lists(self, question: Question, row: int) -> bool:
        """Whether the sentence may be part of a list answer: it enumerates, or
        names what was asked."""
        text = self.index.sentences[row].text
        return bool(enumeration(text) or self.matched(question.terms, row))

    def continuation(self, row: int) -> int | None:
        """The next sentence, when it carries the same list on ("Other ... included")."""
        sentence = self.index.sentences[row]
        after = self.row_of.get((sentence.doc_id, sentence.number + 1))
        if after is None or not CONTINUES.match(self.index.sentences[after].text):
            return None
        return after

    def spelled_out(self, row: int) -> list[int]:
        """When `row` announces what the sentences after it spell out ("... exchanged
        several documents." then "These included ..."), those sentences: the
        announcement alone names none of what it announces. The list runs on
        while sentences carry it on, into the next paragraph only with "Other
        ...", which says it is more of the same list."""
        step = self.beside[row][1]  # the next sentence of the paragraph
        if step is None or not SPELLS_OUT.match(self.index.sentences[step].text):
            return []
        chain = []
        while step is not None:
            chain.append(step)
            here = self.index.sentences[step]
            step = self.row_of.get((here.doc_id, here.number + 1))
            text = self.index.sentences[step].text if step is not None else ""
            if not (CONTINUES.match(text) or ANNOUNCED_GOES_ON.match(text)):
                break
            if self.index.sentences[step].paragraph != here.paragraph and not OTHERS.match(text):
                break
        return chain

    def announced_list(self, row: int) -> list[int]:
        """The announcement and the sentences that spell out the list `row` is a
        sentence of ("... exchanged several documents. These included ... Other
        ... included ..."), or [] when it is in no such list. Found once per row:
        the lists are the article's, whatever the question."""
        if row not in self._announced:
            self._announced[row] = []
            sentence = self.index.sentences[row]
            for back in range(1, self.limits.list_reach + 1):
                start = self.row_of.get((sentence.doc_id, sentence.number - back))
                if start is None:
                    break
                if row in (members := self.spelled_out(start)):
                    self._announced[row] = [start, *members]
                    break
        return self._announced[row]

    def whole_announced_list(self, question: Question, row: int) -> list[int]:
        """The rest of the announced list `row` belongs to, unless the question
        singles out some of its sentences: `row` has a word of the question that
        another sentence of the list lacks ("Which ministries ...?" of the two
        naming ministries). A question that reaches the list only by words all
        its sentences share ("What deals did they ink?") asks for all of it."""
        announced = self.announced_list(row)
        if not announced:
            return []
        own = self.matched(question.terms, row)
        if any(own - self.matched(question.terms, r) for r in announced[1:] if r != row):
            return []
        return [r for r in announced if r != row]

    def carried_on(self, rows: tuple[int, ...]) -> set[int]:
        """The rows and the sentences that carry their lists on, each in turn."""
        found = set(rows)
        for row in rows:
            step = row
            while (step := self.continuation(step)) is not None and step not in found:
                found.add(step)
        return found

    def also_about(
        self, question: Question, evidence: list[Evidence], chosen: list[int]
    ) -> list[int]:
        """For "What was said about X?", the other sentences that name all of X
        (up to about_most in all): each says something about it."""
        about = ABOUT.search(question.text)
        if not about:
            return []
        topic = {stem(w) for w in words(question.text[about.end() :])} & set(question.terms)
        if not topic:
            return []
        best = evidence[0]
        more = []
        for e in evidence[1:]:
            if len(chosen) + len(more) >= self.limits.about_most:
                break
            same_actor = not question.subject or question.subject in self.actors[e.row]
            near = e.relevance >= best.relevance - self.limits.list_span
            if topic <= e.matched and same_actor and near and e.row not in chosen:
                more.append(e.row)
        return more

    def list_group(self, question: Question, listing: list[Evidence]) -> list[Evidence]:
        """The sentences a list answer is made of.

        Asked for a kind of thing the article never names ("Which areas ...?"),
        with the best sentence enumerating bare nouns ("industry, agriculture,
        transit and logistics"), the answer is every such enumeration as far down
        as list_span that has the question's words the best has: words cannot tell
        which sentences hold areas, but lists of another shape (documents, with
        their articles) hold other things."""
        best = listing[0]
        head = plural_head(question.text)
        head = head and words(head)[0]  # "docs" is "documents"
        named = head and any(
            similar_stems(stem(head), known) for known in self.nearby_vocabulary(stem(head))
        )
        if named or not head:
            # "Which documents were signed during Tokayev's trip?": a sentence that
            # shares only the trip's words, naming or listing no document, is no
            # item; one with every word the best has but the noun ("also signed
            # ...") is an item in other words.
            noun = stem(head) if head else None
            asked = best.matched - {noun}

            def holds(e: Evidence) -> bool:
                text = e.hit.sentence.text
                names = noun is not None and any(similar_stems(noun, s) for s in self.stems[e.row])
                listed = enumeration(text) or CONTINUES.match(text)
                return names or bool(listed) or e.matched >= asked

            return [e for e in natural_group(listing, self.limits) if e is best or holds(e)]
        if not short_series(best.hit.sentence.text):
            return natural_group(listing, self.limits)
        # "Which sectors did the projects they reviewed cover?": an enumeration
        # without the words that single out the best one answers something else.
        # One shared word ("areas of cooperation") singles out nothing.
        singled_out = best.matched - {stem(head)}
        if len(singled_out) < 2:
            singled_out = frozenset()
        return [
            e
            for e in listing
            if e.relevance >= best.relevance - self.limits.list_span
            and short_series(e.hit.sentence.text)
            and e.matched >= singled_out
        ]

    def narrow(
        self, rows: list[int], narrowed: tuple[str, ...]
    ) -> tuple[list[int], Callable[[str], bool] | None]:
        """For "Which documents concern education?": the rows holding an item that
        names one of the words, and the test an item must pass; the rows unchanged
        and None when no item or every item names them (nothing to narrow)."""
        if not narrowed:
            return rows, None
        wanted = [stem(w) for w in narrowed]

        def keep(item: str) -> bool:
            return any(similar_stems(t, s) for s in tokenize(item) for t in wanted)

        # A sentence that announces a list ("The board approved four projects at
        # its March meeting.") is none of its items: its words are the setting the
        # question shares ("Which projects were approved at the March meeting?"),
        # not a topic that singles an item out.
        kept_items = {
            row: [keep(item) for item in self.items(row)]
            for row in rows
            if not self.spelled_out(row)
        }
        total = sum(len(flags) for flags in kept_items.values())
        matching = sum(sum(flags) for flags in kept_items.values())
        if matching in (0, total):
            return rows, None
        return [row for row in rows if any(kept_items.get(row, ()))], keep

    def items(self, row: int) -> list[str]:
        """The sentence's enumerated items, or the whole sentence as one."""
        text = self.index.sentences[row].text
        return [text[a:b] for a, b in enumeration(text)] or [text]

    def choose(
        self,
        question: Question,
        evidence: list[Evidence],
        intent: str,
        given: frozenset[int],
        can_answer: Callable[[Evidence], bool] = lambda e: True,
    ) -> list[int]:
        """Rows to cite, in the order they should be presented; `given` rows were
        cited earlier in the conversation and are not brought back as context;
        a runner-up is cited only if `can_answer` it."""
        best = evidence[0]
        if intent == "list":
            # A list is made of sentences that enumerate, or that name what was asked.
            listing = [e for e in evidence if self.lists(question, e.row)]
            chosen = [e.row for e in self.list_group(question, listing or evidence)]
            relevance = {e.row: e.relevance for e in evidence}
            floor = best.relevance - self.limits.chain_margin
            grown = list(chosen)
            for row in chosen:
                step = row
                while (step := self.continuation(step)) is not None:
                    # In the list's own paragraph an "Additionally, ..." carries it on
                    # however it scores; in the next one it must score near the list.
                    spells_out = SPELLS_OUT.match(self.index.sentences[step].text)
                    same_paragraph = (
                        self.index.sentences[step].paragraph == self.index.sentences[row].paragraph
                    )
                    if not (spells_out or same_paragraph) and relevance.get(step, -1.0) < floor:
                        break
                    if step not in grown:
                        grown.append(step)
            for row in list(grown):
                # "Other signed documents included ..." carries on a list of the
                # same kind told before it, maybe in the paragraph before: back
                # to where that list starts.
                step = row
                opener = OTHERS
                while opener.match(self.index.sentences[step].text):
                    sentence = self.index.sentences[step]
                    step = self.row_of.get((sentence.doc_id, sentence.number - 1))
                    text = self.index.sentences[step].text if step is not None else ""
                    if step in grown or not (CONTINUES.match(text) or enumeration(text)):
                        break
                    grown.append(step)
                    opener = CONTINUES
            for row in list(grown):
                grown += [step for step in self.spelled_out(row) if step not in grown]
                grown += [
                    step for step in self.whole_announced_list(question, row) if step not in grown
                ]
            for row in list(grown):
                before = self.antecedent(row, question, strict=True)
                if before is not None and before not in grown and before not in given:
                    grown.append(before)
            return sorted(grown)
        chosen = [best.row]
        # "When", "where", "who" and "how many" want one fact; other questions may be
        # answered alike by several sentences ("Was tourism on the agenda?").
        widen = question.wh in {"what", "which", "yes-no", ""} and intent != "quote"
        for e in evidence[1:] if widen else ():
            same_words = best.matched and e.matched >= best.matched
            same_actor = not question.subject or question.subject in self.actors[e.row]
            if (
                same_words
                and same_actor
                and e.relevance >= best.relevance - self.limits.fact_margin
            ):
                chosen.append(e.row)
        chosen += self.also_about(question, evidence, chosen)
        runner_up = evidence[1] if len(evidence) > 1 and intent != "quote" else None
        # Too close to call: citing both beats guessing between them.
        close = runner_up and runner_up.relevance >= best.relevance - self.limits.too_close
        if asks_topic(question):
            # "Did they discuss healthcare?": a sentence without "healthcare" is
            # no second answer, however close it scores.
            close = close and runner_up.matched >= best.matched
        if close and runner_up.row not in chosen and can_answer(runner_up):
            chosen.append(runner_up.row)
        # Best first: each answering sentence, then the sentence it leans on, or
        # after an announcement what spells it out.
        with_context: list[int] = []
        for row in chosen:
            with_context.append(row)
            if widen:
                with_context += [
                    step
                    for step in self.spelled_out(row) + self.whole_announced_list(question, row)
                    if step not in chosen + with_context and step not in given
                ]
            before = self.antecedent(row, question)
            if before is not None and before not in chosen + with_context and before not in given:
                with_context.append(before)
        return with_context
