"""dbt in the local stack's warm job server (lakehouse/job_server.py, service dbt): a `dbt`
command line run through dbt-core's programmatic entry, dbtRunner, in a process whose modules
stay imported between builds; the same exit codes as the `dbt` command (0 success, 1 a model
or test failed, 2 dbt could not run). The cluster's gold job runs the `dbt` command itself.

Each day's build names its days in --vars (start_date, end_date), and dbt parses the whole
project again whenever --vars change (~2 s of a ~20 s daily build). Nothing in the project needs
the days at parse time (a test's `where` gets them when it runs: macros/run_window.sql), so a
command that names them is run on a project parsed without them: `dbt parse` with the other vars,
which dbt's partial parsing answers from its saved state while the project and those vars stay
the same, and the command run on that manifest with the days in its own --vars."""
from __future__ import annotations

import sys

import yaml
from dbt.cli.main import dbtRunner
from dbt_common.exceptions import DbtBaseException

# The vars that name a run's days (dbt/dbt_project.yml): read when nodes compile and run, never
# when the project is parsed.
RUN_WINDOW_VARS = ("start_date", "end_date")
# The commands that compile and run nodes on a parsed manifest.
NODE_COMMANDS = {"build", "run", "test", "compile"}
# Options of those commands that say which project, profile and target a parse is of.
PARSE_OPTIONS = {"--project-dir", "--profiles-dir", "--profile", "--target", "-t"}


def parse_args_for(argv: list[str]) -> list[str] | None:
    """The `dbt parse` arguments whose manifest `argv` can run on (pure): the same project,
    profile, target and vars, without the run's days. None when `argv` is not a node command or
    names no days (it then runs as given, dbt parsing as it does)."""
    if not argv or argv[0] not in NODE_COMMANDS or "--vars" not in argv[:-1]:
        return None
    given = yaml.safe_load(argv[argv.index("--vars") + 1])
    if not isinstance(given, dict) or not any(k in given for k in RUN_WINDOW_VARS):
        return None
    kept = {k: v for k, v in given.items() if k not in RUN_WINDOW_VARS}
    args = ["parse"] + (["--vars", yaml.safe_dump(kept, default_flow_style=True).strip()] if kept else [])
    for i, arg in enumerate(argv[:-1]):
        if arg in PARSE_OPTIONS:
            args += [arg, argv[i + 1]]
    return args


def exit_code(result) -> int:
    if result.success:
        return 0
    if result.exception is None:
        return 1  # a model or test failed: dbt's own output names it
    if not isinstance(result.exception, DbtBaseException):
        # dbt logs its own errors as it raises them; a usage error (DbtUsageException is not
        # one of them) or a crash it does not.
        print(f"dbt: {result.exception}", file=sys.stderr)
    return 2


def main(argv: list[str], session: object = None) -> int:
    parse = parse_args_for(list(argv))
    if parse is None:
        return exit_code(dbtRunner().invoke(list(argv)))
    parsed = dbtRunner().invoke(parse, quiet=True)
    if not parsed.success:
        # Parsing failed (a broken model or .yml): dbt's own parse, with its message, as given.
        return exit_code(dbtRunner().invoke(list(argv)))
    return exit_code(dbtRunner(manifest=parsed.result).invoke(list(argv)))
