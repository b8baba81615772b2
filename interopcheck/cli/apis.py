"""``interopcheck apis show``: every operation of an API document (OpenAPI 3.0, 3.1, Swagger
2.0; one file or many), checked by openapi-spec-validator."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from interopcheck.cli.options import ref_schemas_option

app = typer.Typer(help="Read API documents (OpenAPI 3.0/3.1, Swagger 2.0).", no_args_is_help=True)


@app.command("show")
def show_api(
    document: Annotated[
        Path, typer.Argument(help="The API document's root file (JSON or YAML).", metavar="FILE")
    ],
    ref_schemas: Annotated[
        list[Path] | None,
        ref_schemas_option("local copies of what absolute $refs name, by their $id."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List every operation: method, path, endpoint id, parameters, bodies, responses and
    security. Exit 0 when the document is valid, 2 (with file:line:col) when it is not."""
    from interopcheck.apis.operations import load_api
    from interopcheck.apis.view import description, lines

    api = load_api(document, tuple(ref_schemas or ()))
    for note in api.notes:
        sys.stderr.write(f"interopcheck: note: {note}\n")
    if as_json:
        typer.echo(json.dumps(description(api), indent=2, ensure_ascii=False))
    else:
        typer.echo("\n".join(lines(api)))
