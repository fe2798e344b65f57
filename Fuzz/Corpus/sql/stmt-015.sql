SELECT sum(price * n) FROM m;
