"""``interopcheck profiles list|show|lint|openapi``: the bundled profiles, one profile's
requirements, every mistake in a profile file, and an actor's endpoints as OpenAPI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from interopcheck.profile.model import Requirement

app = typer.Typer(help="List, show and lint conformance profiles.", no_args_is_help=True)


@app.command("list")
def list_profiles(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List the bundled profiles: id, version, what they extend, how many requirements."""
    from interopcheck.profile.loader import bundled_profiles, load_profile

    profiles = [load_profile(str(path)) for path in bundled_profiles().values()]
    rows = [
        {
            "id": p.id,
            "version": p.version,
            "title": p.title,
            "extends": list(p.extends),
            "requirements": len(p.requirements),
        }
        for p in profiles
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "version", "extends", "requirements", "title", show_edge=False)
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["version"]),
            ", ".join(row["extends"]) or "-",  # type: ignore[arg-type]
            str(row["requirements"]),
            str(row["title"]),
        )
    Console().print(table)


@app.command("show")
def show_profile(
    name: Annotated[str, typer.Argument(help="A bundled profile id or a profile file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show a profile's requirements, by actor and by the messages each actor sends."""
    from interopcheck.profile.loader import load_profile

    profile = load_profile(name)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "id": profile.id,
                    "version": profile.version,
                    "title": profile.title,
                    "extends": list(profile.extends),
                    "digest": profile.digest,
                    "deciding": list(profile.deciding),
                    "actors": {
                        a.name: {"title": a.title, "sends": a.sends, "receives": a.receives}
                        for a in profile.actors.values()
                    },
                    "requirements": [
                        {
                            "id": r.id,
                            "level": r.level,
                            "text": r.text,
                            "source": r.source,
                            "group": r.group,
                            "kind": r.kind,
                            "messages": sorted(r.message_types()),
                        }
                        for r in profile.requirements
                    ],
                },
                indent=2,
            )
        )
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    extends = f" (extends {', '.join(profile.extends)})" if profile.extends else ""
    console.print(f"[bold]{escape(profile.title)}[/bold] — {profile.id} {profile.version}{extends}")
    console.print(
        f"{len(profile.requirements)} requirements; deciding: {', '.join(profile.deciding)}"
    )

    def requirements_table(title: str, requirements: list[Requirement]) -> Table:
        table = Table(
            "id", "level", "kind", "requirement", "source",
            title=title, title_justify="left", show_edge=False,
        )  # fmt: skip
        for r in requirements:
            table.add_row(r.id, r.level, r.kind, escape(r.text), escape(r.source or ""))
        return table

    for actor in profile.actors.values():
        for message_type in actor.sends:
            requirements = profile.for_message(message_type)
            if requirements:
                console.print(
                    requirements_table(f"{actor.title} sends {message_type}", requirements)
                )
    journeys = profile.journey_requirements()
    if journeys:
        console.print(requirements_table("Across a journey", journeys))


@app.command("lint")
def lint(
    path: Annotated[Path, typer.Argument(help="The profile file to check.")],
) -> None:
    """Report every mistake in a profile file; exit 0 clean, 1 problems, 2 cannot read it."""
    from interopcheck.errors import ProfileError
    from interopcheck.profile_lint import lint_profile

    if not path.is_file():
        raise ProfileError(f"{path}: no such profile file")
    problems = lint_profile(path)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{path}: clean")


@app.command("openapi")
def openapi_profile(
    name: Annotated[str, typer.Argument(help="Bundled profile id or a profile file.")],
    actor: Annotated[str, typer.Option("--actor", help="Whose endpoints (e.g. court).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """The OpenAPI 3.1 document of an actor's endpoints (what the sandbox serves at
    /openapi.json): for API gateways, low-code connectors and other testing tools."""
    from interopcheck.output import open_output
    from interopcheck.profile.catalog import catalog_for
    from interopcheck.profile.loader import load_profile
    from interopcheck.sandbox.openapi import openapi_document

    loaded = load_profile(name)
    document = openapi_document(loaded, actor, catalog_for(loaded))
    with open_output(output) as out:
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
