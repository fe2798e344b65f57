SELECT region, product, sum(amount), count(*), grouping(region, product) FROM sales GROUP BY ROLLUP (region, product) ORDER BY region, product, 5;
