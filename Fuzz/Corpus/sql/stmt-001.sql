SELECT count(*) FROM sales WHERE amount IS NULL;
