"""Where bronze partitions, their manifests and silver's completion markers live, and what silver reads of a manifest."""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import cast

from jsonschema import Draft202012Validator

BRONZE_ROOT = "s3a://bronze"
SILVER_ROOT = "s3a://silver"
MANIFEST = "_manifest.json"
# The manifest's JSON Schema, the file ingestion checks with too (src/ingest/manifest.ts): in the
# repository and in the Spark image alike, spark/contracts beside spark/lakehouse.
MANIFEST_SCHEMA = Path(__file__).resolve().parents[2] / "contracts" / "bronze-manifest.schema.json"


def bronze_partition(dataset: str, day: date, root: str = BRONZE_ROOT) -> str:
    return f"{root}/{dataset}/year={day:%Y}/month={day:%m}/day={day:%d}"


def silver_marker(dataset: str, day: date, root: str = SILVER_ROOT) -> str:
    """Written last by a successful silver run for a day: what gold waits for."""
    return f"{root}/_markers/{dataset}/date={day.isoformat()}.json"


def date_range(start: date, end: date) -> list[date]:
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def manifest_problems(manifest: object, dataset: str, day: date) -> list[str]:
    """What is wrong with a parsed bronze manifest (empty when nothing): its structure against the
    schema ingestion checks too (every problem, named by its JSON path), then, once that holds, what a
    schema cannot say: the dataset and date are the partition's, the totals the sums of the objects."""
    problems = [f"manifest{' ' + _pointer(e.absolute_path) if e.absolute_path else ''}: {e.message}"
                for e in _manifest_validator().iter_errors(manifest)]
    if problems:
        return problems
    m = cast(dict, manifest)  # an object with every field: the schema holds
    if m["dataset"] != dataset:
        problems.append(f"manifest /dataset: '{m['dataset']}', expected '{dataset}' (the partition's)")
    if m["logical_date"] != day.isoformat():
        problems.append(f"manifest /logical_date: {m['logical_date']}, expected {day.isoformat()} (the partition's)")
    for total in ("records", "bytes"):
        summed = sum(o[total] for o in m["objects"])
        if m[total] != summed:
            problems.append(f"manifest /{total}: total {m[total]} differs from the sum of its objects ({summed})")
    return problems


def manifest_records(manifest: dict) -> int:
    """Total records a bronze manifest declares (its per-object counts, summed; the manifest has
    passed manifest_problems, so this is also its total)."""
    return sum(int(o["records"]) for o in manifest["objects"])


def committed_objects(manifest: dict) -> list[tuple[str, int]]:
    """(name relative to the partition, size in bytes) of each object the manifest commits."""
    return [(o["name"], int(o["bytes"])) for o in manifest["objects"]]


def data_objects(manifest: dict) -> list[str]:
    """Object names (relative to the partition) the manifest commits."""
    return [name for name, _ in committed_objects(manifest)]


def _pointer(path: Iterable[str | int]) -> str:
    """A JSON Pointer (/objects/0/sha256), as ingestion's messages name a field."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


@cache
def _manifest_validator() -> Draft202012Validator:
    schema = json.loads(MANIFEST_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)
