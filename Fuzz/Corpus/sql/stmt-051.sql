SELECT id, price * 2 AS doubled FROM p ORDER BY doubled, id;
