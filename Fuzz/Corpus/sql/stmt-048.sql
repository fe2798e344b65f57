INSERT INTO t VALUES (1, 10, 'a', 1.50), (2, NULL, 'b', NULL), (3, 30, NULL, 2.25), (4, NULL, NULL, NULL), (5, 10, 'a', 0.25);
