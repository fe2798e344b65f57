CREATE TABLE small AS SELECT 5000 + a.d * 100 + b.d * 10 + c.d AS k, 'p' AS tag FROM digit a, digit b, digit c UNION ALL SELECT 7000 + a.d * 100 + b.d * 10 + c.d, 'q' FROM digit a, digit b, digit c;
