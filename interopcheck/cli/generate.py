"""``interopcheck generate``: valid and invalid payloads from the standard, reproducibly."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from interopcheck.cli.options import (
    DraftOption,
    RefMapOption,
    profile_option,
    ref_schemas_option,
    schema_sources,
    seed_option,
)


def generate(
    message_type: Annotated[
        str | None, typer.Option("--type", help="Message type to generate (e.g. charge-file).")
    ] = None,
    schema: Annotated[
        Path | None,
        typer.Option("--schema", help="Generate for this JSON Schema file."),
    ] = None,
    profile: Annotated[
        str | None,
        profile_option("valid cases also pass its rules (code lists, identifiers, dates)."),
    ] = None,
    count: Annotated[int, typer.Option("--count", "-n", help="How many cases.", min=1)] = 10,
    invalid: Annotated[
        bool, typer.Option("--invalid", help="Invalid cases, each saying what it breaks.")
    ] = False,
    target: Annotated[
        str | None,
        typer.Option("--break", help="Invalid cases that break this requirement (e.g. CF-004)."),
    ] = None,
    journey: Annotated[
        bool,
        typer.Option(
            "--journey",
            help="Whole journeys (one message of each type, about one case) that pass the "
            "profile's journey rules; needs --profile.",
        ),
    ] = False,
    seed: Annotated[
        int | None,
        seed_option("the same cases, byte for byte (default: a random seed, reported)."),
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            help="Write one file per case and interopcheck-manifest.json (default: JSON Lines "
            "on stdout).",
        ),
    ] = None,
    standard_version: Annotated[
        str | None, typer.Option("--standard-version", help="Standard version (default: latest).")
    ] = None,
    ref_schemas: Annotated[
        list[Path] | None,
        ref_schemas_option("what --schema's $refs reach (repeatable)."),
    ] = None,
    ref_map: RefMapOption = None,
    draft: DraftOption = None,
) -> None:
    """Generate payloads: valid ones, or invalid ones confirmed by the validator on the
    constraint they break. Exit 0 all generated, 1 fewer than asked, 2 error."""
    from interopcheck.generation.run import GenerateRequest, random_seed, write_cases, write_lines
    from interopcheck.generation.run import generate as run_generate

    chosen_seed = seed if seed is not None else random_seed()
    generation, manifest = run_generate(
        GenerateRequest(
            message_type=message_type,
            schema_file=schema,
            profile=profile,
            count=count,
            invalid=invalid,
            target=target,
            seed=chosen_seed,
            version=standard_version,
            journey=journey,
            sources=schema_sources(ref_schemas, ref_map, draft),
        )
    )
    if output_dir is not None:
        write_cases(output_dir, generation, manifest)
    else:
        write_lines(sys.stdout, generation, manifest)
    for limitation in manifest["limitations"]:
        sys.stderr.write(f"interopcheck: note: not modelled exactly: {limitation}\n")
    made = len(generation.cases)
    if manifest["stopped"]:
        sys.stderr.write(
            f"interopcheck: error: generation stopped after {made} case(s), all of them "
            f"written: {manifest['stopped']}\n"
        )
        raise typer.Exit(2)
    what = manifest["messageType"] or manifest["profile"]
    sys.stderr.write(
        f"interopcheck: {made} {manifest['kind']} {what} case(s), seed "
        f"{chosen_seed} ({generation.tried} drawn, {generation.rejected} rejected)\n"
    )
    if made < count:
        sys.stderr.write(
            f"interopcheck: only {made} of {count} distinct cases found; the schema (or the "
            "profile's rules) leave little room, or try another --seed\n"
        )
        raise typer.Exit(1)
