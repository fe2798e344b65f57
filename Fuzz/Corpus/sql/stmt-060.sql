INSERT INTO a VALUES (1, 'one'), (2, 'two'), (2, 'two'), (3, 'three'), (NULL, 'null'), (NULL, 'null');
