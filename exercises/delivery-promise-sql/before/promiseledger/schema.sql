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
