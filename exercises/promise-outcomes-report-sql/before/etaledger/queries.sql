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
