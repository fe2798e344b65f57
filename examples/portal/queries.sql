-- The portal's dashboard questions (shared/domain.md, section 1), against examples/portal/schema.sql.
-- Each statement comes right after a `-- name` line, so `starling bench run --queries examples/portal/queries.sql`
-- times them; `starling sql -f examples/portal/queries.sql` prints their answers.

-- Applications per scheme per month, and the share decided within the scheme's SLA
-- (of the decided ones; pending applications have no sla_met yet).
-- applications_per_scheme_month
SELECT s.name AS scheme, d.year_month, count(*) AS applications,
       count(*) FILTER (WHERE f.approved) AS approved,
       round(100.0 * count(*) FILTER (WHERE f.sla_met) / count(f.sla_met), 1) AS sla_met_pct,
       sum(f.amount) AS amount
FROM fact_service_applications f, dim_scheme s, dim_date d
WHERE f.scheme_id = s.scheme_id AND f.applied_on = d.date_key
GROUP BY 1, 2
ORDER BY applications DESC, scheme, d.year_month;

-- Approval rate by the applicant's district (the citizen's version on the day of the application).
-- approval_rate_by_district
SELECT c.district, count(*) AS applications, count(f.approved) AS decided,
       round(100.0 * count(*) FILTER (WHERE f.approved) / count(f.approved), 1) AS approval_pct
FROM fact_service_applications f, dim_citizen c
WHERE f.citizen_id = c.citizen_id
GROUP BY 1
ORDER BY approval_pct DESC, c.district;

-- The three schemes with the most applications in each district (a window over the groups,
-- filtered by QUALIFY).
-- top_schemes_per_district
SELECT c.district, s.name AS scheme, count(*) AS applications,
       rank() OVER (PARTITION BY c.district ORDER BY count(*) DESC) AS place
FROM fact_service_applications f, dim_scheme s, dim_citizen c
WHERE f.scheme_id = s.scheme_id AND f.citizen_id = c.citizen_id
GROUP BY 1, 2
QUALIFY row_number() OVER (PARTITION BY c.district ORDER BY count(*) DESC, s.name) <= 3
ORDER BY c.district, applications DESC, scheme
LIMIT 12;

-- Applications and approvals per month, and the change from the month before.
-- applications_month_over_month
SELECT d.year_month, count(*) AS applications,
       count(*) - lag(count(*)) OVER (ORDER BY d.year_month) AS change,
       round(100.0 * (count(*) - lag(count(*)) OVER (ORDER BY d.year_month))
             / lag(count(*)) OVER (ORDER BY d.year_month), 1) AS change_pct,
       count(*) FILTER (WHERE f.approved) AS approved,
       sum(count(*)) OVER (ORDER BY d.year_month) AS running_total
FROM fact_service_applications f, dim_date d
WHERE f.applied_on = d.date_key
GROUP BY 1
ORDER BY 1;

-- Average processing days of decided applications by the scheme's department and fiscal quarter.
-- processing_days_by_department_quarter
SELECT dep.name AS department, d.fiscal_year, d.fiscal_quarter, count(f.processing_days) AS decided,
       round(avg(f.processing_days), 1) AS avg_days, max(f.processing_days) AS max_days
FROM fact_service_applications f, dim_scheme s, dim_department dep, dim_date d
WHERE f.scheme_id = s.scheme_id AND s.department_id = dep.department_id AND f.applied_on = d.date_key
GROUP BY 1, 2, 3
ORDER BY avg_days DESC, department;

-- Applications by department and scheme category, with a subtotal per department and a grand
-- total (ROLLUP; grouping() labels the subtotal rows).
-- applications_by_department_rollup
SELECT CASE WHEN grouping(dep.name) = 1 THEN '(all departments)' ELSE dep.name END AS department,
       CASE WHEN grouping(s.category) = 1 THEN '(all categories)' ELSE s.category END AS category,
       count(*) AS applications,
       round(100.0 * count(*) FILTER (WHERE f.approved) / count(*), 1) AS approved_pct,
       round(avg(f.processing_days), 1) AS avg_days
FROM fact_service_applications f, dim_scheme s, dim_department dep
WHERE f.scheme_id = s.scheme_id AND s.department_id = dep.department_id
GROUP BY ROLLUP (dep.name, s.category)
ORDER BY grouping(dep.name), dep.name, grouping(s.category), s.category;

-- Query success rate and response time by service and language: the median and the p95.
-- query_success_by_service_language
SELECT sv.name AS service, q.language, count(*) AS queries,
       round(100.0 * count(*) FILTER (WHERE q.success) / count(*), 1) AS success_pct,
       round(avg(q.response_ms), 0) AS avg_ms,
       median(q.response_ms) AS median_ms,
       round(quantile_cont(q.response_ms, 0.95), 0) AS p95_ms,
       max(q.response_ms) AS max_ms,
       round(avg(q.satisfaction), 2) AS satisfaction
FROM fact_service_queries q, dim_service sv
WHERE q.service_id = sv.service_id
GROUP BY 1, 2
HAVING count(*) >= 100
ORDER BY queries DESC
LIMIT 20;

-- The busiest hours of the day (local time) for citizens' queries.
-- busiest_hours
SELECT hour_of_day, count(*) AS queries, round(avg(response_ms), 0) AS avg_ms,
       round(100.0 * count(*) FILTER (WHERE NOT success) / count(*), 1) AS failed_pct
FROM fact_service_queries
GROUP BY 1
ORDER BY queries DESC
LIMIT 6;

-- Fee payments by method and the payer's district (a nested NDJSON field).
-- payments_by_method
SELECT method, "payer.district" AS district, count(*) AS payments, sum(amount) AS amount
FROM fact_payments
WHERE status = 'success'
GROUP BY 1, 2
ORDER BY amount DESC
LIMIT 10;

-- Data freshness per source table: the last committed load, its rows and rejects (the load log).
-- data_freshness
SELECT table_name, count(*) AS loads, max(ended_at) AS last_loaded, sum(rows_loaded) AS rows_loaded,
       sum(rows_rejected) AS rows_rejected
FROM starling.loads
WHERE status = 'committed'
GROUP BY 1
ORDER BY 1;
