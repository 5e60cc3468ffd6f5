"""Promised delivery dates for the product page and checkout."""
