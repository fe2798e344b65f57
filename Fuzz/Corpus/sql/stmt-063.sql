SELECT c_region, count(*) FROM lineorder, customer, dates WHERE lo_custkey = c_custkey AND lo_orderdate = d_datekey AND d_year = 2025 AND lo_orderdate < DATE '2025-02-01' GROUP BY c_region;
