"""`rkg ontology`: summarise the ontology and check it with HermiT."""

from __future__ import annotations

import json

import click


def register(group: click.Group) -> None:
    @group.command("ontology")
    @click.option("--no-reasoner", is_flag=True,
                  help="Only count terms; do not run HermiT (which needs Java).")
    @click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
    def command(no_reasoner: bool, as_json: bool) -> None:
        """Summarise the ontology (classes, properties, SKOS concepts) and check it with HermiT.

        Loads ontology/rkg.ttl, align.ttl and vocab/*.ttl (or $RKG_ONTOLOGY_DIR), counts the
        terms and runs HermiT (owlready2, Java) for consistency. Exits with status 1 when
        HermiT finds the ontology inconsistent; a missing Java is reported, not an error.

        Example: rkg ontology --json
        """
        from graph.ontology import ontology_summary

        try:
            summary = ontology_summary(reason=not no_reasoner)
        except (FileNotFoundError, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
        if as_json:
            click.echo(json.dumps(summary.as_dict(), indent=2, sort_keys=True))
        else:
            for line in summary.lines():
                click.echo(line)
        if summary.hermit is not None and summary.hermit.consistent is False:
            raise click.ClickException("the ontology is inconsistent (see above)")
