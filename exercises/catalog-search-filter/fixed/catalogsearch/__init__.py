"""Catalog read model for the storefront: browse, and the queries behind it."""
