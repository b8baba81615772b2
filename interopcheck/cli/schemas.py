"""``interopcheck schemas list|show``: what the bundled standard contains."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from interopcheck.errors import UsageError

app = typer.Typer(help="List and show the schemas of the bundled standard.", no_args_is_help=True)


@app.command("list")
def list_schemas(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List every bundled schema: name, standard version, kind and title."""
    from interopcheck.standard.catalog import Catalog

    entries = Catalog.bundled().entries()
    if as_json:
        rows = [
            {
                "name": e.name,
                "standard": e.standard,
                "version": e.version,
                "kind": e.kind,
                "messageType": e.message_type,
                "id": e.uri,
                "title": e.title,
            }
            for e in entries
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("name", "version", "kind", "title", show_edge=False, header_style="bold")
    for e in entries:
        table.add_row(e.name, e.version, e.kind, e.title)
    Console().print(table)


@app.command("show")
def show_schema(
    name: Annotated[str, typer.Argument(help="Schema name, e.g. charge-file or receipt.")],
    version: Annotated[
        str | None, typer.Option("--standard-version", help="Standard version (default: latest).")
    ] = None,
) -> None:
    """Print one bundled schema as JSON."""
    from interopcheck.standard.catalog import Catalog

    catalog = Catalog.bundled()
    entry = catalog.find(name, version)
    if entry is None:
        names = sorted({e.name for e in catalog.entries()})
        raise UsageError(f"no bundled schema called {name!r}; known: {', '.join(names)}")
    typer.echo(json.dumps(entry.document, indent=2, ensure_ascii=False))
