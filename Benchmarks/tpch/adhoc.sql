-- Ad-hoc analyst queries over the TPC-H tables, off the star path and written without tuning:
-- a join of two fact tables, IN / EXISTS / NOT EXISTS subqueries, a correlated aggregate, GROUP
-- BY a high-cardinality key, CASE buckets, string concatenation, COUNT(DISTINCT), date buckets.
-- Run with: tools/tpch-vs-duckdb --sf 1 --query-file Benchmarks/tpch/adhoc.sql

-- A1
SELECT o_orderpriority, extract(year FROM o_orderdate) AS y, sum(l_extendedprice) AS gross
FROM orders JOIN lineitem ON l_orderkey = o_orderkey
GROUP BY 1, 2 ORDER BY 1, 2;

-- A2
SELECT count(*) AS orders, sum(o_totalprice) AS total
FROM orders
WHERE o_orderkey IN (SELECT l_orderkey FROM lineitem WHERE l_shipmode = 'AIR' AND l_quantity > 45);

-- A3
SELECT c_mktsegment, count(*) AS customers
FROM customer
WHERE EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey AND o_orderpriority = '1-URGENT'
              AND o_orderdate >= DATE '1995-01-01' AND o_orderdate < DATE '1996-01-01')
GROUP BY 1 ORDER BY 1;

-- A4
SELECT l_orderkey, count(*) AS lines, sum(l_quantity) AS quantity
FROM lineitem GROUP BY l_orderkey HAVING count(*) >= 7
ORDER BY quantity DESC, l_orderkey LIMIT 20;

-- A5
SELECT CASE WHEN o_totalprice < 50000 THEN 'small' WHEN o_totalprice < 200000 THEN 'medium' ELSE 'large' END AS bucket,
       c_mktsegment, count(*) AS orders, avg(o_totalprice) AS average
FROM orders JOIN customer ON o_custkey = c_custkey
GROUP BY 1, 2 ORDER BY 1, 2;

-- A6
SELECT max(p_name || ' / ' || p_type) AS longest, count(DISTINCT p_brand || '-' || p_container) AS kinds
FROM part;

-- A7
SELECT n_name, count(*) AS suppliers
FROM supplier JOIN nation ON s_nationkey = n_nationkey
WHERE NOT EXISTS (SELECT 1 FROM lineitem WHERE l_suppkey = s_suppkey AND l_receiptdate > l_commitdate
                  AND l_shipdate >= DATE '1996-01-01' AND l_shipdate < DATE '1996-02-01')
GROUP BY 1 ORDER BY 1;

-- A8
SELECT count(*) AS pricey
FROM part p
WHERE p_retailprice > (SELECT 1.2 * avg(p2.p_retailprice) FROM part p2 WHERE p2.p_brand = p.p_brand);

-- A9
SELECT c_name, sum(o_totalprice) AS total
FROM customer JOIN orders ON o_custkey = c_custkey
GROUP BY c_name ORDER BY total DESC, c_name LIMIT 10;

-- A10
SELECT CAST(date_trunc('month', l_shipdate) AS DATE) AS month, count(*) AS lines, sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM lineitem WHERE l_shipdate >= DATE '1997-01-01'
GROUP BY 1 ORDER BY 1;

-- A11
SELECT o_orderstatus, count(DISTINCT o_custkey) AS customers
FROM orders GROUP BY 1 ORDER BY 1;
