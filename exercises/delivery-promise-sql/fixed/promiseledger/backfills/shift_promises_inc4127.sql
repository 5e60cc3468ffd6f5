-- Backfill for INC-4127 (a faulty delivery estimator; a made-up incident of this codebase).
-- Orders placed while the faulty estimator was live were promised one business day too early.
-- Move the promise of each affected order that is still open one business day later.
-- Parameters: :region, and :window_start and :window_end (UTC; the end is exclusive).
UPDATE orders
SET promised_on = CASE strftime('%w', promised_on)
        WHEN '5' THEN date(promised_on, '+3 days')
        ELSE date(promised_on, '+1 day')
    END
WHERE region = :region
  AND status = 'open'
  AND ordered_at >= :window_start
  AND ordered_at < :window_end;
