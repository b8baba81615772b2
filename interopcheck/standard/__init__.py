"""The exchange standard: the schema catalog, the offline registry and the custom formats."""
