"""Iceberg table maintenance (compaction, z-order, snapshot expiry, orphan removal)."""
