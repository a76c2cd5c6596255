"""The goods description as evidence: hashed word n-grams with strictly-past track records.

A description is cut into lower-case words; each word and each pair of neighbouring words is hashed
(CRC-32, stable across machines and runs; no vocabulary, nothing downloaded) into 2^20 buckets. Each bucket
keeps a track record like any declared code, and a line's features are the best and the mean smoothed
irregularity rate over its n-grams, and how many of its n-grams have been inspected before. Collisions only
merge two rare n-grams' records.
"""

import itertools
import re
import zlib

import numpy as np

BUCKETS = 1 << 20
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def ngrams(description: str) -> list[str]:
    words = _WORD.findall(description.lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def bucket(gram: str) -> int:
    return zlib.crc32(gram.encode()) % BUCKETS


def hashed(descriptions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row index, bucket) of every distinct n-gram of every description, as two int64 arrays."""
    rows: list[int] = []
    codes: list[int] = []
    cache: dict[str, list[int]] = {}
    for i, text in enumerate(descriptions):
        if text not in cache:
            cache[text] = sorted({bucket(g) for g in ngrams(str(text))})
        found = cache[text]
        rows.extend([i] * len(found))
        codes.extend(found)
    return np.array(rows, np.int64), np.array(codes, np.int64)


def best_gram(description: str, wanted: int) -> str:
    """The n-gram of a description that falls into bucket `wanted` (for the explanation)."""
    return next((g for g in ngrams(description) if bucket(g) == wanted), "")
