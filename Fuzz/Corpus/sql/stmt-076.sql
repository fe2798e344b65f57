CREATE VIEW totals AS WITH pairs AS (SELECT b, a FROM t) SELECT count(*) AS n, sum(a) AS total FROM pairs;
