-- Ad-hoc analyst queries over TPC-H, written on 2026-12-07 in two sets (B, then C) and each set
-- measured against DuckDB before any change made for it (Benchmarks/README.md, "fresh ad hoc").
-- Each is a question a dashboard or an analyst asks; none is special-cased anywhere.

-- B1
SELECT date_trunc('month', l_shipdate) AS month, l_shipmode, sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM lineitem
WHERE l_shipdate >= DATE '1995-01-01' AND l_shipdate < DATE '1996-01-01'
GROUP BY ALL ORDER BY ALL;
-- B2
SELECT c_name, n_name, count(*) AS orders
FROM customer JOIN orders ON o_custkey = c_custkey JOIN nation ON c_nationkey = n_nationkey
GROUP BY c_name, n_name ORDER BY orders DESC, c_name LIMIT 10;
-- B3
SELECT count(*) AS punctual_suppliers
FROM supplier s
WHERE NOT EXISTS (SELECT 1 FROM lineitem l WHERE l.l_suppkey = s.s_suppkey AND l.l_receiptdate > l.l_commitdate + INTERVAL 60 DAY);
-- B4
SELECT p_brand, count(*) AS above_brand_average
FROM part p
WHERE p_retailprice > (SELECT avg(p2.p_retailprice) FROM part p2 WHERE p2.p_brand = p.p_brand)
GROUP BY p_brand ORDER BY above_brand_average DESC, p_brand LIMIT 5;
-- B5
SELECT o_orderpriority, quantile_cont(o_totalprice, 0.95) AS p95, median(o_totalprice) AS p50
FROM orders GROUP BY o_orderpriority ORDER BY o_orderpriority;
-- B6
SELECT r_name, y, revenue, revenue / lag(revenue) OVER (PARTITION BY r_name ORDER BY y) - 1 AS growth
FROM (
    SELECT r_name, extract(year FROM o_orderdate) AS y, sum(o_totalprice) AS revenue
    FROM orders JOIN customer ON o_custkey = c_custkey JOIN nation ON c_nationkey = n_nationkey
         JOIN region ON n_regionkey = r_regionkey
    GROUP BY ALL
) t
ORDER BY r_name, y;
-- B7
SELECT substr(c_phone, 1, 2) || '-' || lower(c_mktsegment) AS segment, count(*) AS customers, avg(c_acctbal) AS balance
FROM customer GROUP BY segment ORDER BY customers DESC, segment LIMIT 5;
-- B8
SELECT o_orderpriority, count(*) AS big_orders, avg(x.discount) AS discount
FROM orders JOIN (
    SELECT l_orderkey, count(*) AS lines, avg(l_discount) AS discount
    FROM lineitem GROUP BY l_orderkey HAVING count(*) > 5
) x ON x.l_orderkey = o_orderkey
GROUP BY o_orderpriority ORDER BY o_orderpriority;
-- B9
SELECT l_shipmode, count(DISTINCT l_suppkey) AS suppliers, count(DISTINCT l_partkey) AS parts
FROM lineitem GROUP BY l_shipmode ORDER BY l_shipmode;
-- B10
SELECT c_mktsegment, count(*) AS idle_customers
FROM customer LEFT JOIN orders ON o_custkey = c_custkey AND o_orderdate >= DATE '1998-01-01'
WHERE o_orderkey IS NULL
GROUP BY c_mktsegment ORDER BY c_mktsegment;
-- B11
SELECT ps_partkey, sum(ps_supplycost * ps_availqty) AS stock_value
FROM partsupp JOIN supplier ON ps_suppkey = s_suppkey JOIN nation ON s_nationkey = n_nationkey
WHERE n_name IN ('FRANCE', 'GERMANY')
GROUP BY ps_partkey ORDER BY stock_value DESC, ps_partkey LIMIT 10;
-- B12
SELECT l_returnflag, CASE WHEN l_quantity < 10 THEN 'small' WHEN l_quantity < 30 THEN 'medium' ELSE 'large' END AS size,
       count(*) AS lines, sum(l_extendedprice) AS value
FROM lineitem JOIN orders ON l_orderkey = o_orderkey
WHERE o_orderstatus = 'F'
GROUP BY ALL ORDER BY ALL;

-- C1
SELECT l_shipmode, count(*) AS late_lines
FROM lineitem
WHERE l_orderkey IN (SELECT o_orderkey FROM orders WHERE o_orderpriority = '1-URGENT')
  AND l_receiptdate > l_commitdate
GROUP BY l_shipmode ORDER BY l_shipmode;
-- C2
SELECT o_custkey, o_orderkey, o_totalprice
FROM orders
QUALIFY row_number() OVER (PARTITION BY o_custkey ORDER BY o_totalprice DESC) = 1
ORDER BY o_totalprice DESC LIMIT 10;
-- C3
SELECT split_part(p_type, ' ', 1) AS family, count(*) AS parts, avg(p_retailprice) AS price
FROM part GROUP BY family ORDER BY family;
-- C4
SELECT count(DISTINCT l_orderkey) AS orders_with_returns
FROM lineitem WHERE l_returnflag = 'R';
-- C5
SELECT c_mktsegment, count(*) AS orders, sum(o_totalprice) AS value
FROM orders JOIN customer ON o_custkey = c_custkey
WHERE o_orderdate BETWEEN DATE '1996-01-01' AND DATE '1996-03-31'
GROUP BY c_mktsegment ORDER BY value DESC;
-- C6
SELECT s_name, count(*) AS lines
FROM lineitem JOIN supplier ON l_suppkey = s_suppkey
WHERE l_shipinstruct = 'DELIVER IN PERSON' AND l_shipmode IN ('AIR', 'REG AIR')
GROUP BY s_name ORDER BY lines DESC, s_name LIMIT 10;
-- C7
SELECT y, m, orders, sum(orders) OVER (PARTITION BY y ORDER BY m) AS running
FROM (SELECT year(o_orderdate) AS y, month(o_orderdate) AS m, count(*) AS orders FROM orders GROUP BY ALL) t
ORDER BY y, m LIMIT 24;
-- C8
SELECT l_linenumber, avg(l_quantity) AS q, stddev_samp(l_extendedprice) AS spread
FROM lineitem GROUP BY l_linenumber ORDER BY l_linenumber;
-- C9
SELECT count(*) FROM (
    SELECT l_orderkey FROM lineitem WHERE l_shipmode = 'MAIL'
    EXCEPT
    SELECT l_orderkey FROM lineitem WHERE l_shipmode = 'SHIP'
) t;
-- C10
SELECT n_name, count(*) AS customers
FROM customer JOIN nation ON c_nationkey = n_nationkey
WHERE c_acctbal > (SELECT avg(c_acctbal) FROM customer) AND c_phone LIKE '1%'
GROUP BY n_name ORDER BY customers DESC, n_name LIMIT 5;
-- C11
SELECT o_orderstatus, o_orderpriority, count(*) AS orders
FROM orders
WHERE NOT EXISTS (SELECT 1 FROM lineitem WHERE l_orderkey = o_orderkey AND l_discount > 0.09)
GROUP BY ALL ORDER BY ALL;
-- C12
SELECT p_container, sum(l_quantity) AS quantity
FROM lineitem JOIN part ON l_partkey = p_partkey
WHERE p_size BETWEEN 10 AND 20
GROUP BY p_container ORDER BY quantity DESC LIMIT 5;
