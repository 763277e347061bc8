"""The warm driver's request and answer framing (pure; the server itself is exercised by the
integration tests, through `lakehouse run silver`)."""
import io
import json

import pytest

from lakehouse.job_server import EXIT_KEY, ClientStream, exit_line, parse_request


def test_a_silver_request_gives_its_job_and_args():
    assert parse_request(b'{"job": "silver", "args": ["--date", "2024-03-05"]}\n') == ("silver", ["--date", "2024-03-05"])


def test_a_ping_needs_no_args():
    assert parse_request(b'{"job": "ping"}\n') == ("ping", [])


@pytest.mark.parametrize("line, says", [
    (b"silver --date 2024-03-05\n", "one JSON line"),
    (b"[1, 2]\n", "JSON object"),
    (b'{"job": "maintenance"}\n', "unknown job 'maintenance'"),
    (b'{"job": "silver", "args": "--date 2024-03-05"}\n', "list of strings"),
    (b'{"job": "silver", "args": ["--date", 5]}\n', "list of strings"),
    (b"", "one JSON line"),
])
def test_a_malformed_request_is_refused_with_what_is_wrong(line, says):
    with pytest.raises(ValueError, match=says):
        parse_request(line)


def test_the_exit_line_is_one_json_object_under_the_clients_key():
    line = exit_line(4)
    assert line.endswith("\n") and line.count("\n") == 1
    assert json.loads(line) == {EXIT_KEY: 4}
    # The TypeScript client's key (src/local/jobs/job-server.ts) is the same literal.
    assert EXIT_KEY == "lakehouse_job_exit"


class Broken(io.RawIOBase):
    def write(self, b):
        raise BrokenPipeError("client went away")


def test_output_goes_to_the_client_until_it_leaves_then_to_the_log(capfd):
    sent = io.BytesIO()
    stream = ClientStream(sent)
    stream.write("first line\n")
    assert sent.getvalue() == b"first line\n" and not stream.gone
    stream._wfile = Broken()
    assert stream.write("after the client left\n") == len("after the client left\n")
    assert stream.gone
    assert "after the client left" in capfd.readouterr().err


def test_a_server_runs_only_the_jobs_it_serves():
    assert parse_request(b'{"job": "dbt", "args": ["build"]}\n', ["dbt"]) == ("dbt", ["build"])
    with pytest.raises(ValueError, match="unknown job 'silver': this server runs dbt"):
        parse_request(b'{"job": "silver", "args": []}\n', ["dbt"])
