"""The model card written beside the trained scorer (models/answer-scorer/README.md)."""

import json

import numpy as np

CARD = """# Answer scorer

The assistant's answer stage ranks retrieved sentences by this scorer, cites
the ones it accepts and refuses when none reaches its threshold
(`assistant/scorer.py`, `assistant/select.py`). It gives the probability that
a sentence answers a question or a part of it.

| | |
|---|---|
| base | {base} |
| what it reads | each question token against each token of the sentence and of the sentence before it (late interaction over the frozen token vectors the index keeps), the sentence cosines, the retriever's passage cosine and BM25, and the same comparison for the question of the turn before a follow-up: {n_features} features, with their gaps to the best candidate's and the best candidate's own values |
| sentence head | logistic regression over the {n_inputs} standardised inputs (L2 {l2}): the probability that the sentence answers the question or a part of it; a list cites every sentence at or above {threshold:.4f}, the cut with the best F1 on held-out candidates ({list_f1:.3f}) |
| question head | logistic regression over how near in meaning the question comes to the most probable candidate and to any candidate (late interaction and sentence cosines, and the question's nearness to unrelated text; no word-overlap feature): whether the text answers at all; refused below {answerable_threshold:.4f}, the cut that refuses {off_topic:.0%} of the held-out questions asked of an article about something else |
| files | `scorer.json` (heads, thresholds, figures), `idf.npy` (vocabulary IDF, {idf_kb:.0f} KB), `background.npy` ({background} SelQA sentence vectors, float16, {background_kb:.0f} KB: how near a question comes to text about nothing in particular); sha256 checked on load |

## Data

- **SQuAD 2.0 train**, first 10 articles (`squad2_train_first10.json`, 4,719
  questions, 348 unanswerable), each question asked of its whole article
  through the product's own index and retriever; a candidate is positive when
  it overlaps a gold answer span. CC BY-SA 4.0; Rajpurkar, Jia and Liang
  (2018), "Know What You Don't Know: Unanswerable Questions for SQuAD".
- **Off-topic**: one question in {off_topic_every} is also asked of another
  article, whose sentences cannot answer it.
- **Conversation**: {follow_up_percent}% of the questions that have one are asked as a follow-up of
  the question before them in the same paragraph.
- **Retyped**: {retyped_percent}% of the questions are rewritten the way people
  type them: lower case without a question mark, a letter dropped, a request
  for a passage ("Quote the sentence about ..."), or keywords alone.
- **Reworded**: {reworded_percent}% of the questions have up to two lower-case
  content words replaced by one of their {near_words} nearest words in the
  model's own input word vectors ("sectors" -> "industries"), as people who
  have not read the text ask without its words.
- **SelQA** answer sentence selection, dev and test splits (`selqa-ass-dev.json`,
  `selqa-ass-test.json`): its articles as one corpus, its questions with the
  sentences it marks correct; its sentences, with SQuAD's, give the IDF table
  and the background sample.
  Apache-2.0, Copyright 2016, Emory University; Jurczyk, Zhai and Choi (2016),
  "SelQA: A New Benchmark for Selection-based Question Answering".

Held out for the thresholds and the figures below: the SQuAD article "Spectre
(2015 film)", with 188 of the 348 unanswerable questions, its off-topic
questions, and a tenth of SelQA. Nothing was trained or tuned on `../shared/data/external/`,
`../shared/eval/` or the project's question sets.

## Training

```sh
python -m training --seed {seed}
```

{rows_train:,} training rows ({rows_held_out:,} held out); {minutes:.1f} minutes on this machine's two
CPU cores, most of it indexing the ten articles.

## Figures on the held-out split

| | answer sentence first | balanced accuracy found / not found | refused, by kind of unanswerable question |
|---|---|---|---|
| held out ({answerable} answerable, {unanswerable} unanswerable questions) | {top1:.3f} | {balanced:.3f} (the sentence head's best probability alone, at its best cut: {balanced_best_cut:.3f}) | {refused} |
| training split | {train_top1:.3f} | {train_balanced:.3f} | {train_refused} |

Figures on data the scorer never saw (SQuAD 2.0 dev, HotpotQA, QuAC, CoQA and
the question sets) are in the project README, measured with `assistant eval`.
"""


def write_card(path, params: dict) -> None:
    from training import data
    from training.train import L2, OFF_TOPIC_REFUSED

    held, train = params["held_out"], params["training_split"]
    root = path.parent
    text = CARD.format(
        base=params["base"],
        n_features=len(params["features"]) // 3,
        n_inputs=len(params["features"]),
        l2=L2,
        threshold=params["head"]["threshold"],
        answerable_threshold=params["answerable"]["threshold"],
        off_topic=OFF_TOPIC_REFUSED,
        list_f1=held["list_cut_f1"],
        refused=", ".join(f"{k} {v:.2f}" for k, v in held["refused_by_kind"].items()),
        train_refused=", ".join(f"{k} {v:.2f}" for k, v in train["refused_by_kind"].items()),
        idf_kb=(root / params["idf"]).stat().st_size / 1024,
        background=int(np.load(root / params["background"], mmap_mode="r").shape[0]),
        background_kb=(root / params["background"]).stat().st_size / 1024,
        retyped_percent=round(100 * data.RETYPED_SHARE),
        reworded_percent=round(100 * data.REWORDED_SHARE),
        near_words=data.NEAR_WORDS,
        off_topic_every=data.OFF_TOPIC_EVERY,
        follow_up_percent=round(100 * data.FOLLOW_UP_SHARE),
        seed=params["seed"],
        rows_train=params["rows"]["train"],
        rows_held_out=params["rows"]["held_out"],
        minutes=params["training_seconds"] / 60,
        answerable=held["answerable"],
        unanswerable=held["unanswerable"],
        top1=held["top1"],
        balanced=held["balanced"],
        balanced_best_cut=held["balanced_best_cut"],
        train_top1=train["top1"],
        train_balanced=train["balanced"],
    )
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Rewrite the card from scorer.json: `python -m training.card`."""
    from assistant.scorer import MODEL_DIR, PARAMS_FILE

    params = json.loads((MODEL_DIR / PARAMS_FILE).read_text(encoding="utf-8"))
    write_card(MODEL_DIR / "README.md", params)


if __name__ == "__main__":
    main()
