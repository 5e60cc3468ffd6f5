-- One-off backfill for the estimates table: every order placed before :before (the day the
-- estimator starts recording estimates) gets one estimate, the date promised at checkout, from
-- an unknown build. Orders that already have an estimate are left alone, so running it again
-- adds nothing, and later orders are never filled in: a missing estimate for one of those is
-- exactly what orders_without_estimate must still show.
INSERT INTO estimates (order_id, build, promised_on, given_at)
SELECT o.order_id, 'unknown', o.promised_on, o.ordered_on || ' 00:00:00'
FROM orders AS o
WHERE o.ordered_on < :before
  AND NOT EXISTS (
      SELECT 1
      FROM estimates AS e
      WHERE e.order_id = o.order_id
  );
