SELECT count(*) FROM fact f, pick p WHERE f.k = p.k AND f.v > 5;
