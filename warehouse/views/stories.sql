-- Analytics count a story once: near copies (duplicate_of set) are left out.
CREATE OR REPLACE VIEW stories AS
SELECT * FROM articles WHERE duplicate_of IS NULL;
