-- Whole tables, by name (bound as $table_name): to compare two warehouses, to keep rows across a rebuild.

-- name: list_tables
SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name;

-- name: table_checksum
-- Row count and an order-independent hash of every row of one table.
SELECT count(*) AS n_rows, coalesce(sum(hash(t)), 0) AS checksum FROM query_table($table_name) AS t;

-- name: whole_table
SELECT * FROM query_table($table_name);

-- name: empty_table
-- A table's columns with no rows: what a batch that wrote nothing to it looks like.
SELECT * FROM query_table($table_name) LIMIT 0;
