DESCRIBE SELECT o.o_id, r.r_id FROM orders o JOIN region r ON o.o_region = r.r_id WHERE o.o_total > 0;
