"""Raw bronze lines as JSON: the parse every dataset shares."""
from __future__ import annotations

import json

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

# spark/functions/src/lakehouse/spark/JsonShape.java, on the classpath of every Spark job (the
# local stack's --jars, the image's /opt/spark/jars, the unit tests' session). `reflect` calls
# a static method from SQL, so the job needs no UDF registration. It gives '' for a line that is
# not one JSON value (reflect would turn a Java null into the text 'null'): NULL here.
JSON_SHAPE = "nullif(reflect('lakehouse.spark.JsonShape', 'of', raw_line), '')"
UNUSUAL_TYPES = ("object", "array", "boolean")


def parse_lines(lines: DataFrame) -> DataFrame:
    """Adds `shape`, the line's top-level fields and their JSON types as JsonShape writes them
    (`{"fare":"string","tips":"number",…}` for an object, a bare type name for another value,
    NULL unless the line is exactly one JSON value), and `has_unusual_types`: some field holds
    an object, an array or a boolean.

    One streaming parse gives the shape, which serves three times: the rules that a record is
    one JSON value and an object, the pre-check of `not_text`, and the partition's contract
    check (lakehouse.silver.contract). It replaced three parses of each line (try_parse_json,
    schema_of_variant, json_array_length), a third of the staging pass. `has_unusual_types`
    is its own column so that it is computed once per record, not once per text field.
    """
    shape = F.col("shape")
    # `:"object"` is always a type: inside a JSON-escaped name a quote follows a backslash.
    unusual = [shape.contains(f':"{t}"') for t in UNUSUAL_TYPES]
    return lines.withColumn("shape", F.expr(JSON_SHAPE)).withColumn("has_unusual_types", unusual[0] | unusual[1] | unusual[2])


def is_json_object() -> Column:
    return F.col("shape").startswith("{")


def line_checks() -> list[tuple[Column, str]]:
    """The checks of a line as text, shared by every dataset, in order: the first that fails
    names the reason. `parse_lines` must have run."""
    return [
        # JSON text is UTF-8 (RFC 8259 §8.1); other bytes would be read as U+FFFD and the record
        # would enter silver with altered text.
        (~F.expr("is_valid_utf8(raw_line)"), "invalid_utf8"),
        # Malformed, empty, a key twice, or a second value after the first ('{…}}', '{…}{…}',
        # which would lose a record): JsonShape gives no shape.
        (F.col("shape").isNull(), "unparseable_json"),
        (~is_json_object(), "not_a_json_object"),
    ]


def not_text(field: str) -> Column:
    """True when a field that holds text arrives as an object, an array or a boolean (its JSON
    text would otherwise be taken as the value). Numbers are text a source may send unquoted.

    Most records have none of these types anywhere, which `has_unusual_types` shows, so the
    field itself is looked up only in the rare record that has them. In the shape a field is
    `"<JSON-escaped name>":"<type>"` after `{` or `,`; inside an escaped name every quote
    follows a backslash, so `,"fare":` (or `{"fare":` at the start) is this field and no other."""
    entries = [f'{json.dumps(field, ensure_ascii=False)}:"{t}"' for t in UNUSUAL_TYPES]
    shape = F.col("shape")
    typed = [shape.contains("," + e) | shape.startswith("{" + e) for e in entries]
    return F.when(F.col("has_unusual_types"), typed[0] | typed[1] | typed[2]).otherwise(F.lit(False))
