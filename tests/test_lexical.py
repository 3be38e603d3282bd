import numpy as np

from assistant.lexical import BM25

# Four sentences whose BM25 order a person can check by hand.
SENTENCES = [
    "The ministers signed a trade agreement.",
    "Farmers protested the trade agreement.",
    "Heavy floods hit the northern region.",
    "The trade ministers met again.",
]


def test_rarer_matching_words_rank_higher():
    bm25 = BM25.build(SENTENCES)
    scores = bm25.scores("Who signed the trade agreement?")
    assert BM25.top(scores, 4).tolist() == [0, 1, 3]  # 0 has "signed" too; 2 matches nothing


def test_top_ranks_like_a_full_stable_sort_ties_included():
    rng = np.random.default_rng(7)
    scores = rng.integers(0, 5, size=1000).astype(np.float32)  # many ties and zeros
    for k in (1, 10, 30, 2000):
        full = [int(r) for r in np.argsort(-scores, kind="stable")[:k] if scores[r] > 0]
        assert BM25.top(scores, k).tolist() == full


def test_saved_index_loads_with_the_same_scores(tmp_path):
    bm25 = BM25.build(SENTENCES)
    bm25.save(tmp_path)
    again = BM25.load(tmp_path)
    query = "trade ministers"
    assert np.array_equal(again.scores(query), bm25.scores(query))
    assert len(again) == len(SENTENCES)


def test_a_corpus_without_a_word_to_match_scores_zeros(tmp_path):
    bm25 = BM25.build(["The.", "It is."])  # stop words only
    assert bm25.scores("the trade").tolist() == [0.0, 0.0]
    bm25.save(tmp_path)
    assert BM25.load(tmp_path).scores("trade").tolist() == [0.0, 0.0]
