import numpy as np

from assistant.retrieve import Retriever, reciprocal_rank_fusion, score_fusion
from assistant.store import build_index
from tests.conftest import write

# Four sentences whose best match for each query a person can tell by hand.
ARTICLE = (
    "The ministers signed a trade agreement.\n"
    "Heavy floods hit the northern region.\n"
    "The central bank raised interest rates.\n"
    "A new railway will link the two capitals."
)


def retriever(settings, corpus_dir, embedder):
    write(corpus_dir, "a.txt", ARTICLE)
    return Retriever(build_index(settings, embedder), embedder)


def test_best_sentence_matches_the_query(settings, corpus_dir, fake_embedder):
    r = retriever(settings, corpus_dir, fake_embedder)
    assert r.search("Which floods hit the region?", k=1)[0].sentence.text.startswith("Heavy floods")
    assert r.search("railway capitals", k=1)[0].sentence.number == 4


def test_k_larger_than_the_corpus_is_clamped(settings, corpus_dir, fake_embedder):
    hits = retriever(settings, corpus_dir, fake_embedder).search("trade", k=50)
    assert len(hits) == 4
    assert len({h.row for h in hits}) == 4


def test_hits_carry_scores_from_each_ranking(settings, corpus_dir, fake_embedder):
    [hit] = retriever(settings, corpus_dir, fake_embedder).search("interest rates", k=1)
    assert hit.lexical > 0 and hit.dense > 0.3 and hit.score > 0


def test_fusion_rewards_agreement_between_rankings():
    fused = reciprocal_rank_fusion([[1, 2, 3], [2, 3, 1], [2, 1]], k=60)
    assert max(fused, key=fused.get) == 2


def test_score_fusion_keeps_how_far_apart_the_scores_are():
    # Ranks would tie items 0 and 1 (each first once); their margins do not.
    fused = score_fusion([np.array([1.0, 0.9, 0.0]), np.array([0.5, 1.0, 0.0])])
    assert fused.argmax() == 1 and fused.argmin() == 2


def test_rank_fusion_stays_available_and_both_rank_the_obvious_sentence_first(
    settings, corpus_dir, fake_embedder
):
    r = retriever(settings, corpus_dir, fake_embedder)
    for fusion in ("score", "rank"):
        [hit] = r.search("central bank interest rates", k=1, fusion=fusion)
        assert hit.sentence.number == 3
