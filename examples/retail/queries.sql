-- The retail questions, over the star that examples/retail/schema.sql defines and
-- `starling gen retail` fills. Each query has a `-- Name` line before it, so
-- `starling bench run --queries examples/retail/queries.sql` times them by name.

-- The category a product had when it was sold: dim_product keeps its history.
-- Revenue by month and category
SELECT d.year_month, p.category,
       sum(f.total_amount) AS revenue,
       sum(f.quantity) AS units,
       count(*) AS lines
FROM fact_sales f
JOIN dim_date d ON f.sold_on = d.date_key
JOIN dim_product p ON f.product_id = p.product_id
GROUP BY d.year_month, p.category
ORDER BY d.year_month, revenue DESC;

-- The three best sellers by revenue in each region. Starling has no window functions, so a
-- product is kept when at most two products of its region sold more.
-- Top products per region
WITH product_region AS (
  SELECT s.region, f.product_id, sum(f.total_amount) AS revenue, sum(f.quantity) AS units
  FROM fact_sales f JOIN dim_store s ON f.store_id = s.store_id
  GROUP BY s.region, f.product_id
),
top3 AS (
  SELECT a.region, a.product_id, a.revenue, a.units
  FROM product_region a
  JOIN product_region b ON b.region = a.region AND b.revenue >= a.revenue
  GROUP BY a.region, a.product_id, a.revenue, a.units
  HAVING count(*) <= 3
)
SELECT t.region, p.product_name, p.category, t.units, t.revenue
FROM top3 t JOIN dim_product p ON p.product_id = t.product_id AND p.is_current
ORDER BY t.region, t.revenue DESC;

-- Basket size per store type
SELECT s.store_type,
       count(DISTINCT f.sale_id) AS baskets,
       round(count(*) / count(DISTINCT f.sale_id), 2) AS lines_per_basket,
       round(sum(f.quantity) / count(DISTINCT f.sale_id), 2) AS items_per_basket,
       round(sum(f.total_amount) / count(DISTINCT f.sale_id), 2) AS avg_basket_value
FROM fact_sales f
JOIN dim_store s ON f.store_id = s.store_id
GROUP BY s.store_type
ORDER BY avg_basket_value DESC;

-- Against the previous month and the same month a year before; NULL where the data does not
-- reach back that far (generate more than a year of nights for year-over-year figures).
-- Growth month over month and year over year
WITH monthly AS (
  SELECT d.year, d.month, d.year * 12 + d.month AS month_index, sum(f.total_amount) AS revenue
  FROM fact_sales f JOIN dim_date d ON f.sold_on = d.date_key
  GROUP BY d.year, d.month
)
SELECT m.year, m.month, m.revenue,
       round(100 * (m.revenue - pm.revenue) / pm.revenue, 1) AS mom_growth_pct,
       py.revenue AS revenue_last_year,
       round(100 * (m.revenue - py.revenue) / py.revenue, 1) AS yoy_growth_pct
FROM monthly m
LEFT JOIN monthly pm ON pm.month_index = m.month_index - 1
LEFT JOIN monthly py ON py.month_index = m.month_index - 12
ORDER BY m.year, m.month;

-- Lines by discount rate: do discounted lines sell more units, and what do they cost?
-- Discount effect
SELECT CASE WHEN f.discount = 0 THEN '0% (full price)'
            WHEN f.discount / (f.total_amount + f.discount) < 0.195 THEN '10-15%'
            WHEN f.discount / (f.total_amount + f.discount) < 0.295 THEN '20-25%'
            ELSE '30-40%' END AS discount_band,
       count(*) AS lines,
       round(avg(f.quantity), 2) AS avg_units_per_line,
       sum(f.discount) AS discount_given,
       sum(f.total_amount) AS revenue,
       round(100 * sum(f.discount) / (sum(f.total_amount) + sum(f.discount)), 1) AS avg_discount_pct
FROM fact_sales f
GROUP BY 1
ORDER BY 1;
