INSERT INTO fact SELECT a.d * 1000 + b.d * 100 + c.d * 10 + e.d - 20, (a.d * 7 + c.d) % 13 - 3, b.d + e.d FROM digit a, digit b, digit c, digit e;
