SELECT name FROM cust WHERE EXISTS (SELECT * FROM ord WHERE ord.cust_id = cust.id);
