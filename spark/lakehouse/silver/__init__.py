"""Bronze → silver: clean, typed, deduplicated Iceberg tables."""
