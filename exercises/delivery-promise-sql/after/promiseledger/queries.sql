-- Named queries for the promise reports. Each query starts at its "-- name:" line.

-- name: promises_due
-- Open orders promised for delivery in the half-open window [:start, :end), per region.
-- Carrier capacity for each region is booked from these counts.
SELECT region, COUNT(*) AS due
FROM orders
WHERE status = 'open'
  AND promised_on BETWEEN :start AND :end
GROUP BY region
ORDER BY region;

-- name: overdue_orders
-- Open orders promised before the given day (?) that have no delivered scan, in the regions
-- listed by {regions} (filled in with one placeholder per region).
SELECT o.order_id, o.region, o.promised_on
FROM orders AS o
WHERE o.status = 'open'
  AND o.promised_on < ?
  AND o.region IN ({regions})
  AND o.order_id NOT IN (
      SELECT s.order_id FROM delivery_scans AS s WHERE s.kind = 'delivered'
  )
ORDER BY o.order_id;

-- name: orders_by_status
SELECT status, COUNT(*) AS n
FROM orders
GROUP BY status
ORDER BY status;
