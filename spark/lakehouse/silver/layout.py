"""Where bronze partitions, their manifests and silver's completion markers live."""
from __future__ import annotations

from datetime import date, timedelta

BRONZE_ROOT = "s3a://bronze"
SILVER_ROOT = "s3a://silver"
MANIFEST = "_manifest.json"


def bronze_partition(dataset: str, day: date, root: str = BRONZE_ROOT) -> str:
    return f"{root}/{dataset}/year={day:%Y}/month={day:%m}/day={day:%d}"


def silver_marker(dataset: str, day: date, root: str = SILVER_ROOT) -> str:
    """Written last by a successful silver run for a day: what gold waits for."""
    return f"{root}/_markers/{dataset}/date={day.isoformat()}.json"


def date_range(start: date, end: date) -> list[date]:
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def manifest_records(manifest: dict) -> int:
    """Total records a bronze manifest declares (its per-object counts, summed)."""
    objects = manifest.get("objects")
    if isinstance(objects, list) and objects:
        return sum(int(o["records"]) for o in objects)
    if "records" in manifest:
        return int(manifest["records"])
    if isinstance(objects, list):
        return 0
    raise ValueError("bronze manifest has neither 'objects' nor 'records'")


def committed_objects(manifest: dict) -> list[tuple[str, int | None]]:
    """(name relative to the partition, size in bytes) of each object the manifest commits; the
    size is None when the manifest does not record it."""
    return [(o.get("name") or o.get("key", "").rsplit("/", 1)[-1], int(o["bytes"]) if "bytes" in o else None)
            for o in manifest.get("objects", [])]


def data_objects(manifest: dict) -> list[str]:
    """Object names (relative to the partition) the manifest commits."""
    return [name for name, _ in committed_objects(manifest)]
