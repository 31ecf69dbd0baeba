SELECT source, key, size, mtime, content_hash, etag, last_modified
FROM source_state;
