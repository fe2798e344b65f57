-- The citizen-service portal's warehouse: the tables `starling gen portal` writes extracts for
-- (see examples/portal/README.md). Run after
--   starling gen dates --table dim_date --from 2025-01-01 --to 2025-12-31 --fiscal-year-start-month 4
-- which creates dim_date (cover every night you generate).

-- The department hierarchy (type 1: a reorganisation overwrites parent_department_id).
CREATE TABLE dim_department (
  department_id        INTEGER PRIMARY KEY,
  name                 VARCHAR NOT NULL,
  parent_department_id INTEGER,
  state                VARCHAR
);

-- Schemes move department or change category now and then: keep their history (SCD type 2).
CREATE TABLE dim_scheme (
  scheme_id     INTEGER PRIMARY KEY,
  name          VARCHAR NOT NULL,
  category      VARCHAR,
  department_id INTEGER REFERENCES dim_department (department_id),
  sla_days      SMALLINT,
  fee           DECIMAL(10,2),
  valid_from    DATE,
  valid_to      DATE,
  is_current    BOOLEAN
) WITH (scd_type = 2, scd_tracked_columns = 'category,department_id');

-- What citizens look up on the portal.
CREATE TABLE dim_service (
  service_id    INTEGER PRIMARY KEY,
  name          VARCHAR NOT NULL,
  category      VARCHAR,
  department_id INTEGER REFERENCES dim_department (department_id)
);

-- Citizens move: a new district or city opens a new version (SCD type 2). No names or ids:
-- personal data is not generated.
CREATE TABLE dim_citizen (
  citizen_id    INTEGER PRIMARY KEY,
  gender        VARCHAR,
  birth_year    SMALLINT,
  state         VARCHAR,
  district      VARCHAR,
  city          VARCHAR,
  registered_on DATE,
  valid_from    DATE,
  valid_to      DATE,
  is_current    BOOLEAN
) WITH (scd_type = 2, scd_tracked_columns = 'state,district,city');

-- One row per application, in the partition of the day it was made.
CREATE TABLE fact_service_applications (
  application_id  VARCHAR NOT NULL,
  citizen_id      INTEGER REFERENCES dim_citizen (citizen_id),
  scheme_id       INTEGER REFERENCES dim_scheme (scheme_id),
  applied_on      DATE NOT NULL REFERENCES dim_date (date_key),
  applied_at      TIMESTAMP,
  channel         VARCHAR,
  office          VARCHAR,
  status          VARCHAR,
  approved        BOOLEAN,
  decided_on      DATE,
  processing_days INTEGER,
  sla_days        SMALLINT,
  sla_met         BOOLEAN,
  amount          DECIMAL(12,2)
) PARTITION BY day(applied_on)
  WITH (scd_fact_date_column = 'applied_on', compression = 'lz4');

-- One row per action an officer took on an application, in the partition of the day the
-- application was made (so a re-delivered night replaces its own actions only).
CREATE TABLE fact_application_processing (
  action_id          BIGINT,
  application_id     VARCHAR NOT NULL,
  applied_on         DATE NOT NULL,
  department_id      INTEGER REFERENCES dim_department (department_id),
  officer_id         INTEGER,
  step               SMALLINT,
  action_type        VARCHAR,
  decision           VARCHAR,
  action_on          DATE,
  processing_minutes INTEGER,
  remarks            VARCHAR
) PARTITION BY day(applied_on);

-- Fee payments (NDJSON; the payer's district and state come from a nested object).
CREATE TABLE fact_payments (
  payment_id       VARCHAR NOT NULL,
  application_id   VARCHAR,
  citizen_id       INTEGER REFERENCES dim_citizen (citizen_id),
  paid_on          DATE NOT NULL,
  paid_at          TIMESTAMP,
  method           VARCHAR,
  amount           DECIMAL(12,2),
  status           VARCHAR,
  "payer.district" VARCHAR,
  "payer.state"    VARCHAR
) PARTITION BY day(paid_on) WITH (scd_fact_date_column = 'paid_on');

-- One row per query a citizen made on the portal (the service-usage log, NDJSON).
CREATE TABLE fact_service_queries (
  query_id     BIGINT,
  session_id   VARCHAR,
  service_id   INTEGER REFERENCES dim_service (service_id),
  query_type   VARCHAR,
  language     VARCHAR,
  asked_on     DATE NOT NULL,
  asked_at     TIMESTAMP,
  hour_of_day  TINYINT,
  response_ms  INTEGER,
  success      BOOLEAN,
  result_count INTEGER,
  satisfaction TINYINT,
  user_agent   VARCHAR
) PARTITION BY day(asked_on);
