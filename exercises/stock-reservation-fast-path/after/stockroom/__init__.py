"""Inventory: stock levels and reservations against them."""
