"""Stories: articles about the same happening, grouped across outlets and wordings, one batch at a time.

An article's document vector is the sum of natasha's own word embeddings (navec, shipped with
natasha) of its words, each weighted by its rarity (IDF from `story_terms`, the document
frequencies of every article assigned so far) and by where it stands (the title counts
TITLE_WEIGHT times, the lead LEAD_WEIGHT times, the rest once), with the direction every news text
shares removed (`common_direction`), then scaled to length 1.

A story is the sum of its articles' vectors (its centroid) and its top entities. An article's score
against a story is the cosine of its vector with the centroid plus an entity bonus (ENTITY_BONUS times
the IDF-weighted Dice overlap of the article's main entities and the story's top entities); only stories
whose time span, widened by the window, holds the article's publication time are compared. The
article joins the best story when its score reaches the threshold and it shares enough entities with
it (MIN_ENTITY_SHARE, unless its cosine alone reaches COSINE_ALONE), else founds a story; a story
that also reaches the merge threshold is merged into the one joined (the bridge is recorded). A
near copy (`duplicate_of`) always joins its original's story; a new version of an article already
in a story stays there; an article without a publication time founds a story of its own.

Pure functions over Arrow tables and numpy arrays: `assign_stories` reads the batch and the
candidate stories the warehouse gave it, and says what changes. Reads `articles`: article_id,
source, title, text, published_at, duplicate_of; `mentions`: article_id, entity_id (within the
article). docs/stories.md describes the method and its measured quality.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from transforms.ids import stable_id

DIMENSIONS = 300  # navec's news embedding
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
LEAD_CHARS = 500  # the lead: the text's first characters (up to the end of the word there)
BODY_CHARS = 4000  # what tells the story is at the top (news are written so): the rest of a long text is not read
MIN_WORD_CHARS = 3
ARTICLE_ENTITIES = 8  # an article's main entities, by mentions, for the entity bonus
STORY_ENTITIES = 10  # a story's top entities (`stories.top_entities`)
ENTITY_TERM = "@"  # story_terms keys an entity's document frequency as "@<entity_id>"
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# Defaults of the settings (flows/settings.py declares the fields with these): chosen on news_bulk_dev, docs/stories.md.
DEFAULT_WINDOW_DAYS = 3.0
DEFAULT_THRESHOLD = 0.9
ENTITY_BONUS = 0.5
MERGE_MARGIN = 0.05  # a second story is merged only if the article scores threshold + this against it too
# Topic is not happening: two fires, two opinion pieces of one day read alike. An article joins a story only if
# it shares at least this IDF-weighted share of its main entities with it, or its cosine alone is this high.
MIN_ENTITY_SHARE = 0.3
COSINE_ALONE = 0.95

VECTOR = pa.list_(pa.float32(), DIMENSIONS)
STORY_ARTICLES_SCHEMA = pa.schema(
    [("article_id", pa.string()), ("story_id", pa.string()), ("joined_by", pa.string()), ("score", pa.float64()),
     ("vector", VECTOR)]
)  # fmt: skip
STORIES_SCHEMA = pa.schema([("story_id", pa.string()), ("centroid", VECTOR)])
STORY_MERGES_SCHEMA = pa.schema(
    [("story_id", pa.string()), ("merged_into", pa.string()), ("final_story_id", pa.string()),
     ("article_id", pa.string()), ("score", pa.float64())]
)  # fmt: skip
TERMS_SCHEMA = pa.schema([("term", pa.string()), ("n_articles", pa.int64())])
DELETED_SCHEMA = pa.schema([("story_id", pa.string())])


@dataclass(frozen=True)
class StoryParameters:
    """What decides stories; a run's are its settings of the same names (`runs.parameters`)."""

    story_window_days: float = DEFAULT_WINDOW_DAYS
    story_threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def of(cls, parameters: Mapping | None) -> StoryParameters:
        """The parameters among a run's recorded settings (defaults for a run recorded before stories)."""
        parameters = parameters or {}
        return cls(**{name: parameters[name] for name in cls.__dataclass_fields__ if name in parameters})

    @property
    def window_seconds(self) -> float:
        return self.story_window_days * 86400.0

    @property
    def merge_threshold(self) -> float:
        return self.story_threshold + MERGE_MARGIN


# ---------------------------------------------------------------- words and vectors


@dataclass(frozen=True)
class WordVectors:
    """navec's vocabulary and product-quantized vectors, and the direction all news texts share."""

    word_ids: Mapping[str, int]
    indexes: np.ndarray  # words x sub-vectors (uint8 centroid numbers)
    codes: np.ndarray  # sub-vectors x centroids x sub-dimensions
    norms: np.ndarray  # each word vector's length
    common: np.ndarray  # unit vector

    def unit_vectors(self, ids: np.ndarray) -> np.ndarray:
        """The words' vectors, each of length 1 (words x DIMENSIONS, float32)."""
        parts = self.codes[np.arange(self.codes.shape[0]), self.indexes[ids]]
        return parts.reshape(len(ids), DIMENSIONS) / np.maximum(self.norms[ids], 1e-12).astype(np.float32)[:, None]


def common_direction(indexes: np.ndarray, codes: np.ndarray, norms: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The frequency-weighted mean of the unit word vectors: what every text's sum leans towards.

    Computed from navec's own vocabulary counts, sub-vector by sub-vector (no full table in memory);
    on news_bulk_dev its cosine with the mean document vector is 0.97, so removing it is as good as
    removing the corpus's mean, and needs no corpus.
    """
    weights = counts / np.maximum(norms, 1e-12)
    parts = [
        np.bincount(indexes[:, q], weights=weights, minlength=codes.shape[1]) @ codes[q] for q in range(codes.shape[0])
    ]
    common = np.concatenate(parts)
    return common / np.linalg.norm(common)


@functools.cache
def word_vectors() -> WordVectors:
    """navec's vectors as natasha ships them, loaded once per process."""
    from transforms.models import load_embedding  # natasha: only where stories are assigned, not for readers

    embedding = load_embedding()
    pq = embedding.pq
    n_words = len(embedding.vocab.words) - 2  # the last two are <unk> and <pad>
    counts = np.asarray(embedding.vocab.counts[:n_words], dtype=np.float64)
    common = common_direction(pq.indexes[:n_words], pq.codes, pq.norm[:n_words], counts)
    return WordVectors(embedding.vocab.word_ids, pq.indexes, pq.codes, pq.norm, common)


def article_terms(title: str | None, text: str, word_ids: Mapping[str, int]) -> Counter:
    """The article's words that navec knows (lowercased, at least MIN_WORD_CHARS letters), each counted
    with its weight: TITLE_WEIGHT per title occurrence, LEAD_WEIGHT in the lead, 1 in the rest of the
    first BODY_CHARS characters."""
    terms: Counter = Counter()
    for word in WORD.findall((title or "").lower()):
        terms[word] += TITLE_WEIGHT
    for match in WORD.finditer(text[:BODY_CHARS].lower()):
        terms[match.group()] += LEAD_WEIGHT if match.start() < LEAD_CHARS else 1.0
    return Counter({w: n for w, n in terms.items() if len(w) >= MIN_WORD_CHARS and w in word_ids})


def idf(document_frequency: int, n_documents: int) -> float:
    """Smoothed inverse document frequency: 1 for a term every document has, more the rarer it is."""
    return math.log((1 + n_documents) / (1 + document_frequency)) + 1.0


def document_vectors(terms: list[Counter], rarity: Mapping[str, float], words: WordVectors) -> np.ndarray:
    """Each article's Σ (1 + log weight) · IDF · unit word vector, without the common direction, of length 1
    (zeros when it has no word navec knows): documents x DIMENSIONS, the batch's words looked up at once."""
    ordered = [sorted(t) for t in terms]
    lengths = np.array([len(o) for o in ordered], dtype=np.int64)
    vectors = np.zeros((len(terms), DIMENSIONS))
    if not lengths.sum():
        return vectors
    flat = [w for o in ordered for w in o]
    ids = np.fromiter((words.word_ids[w] for w in flat), dtype=np.int64, count=len(flat))
    weights = np.fromiter(
        ((1.0 + math.log(t[w])) * rarity[w] for t, o in zip(terms, ordered, strict=True) for w in o),
        dtype=np.float64,
        count=len(flat),
    )
    weighted = words.unit_vectors(ids) * weights.astype(np.float32)[:, None]
    present = lengths > 0
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[present]
    vectors[present] = np.add.reduceat(weighted, starts, axis=0, dtype=np.float64)
    vectors -= np.outer(vectors @ words.common, words.common)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


# ---------------------------------------------------------------- assignment


class StoryIndex:
    """The stories an assignment may touch, as arrays: centroids (sums of unit vectors), spans, sizes, entities."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.row: dict[str, int] = {}
        self.centroids = np.zeros((0, DIMENSIONS))
        self.first = np.zeros(0)  # epoch seconds, NaN when undated
        self.last = np.zeros(0)
        self.sizes = np.zeros(0, dtype=np.int64)
        self.entities: list[Counter] = []  # entity -> articles naming it (top entities for stored stories)
        self.touched: set[str] = set()

    def add_story(self, story_id: str, centroid, first, last, size: int, entities: Mapping[str, int]) -> None:
        self.row[story_id] = len(self.ids)
        self.ids.append(story_id)
        self.centroids = np.vstack([self.centroids, np.asarray(centroid, dtype=np.float64)[None, :]])
        self.first = np.append(self.first, np.nan if first is None else first)
        self.last = np.append(self.last, np.nan if last is None else last)
        self.sizes = np.append(self.sizes, size)
        self.entities.append(Counter(entities))

    def add(self, story_id: str, vector: np.ndarray, when: float | None, entities) -> None:
        k = self.row[story_id]
        self.centroids[k] += vector
        self.sizes[k] += 1
        self.entities[k].update(entities)
        if when is not None:
            self.first[k] = when if np.isnan(self.first[k]) else min(self.first[k], when)
            self.last[k] = when if np.isnan(self.last[k]) else max(self.last[k], when)
        self.touched.add(story_id)

    def remove(self, story_id: str, vector: np.ndarray) -> None:
        k = self.row[story_id]
        self.centroids[k] -= vector
        self.sizes[k] -= 1
        self.touched.add(story_id)

    def merge(self, absorbed: str, into: str) -> None:
        """Move story `absorbed` into `into`: centroids add up, spans and entities join."""
        a, b = self.row[absorbed], self.row[into]
        self.centroids[b] += self.centroids[a]
        self.sizes[b] += self.sizes[a]
        self.entities[b].update(self.entities[a])
        self.first[b] = np.fmin(self.first[a], self.first[b])
        self.last[b] = np.fmax(self.last[a], self.last[b])
        self.sizes[a] = 0
        self.touched.update((absorbed, into))

    def top_entities(self, k: int) -> list[str]:
        """The story's STORY_ENTITIES entities named by most of its articles (ties by id)."""
        ranked = sorted(self.entities[k].items(), key=lambda item: (-item[1], item[0]))
        return [entity for entity, _ in ranked[:STORY_ENTITIES]]

    def scores(self, vector: np.ndarray, when: float, window: float, entities: list[str], rarity, floor: float):
        """(story ids, scores) of the non-empty stories whose span widened by `window` holds `when`, scoring
        at least `floor`: cosine with the centroid plus the entity bonus."""
        with np.errstate(invalid="ignore"):
            eligible = np.flatnonzero((self.sizes > 0) & (self.first - window <= when) & (when <= self.last + window))
        if not len(eligible):
            return [], np.zeros(0)
        centroids = self.centroids[eligible]
        norms = np.maximum(np.linalg.norm(centroids, axis=1), 1e-12)
        cosines = centroids @ vector / norms
        shares = np.zeros(len(eligible))
        if entities:
            weights = {e: rarity.get(ENTITY_TERM + e, 1.0) for e in entities}
            for j in np.flatnonzero(cosines + ENTITY_BONUS >= floor):
                shares[j] = entity_overlap(weights, self.top_entities(eligible[j]), rarity)
        scores = cosines + ENTITY_BONUS * shares
        keep = (scores >= floor) & ((shares >= MIN_ENTITY_SHARE) | (cosines >= COSINE_ALONE))
        return [self.ids[k] for k in eligible[keep]], scores[keep]


def entity_overlap(article: Mapping[str, float], story: list[str], rarity: Mapping[str, float]) -> float:
    """IDF-weighted Dice overlap of an article's main entities (with their weights) and a story's top entities:
    2 · shared / (article's + story's), so one common entity («РФ») shared by an article naming nothing else
    weighs little, and an outlet's own name in every one of its articles no more."""
    story_weights = {e: rarity.get(ENTITY_TERM + e, 1.0) for e in story}
    shared = sum(w for e, w in article.items() if e in story_weights)
    total = sum(article.values()) + sum(story_weights.values())
    return 2 * shared / total if total else 0.0


@dataclass
class StoryAssignment:
    """What a batch changes: its articles' (and moved copies') memberships, the stories touched, merges,
    stories left empty, and the document frequencies to add."""

    story_articles: pa.Table
    stories: pa.Table
    merges: pa.Table
    deleted: pa.Table
    terms: pa.Table
    counts: dict[str, int] = field(default_factory=dict)


def _seconds(column: pa.ChunkedArray) -> list[float | None]:
    values = column.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_pylist()
    return [None if v is None else v / 1e6 for v in values]


def _vector_array(vectors: list[np.ndarray]) -> pa.FixedSizeListArray:
    """Vectors as a FLOAT[300] column."""
    flat = np.asarray(vectors, dtype=np.float32).reshape(-1) if vectors else np.zeros(0, dtype=np.float32)
    return pa.FixedSizeListArray.from_arrays(pa.array(flat, pa.float32()), DIMENSIONS)


def _vectors(column: pa.ChunkedArray) -> np.ndarray:
    """A FLOAT[300] column as a rows x DIMENSIONS float64 array."""
    flat = column.combine_chunks()
    if len(flat) == 0:
        return np.zeros((0, DIMENSIONS))
    return np.asarray(flat.values.to_numpy(zero_copy_only=False), dtype=np.float64).reshape(len(flat), DIMENSIONS)


def main_entities(mentions: pa.Table) -> dict[str, list[str]]:
    """Each article's ARTICLE_ENTITIES most mentioned entities (ties by id)."""
    per_article: dict[str, Counter] = {}
    for article_id, entity_id in zip(
        mentions.column("article_id").to_pylist(), mentions.column("entity_id").to_pylist(), strict=True
    ):
        per_article.setdefault(article_id, Counter())[entity_id] += 1
    return {
        article_id: [e for e, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:ARTICLE_ENTITIES]]
        for article_id, counts in per_article.items()
    }


def assign_stories(
    articles: pa.Table,
    mentions: pa.Table,
    candidates: pa.Table,
    members: pa.Table,
    stored_term_counts: Callable[[list[str]], Mapping[str, int]],
    n_documents: int,
    parameters: StoryParameters,
    words: WordVectors | None = None,
) -> StoryAssignment:
    """Assign each of `articles` (one batch, loaded) to a story.

    `candidates`: the stored stories that may change (story_id, first_seen, last_seen, n_articles,
    top_entities (list of structs with entity_id), centroid), i.e. those whose span widened by the
    window holds one of the batch's publication times, and those of `members`. `members`: stored
    memberships the batch may move (article_id, story_id, duplicate_of, vector): the batch's
    articles already stored, their originals and their stored near copies. `stored_term_counts`
    gives the stored document frequencies of the terms it is given; `n_documents`: articles
    assigned so far. The result
    depends on nothing else, so assigning the same batches in the same order gives the same stories.
    """
    words = words or word_vectors()
    window = parameters.window_seconds
    index = StoryIndex()
    for row, centroid in zip(
        candidates.select(["story_id", "first_seen", "last_seen", "n_articles", "top_entities"]).to_pylist(),
        _vectors(candidates.column("centroid")),
        strict=True,
    ):
        first, last = (None if row[k] is None else row[k].timestamp() for k in ("first_seen", "last_seen"))
        entities = {entry["entity_id"]: entry["n_articles"] for entry in row["top_entities"] or ()}
        index.add_story(row["story_id"], centroid, first, last, row["n_articles"], entities)
    stored = {
        row["article_id"]: (row["story_id"], row["duplicate_of"], vector)
        for row, vector in zip(
            members.select(["article_id", "story_id", "duplicate_of"]).to_pylist(),
            _vectors(members.column("vector")),
            strict=True,
        )
    }

    # Document frequencies first, so the batch's own words count in their rarity.
    rows = articles.select(["article_id", "title", "text", "duplicate_of"]).to_pylist()
    times = _seconds(articles.column("published_at"))
    entities_of = main_entities(mentions)
    terms = [article_terms(row["title"], row["text"], words.word_ids) for row in rows]
    added: Counter = Counter()
    for row, article_terms_ in zip(rows, terms, strict=True):
        added.update(article_terms_.keys())
        added.update(ENTITY_TERM + e for e in entities_of.get(row["article_id"], ()))
    n_total = n_documents + len(rows)
    story_terms = {ENTITY_TERM + e for named in index.entities for e in named}
    term_counts = stored_term_counts(sorted(story_terms | set(added)))
    rarity = {term: idf(term_counts.get(term, 0) + added.get(term, 0), n_total) for term in story_terms | set(added)}
    vectors = document_vectors(terms, rarity, words)

    memberships: dict[str, tuple[str, str, float | None, np.ndarray]] = {}  # article -> story, how, score, vector
    merges: list[dict] = []
    merged_into: dict[str, str] = {}
    counts: Counter = Counter()

    def current(story_id: str) -> str:
        while story_id in merged_into:
            story_id = merged_into[story_id]
        return story_id

    def story_of(article_id: str) -> str | None:
        if article_id in memberships:
            return current(memberships[article_id][0])
        if article_id in stored:
            return current(stored[article_id][0])
        return None

    def move(article_id: str, story_id: str, how: str, score, vector, when, entities) -> None:
        if article_id in stored and article_id not in memberships:  # a stored member leaves its story first
            index.remove(story_of(article_id), stored[article_id][2])
        elif article_id in memberships:
            index.remove(story_of(article_id), memberships[article_id][3])
        index.add(story_id, vector, when, entities)
        memberships[article_id] = (story_id, how, score, vector)

    def found(article_id: str, vector, when, entities) -> None:
        story_id = stable_id("story", article_id)
        if story_id not in index.row:  # (a story re-founded by a new version of its founder keeps its id)
            index.add_story(story_id, np.zeros(DIMENSIONS), None, None, 0, set())
            counts["n_stories_new"] += 1
        move(article_id, story_id, "founded", None, vector, when, entities)

    # Copies of the batch's own articles after the rest, in publication order (undated last), then by id.
    in_batch = {row["article_id"] for row in rows}
    order = sorted(
        range(len(rows)),
        key=lambda i: (rows[i]["duplicate_of"] in in_batch, times[i] is None, times[i] or 0.0, rows[i]["article_id"]),
    )
    for i in order:
        row, vector, when = rows[i], vectors[i], times[i]
        article_id, entities = row["article_id"], entities_of.get(row["article_id"], [])
        original = story_of(row["duplicate_of"]) if row["duplicate_of"] else None
        if original is not None:
            move(article_id, original, "near_copy", None, vector, when, entities)
            # its stored near copies (now copies of its original) follow it
            for copy_id, (_, duplicate_of, copy_vector) in sorted(stored.items()):
                if duplicate_of == article_id and copy_id not in memberships and story_of(copy_id) != original:
                    move(copy_id, original, "near_copy", None, copy_vector, None, ())
            continue
        previous = story_of(article_id)
        if previous is not None:  # a new version of a stored article stays in its story
            move(article_id, previous, "kept", None, vector, when, entities)
            continue
        if when is None or not vector.any():
            found(article_id, vector, when, entities)
            continue
        ids, scores = index.scores(vector, when, window, entities, rarity, parameters.story_threshold)
        if not ids:
            found(article_id, vector, when, entities)
            continue
        best = max(range(len(ids)), key=lambda k: (scores[k], ids[k]))
        joined = [
            ids[best],
            *(ids[k] for k in range(len(ids)) if k != best and scores[k] >= parameters.merge_threshold),
        ]
        # the largest story absorbs the others (the best-scoring one on a tie)
        into = max(joined, key=lambda sid: (index.sizes[index.row[sid]], sid == ids[best], sid))
        for other in joined:
            if other != into:
                index.merge(other, into)
                merged_into[other] = into
                merges.append(
                    {"story_id": other, "merged_into": into, "article_id": article_id,
                     "score": float(scores[ids.index(other)])}
                )  # fmt: skip
                counts["n_story_merges"] += 1
        move(article_id, into, "similar", float(scores[best]), vector, when, entities)

    live = [sid for sid in index.ids if sid in index.touched and sid not in merged_into]
    kept = [sid for sid in live if index.sizes[index.row[sid]] > 0]
    joined = list(memberships.items())
    return StoryAssignment(
        story_articles=pa.table(
            {
                "article_id": pa.array([a for a, _ in joined], pa.string()),
                "story_id": pa.array([current(m[0]) for _, m in joined], pa.string()),
                "joined_by": pa.array([m[1] for _, m in joined], pa.string()),
                "score": pa.array([m[2] for _, m in joined], pa.float64()),
                "vector": _vector_array([m[3] for _, m in joined]),
            },
            schema=STORY_ARTICLES_SCHEMA,
        ),
        stories=pa.table(
            {
                "story_id": pa.array(kept, pa.string()),
                "centroid": _vector_array([index.centroids[index.row[sid]] for sid in kept]),
            },
            schema=STORIES_SCHEMA,
        ),
        merges=pa.Table.from_pylist(
            [{**m, "final_story_id": current(m["story_id"])} for m in merges], schema=STORY_MERGES_SCHEMA
        ),
        deleted=pa.Table.from_pylist(
            [{"story_id": sid} for sid in live if index.sizes[index.row[sid]] == 0], schema=DELETED_SCHEMA
        ),
        terms=pa.Table.from_pylist([{"term": t, "n_articles": n} for t, n in sorted(added.items())], TERMS_SCHEMA),
        counts=dict(counts),
    )
