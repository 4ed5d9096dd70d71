"""The documentation tells the truth: README commands, CLI help, query pack docs."""

from __future__ import annotations

import re

import click
from click.testing import CliRunner

from graph.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _setup_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert block, "README must open with a bash block of set-up commands"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_docs_readme_opens_with_exactly_two_setup_commands() -> None:
    commands = _setup_commands()
    assert len(commands) == 2
    build, tests = commands
    assert "pip install -e ." in build and "rkg build" in build
    assert 'pip install -e ".[test]"' in tests and "python -m pytest" in tests


def test_docs_ci_runs_the_readme_test_command() -> None:
    tests = _setup_commands()[1]
    assert 'pip install -q -e ".[test]"' in CI or 'pip install -e ".[test]"' in CI
    assert "python -m pytest" in CI and "python -m pytest" in tests
    for package in ("default-jre-headless", "chromium", "virtuoso-opensource"):
        assert package in tests and package in CI


def _commands(group: click.Group) -> dict[str, click.Command]:
    return dict(group.commands)


def test_docs_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for name in _commands(cli):
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Example:" in result.output, f"rkg {name} --help has no example"
        assert f"rkg {name}" in result.output.split("Example:")[1]


def test_docs_every_command_is_in_the_readme() -> None:
    for name in _commands(cli):
        assert f"rkg {name}" in README, f"README does not mention 'rkg {name}'"


def test_docs_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "rkg" in result.output
