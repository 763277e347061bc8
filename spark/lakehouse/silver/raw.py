"""Raw bronze lines as JSON: the parse every dataset shares."""
from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F


def parse_lines(lines: DataFrame) -> DataFrame:
    """Adds `v`, the line parsed as JSON (VARIANT, NULL when the line is not valid JSON),
    `shape`, its fields and their types (`OBJECT<fare: STRING, tips: DOUBLE, …>`, as
    schema_of_variant writes it; NULL when unparseable), and `has_unusual_types`: the shape
    holds an array, a boolean or a nested object somewhere.

    The shape serves three times from one walk of the record: the rule that a record must be a
    JSON object, the pre-check of `not_text`, and the partition's contract check
    (lakehouse.silver.contract). `has_unusual_types` is its own column so that it is computed
    once per record: written inside each field's check it ran once per text field, and a
    Flight Recorder profile found a quarter of the job's CPU in those scans of the shape.
    """
    shape = F.col("shape")
    return (
        lines.withColumn("v", F.expr("try_parse_json(raw_line)"))
        .withColumn("shape", F.expr("schema_of_variant(v)"))
        # A nested object is a field typed `name: OBJECT<` (or an array's element, caught by
        # ARRAY<). contains() tests a first byte before comparing; substr and locate walk the
        # string a character at a time, several times slower on every record.
        .withColumn("has_unusual_types", shape.contains("ARRAY<") | shape.contains("BOOLEAN") | shape.contains(": OBJECT<"))
    )


def is_json_object() -> Column:
    return F.col("shape").startswith("OBJECT<")


def line_checks() -> list[tuple[Column, str]]:
    """The checks of a line as text, shared by every dataset, in order: the first that fails
    names the reason. `parse_lines` must have run."""
    return [
        # JSON text is UTF-8 (RFC 8259 §8.1); other bytes would be read as U+FFFD and the record
        # would enter silver with altered text.
        (~F.expr("is_valid_utf8(raw_line)"), "invalid_utf8"),
        # try_parse_json stops after the first JSON value of the line, so '{…}}' would pass and
        # '{…}{…}' would lose its second record: '[' line ']' must be an array of exactly one.
        (F.col("v").isNull() | ~F.coalesce(F.expr("json_array_length(concat('[', raw_line, ']'))") == 1, F.lit(False)),
         "unparseable_json"),
        (~is_json_object(), "not_a_json_object"),
    ]


def not_text(field: str) -> Column:
    """True when a field that holds text arrives as an object, an array or a boolean (its JSON
    text would otherwise be taken as the value). Numbers are text a source may send unquoted.

    Most records have none of these types anywhere, which one scan of the shape shows, so the
    field itself is looked up only in the rare record that has them."""
    field_type = F.expr(f"schema_of_variant(try_variant_get(v, '$.{field}'))")
    return F.when(F.col("has_unusual_types"), field_type.rlike("^(OBJECT|ARRAY|BOOLEAN)")).otherwise(F.lit(False))
