-- Named queries for the promise reports. Each query starts at its "-- name:" line.

-- name: promises_due
-- Open orders promised for delivery in the half-open window [:start, :end), per region.
-- Carrier capacity for each region is booked from these counts.
SELECT region, COUNT(*) AS due
FROM orders
WHERE status = 'open'
  AND promised_on >= :start
  AND promised_on < :end
GROUP BY region
ORDER BY region;

-- name: orders_by_status
SELECT status, COUNT(*) AS n
FROM orders
GROUP BY status
ORDER BY status;
