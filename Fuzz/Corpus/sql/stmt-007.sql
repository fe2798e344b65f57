SELECT c.name, (SELECT sum(o.amount * c.id) FROM ord o WHERE o.cust_id = c.id) FROM cust c ORDER BY c.id;
