"""The index's store of every sentence's token vectors, for the answer scorer.

The scorer compares each token of a question with each token of a candidate
sentence (late interaction), so the sentences' contextual token vectors are
kept from the pass that embeds them at build time: encoding a dozen candidates
again at question time would take longer than everything else a question
costs. Each vector is kept in int8 with its own scale (a quarter of float32,
cosines within about 0.01), with the token's vocabulary id, in four plain
files that are memory-mapped on load:

- `tokens.npy`          (all tokens, dimension) int8
- `token_scales.npy`    (all tokens,) float32: the vector is int8 * scale
- `token_ids.npy`       (all tokens,) int32
- `token_offsets.npy`   (sentences + 1,) int64: sentence i is rows offsets[i]:offsets[i+1]

This module does not encode anything (embedding.py) or score (scorer.py).
"""

from pathlib import Path

import numpy as np

from assistant.embedding import Tokens, unit_rows

FILES = ("tokens.npy", "token_scales.npy", "token_ids.npy", "token_offsets.npy")


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and the scale of each, so that rows * scale ~ vectors.

    >>> q, scale = quantize(np.array([[0.5, -1.0], [0.0, 0.0]], dtype=np.float32))
    >>> q.tolist(), scale.tolist()
    ([[64, -127], [0, 0]], [0.007874015718698502, 1.0])
    """
    largest = np.abs(vectors).max(axis=1) if len(vectors) else np.zeros(0, dtype=np.float32)
    scale = np.where(largest > 0, largest / 127.0, 1.0).astype(np.float32)
    return np.round(vectors / scale[:, None]).astype(np.int8), scale


def save_array(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as handle:  # a path not ending in .npy would get one appended
        np.save(handle, np.ascontiguousarray(array), allow_pickle=False)


class TokenStore:
    def __init__(self, vectors, scales, ids, offsets):
        self.vectors, self.scales, self.ids, self.offsets = vectors, scales, ids, offsets

    @classmethod
    def build(cls, tokens: list[Tokens], dimension: int) -> "TokenStore":
        offsets = np.zeros(len(tokens) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(t.ids) for t in tokens])
        if tokens and offsets[-1]:
            vectors, scales = quantize(np.concatenate([t.vectors for t in tokens]))
            ids = np.concatenate([t.ids for t in tokens]).astype(np.int32)
        else:
            vectors = np.zeros((0, dimension), dtype=np.int8)
            scales, ids = np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int32)
        return cls(vectors, scales, ids, offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, row: int) -> Tokens:
        a, b = int(self.offsets[row]), int(self.offsets[row + 1])
        vectors = self.vectors[a:b].astype(np.float32) * self.scales[a:b, None]
        return Tokens(unit_rows(vectors), np.asarray(self.ids[a:b]))

    def save(self, folder: Path, write) -> list[str]:
        """Write the four files through write(folder, name, fn) (atomic writes)."""
        arrays = (self.vectors, self.scales, self.ids, self.offsets)
        for name, array in zip(FILES, arrays, strict=True):
            write(folder, name, lambda path, a=array: save_array(path, a))
        return list(FILES)

    @classmethod
    def load(cls, folder: Path) -> "TokenStore":
        arrays = [np.load(folder / name, mmap_mode="r", allow_pickle=False) for name in FILES]
        store = cls(*arrays)
        if len(store.scales) != len(store.vectors) or len(store.ids) != len(store.vectors):
            raise ValueError("token files of different lengths")
        if int(store.offsets[-1]) != len(store.vectors):
            raise ValueError("token offsets do not match the token files")
        return store
