"""The promise ledger: which delivery date each order was promised, and whether it was kept."""
