"""The local stack's warm job servers: a long-lived Python process in which the jobs that
`lakehouse run` starts run one after another, so a daily run no longer pays each job's start.
Two serve the local stack, each with its own job's identity:

- `--jobs silver` (service spark): one Spark session, in which the silver job runs. A fresh
  driver paid a JVM start, a session and catalog set-up and a cold JIT each time: measured
  2026-12-07 on 70-100k trips a day, silver's weather and trips took 18.1 + 16.3 s in a fresh
  driver, 2.0-2.4 + 6.2-8.2 s in the same driver afterwards. Once listening, it warms its JIT
  up on generated trips (lakehouse/silver/warmup.py), so its first job is not the cold one. Spark Connect is the stock way to
  keep a session warm, but its Python client needs pandas 2.2 or later and Superset 6.1, in the
  same project environment, pins pandas below 2.2. The jobs run with classic PySpark instead,
  exactly as under spark-submit (their own code; only the session is lent).
- `--jobs dbt` (service dbt): dbt, through dbt-core's programmatic entry (`dbtRunner`), with
  its modules imported once: a fresh `dbt` paid ~3.7 s of imports and ~3.4 s of parsing per
  build (the run's dates are --vars, so each build parses the project whole), against ~1.6 s of
  parsing in a warm process (2026-12-07).

    spark-submit lakehouse/job_server.py --jobs silver --socket /path/to/spark.sock
    python lakehouse/job_server.py --jobs dbt --socket /path/to/dbt.sock

Protocol, on a Unix socket (only this user can connect), one request per connection: the
client sends one JSON line, {"job": "silver", "args": [...]}; the server answers with the
job's output as its own process would print it (its stdout and stderr lines, as they come) and
ends with one line {"lakehouse_job_exit": <exit code>}. {"job": "ping"} is answered at once
with exit 0, also while a job runs: the stack's health probe. Jobs run one at a time (a
request waits for the job running; requests that arrive together run in no set order), a Spark
job in its own session (`newSession()`: its own SQL settings, temporary views and catalogs) on
the one shared SparkContext.

A client that goes away mid-job does not stop the job: it finishes, so its commits and markers
stay whole, and its output goes to this server's log instead.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

EXIT_KEY = "lakehouse_job_exit"
"""The key of the last line of every answer."""

JOBS = {"silver": "lakehouse.silver.job", "dbt": "lakehouse.dbt_job"}
"""The jobs a server may run: name → module with main(argv, session) -> exit code."""

SPARK_JOBS = frozenset({"silver"})
"""The jobs that run in a Spark session (the others get session=None)."""


def log(message: str) -> None:
    print(f"[job-server {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.__stderr__, flush=True)


def parse_request(line: bytes, served: Iterable[str] = JOBS) -> tuple[str, list[str]]:
    """(job, args) of a request line for a server of the `served` jobs; ValueError says what is
    wrong with it (pure)."""
    served = list(served)
    try:
        request = json.loads(line)
    except ValueError as e:
        raise ValueError(f"a request is one JSON line, not {line[:80]!r}: {e}") from None
    if not isinstance(request, dict):
        raise ValueError(f"a request is a JSON object, not {type(request).__name__}")
    job = request.get("job")
    args = request.get("args", [])
    if job != "ping" and job not in served:
        raise ValueError(f"unknown job {job!r}: this server runs {', '.join(served)} (and answers ping)")
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise ValueError("args is a list of strings")
    return job, args


def exit_line(code: int) -> str:
    return json.dumps({EXIT_KEY: code}) + "\n"


def fresh_import(name: str):
    """The job's module imported anew, with every other module of the project (lakehouse.*,
    this server aside), so a job runs the code as it is on disk now, as a spark-submit of its
    own would: an edit to a job needs no restart of the server. The jobs' work on executors is
    all JVM code (no Python functions are shipped to workers), and the JVM functions' jar is
    versioned by its sources' hash, so `lakehouse local up` restarts the driver when it changes."""
    for loaded in [m for m in sys.modules if m.startswith("lakehouse.") and m != "lakehouse.job_server"]:
        del sys.modules[loaded]
    return importlib.import_module(name)


class ClientStream(io.TextIOBase):
    """A text stream to the client's socket, written through line by line. Once the client is
    gone, what follows goes to this server's own stderr (its log), and the job carries on."""

    def __init__(self, wfile) -> None:
        self._wfile = wfile
        self.gone = False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                self._wfile.write(text.encode("utf-8"))
                self._wfile.flush()
                return len(text)
            except OSError:
                self.gone = True
        sys.__stderr__.write(text)
        return len(text)


class JobServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, socket_path: str, jobs: list[str], spark: SparkSession | None) -> None:
        self.jobs = jobs
        self.spark = spark
        # One job at a time: a job's output is this process's stdout and stderr while it runs.
        self.job_lock = threading.Lock()
        super().__init__(socket_path, RequestHandler)

    def warm_up(self) -> None:
        """Silver's transform over generated trips (lakehouse/silver/warmup.py), holding the job
        lock: a job that arrives meanwhile waits for it rather than sharing the two cores."""
        with self.job_lock:
            started = time.monotonic()
            try:
                from lakehouse.silver import warmup

                counts = warmup.warm_up(self.spark.newSession())
                log(f"warm-up: silver's transform over {warmup.ROUNDS} x {counts.get('lines', 0):,} generated trips "
                    f"in {time.monotonic() - started:.1f}s")
            except Exception as e:  # a failed warm-up costs a cold first job, nothing else
                log(f"warm-up failed, so the first job runs cold: {e}")

    def run_job(self, job: str, args: list[str], out: ClientStream) -> int:
        if not self.job_lock.acquire(blocking=False):
            out.write(f"[job-server] the server is busy (warming up, or running another job); {job} waits for it\n")
            self.job_lock.acquire()
        started = time.monotonic()
        try:
            log(f"{job} {' '.join(args)}: started")
            module = fresh_import(JOBS[job])
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                try:
                    session = self.spark.newSession() if job in SPARK_JOBS else None
                    code = module.main(args, session=session)
                except SystemExit as e:  # argparse's usage errors
                    code = e.code if isinstance(e.code, int) else 2
                except Exception:
                    traceback.print_exc()
                    code = 1
            log(f"{job} {' '.join(args)}: exit {code} after {time.monotonic() - started:.1f}s"
                + (" (its client left before the end)" if out.gone else ""))
            return code
        finally:
            self.job_lock.release()


class RequestHandler(socketserver.StreamRequestHandler):
    server: JobServer

    def handle(self) -> None:
        out = ClientStream(self.wfile)
        try:
            job, args = parse_request(self.rfile.readline(), self.server.jobs)
        except ValueError as e:
            out.write(f"[job-server] refused: {e}\n{exit_line(2)}")
            return
        code = 0 if job == "ping" else self.server.run_job(job, args, out)
        out.write(exit_line(code))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="job_server", description="Run lakehouse jobs one after another in one warm process.")
    parser.add_argument("--jobs", required=True, type=lambda v: v.split(","),
                        help=f"the jobs this server runs, comma-separated, from {', '.join(JOBS)}")
    parser.add_argument("--socket", required=True, help="the Unix socket to listen on (replaced if left over)")
    args = parser.parse_args(argv)
    unknown = [j for j in args.jobs if j not in JOBS]
    if unknown:
        parser.error(f"unknown job(s) {', '.join(unknown)}: choose from {', '.join(JOBS)}")
    started = time.monotonic()
    spark = None
    if SPARK_JOBS & set(args.jobs):
        from lakehouse.session import lakehouse_session  # only a Spark server needs pyspark's JVM

        spark = lakehouse_session("lakehouse-job-server")
        spark.sparkContext.setLogLevel("WARN")
    for job in args.jobs:  # imported now, not on the first request
        importlib.import_module(JOBS[job])
    with contextlib.suppress(FileNotFoundError):
        os.unlink(args.socket)
    old_umask = os.umask(0o177)  # the socket: this user only
    try:
        server = JobServer(args.socket, args.jobs, spark)
    finally:
        os.umask(old_umask)
    log(f"{', '.join(args.jobs)}: ready in {time.monotonic() - started:.1f}s; listening on {args.socket}")
    if spark is not None:  # a Spark server: it serves silver, whose transform the warm-up runs
        threading.Thread(target=server.warm_up, name="warm-up", daemon=True).start()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if spark is not None:
            spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
