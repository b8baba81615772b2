"""``interopcheck verify``: is this the report that was signed, and is the standard the same?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interopcheck.cli.options import (
    DraftOption,
    RefMapOption,
    profile_option,
    ref_schemas_option,
    schema_sources,
)


def verify(
    report: Annotated[
        Path, typer.Argument(help="The signed report.json.", show_default=False, metavar="REPORT")
    ],
    public_key: Annotated[
        Path,
        typer.Option(
            "--public-key", help="The signer's public key (NAME.pub).", show_default=False
        ),
    ],
    signature: Annotated[
        Path | None,
        typer.Option("--signature", help="The detached signature (default: REPORT.sig)."),
    ] = None,
    profile: Annotated[
        str | None,
        profile_option("the one to compare digests with (default: the bundled one named)."),
    ] = None,
    ref_schemas: Annotated[
        list[Path] | None,
        ref_schemas_option("those the run had (repeatable)."),
    ] = None,
    schema: Annotated[
        Path | None, typer.Option("--schema", help="The --schema file the run was given.")
    ] = None,
    ref_map: RefMapOption = None,
    draft: DraftOption = None,
) -> None:
    """Check a signed report: every byte as signed, by this key, and the profile and schemas it
    names still have the digests it records. Exit 0 verified, 1 not, 2 error."""
    from interopcheck.verification import verify_report

    sources = schema_sources(ref_schemas, ref_map, draft)
    outcome = verify_report(report, public_key, signature, profile, sources, schema)
    for line in outcome.lines:
        typer.echo(line)
    raise typer.Exit(0 if outcome.verified else 1)
