SELECT o.oid, c.name, s.sid FROM ord o, cust c, supp s WHERE o.cust = c.id AND o.supp = s.sid AND c.nation = s.nation;
