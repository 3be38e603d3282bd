from assistant.retrieve import Retriever, reciprocal_rank_fusion
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
