"""Checkout v2: cart, pricing, stock, payment and the confirmation page."""
