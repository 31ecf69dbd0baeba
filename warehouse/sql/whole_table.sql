SELECT * FROM query_table($table_name);
