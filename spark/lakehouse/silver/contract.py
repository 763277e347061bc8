"""Schema contracts of bronze datasets, and the check of a partition against its contract.

A contract (spark/contracts/<dataset>.json) lists the raw fields a source sends and the JSON
type of each. A partition breaks the contract when a field appears that the contract does
not list, a listed field never appears, or a field's values are mostly of another JSON type.
A few values of the wrong type are record-level mess (rejected one by one), not a change of
schema; "mostly" means more than half of the field's non-null values.
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
    data = json.loads((directory / f"{dataset}.json").read_text())
    return Contract(
        dataset=data["dataset"],
        version=int(data["version"]),
        fields=dict(data["fields"]),
        required=tuple(data.get("required", ())),
        natural_key=tuple(data.get("natural_key", ())),
    )


def json_type(variant_type: str) -> str:
    """The JSON type of a value from its schema_of_variant type (number covers ints and decimals)."""
    if variant_type == "STRING":
        return "string"
    if variant_type == "BOOLEAN":
        return "boolean"
    if variant_type == "VOID":
        return "null"
    if variant_type.startswith("OBJECT<"):
        return "object"
    if variant_type.startswith("ARRAY<"):
        return "array"
    return "number"


def fields_of_shape(shape: str) -> list[tuple[str, str]]:
    """[(field, JSON type)] of a record's top level, from its schema_of_variant shape (pure).

    `OBJECT<a: STRING, `b c`: OBJECT<x: BIGINT>>` → [("a", "string"), ("b c", "object")].
    Names with characters other than letters, digits and _ are quoted in backticks (a backtick
    doubled); nested types are skipped by bracket depth, honouring quoted names inside them.
    """
    if not shape.startswith("OBJECT<") or not shape.endswith(">"):
        raise ValueError(f"not an object shape: {shape[:80]}")
    body, fields, i = shape[len("OBJECT<"):-1], [], 0
    while i < len(body):
        if body[i] == "`":
            name, i = _quoted(body, i)
        else:
            end = body.index(":", i)
            name, i = body[i:end], end
        i += 2  # ": "
        start, depth = i, 0
        while i < len(body) and not (depth == 0 and body[i] == ","):
            if body[i] == "`":
                _, i = _quoted(body, i)
                continue
            depth += body[i] in "<("
            depth -= body[i] in ">)"
            i += 1
        fields.append((name, json_type(body[start:i])))
        i += 2  # ", "
    return fields


def _quoted(text: str, i: int) -> tuple[str, int]:
    """A backtick-quoted name starting at text[i]: (name, index after the closing backtick)."""
    out, i = [], i + 1
    while True:
        j = text.index("`", i)
        out.append(text[i:j])
        if text.startswith("``", j):
            out.append("`")
            i = j + 2
        else:
            return "".join(out), j + 1


def profile_from_shapes(shape_counts: Iterable[tuple[str | None, int]]) -> dict[str, dict[str, int]]:
    """{field: {json_type: records}} from (shape, records) pairs (pure).

    A day's records share a handful of shapes, so the job counts records per (day, shape) in
    the same pass that cleans them, instead of exploding every record into its fields.
    Records that are not JSON objects have no fields: they are rejected one by one and do not
    count towards the partition's shape.
    """
    profile: dict[str, dict[str, int]] = {}
    for shape, records in shape_counts:
        if shape is None or not shape.startswith("OBJECT<"):
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
