"""Customer-facing order history API: a small handler layer without a web framework."""
