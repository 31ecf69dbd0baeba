"""The counts a run records: one `runs` column each (added by a migration; a test compares), with the
summary's label for each. Per batch they are also in `batches.counts`; a run's are the sums over its batches,
so a run killed half-way still accounts for what it loaded.

Every record read ends in exactly one of loaded, duplicate or quarantined:
n_read = n_loaded + n_duplicates + n_quarantined, and n_quarantined is the sum of the per-stage counts.
Duplicates include the records superseded in their batch by a later record of the same article
(n_superseded); an article loaded twice in a run (a newer version in a later batch) counts twice in n_loaded.
"""

from transforms.stages import Stage

RUN_COUNTS = {
    "n_read": "articles read",
    "n_loaded": "loaded",
    "n_duplicates": "duplicates",
    "n_superseded": "superseded in their batch",
    "n_quarantined": "quarantined",
    "n_quarantined_extract": "quarantined by extract",
    "n_quarantined_normalize": "quarantined by normalize",
    "n_quarantined_tag": "quarantined by tag-entities",
    "n_quarantined_events": "quarantined by tag-events",
    "n_quarantined_validate": "quarantined by validate",
    "n_near_duplicates": "near duplicates (loaded)",
    "n_no_date": "no publication date",
    "n_mentions": "mentions",
    "n_mentions_quarantined": "mentions quarantined",
    "n_entities": "entities",
    "n_date_mentions": "date mentions",
    "n_date_failures": "date parser failures",
    "n_date_mentions_quarantined": "date mentions quarantined",
    "n_events": "events",
    "n_event_participants": "event participants",
    "n_stories_new": "new stories",
    "n_story_merges": "stories merged",
}
# The stages that send whole records to quarantine, and the count of each.
QUARANTINED_BY_STAGE = {
    Stage.EXTRACT: "n_quarantined_extract",
    Stage.NORMALIZE: "n_quarantined_normalize",
    Stage.TAG_ENTITIES: "n_quarantined_tag",
    Stage.TAG_EVENTS: "n_quarantined_events",
    Stage.VALIDATE: "n_quarantined_validate",
}
# What `newsetl run` prints, in this order (the rest is in the `runs` row).
SUMMARY = (
    "n_read", "n_loaded", "n_duplicates", "n_quarantined", "n_near_duplicates", "n_no_date",
    "n_mentions", "n_entities", "n_date_mentions", "n_events", "n_stories_new",
)  # fmt: skip
# Articles loaded per language are counted as `language:<code>` (stored in `runs.languages`, not a column).
LANGUAGE_PREFIX = "language:"


def languages_of(counts) -> dict[str, int]:
    """Articles loaded per language, from the `language:<code>` counts."""
    return {
        key.removeprefix(LANGUAGE_PREFIX): n for key, n in sorted(counts.items()) if key.startswith(LANGUAGE_PREFIX)
    }
