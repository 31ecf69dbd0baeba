-- Row count and an order-independent hash of every row of one table.
SELECT count(*) AS n_rows, coalesce(sum(hash(t)), 0) AS checksum FROM query_table($table_name) AS t;
