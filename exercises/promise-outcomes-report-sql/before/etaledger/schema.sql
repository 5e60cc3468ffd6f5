-- The estimate ledger. Dates are 'YYYY-MM-DD' text and nothing else (the CHECKs refuse a time
-- of day); timestamps are UTC text, 'YYYY-MM-DD HH:MM:SS'.

-- One row per order, with the delivery date promised to the customer at checkout.
CREATE TABLE IF NOT EXISTS orders (
    order_id    INTEGER PRIMARY KEY,
    region      TEXT NOT NULL,
    ordered_on  TEXT NOT NULL CHECK (ordered_on = date(ordered_on)),
    promised_on TEXT NOT NULL CHECK (promised_on = date(promised_on)),
    status      TEXT NOT NULL CHECK (status IN ('open', 'delivered', 'cancelled'))
);

CREATE INDEX IF NOT EXISTS orders_promised_on ON orders (promised_on);

-- Carrier scans. The feed loader keeps the first scan of each kind per order, so an order has
-- at most one 'delivered' row.
CREATE TABLE IF NOT EXISTS delivery_scans (
    order_id   INTEGER NOT NULL REFERENCES orders (order_id),
    kind       TEXT NOT NULL CHECK (kind IN ('out_for_delivery', 'failed_attempt', 'delivered')),
    scanned_on TEXT NOT NULL CHECK (scanned_on = date(scanned_on)),
    PRIMARY KEY (order_id, kind)
);
