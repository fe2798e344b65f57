-- The retail star that `starling gen retail` writes extracts for (see README.md here).
-- Run after `starling gen dates --table dim_date …`, which creates dim_date: fact_sales
-- references it.

-- Stores (a Windows point-of-sale export: CRLF and a byte-order mark). A new manager simply
-- overwrites the old one (SCD type 1, the default).
CREATE TABLE dim_store (
  store_id    INTEGER PRIMARY KEY,
  store_name  VARCHAR NOT NULL,
  store_type  VARCHAR,
  city        VARCHAR,
  region      VARCHAR,
  manager     VARCHAR,
  opened_on   DATE
) WITH (kind = dimension);

-- Products: a new price or category opens a new version, so each sale keeps the price and
-- category it was sold under (SCD type 2).
CREATE TABLE dim_product (
  product_id    INTEGER PRIMARY KEY,
  product_name  VARCHAR NOT NULL,
  category      VARCHAR,
  subcategory   VARCHAR,
  brand         VARCHAR,
  list_price    DECIMAL(10,2),
  valid_from    DATE,
  valid_to      DATE,
  is_current    BOOLEAN
) WITH (scd_type = 2, scd_tracked_columns = 'category, subcategory, list_price');

-- Customers come as NDJSON with a nested address: "address": {"city", "region"} fills the
-- columns "address.city" and "address.region". A new segment or a move opens a new version.
CREATE TABLE dim_customer (
  customer_id       INTEGER PRIMARY KEY,
  first_name        VARCHAR,
  last_name         VARCHAR,
  segment           VARCHAR,
  "address.city"    VARCHAR,
  "address.region"  VARCHAR,
  join_date         DATE,
  valid_from        DATE,
  valid_to          DATE,
  is_current        BOOLEAN
) WITH (scd_type = 2, scd_tracked_columns = 'segment, address.city, address.region');

-- One row per sales line item, in the partition of the day it was sold. Keys resolve to the
-- product and customer versions valid on sold_on. customer_id is empty for shoppers without a
-- loyalty card.
CREATE TABLE fact_sales (
  sale_id       BIGINT NOT NULL,
  line_number   SMALLINT NOT NULL,
  sold_on       DATE NOT NULL REFERENCES dim_date (date_key),
  product_id    INTEGER NOT NULL REFERENCES dim_product (product_id),
  customer_id   INTEGER REFERENCES dim_customer (customer_id),
  store_id      INTEGER NOT NULL REFERENCES dim_store (store_id),
  quantity      SMALLINT NOT NULL,
  unit_price    DECIMAL(10,2) NOT NULL,
  discount      DECIMAL(10,2) NOT NULL,
  total_amount  DECIMAL(12,2) NOT NULL
) PARTITION BY day(sold_on)
  WITH (scd_fact_date_column = 'sold_on', compression = 'lz4');
