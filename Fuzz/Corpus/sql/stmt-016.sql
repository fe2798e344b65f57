SELECT item_id, qty, brand FROM sale, item
WHERE (id = item_id AND brand = 'b12' AND qty BETWEEN 1 AND 11 AND size <= 5)
   OR (id = item_id AND brand = 'b23' AND qty BETWEEN 10 AND 20 AND mode = 'AIR')
   OR (id = item_id AND brand = 'b34' AND qty >= 20);
