INSERT INTO dst (id, region) SELECT id + 10, upper(region) FROM src WHERE region IS NOT NULL;
