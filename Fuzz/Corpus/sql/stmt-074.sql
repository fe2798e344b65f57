SELECT o.region, o.amount * r.rate FROM orders o JOIN (VALUES ('north', 2), ('south', 3)) r(region, rate) ON o.region = r.region ORDER BY 1;
