SELECT a * 2 AS a FROM multi WHERE a > 1;
