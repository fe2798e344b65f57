WITH s AS (SELECT g, sum(x) AS total FROM p GROUP BY g), t AS (SELECT * FROM s WHERE total > 0)
SELECT g, total FROM t WHERE g <> 'a' ORDER BY g;
