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
