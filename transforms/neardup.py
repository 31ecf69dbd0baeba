"""Near-duplicates: MinHash signatures over word shingles and an LSH index across the warehouse.

`find_near_duplicates(articles, index)` reads `article_id` and `text`, sets
`duplicate_of` of each article whose text is a near copy (estimated Jaccard
similarity of word shingles at least the index's threshold) of an article
already in the index or earlier in the batch, and returns the batch with the
ARTICLE_SIGNATURES_SCHEMA rows to store. The kept article is the one seen first; a
copy of a copy points to the kept article, never to another copy.

Stored articles are looked up in the warehouse: `stored_candidates` is given
the batch's signatures and returns the stored articles sharing an LSH band with
them (the warehouse keeps every signature's band hashes), so one lookup costs
one join whatever the size of the warehouse, no article is compared with all
the others, and the flow holds no index of the warehouse. The in-memory
`NearDuplicateIndex` holds only the articles of this run not stored yet (the
batches in flight).

The threshold is the caller's: a run's is the `near_duplicate_threshold`
setting (flows/settings.py). On news_bulk_dev reposts with a changed lead or
tail score 0.5-0.9, different articles on one story below 0.2.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
from datasketch import LeanMinHash, MinHash, MinHashLSH

from transforms.schemas import ARTICLE_SIGNATURES_SCHEMA

NUM_PERM = 128
SEED = 1  # every signature ever stored must use the same permutations and hashing scheme
SCHEME = "affine32"  # 32-bit hash values: stored as UINTEGER[]
SHINGLE_WORDS = 5
WORD = re.compile(r"\w+")


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


# A candidate for a lookup: its article id, signature and the kept article it copies (itself if none).
Candidate = tuple[str, LeanMinHash, str]


class NearDuplicateIndex:
    """An in-memory LSH index of signatures, with for each article the kept article it copies (or itself).

    A run holds in it only its articles not stored yet; stored ones come from
    the warehouse as candidates to `find`.
    """

    def __init__(self, threshold: float):
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"the near-duplicate threshold must be between 0 and 1, got {threshold}")
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.banding = (self._lsh.b, self._lsh.r)  # (bands, values per band): the warehouse's lookups use it too
        self._signatures: dict[str, LeanMinHash] = {}
        self._kept: dict[str, str] = {}

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

    def find(self, article_id: str, minhash: LeanMinHash, stored: list[Candidate] = ()) -> str | None:
        """The kept article that `minhash` nearly copies, or None.

        Candidates are the LSH candidates held here and `stored` ones (the
        warehouse's; an article held here is newer than its stored version).
        Each is checked against the threshold with its estimated Jaccard
        similarity; the most similar wins, the smallest id on a tie.
        """
        candidates = [(c, self._signatures[c], self._kept[c]) for c in self._lsh.query(minhash)]
        candidates += [c for c in stored if c[0] not in self._signatures]
        best, best_score = None, self.threshold
        for candidate, other, kept in candidates:
            if candidate == article_id:
                continue
            score = minhash.jaccard(other)
            if score > best_score or (score == best_score and (best is None or candidate < best[0])):
                best, best_score = (candidate, kept), score
        if best is None:
            return None
        return None if best[1] == article_id else best[1]


def find_near_duplicates(
    articles: pa.Table,
    index: NearDuplicateIndex,
    stored_candidates: Callable[[pa.Table], pa.Table] | None = None,
) -> tuple[pa.Table, pa.Table]:
    """Mark near copies in a batch and add the batch to `index`.

    `stored_candidates(signatures)` returns, for the batch's ARTICLE_SIGNATURES_SCHEMA
    rows, the stored candidates as rows of (query_id, article_id, signature,
    kept); without it only `index` is searched.
    Returns (articles with `duplicate_of` set, signatures as ARTICLE_SIGNATURES_SCHEMA rows).
    """
    ids = articles.column("article_id").to_pylist()
    minhashes = [signature(text) for text in articles.column("text").to_pylist()]
    signatures = pa.table(
        {
            "article_id": pa.array(ids, type=pa.string()),
            "signature": pa.array([m.hashvalues.tolist() for m in minhashes], type=pa.list_(pa.uint32())),
            "run_id": pa.nulls(len(ids), type=pa.string()),
        },
        schema=ARTICLE_SIGNATURES_SCHEMA,
    )
    stored: dict[str, list[Candidate]] = {}
    if stored_candidates is not None and ids:
        for row in stored_candidates(signatures).to_pylist():
            stored.setdefault(row["query_id"], []).append(
                (row["article_id"], stored_signature(row["signature"]), row["kept"])
            )
    duplicate_of: list[str | None] = []
    for ident, minhash in zip(ids, minhashes, strict=True):
        kept = index.find(ident, minhash, stored.get(ident, []))
        index.add(ident, minhash, kept or ident)
        duplicate_of.append(kept)
    marked = articles.set_column(
        articles.schema.get_field_index("duplicate_of"), "duplicate_of", pa.array(duplicate_of, type=pa.string())
    )
    return marked, signatures
