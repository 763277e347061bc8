"""The bronze manifest as the silver job checks it (lakehouse.silver.layout.manifest_problems,
with jsonschema) and what it reads of it: the schema and the cases are ingestion's own
(spark/contracts/bronze-manifest.schema.json; test/fixtures/bronze-manifest/cases.json, which
test/unit/ingest/manifest.test.ts runs against src/ingest/manifest.ts with ajv)."""
from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from lakehouse import storage
from lakehouse.silver import bronze
from lakehouse.silver.bronze import InvalidManifestError, MissingBronzeError, read_manifests
from lakehouse.silver.layout import MANIFEST_SCHEMA, committed_objects, data_objects, manifest_problems, manifest_records

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = json.loads((ROOT / "test" / "fixtures" / "bronze-manifest" / "cases.json").read_text(encoding="utf-8"))
VALID = FIXTURES["valid"]
DAY = date.fromisoformat(FIXTURES["date"])


def patched(doc: object, ops: list[dict]) -> object:
    """RFC 6902's add, remove and replace on a copy (what the fixtures' cases use)."""
    root = copy.deepcopy(doc)
    for op in ops:
        if op["path"] == "":
            root = op["value"]
            continue
        *keys, last = [k.replace("~1", "/").replace("~0", "~") for k in op["path"][1:].split("/")]
        parent = root
        for k in keys:
            parent = parent[int(k)] if isinstance(parent, list) else parent[k]
        if op["op"] == "remove":
            del parent[int(last) if isinstance(parent, list) else last]
        else:
            parent[int(last) if isinstance(parent, list) else last] = op["value"]
    return root


def test_the_schema_is_the_one_ingestion_checks_with() -> None:
    assert MANIFEST_SCHEMA == ROOT / "spark" / "contracts" / "bronze-manifest.schema.json"
    assert MANIFEST_SCHEMA.is_file()


@pytest.mark.parametrize("case", FIXTURES["cases"], ids=[c["name"] for c in FIXTURES["cases"]])
def test_the_shared_fixtures(case: dict) -> None:
    """Each case as test/unit/ingest/manifest.test.ts expects it of ingestion's check."""
    problems = manifest_problems(patched(VALID, case["patch"]), FIXTURES["dataset"], DAY)
    if case["problem"] is None:
        assert problems == []
        return
    named = [p for p in problems if p.startswith(case["problem"])]
    assert named, f"a problem at {case['problem']!r} among {problems}"
    if "names" in case:
        assert case["names"] in named[0]


def test_messages_name_the_json_path_and_the_field() -> None:
    assert manifest_problems(patched(VALID, [{"op": "remove", "path": "/objects/0/sha256"}]), "trips", DAY) == [
        "manifest /objects/0: 'sha256' is a required property"]
    assert manifest_problems(patched(VALID, [{"op": "add", "path": "/garbage", "value": 1}]), "trips", DAY) == [
        "manifest: Additional properties are not allowed ('garbage' was unexpected)"]
    assert manifest_problems(patched(VALID, [{"op": "replace", "path": "/records", "value": 5}]), "weather", date(2024, 3, 6)) == [
        "manifest /dataset: 'trips', expected 'weather' (the partition's)",
        "manifest /logical_date: 2024-03-05, expected 2024-03-06 (the partition's)",
        "manifest /records: total 5 differs from the sum of its objects (4)",
    ]


def test_what_silver_reads_of_a_manifest() -> None:
    assert manifest_records(VALID) == 4
    assert committed_objects(VALID) == [("part-00000.json.gz", 110), ("part-00001.json.gz", 101)]
    assert data_objects(VALID) == ["part-00000.json.gz", "part-00001.json.gz"]


def stored(monkeypatch: pytest.MonkeyPatch, texts: dict[str, str | None]) -> None:
    """The store as read_manifests sees it: each day's manifest text by its partition's day=DD."""
    monkeypatch.setattr(storage, "read_text", lambda _spark, uri: texts[uri.split("day=", 1)[1].split("/", 1)[0]])
    monkeypatch.setattr(bronze.storage, "concurrently", lambda call, items: [call(i) for i in items])


def test_read_manifests_gives_the_days_that_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    stored(monkeypatch, {"05": json.dumps(VALID)})
    assert read_manifests(None, "trips", [DAY]) == {DAY: VALID}


def test_a_manifest_that_breaks_the_schema_fails_the_run_naming_partition_and_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    next_day = patched(VALID, [{"op": "replace", "path": "/logical_date", "value": "2024-03-06"}])
    stored(monkeypatch, {"05": json.dumps(patched(VALID, [{"op": "remove", "path": "/objects/1/bytes"}])), "06": "{not json"})
    with pytest.raises(InvalidManifestError) as failed:
        read_manifests(None, "trips", [DAY, date(2024, 3, 6)])
    message = str(failed.value)
    assert message.startswith("bronze trips manifests are not as ingestion writes them (spark/contracts/bronze-manifest.schema.json); "
                              "nothing written. Re-ingest the day(s)")
    assert "s3a://bronze/trips/year=2024/month=03/day=05/_manifest.json: manifest /objects/1: 'bytes' is a required property" in message
    assert "s3a://bronze/trips/year=2024/month=03/day=06/_manifest.json: not valid JSON (" in message
    # A well-formed manifest of the next day passes; the job's exit code for this error is that of damaged bronze.
    stored(monkeypatch, {"06": json.dumps(next_day)})
    assert read_manifests(None, "trips", [date(2024, 3, 6)]) == {date(2024, 3, 6): next_day}
    assert issubclass(InvalidManifestError, bronze.DamagedBronzeError)


def test_a_missing_manifest_is_reported_first(monkeypatch: pytest.MonkeyPatch) -> None:
    stored(monkeypatch, {"05": None, "06": "[]"})
    with pytest.raises(MissingBronzeError, match="no committed partition"):
        read_manifests(None, "trips", [DAY, date(2024, 3, 6)])
