-- The promise ledger. Timestamps are UTC text, 'YYYY-MM-DD HH:MM:SS'; dates are 'YYYY-MM-DD'.

-- One row per order, with the delivery date promised to the customer at checkout.
CREATE TABLE IF NOT EXISTS orders (
    order_id    INTEGER PRIMARY KEY,
    region      TEXT NOT NULL,
    ordered_at  TEXT NOT NULL,
    promised_on TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'delivered', 'cancelled'))
);

CREATE INDEX IF NOT EXISTS orders_promised_on ON orders (promised_on);
CREATE INDEX IF NOT EXISTS orders_region_ordered_at ON orders (region, ordered_at);

-- Carrier scans, as the carrier feed sends them. A scan can arrive before it has been matched
-- to an order; order_id stays NULL until the matcher has run.
CREATE TABLE IF NOT EXISTS delivery_scans (
    scan_id     INTEGER PRIMARY KEY,
    tracking_id TEXT NOT NULL,
    order_id    INTEGER REFERENCES orders (order_id),
    kind        TEXT NOT NULL CHECK (kind IN ('picked_up', 'out_for_delivery', 'delivered')),
    scanned_at  TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS delivery_scans_order ON delivery_scans (order_id, kind);

-- One row per one-off backfill applied, so that none is ever applied twice.
CREATE TABLE IF NOT EXISTS backfill_runs (
    name   TEXT PRIMARY KEY,
    ran_at TEXT NOT NULL
);
