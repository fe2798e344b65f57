SELECT * FROM (SELECT a, b FROM t) AS s (x, y) WHERE x > 2;
