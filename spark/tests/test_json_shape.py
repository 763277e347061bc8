"""JsonShape (spark/functions) against Spark's own JSON parse, line by line.

The silver job once judged a line with three Spark parses: try_parse_json (NULL when
malformed or a key repeats), json_array_length over '[' line ']' (1 only when nothing follows
the value) and schema_of_variant (the fields' types). JsonShape does it in one; this keeps
its verdict and its field types equal to those of Spark's parses on lines that try the edges.
"""
from __future__ import annotations

import json

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from lakehouse.silver.contract import fields_of_shape
from lakehouse.silver.raw import JSON_SHAPE, not_text, parse_lines

LINES = [
    '{"trip_id":"t1","fare":"12.5"}',
    '{"trip_id": "t1", "fare": 12.5, "ok": true, "no": false, "tags": ["a", {"b": 1}], "extra": {"k": {"z": null}}, "gone": null}',
    '  {"a":1}  ',
    '{"a":1}}',
    '{"a":1}{"b":2}',
    '{"a":1} x',
    '{"a":1},',
    '{"a":1,}',
    '{"a":1',
    '{"a":1,"a":2}',
    '{"n":{"a":1,"a":2}}',
    '{"a":NaN}',
    '{"a":01}',
    '{"a":1e400}',
    '{"a":-0.0,"b":123456789012345678901234567890}',
    "{'a':1}",
    '{a:1}',
    '{"a":"tab\there"}',
    '{"a":"\\ud83d\\ude00","b":"\\u00e9"}',
    '{"we\\"ird":1,"x,y":"z","":2}',
    '[1, 2]',
    '[]',
    '"text"',
    '42',
    'true',
    'null',
    '',
    '   ',
    'not json',
    '{}',
    '{"deep":' + '[' * 40 + ']' * 40 + '}',
]


def old_json_type(variant_type: str) -> str:
    """The mapping the job applied to schema_of_variant's types."""
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


@pytest.mark.parametrize("line", LINES)
def test_json_shape_agrees_with_sparks_parse(spark: SparkSession, line: str) -> None:
    df = spark.createDataFrame([(line,)], "raw_line string").select(
        F.expr(JSON_SHAPE).alias("shape"),
        F.expr("try_parse_json(raw_line) IS NOT NULL AND coalesce(json_array_length(concat('[', raw_line, ']')) = 1, false)")
        .alias("one_value"),
        F.expr("schema_of_variant(try_parse_json(raw_line))").alias("variant_shape"),
    )
    row = df.collect()[0]
    assert (row["shape"] is not None) == row["one_value"], f"{line!r}: JsonShape {row['shape']!r}, Spark one value: {row['one_value']}"
    if row["shape"] is None:
        return
    is_object = row["variant_shape"].startswith("OBJECT<")
    assert row["shape"].startswith("{") == is_object
    if is_object:
        spark.createDataFrame([(line,)], "raw_line string").createOrReplaceTempView("json_shape_line")
        fields = spark.sql("SELECT f.key, schema_of_variant(f.value) AS t FROM json_shape_line, "
                           "LATERAL variant_explode(try_parse_json(raw_line)) AS f").collect()
        assert sorted(fields_of_shape(row["shape"])) == sorted((f["key"], old_json_type(f["t"])) for f in fields)
    else:
        assert row["shape"] == old_json_type(row["variant_shape"])


def test_names_are_json_escaped_so_a_field_matches_only_itself(spark: SparkSession) -> None:
    line = json.dumps({'a"fare':"x", "fare": {"k": 1}, "xfare": [1]})
    shape = spark.createDataFrame([(line,)], "raw_line string").select(F.expr(JSON_SHAPE)).collect()[0][0]
    assert fields_of_shape(shape) == [('a"fare', "string"), ("fare", "object"), ("xfare", "array")]
    checks = spark.createDataFrame([(line,)], "raw_line string").transform(parse_lines).select(
        *[not_text(f).alias(f) for f in ('a"fare', "fare", "xfare", "other")]).collect()[0]
    assert checks.asDict() == {'a"fare': False, "fare": True, "xfare": True, "other": False}
