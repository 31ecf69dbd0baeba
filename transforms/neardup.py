"""Near-duplicates: MinHash signatures over word shingles and an LSH index across the warehouse.

`find_near_duplicates(articles, index)` reads `article_id` and `text`, sets
`duplicate_of` of each article whose text is a near copy (estimated Jaccard
similarity of word shingles at least the index's threshold) of an article
already in the index or earlier in the batch, and returns the batch with the
SIGNATURES_SCHEMA rows to store. The kept article is the one seen first; a
copy of a copy points to the kept article, never to another copy.

The index lives in memory for one run and is rebuilt at the start of the next
from the stored signatures (`NearDuplicateIndex.from_signatures`): one LSH
lookup costs the same whatever the size of the warehouse, and no article is
ever compared with all the others.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
SEED = 1  # every signature ever stored must use the same permutations and hashing scheme
SCHEME = "affine32"  # 32-bit hash values: stored as UINTEGER[]
SHINGLE_WORDS = 5
# Chosen on news_bulk_dev (see README): reposts with a changed lead or tail score 0.5-0.9;
# different articles on one story stay below 0.2.
DEFAULT_THRESHOLD = 0.5
WORD = re.compile(r"\w+")

SIGNATURES_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("signature", pa.list_(pa.uint32())),
        ("run_id", pa.string()),
    ]
)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Lower-cased word n-grams; a text shorter than `size` words is one shingle."""
    words = WORD.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def signature(text: str) -> LeanMinHash:
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(list(shingles(text)))
    return LeanMinHash(minhash)


def stored_signature(values: list[int]) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=np.asarray(values, dtype=np.uint32), scheme=SCHEME)


class NearDuplicateIndex:
    """An LSH index of signatures, with for each article the kept article it copies (or itself)."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD):
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"the near-duplicate threshold must be between 0 and 1, got {threshold}")
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, LeanMinHash] = {}
        self._kept: dict[str, str] = {}

    @classmethod
    def from_signatures(cls, stored: pa.Table, threshold: float = DEFAULT_THRESHOLD) -> NearDuplicateIndex:
        """Rebuild from stored rows of (article_id, signature, duplicate_of)."""
        index = cls(threshold)
        columns = stored.select(["article_id", "signature", "duplicate_of"]).to_pydict()
        for ident, values, duplicate_of in zip(columns["article_id"], columns["signature"], columns["duplicate_of"]):
            index.add(ident, stored_signature(values), duplicate_of or ident)
        return index

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, article_id: str, minhash: LeanMinHash, kept: str) -> None:
        if article_id in self._signatures:
            self.remove(article_id)
        self._lsh.insert(article_id, minhash, check_duplication=False)
        self._signatures[article_id] = minhash
        self._kept[article_id] = kept

    def remove(self, article_id: str) -> None:
        if article_id in self._signatures:
            self._lsh.remove(article_id)
            del self._signatures[article_id]
            del self._kept[article_id]

    def find(self, article_id: str, minhash: LeanMinHash) -> str | None:
        """The kept article that `minhash` nearly copies, or None.

        LSH candidates are checked against the threshold with their estimated
        Jaccard similarity; the most similar wins.
        """
        best, best_score = None, self.threshold
        for candidate in self._lsh.query(minhash):
            if candidate == article_id:
                continue
            score = minhash.jaccard(self._signatures[candidate])
            if score >= best_score:
                best, best_score = candidate, score
        if best is None:
            return None
        kept = self._kept[best]
        return None if kept == article_id else kept


def find_near_duplicates(articles: pa.Table, index: NearDuplicateIndex) -> tuple[pa.Table, pa.Table]:
    """Mark near copies in a batch and add the batch to `index`.

    Returns (articles with `duplicate_of` set, signatures as SIGNATURES_SCHEMA rows).
    """
    ids = articles.column("article_id").to_pylist()
    duplicate_of: list[str | None] = []
    signature_rows: list[dict] = []
    for ident, text in zip(ids, articles.column("text").to_pylist()):
        minhash = signature(text)
        kept = index.find(ident, minhash)
        index.add(ident, minhash, kept or ident)
        duplicate_of.append(kept)
        signature_rows.append({"article_id": ident, "signature": minhash.hashvalues.tolist(), "run_id": None})
    marked = articles.set_column(
        articles.schema.get_field_index("duplicate_of"), "duplicate_of", pa.array(duplicate_of, type=pa.string())
    )
    return marked, pa.Table.from_pylist(signature_rows, schema=SIGNATURES_SCHEMA)
