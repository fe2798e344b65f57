-- A slice of the citizen-service portal's warehouse (see docs/loading.md).
-- Run after `starling gen dates --table dim_date …`, which creates dim_date.

CREATE TABLE dim_department (
  department_id INTEGER PRIMARY KEY,
  name          VARCHAR NOT NULL,
  state         VARCHAR
);

-- Schemes change department or category now and then: keep their history (SCD type 2).
CREATE TABLE dim_scheme (
  scheme_id     INTEGER PRIMARY KEY,
  name          VARCHAR NOT NULL,
  category      VARCHAR,
  department_id INTEGER REFERENCES dim_department (department_id),
  valid_from    DATE,
  valid_to      DATE,
  is_current    BOOLEAN
) WITH (scd_type = 2, scd_tracked_columns = 'category,department_id');

-- One row per application, in the partition of the day it was made.
CREATE TABLE fact_service_applications (
  application_id  VARCHAR NOT NULL,
  scheme_id       INTEGER REFERENCES dim_scheme (scheme_id),
  applied_on      DATE NOT NULL REFERENCES dim_date (date_key),
  district        VARCHAR,
  processing_days INTEGER,
  sla_met         BOOLEAN,
  amount          DECIMAL(12,2)
) PARTITION BY day(applied_on)
  WITH (scd_fact_date_column = 'applied_on', compression = 'lz4');
