-- Window functions over TPC-H lineitem (6 M rows at SF 1), each wrapped in an aggregate so the
-- time is the window's, not the transfer of 6 M result rows. Run with
-- tools/tpch-vs-duckdb --sf 1 --query-file Benchmarks/tpch/analytics.sql.

-- row_number per supplier, by ship date
-- W1
SELECT max(rn), sum(rn) FROM (
    SELECT row_number() OVER (PARTITION BY l_suppkey ORDER BY l_shipdate, l_orderkey, l_linenumber) AS rn FROM lineitem);

-- a running sum per part
-- W2
SELECT sum(running) FROM (
    SELECT sum(l_quantity) OVER (PARTITION BY l_partkey ORDER BY l_shipdate, l_orderkey, l_linenumber) AS running FROM lineitem);

-- a 7-row moving average per supplier
-- W3
SELECT avg(moving) FROM (
    SELECT avg(l_extendedprice) OVER (PARTITION BY l_suppkey ORDER BY l_shipdate, l_orderkey, l_linenumber
                                      ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS moving FROM lineitem);

-- rank within each order's ship mode, and the share of the order's total
-- W4
SELECT sum(r), sum(share) FROM (
    SELECT rank() OVER (PARTITION BY l_shipmode ORDER BY l_extendedprice DESC) AS r,
           l_extendedprice / sum(l_extendedprice) OVER (PARTITION BY l_orderkey) AS share FROM lineitem);

-- a running sum over the whole table by date (one partition)
-- W5
SELECT max(running) FROM (
    SELECT sum(l_quantity) OVER (ORDER BY l_shipdate ROWS UNBOUNDED PRECEDING) AS running FROM lineitem);

-- daily revenue and its 7-day moving average (a dashboard series)
-- W6
SELECT count(*), sum(moving) FROM (
    SELECT l_shipdate, sum(l_extendedprice) AS revenue,
           avg(sum(l_extendedprice)) OVER (ORDER BY l_shipdate ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS moving
    FROM lineitem GROUP BY l_shipdate);

-- top 3 parts by quantity per supplier with QUALIFY
-- W7
SELECT count(*), sum(q) FROM (
    SELECT l_suppkey, l_partkey, sum(l_quantity) AS q FROM lineitem GROUP BY l_suppkey, l_partkey
    QUALIFY row_number() OVER (PARTITION BY l_suppkey ORDER BY sum(l_quantity) DESC, l_partkey) <= 3);

-- month over month change of revenue
-- W8
SELECT count(*), sum(change) FROM (
    SELECT month_start, revenue - lag(revenue) OVER (ORDER BY month_start) AS change FROM (
        SELECT date_trunc('month', l_shipdate) AS month_start, sum(l_extendedprice) AS revenue FROM lineitem GROUP BY 1));

-- the 95th percentile of price by ship mode and return flag (p95 by a dimension)
-- W9
SELECT l_shipmode, l_returnflag, percentile_cont(0.95) WITHIN GROUP (ORDER BY l_extendedprice) AS p95
FROM lineitem GROUP BY 1, 2 ORDER BY 1, 2;

-- the median quantity per supplier (10,000 groups)
-- W10
SELECT sum(m) FROM (SELECT l_suppkey, median(l_quantity) AS m FROM lineitem GROUP BY 1);

-- a report with subtotals: ROLLUP of three columns (13 + 7 + 2 + 1 rows)
-- W11
SELECT l_returnflag, l_linestatus, l_shipmode, sum(l_extendedprice) AS revenue, count(*) AS lines
FROM lineitem GROUP BY ROLLUP (l_returnflag, l_linestatus, l_shipmode) ORDER BY ALL;

-- CUBE of two columns with grouping() labels, a year taken from the date
-- W12
SELECT year(l_shipdate) AS y, l_shipmode, grouping(y, l_shipmode) AS g, avg(l_quantity) AS q
FROM lineitem GROUP BY CUBE (y, l_shipmode) ORDER BY ALL;

-- distinct orders and parts, estimated (HyperLogLog)
-- W13
SELECT approx_count_distinct(l_orderkey) AS orders, approx_count_distinct(l_partkey) AS parts FROM lineitem;

-- distinct customers' orders by ship mode, estimated, beside the exact count
-- W14
SELECT l_shipmode, approx_count_distinct(l_suppkey) AS suppliers, count(*) AS lines FROM lineitem GROUP BY 1 ORDER BY 1;

-- spread of prices and discounts by return flag: standard deviation, variance, correlation
-- W15
SELECT l_returnflag, round(stddev_samp(l_extendedprice), 4) AS sd, round(var_pop(l_quantity), 4) AS var,
       round(corr(l_extendedprice, l_quantity), 6) AS r
FROM lineitem GROUP BY 1 ORDER BY 1;
