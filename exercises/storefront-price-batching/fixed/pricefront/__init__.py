"""Storefront pricing: the client for the pricing service, the price cache and cart totals."""
