-- A table's columns with no rows: what a batch that wrote nothing to it looks like.
SELECT * FROM query_table($table_name) LIMIT 0;
