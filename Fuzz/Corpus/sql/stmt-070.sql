SELECT t.table_name, count(c.column_name) FROM starling.tables t JOIN starling.columns c ON t.table_name = c.table_name GROUP BY t.table_name ORDER BY 1;
