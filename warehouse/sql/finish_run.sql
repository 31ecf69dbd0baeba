UPDATE runs SET
    finished_at = now(),
    status = $status,
    error = $error,
    stage_seconds = $stage_seconds,
    n_read = $n_read,
    n_loaded = $n_loaded,
    n_duplicates = $n_duplicates,
    n_quarantined = $n_quarantined,
    n_quarantined_extract = $n_quarantined_extract,
    n_quarantined_normalize = $n_quarantined_normalize,
    n_quarantined_tag = $n_quarantined_tag,
    n_quarantined_validate = $n_quarantined_validate,
    n_mentions = $n_mentions,
    n_mentions_quarantined = $n_mentions_quarantined,
    n_entities = $n_entities
WHERE run_id = $run_id;
