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
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import DataFrame

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


def json_type_sql(variant_expr: str) -> str:
    """SQL mapping a VARIANT value to its JSON type name (number covers ints and decimals)."""
    t = f"schema_of_variant({variant_expr})"
    return (
        f"CASE WHEN {t} = 'STRING' THEN 'string' WHEN {t} = 'BOOLEAN' THEN 'boolean' "
        f"WHEN {t} = 'VOID' THEN 'null' WHEN {t} LIKE 'OBJECT%' THEN 'object' "
        f"WHEN {t} LIKE 'ARRAY%' THEN 'array' ELSE 'number' END"
    )


def field_type_profile(parsed: DataFrame) -> DataFrame:
    """Counts, per raw field and JSON type, the records that carry it.

    `parsed` has a VARIANT column `v` (the parsed line; NULL when unparseable).
    Returns columns field, json_type, records.
    """
    parsed.select("v").createOrReplaceTempView("_lakehouse_parsed")
    return parsed.sparkSession.sql(
        f"""
        SELECT field, json_type, count(*) AS records FROM (
          SELECT e.key AS field, {json_type_sql("e.value")} AS json_type
          FROM _lakehouse_parsed p, LATERAL variant_explode(p.v) e
          WHERE p.v IS NOT NULL AND schema_of_variant(p.v) LIKE 'OBJECT%'
        ) GROUP BY field, json_type
        """
    )


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


def profile_as_dict(profile_df: DataFrame) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for row in profile_df.collect():
        out.setdefault(row["field"], {})[row["json_type"]] = int(row["records"])
    return out


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
