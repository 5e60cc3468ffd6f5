"""The customer reviews section of a product page: model, rendering, and its script."""
