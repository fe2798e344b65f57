SELECT count(*), count(x), count(s), count(d), count(DISTINCT x), count(DISTINCT s) FROM t;
