"""Schema contracts of bronze datasets, and the check of a partition against its contract.

A contract (spark/contracts/<dataset>.json) lists the raw fields a source sends and the JSON
type of each. A partition breaks the contract when a field appears that the contract does
not list, a listed field never appears, or a field's values are mostly of another JSON type.
A few values of the wrong type are record-level mess (rejected one by one), not a change of
schema; "mostly" means more than half of the field's non-null values.

A contract may name `optional` fields: fields a source adds or renames over the years (TLC's
monthly files gained congestion_surcharge, airport_fee and cbd_congestion_fee), which a
partition may lack without breaking the contract. When present they are typed like any other.

Silver takes two more things from the contract, so that they are stated once: `required`, the
raw fields without which a record is rejected (`missing_field:<field>`, checked in the listed
order; a field inside an object field is a path, `daily.time`), and `natural_key`, the silver
columns that identify a record (one row per key: the version sent last).
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# LAKEHOUSE_CONTRACTS_DIR points a run at another set of contracts (an image's, a test's).
CONTRACTS_DIR = Path(os.environ.get("LAKEHOUSE_CONTRACTS_DIR") or Path(__file__).resolve().parents[2] / "contracts")


@dataclass(frozen=True)
class Contract:
    dataset: str
    version: int
    fields: dict[str, str]
    required: tuple[str, ...]
    natural_key: tuple[str, ...]
    # Listed fields a partition may lack (absent = every value null); each is also in `fields`.
    optional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Violation:
    field: str
    kind: str  # "added" | "missing" | "retyped"
    expected: str | None
    observed: str | None

    def describe(self) -> str:
        if self.kind == "added":
            return f"{self.field}: added (type {self.observed}), not in the contract"
        if self.kind == "missing":
            return f"{self.field}: missing (contract type {self.expected})"
        return f"{self.field}: retyped from {self.expected} to {self.observed}"


class ContractViolation(RuntimeError):
    """A bronze partition's raw fields differ from its dataset's contract."""


def load_contract(dataset: str, directory: Path = CONTRACTS_DIR) -> Contract:
    """The contract in `<directory>/<dataset>.json`; a required field (or the object field a
    required path starts with) that the contract does not list is an error of the file."""
    path = directory / f"{dataset}.json"
    data = json.loads(path.read_text())
    contract = Contract(
        dataset=data["dataset"],
        version=int(data["version"]),
        fields=dict(data["fields"]),
        required=tuple(data.get("required", ())),
        natural_key=tuple(data.get("natural_key", ())),
        optional=tuple(data.get("optional", ())),
    )
    unlisted = [f for f in contract.required if f.split(".", 1)[0] not in contract.fields]
    if unlisted:
        raise ValueError(f"{path}: required field(s) {', '.join(unlisted)} not among its fields")
    return contract


JSON_TYPES = ("string", "number", "boolean", "null", "object", "array")


def fields_of_shape(shape: str) -> list[tuple[str, str]]:
    """[(field, JSON type)] of a record's top level, from its shape as JsonShape writes it (pure).

    `{"a":"string","b c":"object"}` → [("a", "string"), ("b c", "object")]. A shape is JSON
    itself (names escaped as JSON strings), so it is read with the JSON parser.
    """
    if not shape.startswith("{"):
        raise ValueError(f"not an object shape: {shape[:80]}")
    fields = json.loads(shape, object_pairs_hook=list)
    unknown = [t for _, t in fields if t not in JSON_TYPES]
    if unknown:
        raise ValueError(f"unknown JSON type {unknown[0]!r} in shape {shape[:80]}")
    return fields


def profile_from_shapes(shape_counts: Iterable[tuple[str | None, int]]) -> dict[str, dict[str, int]]:
    """{field: {json_type: records}} from (shape, records) pairs (pure).

    A day's records share a handful of shapes, so the job counts records per (day, shape) in
    the same pass that cleans them, instead of exploding every record into its fields.
    Records that are not JSON objects have no fields: they are rejected one by one and do not
    count towards the partition's shape.
    """
    profile: dict[str, dict[str, int]] = {}
    for shape, records in shape_counts:
        if shape is None or not shape.startswith("{"):
            continue
        for field, field_type in fields_of_shape(shape):
            by_type = profile.setdefault(field, {})
            by_type[field_type] = by_type.get(field_type, 0) + int(records)
    return profile


def check_profile(contract: Contract, profile: dict[str, dict[str, int]]) -> list[Violation]:
    """Compares observed {field: {json_type: records}} with the contract (pure).

    A partition with no JSON object at all (an empty day) has no shape to compare: it passes.
    """
    violations: list[Violation] = []
    if not profile:
        return violations
    for field in sorted(set(profile) - set(contract.fields)):
        observed = max(profile[field], key=lambda t: profile[field][t])
        violations.append(Violation(field, "added", None, observed))
    for field, expected in sorted(contract.fields.items()):
        counts = {t: n for t, n in profile.get(field, {}).items() if t != "null"}
        if field not in profile:
            if field not in contract.optional:
                violations.append(Violation(field, "missing", expected, None))
            continue
        total = sum(counts.values())
        if total == 0:
            continue
        dominant = max(counts, key=lambda t: counts[t])
        if dominant != expected and counts[dominant] * 2 > total:
            violations.append(Violation(field, "retyped", expected, dominant))
    return violations


def enforce(contract: Contract, profile: dict[str, dict[str, int]], partition: str) -> None:
    """Raises ContractViolation naming the dataset, the partition and every differing field."""
    violations = check_profile(contract, profile)
    if violations:
        lines = "\n  ".join(v.describe() for v in violations)
        raise ContractViolation(
            f"bronze partition {partition} breaks the contract of dataset '{contract.dataset}' "
            f"(version {contract.version}, spark/contracts/{contract.dataset}.json):\n  {lines}\n"
            "Nothing was written. If the change is intended, change the contract (and the silver schema)."
        )
