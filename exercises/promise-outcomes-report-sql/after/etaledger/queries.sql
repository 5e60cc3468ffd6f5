-- Named queries for the estimate reports. Each query starts at its "-- name:" line.

-- name: late_deliveries
-- Orders delivered after the date they were promised, per region, for promises in the
-- half-open window [:start, :end).
SELECT o.region, COUNT(*) AS late
FROM orders AS o
JOIN delivery_scans AS d
  ON d.order_id = o.order_id
 AND d.kind = 'delivered'
WHERE d.scanned_on > o.promised_on
  AND o.promised_on >= :start
  AND o.promised_on < :end
GROUP BY o.region
ORDER BY o.region;

-- name: orders_by_status
SELECT status, COUNT(*) AS n
FROM orders
GROUP BY status
ORDER BY status;

-- name: promise_outcomes
-- What happened to the orders promised for :first_day to :last_day (both days included), per
-- region: delivered on time, delivered late, or not delivered at all. An order without a
-- delivered scan is overdue once :as_of is past its promised day. Cancelled orders are left out.
SELECT o.region,
       COUNT(*) AS promised,
       SUM(CASE WHEN d.scanned_on <= o.promised_on THEN 1 ELSE 0 END) AS on_time,
       SUM(CASE WHEN d.scanned_on > o.promised_on THEN 1 ELSE 0 END) AS late,
       SUM(CASE WHEN d.order_id IS NULL THEN 1 ELSE 0 END) AS undelivered,
       SUM(CASE WHEN d.order_id IS NULL AND o.promised_on < :as_of THEN 1 ELSE 0 END) AS overdue
FROM orders AS o
LEFT JOIN delivery_scans AS d
  ON d.order_id = o.order_id
 AND d.kind = 'delivered'
WHERE o.promised_on BETWEEN :first_day AND :last_day
  AND o.status <> 'cancelled'
GROUP BY o.region
ORDER BY o.region;

-- name: orders_without_estimate
-- Open orders the estimator never wrote an estimate for: each one is a customer whose
-- delivery date we cannot trace to a build.
SELECT order_id, region, promised_on
FROM orders
WHERE status = 'open'
  AND order_id NOT IN (SELECT order_id FROM estimates)
ORDER BY order_id;

-- name: orders_by_build
-- How many orders, per region, were shown at least one estimate by :build.
SELECT o.region, COUNT(DISTINCT e.order_id) AS orders
FROM estimates AS e
JOIN orders AS o ON o.order_id = e.order_id
WHERE e.build = :build
GROUP BY o.region
ORDER BY o.region;

-- name: prune_superseded_estimates
-- Retention: deletes the estimates given before :cutoff (a date: those given on that day are
-- kept) that a later estimate of the same order from the same build has replaced. The latest
-- estimate each build gave an order is never deleted: every order keeps its latest estimate,
-- and orders_by_build counts the same orders after a prune as before it.
DELETE FROM estimates
WHERE given_at < :cutoff
  AND EXISTS (
      SELECT 1
      FROM estimates AS newer
      WHERE newer.order_id = estimates.order_id
        AND newer.build = estimates.build
        AND newer.estimate_id > estimates.estimate_id
  );
