"""Delivery promises: when an order placed now will arrive."""
