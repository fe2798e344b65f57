SELECT count(*) FROM nums WHERE n IN (SELECT n * 3 FROM nums WHERE n < 1000);
