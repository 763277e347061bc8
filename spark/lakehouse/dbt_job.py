"""dbt in the local stack's warm job server (lakehouse/job_server.py, service dbt): a `dbt`
command line run through dbt-core's programmatic entry, dbtRunner, in a process whose modules
stay imported between builds; the same exit codes as the `dbt` command (0 success, 1 a model
or test failed, 2 dbt could not run). The cluster's gold job runs the `dbt` command itself."""
from __future__ import annotations

import sys

from dbt.cli.main import dbtRunner
from dbt_common.exceptions import DbtBaseException


def main(argv: list[str], session: object = None) -> int:
    result = dbtRunner().invoke(list(argv))
    if result.success:
        return 0
    if result.exception is None:
        return 1  # a model or test failed: dbt's own output names it
    if not isinstance(result.exception, DbtBaseException):
        # dbt logs its own errors as it raises them; a usage error (DbtUsageException is not
        # one of them) or a crash it does not.
        print(f"dbt: {result.exception}", file=sys.stderr)
    return 2
