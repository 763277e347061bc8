"""Which dbt commands the dbt server runs on a project parsed without the run's days (pure; the
builds themselves run in the integration tests, through `lakehouse run gold`)."""
import pytest
import yaml

from lakehouse.dbt_job import parse_args_for

PROJECT = ["--project-dir", "/repo/dbt", "--profiles-dir", "/repo/dbt"]


def test_a_day_build_is_parsed_with_its_other_vars_and_project_but_not_its_days():
    argv = ["build", "--vars", '{start_date: "2024-03-05", end_date: "2024-03-05", chicago: true, nyc_tlc: false}',
            "--exclude-resource-type", "unit_test", *PROJECT]
    args = parse_args_for(argv)
    assert args[0] == "parse"
    assert yaml.safe_load(args[args.index("--vars") + 1]) == {"chicago": True, "nyc_tlc": False}
    assert args[args.index("--project-dir") + 1] == "/repo/dbt"
    assert args[args.index("--profiles-dir") + 1] == "/repo/dbt"
    # What selects nodes is the build's, not the parse's (dbt parse would refuse it).
    assert "--exclude-resource-type" not in args and "unit_test" not in args


def test_two_days_with_the_same_other_vars_share_one_parse():
    day = lambda d: parse_args_for(["build", "--vars", f'{{start_date: "{d}", end_date: "{d}", chicago: true}}', *PROJECT])  # noqa: E731
    assert day("2024-03-05") == day("2024-03-06")


def test_a_build_of_another_source_is_parsed_apart():
    day = '{start_date: "2024-03-05", end_date: "2024-03-05", '
    chicago = parse_args_for(["build", "--vars", day + "chicago: true, nyc_tlc: false}", *PROJECT])
    nyc = parse_args_for(["build", "--vars", day + "chicago: false, nyc_tlc: true}", *PROJECT])
    assert chicago != nyc


def test_only_the_days_leaves_no_vars_to_parse_with():
    assert parse_args_for(["build", "--vars", '{start_date: "2024-03-05", end_date: "2024-03-06"}', *PROJECT]) == ["parse", *PROJECT]


@pytest.mark.parametrize("argv", [
    ["build", *PROJECT],                                                  # no vars: dbt's own parsing
    ["build", "--vars", "{chicago: true}", *PROJECT],                     # no days
    ["parse", "--vars", '{start_date: "2024-03-05"}', *PROJECT],          # not a command that runs nodes
    ["debug", *PROJECT],
    ["build", "--vars"],                                                  # malformed: dbt says so itself
    [],
])
def test_other_commands_run_as_given(argv):
    assert parse_args_for(argv) is None
