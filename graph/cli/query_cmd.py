"""`rkg query`: not built yet (see the issue tracker)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    @group.command("query", context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def command(args: tuple[str, ...]) -> None:
        """Not built yet: this command says so plainly and exits with status 2."""
        raise click.ClickException("'rkg query' is not built yet.")
