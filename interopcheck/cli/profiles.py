"""``interopcheck profiles list|show|lint|openapi``: the bundled profiles, one profile's
requirements, every mistake in a profile file, and an actor's endpoints as OpenAPI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="List, show and lint conformance profiles.", no_args_is_help=True)


@app.command("list")
def list_profiles(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List the bundled profiles: id, version, what they extend, how many requirements."""
    import sys

    from interopcheck.profile.loader import bundled_profiles, load_profile
    from interopcheck.profile_view import summary_rows, write_summary_table

    rows = summary_rows([load_profile(str(path)) for path in bundled_profiles().values()])
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
    else:
        write_summary_table(sys.stdout, rows)


@app.command("show")
def show_profile(
    name: Annotated[str, typer.Argument(help="A bundled profile id or a profile file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show a profile's requirements, by actor and by the messages each actor sends."""
    import sys

    from interopcheck.profile.loader import load_profile
    from interopcheck.profile_view import description, write_tables

    profile = load_profile(name)
    if as_json:
        typer.echo(json.dumps(description(profile), indent=2))
    else:
        write_tables(sys.stdout, profile)


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


@app.command("connector")
def connector_profile(
    name: Annotated[str, typer.Argument(help="Bundled profile id or a profile file.")],
    actor: Annotated[str, typer.Option("--actor", help="Whose endpoints (e.g. court).")],
    output_dir: Annotated[
        Path,
        typer.Option(
            "--output-dir", help="Write apiDefinition.swagger.json and apiProperties.json here."
        ),
    ],
    host: Annotated[
        str, typer.Option("--host", help="The agency API's host name (and :port).")
    ] = "agency-api.example.org",
    base_path: Annotated[str, typer.Option("--base-path", help="The API's base path.")] = "/",
) -> None:
    """A Power Platform custom connector for an actor's endpoints: apiDefinition.swagger.json
    (Swagger 2.0) and apiProperties.json, checked against Microsoft's schemas. What Swagger 2.0
    cannot say of the standard's schemas is listed; interopcheck still checks it."""
    from interopcheck.connector.build import build_connector
    from interopcheck.output import open_output
    from interopcheck.profile.catalog import catalog_for
    from interopcheck.profile.loader import load_profile

    loaded = load_profile(name)
    made = build_connector(loaded, actor, catalog_for(loaded), host, base_path)
    for file, document in (
        ("apiDefinition.swagger.json", made.definition),
        ("apiProperties.json", made.properties),
    ):
        with open_output(output_dir / file) as out:
            out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    typer.echo(
        f"{output_dir / 'apiDefinition.swagger.json'}: {len(made.definition['paths'])} paths"
    )
    typer.echo(f"{output_dir / 'apiProperties.json'}: written")
    for note in made.notes:
        typer.echo(f"note: {note}", err=True)
    if made.losses:
        typer.echo(
            f"note: {len(made.losses)} constraints Swagger 2.0 cannot say are not in the "
            "connector (interopcheck still checks them):",
            err=True,
        )
        for loss in made.losses[:20]:
            typer.echo(f"  {loss}", err=True)
        if len(made.losses) > 20:
            typer.echo(f"  ... and {len(made.losses) - 20} more", err=True)
