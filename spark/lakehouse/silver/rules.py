"""What the datasets' silver rules share: reading text as silver's types, and naming a record's
reject reason (the first failing check). Every function builds a Column; nothing runs here."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from pyspark.sql import Column
from pyspark.sql import functions as F

MONEY = "decimal(10,2)"
# Amounts are read wide first, so that 1e12 is judged an absurd fare rather than an unreadable
# one; 18 digits keep the decimal in a long (fast) and still hold any amount a feed could mean.
WIDE_MONEY = "decimal(18,2)"
TIMESTAMP_TEXT = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?$"

# A check: the condition under which a record fails, and the reason it is then rejected with.
Check = tuple[Column, Column | str]


def local_timestamp(raw: Column) -> Column:
    """A source's local wall-clock time: `yyyy-MM-ddTHH:mm:ss[.fff]` (or a space for the T).

    Spark's cast parses ISO timestamps without a formatter, several times faster than
    to_timestamp; the pattern keeps out what the cast would also take (a bare date, an offset).
    """
    return F.when(raw.rlike(TIMESTAMP_TEXT), raw.try_cast("timestamp"))


def let(value: Column, body: Callable[[Column], Column]) -> Column:
    """`body(value)` with `value` computed once: a lambda over a one-element array. The optimizer
    inlines a column's expression at each use (a filter on `reason` is pushed down through the
    projections), and the daylight-saving readings use each stamp many times: without this the
    pushed condition grew to 3.7 MB and ran out of memory."""
    return F.transform(F.array(value), body)[0]


def missing_fields(required: Iterable[str], values: Mapping[str, Column]) -> dict[str, Check]:
    """The check of each required field (the contract's `required`, in its order): the field's
    value is NULL, i.e. absent, JSON null or empty. `values` maps every field the dataset's rules
    can read to its value; a required field outside it is an error of the contract, raised here
    (when the job plans its batch) rather than as an unresolved column."""
    required = tuple(required)
    unknown = [f for f in required if f not in values]
    if unknown:
        raise ValueError(f"the contract requires {', '.join(unknown)}, which silver's rules do not read (known: {', '.join(values)})")
    return {f: (values[f].isNull(), f"missing_field:{f}") for f in required}


def first_reason(checks: list[Check]) -> Column:
    """The reason of the first failing check, or NULL when every check passes."""
    expr = None
    for failed, reason in reversed(checks):
        value = reason if isinstance(reason, Column) else F.lit(reason)
        expr = F.when(failed, value) if expr is None else F.when(failed, value).otherwise(expr)
    return expr
