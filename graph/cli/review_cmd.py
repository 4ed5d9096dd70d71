"""`rkg review`: what waits for a researcher's decision, and writing decisions down."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import click

from graph.errors import RkgError

DEFAULT_CURATION = Path("corpus") / "curation.yaml"


def _review_file(graph: Path) -> dict[str, Any]:
    path = graph / "review.json"
    if not path.exists():
        raise click.ClickException(f"{path}: no review file; run `rkg build` first")
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _mention(m: dict[str, str]) -> str:
    return f"{m['file']}: \"{m['quote'][:90]}\""


def register(group: click.Group) -> None:
    @group.group("review", invoke_without_command=True)
    @click.option("--graph", type=click.Path(path_type=Path, file_okay=False),
                  default=Path("out"), show_default=True, help="A build's output folder.")
    @click.option("--limit", type=int, default=20, show_default=True,
                  help="At most this many rows per section.")
    @click.pass_context
    def review(ctx: click.Context, graph: Path, limit: int) -> None:
        """List what waits for a decision: links near the threshold (numbered, for accept
        and reject), disagreements, new entities, decisions that no longer apply.

        Example: rkg review --graph out

        Example: rkg review accept 1 --author "Min-ji Seo" --reason "same convoy"
        """
        ctx.obj = {"graph": graph}
        if ctx.invoked_subcommand is not None:
            return
        from graph.query import load_pack, run_query
        from graph.store import open_dataset

        data = _review_file(graph)
        near = data.get("near_threshold", [])
        click.echo(f"Links near the threshold ({len(near)}):")
        for n, row in enumerate(near[:limit], 1):
            state = "linked" if row["linked"] else "apart"
            if row.get("step") == "year":
                state += " (the only event of its year)"
            click.echo(f"  [{n}] {state}, score {row['score']}; agreed: "
                       f"{', '.join(row['agreed']) or '-'}; disagreed: "
                       f"{', '.join(row['disagreed']) or '-'}")
            click.echo(f"      {_mention(row['left'])}")
            click.echo(f"      {_mention(row['right'])}")
        try:
            ds = open_dataset(graph)
            pack = load_pack()
            rows = run_query(pack["disagreements"], ds, {}).records()
            entities = run_query(pack["review-queue"], ds, {}).records()
        except RkgError as exc:
            raise click.ClickException(str(exc)) from exc
        subjects = sorted({(str(r["type"]), str(r["about"])) for r in rows})
        click.echo(f"Disagreements ({len(subjects)}; `rkg query disagreements` has each side):")
        for kind, about in subjects[:limit]:
            click.echo(f"  {kind}: {about}")
        click.echo(f"New entities, unreviewed ({len(entities)}):")
        for r in entities[:limit]:
            click.echo(f"  {r['name']} ({r['typeName']}): {r['entity']}")
        stale = data.get("stale_decisions", [])
        click.echo(f"Decisions that no longer apply ({len(stale)}):")
        for line in stale:
            click.echo(f"  {line}")

    def _decide(ctx: click.Context, curation: Path, author: str, reason: str,
                **fields: Any) -> None:
        from graph import curation as cur

        decision = cur.Decision(author=author, reason=reason,
                                date=datetime.date.today().isoformat(), **fields)
        try:
            cur.append(curation, decision)
        except (RkgError, OSError) as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Wrote a {decision.kind} decision to {curation}; rebuild to apply it.")

    def _pair(ctx: click.Context, number: int) -> tuple[Any, Any]:
        from graph import curation as cur

        near = _review_file(ctx.obj["graph"]).get("near_threshold", [])
        if not 1 <= number <= len(near):
            raise click.ClickException(f"no link [{number}]: `rkg review` lists "
                                       f"{len(near)} links near the threshold")
        row = near[number - 1]
        return (cur.MentionRef(row["left"]["file"], row["left"]["quote"]),
                cur.MentionRef(row["right"]["file"], row["right"]["quote"]))

    common = [
        click.option("--curation", type=click.Path(path_type=Path, dir_okay=False),
                     default=DEFAULT_CURATION, show_default=True,
                     help="The curation file to write to."),
        click.option("--author", required=True, help="Who decides."),
        click.option("--reason", required=True, help="Why, in a sentence."),
    ]

    def with_common(fn: Any) -> Any:
        for option in reversed(common):
            fn = option(fn)
        return fn

    @review.command("accept")
    @click.argument("number", type=int)
    @with_common
    @click.pass_context
    def accept(ctx: click.Context, number: int, curation: Path, author: str,
               reason: str) -> None:
        """Decide that link [NUMBER] of `rkg review` is one event (same-event).

        Example: rkg review accept 2 --author "Min-ji Seo" --reason "same convoy"
        """
        _decide(ctx, curation, author, reason, kind="same-event",
                mentions=_pair(ctx, number))

    @review.command("reject")
    @click.argument("number", type=int)
    @with_common
    @click.pass_context
    def reject(ctx: click.Context, number: int, curation: Path, author: str,
               reason: str) -> None:
        """Decide that link [NUMBER] of `rkg review` joins two events (not-same-event).

        Example: rkg review reject 1 --author "Min-ji Seo" --reason "other crossing"
        """
        _decide(ctx, curation, author, reason, kind="not-same-event",
                mentions=_pair(ctx, number))

    @review.command("merge")
    @click.argument("first")
    @click.argument("second")
    @with_common
    @click.pass_context
    def merge(ctx: click.Context, first: str, second: str, curation: Path, author: str,
              reason: str) -> None:
        """Merge two events (same-event) or two entities (the FIRST is kept), by IRI.

        Example: rkg review merge rkgd:org/new-ngo-han-aid rkgd:org/hanaid --author A --reason B
        """
        from graph.curation import expand_iri

        a, b = expand_iri(first), expand_iri(second)
        if "/forced-return/" in a and "/forced-return/" in b:
            _decide(ctx, curation, author, reason, kind="same-event", events=(a, b))
        else:
            _decide(ctx, curation, author, reason, kind="merge-entities", entities=(a, b))

    @review.command("split")
    @click.argument("file")
    @click.argument("quote")
    @click.argument("other_file")
    @click.argument("other_quote")
    @with_common
    @click.pass_context
    def split(ctx: click.Context, file: str, quote: str, other_file: str, other_quote: str,
              curation: Path, author: str, reason: str) -> None:
        """Keep the mention (FILE, words of its sentence QUOTE) apart from another.

        Example: rkg review split a.txt "sent 30 back" b.txt "returned 40" --author A --reason B
        """
        from graph.curation import MentionRef

        _decide(ctx, curation, author, reason, kind="not-same-event",
                mentions=(MentionRef(file, quote), MentionRef(other_file, other_quote)))

    @review.command("type")
    @click.argument("entity")
    @click.argument("type_name")
    @with_common
    @click.pass_context
    def set_type(ctx: click.Context, entity: str, type_name: str, curation: Path, author: str,
                 reason: str) -> None:
        """Give ENTITY (an IRI) the ontology class TYPE_NAME (NGO, Person, Settlement ...).

        Example: rkg review type rkgd:org/new-ngo-han-aid NGO --author A --reason B
        """
        from graph.curation import expand_iri
        from graph.registry import KNOWN_TYPES

        if type_name not in KNOWN_TYPES:
            raise click.ClickException(f"unknown type {type_name!r}: one of "
                                       f"{', '.join(sorted(KNOWN_TYPES))}")
        _decide(ctx, curation, author, reason, kind="entity-type",
                entity=expand_iri(entity), type=type_name)

    @review.command("wikidata")
    @click.argument("entity")
    @click.argument("qid")
    @with_common
    @click.pass_context
    def wikidata(ctx: click.Context, entity: str, qid: str, curation: Path, author: str,
                 reason: str) -> None:
        """Give ENTITY (an IRI) its Wikidata id QID (Q...).

        Example: rkg review wikidata rkgd:org/new-ngo-han-aid Q123456 --author A --reason B
        """
        from graph.curation import expand_iri

        if not qid[:1] == "Q" or not qid[1:].isdigit():
            raise click.ClickException(f"{qid!r} is not a Wikidata id (Q followed by digits)")
        _decide(ctx, curation, author, reason, kind="wikidata", entity=expand_iri(entity),
                wikidata=qid)

    @review.command("drop")
    @click.argument("file")
    @click.argument("quote")
    @with_common
    @click.pass_context
    def drop(ctx: click.Context, file: str, quote: str, curation: Path, author: str,
             reason: str) -> None:
        """Reject the forced-return mention (FILE, words of its sentence QUOTE): it joins no
        event (reject-fact).

        Example: rkg review drop a.txt "sent 30 back" --author A --reason "a plan, not a return"
        """
        from graph.curation import MentionRef

        _decide(ctx, curation, author, reason, kind="reject-fact",
                mentions=(MentionRef(file, quote),))
