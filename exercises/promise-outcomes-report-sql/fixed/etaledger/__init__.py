"""The estimate ledger: the delivery date each order was promised, and what happened next."""
