import numpy as np

from assistant.settings import Settings
from assistant.vector_index import approximate_entry, approximate_layout, make_faiss


def unit_rows(n: int, dimension: int = 16) -> np.ndarray:
    rows = np.random.default_rng(0).standard_normal((n, dimension)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_index_kind_switches_at_the_exact_limit():
    settings = Settings(exact_index_limit=100)
    assert type(make_faiss(unit_rows(100), settings)).__name__ == "IndexFlatIP"
    approximate = make_faiss(unit_rows(101), settings)
    assert type(approximate).__name__ == "IndexRefineFlat"
    assert approximate_entry(approximate) == {"lists": 2, "probe": 1, "refine_factor": 4.0}


def test_list_count_follows_the_square_root_rule_and_the_share_searched():
    settings = Settings()
    assert approximate_layout(1_000_000, settings) == (4096, 512)
    assert approximate_layout(100_001, settings) == (1024, 128)
    assert approximate_layout(4_000_000, Settings(ivf_probe_share=0.25)) == (8192, 2048)


def test_approximate_index_scores_are_exact_and_it_keeps_every_vector():
    vectors = unit_rows(2000)
    index = make_faiss(vectors, Settings(exact_index_limit=10, ivf_probe_share=1.0))
    scores, rows = index.search(vectors[:5], 3)
    assert rows[:, 0].tolist() == [0, 1, 2, 3, 4]
    assert np.allclose(scores[:, 0], 1.0, atol=1e-5)
    assert np.allclose(index.reconstruct_n(0, 2000), vectors)
