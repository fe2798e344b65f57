/// The Star Schema Benchmark's schema and 13 queries, built into the binary so `starling bench ssb`
/// runs anywhere. The same text as Benchmarks/ssb/schema.sql and queries.sql (a test keeps them
/// equal); those files are what the DuckDB comparison tools read.

/// SSB's CREATE TABLE statements and queries.
public enum SSBWorkload {
    /// Benchmarks/ssb/schema.sql.
    public static let schema = #"""
-- Star Schema Benchmark (O'Neil et al., SSB specification rev. 3) for Starling.
-- Data: tools/ssb-data.py --sf SF --out DIR (or ssb-dbgen), one DIR/<table>.tbl per table;
-- the date dimension is the table `dates` (its file may be called date.tbl).
-- Money columns are whole cents in INTEGER, as ssb-dbgen writes them, so every sum is an exact
-- BIGINT (HUGEINT in DuckDB) in both engines. Dates are YYYYMMDD integer keys of `dates`.
-- lineorder is unpartitioned (PARTITION BY needs a DATE column, and lo_orderdate is an integer key)
-- but stored in order date order (sort_key): each segment's rows sorted by lo_orderdate's row code,
-- so row groups hold a few months each and a filter on the date dimension skips the others.
-- lineorder's chunks are compressed with ZSTD (level 3) rather than the default LZ4: 2 % smaller
-- at SF 10 (its small columns: line numbers, priorities, tax, discount), loads and queries as fast.

CREATE TABLE dates (
    d_datekey          INTEGER PRIMARY KEY,
    d_date             VARCHAR(18),
    d_dayofweek        VARCHAR(9),
    d_month            VARCHAR(9),
    d_year             SMALLINT,
    d_yearmonthnum     INTEGER,
    d_yearmonth        VARCHAR(7),
    d_daynuminweek     TINYINT,
    d_daynuminmonth    TINYINT,
    d_daynuminyear     SMALLINT,
    d_monthnuminyear   TINYINT,
    d_weeknuminyear    TINYINT,
    d_sellingseason    VARCHAR(12),
    d_lastdayinweekfl  TINYINT,
    d_lastdayinmonthfl TINYINT,
    d_holidayfl        TINYINT,
    d_weekdayfl        TINYINT
);

CREATE TABLE customer (
    c_custkey    INTEGER PRIMARY KEY,
    c_name       VARCHAR(25),
    c_address    VARCHAR(25),
    c_city       VARCHAR(10),
    c_nation     VARCHAR(15),
    c_region     VARCHAR(12),
    c_phone      VARCHAR(15),
    c_mktsegment VARCHAR(10)
);

CREATE TABLE supplier (
    s_suppkey INTEGER PRIMARY KEY,
    s_name    VARCHAR(25),
    s_address VARCHAR(25),
    s_city    VARCHAR(10),
    s_nation  VARCHAR(15),
    s_region  VARCHAR(12),
    s_phone   VARCHAR(15)
);

CREATE TABLE part (
    p_partkey   INTEGER PRIMARY KEY,
    p_name      VARCHAR(22),
    p_mfgr      VARCHAR(6),
    p_category  VARCHAR(7),
    p_brand1    VARCHAR(9),
    p_color     VARCHAR(11),
    p_type      VARCHAR(25),
    p_size      TINYINT,
    p_container VARCHAR(10)
);

CREATE TABLE lineorder (
    lo_orderkey      BIGINT NOT NULL,
    lo_linenumber    TINYINT NOT NULL,
    lo_custkey       INTEGER REFERENCES customer (c_custkey),
    lo_partkey       INTEGER REFERENCES part (p_partkey),
    lo_suppkey       INTEGER REFERENCES supplier (s_suppkey),
    lo_orderdate     INTEGER REFERENCES dates (d_datekey),
    lo_orderpriority VARCHAR(15),
    lo_shippriority  VARCHAR(1),
    lo_quantity      TINYINT,
    lo_extendedprice INTEGER,
    lo_ordtotalprice INTEGER,
    lo_discount      TINYINT,
    lo_revenue       INTEGER,
    lo_supplycost    INTEGER,
    lo_tax           TINYINT,
    lo_commitdate    INTEGER,
    lo_shipmode      VARCHAR(10)
) WITH (sort_key = 'lo_orderdate', compression = 'zstd');

"""#

    /// Benchmarks/ssb/queries.sql: each query after a `-- Qn.m` line.
    public static let queries = #"""
-- The 13 Star Schema Benchmark queries (O'Neil et al., SSB specification rev. 3), in their
-- standard comma-join form; the date dimension is named `dates`. Each query has a `-- Qn.m`
-- line before it and ends with `;` (tools/compare-with-duckdb relies on both).

-- Q1.1
SELECT sum(lo_extendedprice * lo_discount) AS revenue
FROM lineorder, dates
WHERE lo_orderdate = d_datekey
  AND d_year = 1993
  AND lo_discount BETWEEN 1 AND 3
  AND lo_quantity < 25;

-- Q1.2
SELECT sum(lo_extendedprice * lo_discount) AS revenue
FROM lineorder, dates
WHERE lo_orderdate = d_datekey
  AND d_yearmonthnum = 199401
  AND lo_discount BETWEEN 4 AND 6
  AND lo_quantity BETWEEN 26 AND 35;

-- Q1.3
SELECT sum(lo_extendedprice * lo_discount) AS revenue
FROM lineorder, dates
WHERE lo_orderdate = d_datekey
  AND d_weeknuminyear = 6
  AND d_year = 1994
  AND lo_discount BETWEEN 5 AND 7
  AND lo_quantity BETWEEN 26 AND 35;

-- Q2.1
SELECT sum(lo_revenue), d_year, p_brand1
FROM lineorder, dates, part, supplier
WHERE lo_orderdate = d_datekey
  AND lo_partkey = p_partkey
  AND lo_suppkey = s_suppkey
  AND p_category = 'MFGR#12'
  AND s_region = 'AMERICA'
GROUP BY d_year, p_brand1
ORDER BY d_year, p_brand1;

-- Q2.2
SELECT sum(lo_revenue), d_year, p_brand1
FROM lineorder, dates, part, supplier
WHERE lo_orderdate = d_datekey
  AND lo_partkey = p_partkey
  AND lo_suppkey = s_suppkey
  AND p_brand1 BETWEEN 'MFGR#2221' AND 'MFGR#2228'
  AND s_region = 'ASIA'
GROUP BY d_year, p_brand1
ORDER BY d_year, p_brand1;

-- Q2.3
SELECT sum(lo_revenue), d_year, p_brand1
FROM lineorder, dates, part, supplier
WHERE lo_orderdate = d_datekey
  AND lo_partkey = p_partkey
  AND lo_suppkey = s_suppkey
  AND p_brand1 = 'MFGR#2239'
  AND s_region = 'EUROPE'
GROUP BY d_year, p_brand1
ORDER BY d_year, p_brand1;

-- Q3.1
SELECT c_nation, s_nation, d_year, sum(lo_revenue) AS revenue
FROM customer, lineorder, supplier, dates
WHERE lo_custkey = c_custkey
  AND lo_suppkey = s_suppkey
  AND lo_orderdate = d_datekey
  AND c_region = 'ASIA'
  AND s_region = 'ASIA'
  AND d_year >= 1992 AND d_year <= 1997
GROUP BY c_nation, s_nation, d_year
ORDER BY d_year ASC, revenue DESC;

-- Q3.2
SELECT c_city, s_city, d_year, sum(lo_revenue) AS revenue
FROM customer, lineorder, supplier, dates
WHERE lo_custkey = c_custkey
  AND lo_suppkey = s_suppkey
  AND lo_orderdate = d_datekey
  AND c_nation = 'UNITED STATES'
  AND s_nation = 'UNITED STATES'
  AND d_year >= 1992 AND d_year <= 1997
GROUP BY c_city, s_city, d_year
ORDER BY d_year ASC, revenue DESC;

-- Q3.3
SELECT c_city, s_city, d_year, sum(lo_revenue) AS revenue
FROM customer, lineorder, supplier, dates
WHERE lo_custkey = c_custkey
  AND lo_suppkey = s_suppkey
  AND lo_orderdate = d_datekey
  AND (c_city = 'UNITED KI1' OR c_city = 'UNITED KI5')
  AND (s_city = 'UNITED KI1' OR s_city = 'UNITED KI5')
  AND d_year >= 1992 AND d_year <= 1997
GROUP BY c_city, s_city, d_year
ORDER BY d_year ASC, revenue DESC;

-- Q3.4
SELECT c_city, s_city, d_year, sum(lo_revenue) AS revenue
FROM customer, lineorder, supplier, dates
WHERE lo_custkey = c_custkey
  AND lo_suppkey = s_suppkey
  AND lo_orderdate = d_datekey
  AND (c_city = 'UNITED KI1' OR c_city = 'UNITED KI5')
  AND (s_city = 'UNITED KI1' OR s_city = 'UNITED KI5')
  AND d_yearmonth = 'Dec1997'
GROUP BY c_city, s_city, d_year
ORDER BY d_year ASC, revenue DESC;

-- Q4.1
SELECT d_year, c_nation, sum(lo_revenue - lo_supplycost) AS profit
FROM dates, customer, supplier, part, lineorder
WHERE lo_custkey = c_custkey
  AND lo_suppkey = s_suppkey
  AND lo_partkey = p_partkey
  AND lo_orderdate = d_datekey
  AND c_region = 'AMERICA'
  AND s_region = 'AMERICA'
  AND (p_mfgr = 'MFGR#1' OR p_mfgr = 'MFGR#2')
GROUP BY d_year, c_nation
ORDER BY d_year, c_nation;

-- Q4.2
SELECT d_year, s_nation, p_category, sum(lo_revenue - lo_supplycost) AS profit
FROM dates, customer, supplier, part, lineorder
WHERE lo_custkey = c_custkey
  AND lo_suppkey = s_suppkey
  AND lo_partkey = p_partkey
  AND lo_orderdate = d_datekey
  AND c_region = 'AMERICA'
  AND s_region = 'AMERICA'
  AND (d_year = 1997 OR d_year = 1998)
  AND (p_mfgr = 'MFGR#1' OR p_mfgr = 'MFGR#2')
GROUP BY d_year, s_nation, p_category
ORDER BY d_year, s_nation, p_category;

-- Q4.3
SELECT d_year, s_city, p_brand1, sum(lo_revenue - lo_supplycost) AS profit
FROM dates, customer, supplier, part, lineorder
WHERE lo_custkey = c_custkey
  AND lo_suppkey = s_suppkey
  AND lo_partkey = p_partkey
  AND lo_orderdate = d_datekey
  AND c_region = 'AMERICA'
  AND s_nation = 'UNITED STATES'
  AND (d_year = 1997 OR d_year = 1998)
  AND p_category = 'MFGR#14'
GROUP BY d_year, s_city, p_brand1
ORDER BY d_year, s_city, p_brand1;

"""#

}
