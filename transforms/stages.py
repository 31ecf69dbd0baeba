"""The names of a run's stages: one set for task names, quarantine rows, stage times, reports and docs."""

from enum import StrEnum


class Stage(StrEnum):
    """A stage of a run, named as the Prefect UI, `quarantine.stage` and `runs.stage_seconds` show it."""

    # What an article goes through, in order (ARTICLE_STAGES).
    EXTRACT = "extract"
    NORMALIZE = "normalize"
    DEDUPE = "dedupe"
    FIND_NEAR_DUPLICATES = "find-near-duplicates"
    DETECT_LANGUAGE = "detect-language"
    TAG_ENTITIES = "tag-entities"
    TAG_DATES = "tag-dates"
    TAG_EVENTS = "tag-events"
    VALIDATE = "validate"
    LOAD = "load"
    # Steps around them, once per batch or per run.
    TAG_BATCH = "tag-batch"  # a worker's task: tag-entities, tag-dates and tag-events of one batch
    WAIT_FOR_TAGGING = "wait-for-tagging"  # the flow's wait for a worker's tag-batch
    INDEX_SIGNATURES = "index-signatures"
    RECORD_VALIDATION = "record-validation"
    BUILD_DATA_DOCS = "build-data-docs"
    ASSIGN_STORIES = "assign-stories"  # the batch's articles into stories, before its load
    LINK_ENTITIES = "link-entities"
    GROUP_EVENTS = "group-events"  # consolidated events (event_groups), once a run has linked its entities
    CHECK_INTEGRITY = "check-integrity"  # the warehouse's references and counts, once a run has loaded


ARTICLE_STAGES = tuple(Stage)[: list(Stage).index(Stage.LOAD) + 1]
