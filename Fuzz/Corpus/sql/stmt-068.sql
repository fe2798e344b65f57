WITH g AS (SELECT grp, sum(v) AS total FROM t GROUP BY grp), h AS (SELECT grp FROM g WHERE total > 35) SELECT t.id FROM t JOIN h ON t.grp = h.grp;
