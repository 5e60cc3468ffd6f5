"""Delivery promises shown on the product page, in the cart and at checkout."""
