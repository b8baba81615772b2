"""``interopcheck compat``: will the next version of the standard break a neighbour?"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer


class DirectionChoice(str, Enum):
    backward = "backward"
    forward = "forward"
    both = "both"


class CompatFormat(str, Enum):
    console = "console"
    json = "json"


def compat(
    old: Annotated[
        str,
        typer.Argument(help="The version in use: a schema file, a directory, or 1.0 (bundled)."),
    ],
    new: Annotated[str, typer.Argument(help="The next version, the same way.")],
    direction: Annotated[
        DirectionChoice,
        typer.Option(
            "--direction",
            help="backward: NEW accepts all OLD did; forward: OLD accepts all NEW makes; both.",
        ),
    ] = DirectionChoice.both,
    message_type: Annotated[
        str | None, typer.Option("--type", help="Only this message type.")
    ] = None,
    tries: Annotated[
        int,
        typer.Option(
            "--tries",
            help="Payloads to draw per direction where the schemas alone do not decide.",
            min=1,
            max=100000,
        ),
    ] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the search.")] = 0,
    keep_version_label: Annotated[
        bool,
        typer.Option(
            "--keep-version-label",
            help="Compare header.standardVersion too (by default it may differ: it is the label).",
        ),
    ] = False,
    output_format: Annotated[
        CompatFormat, typer.Option("--format", "-f", help="console or json.")
    ] = CompatFormat.console,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Compare two versions of the exchange's schemas, message type by message type. Exit 0
    compatible in the direction asked, 1 not (or not proven), 2 could not run."""
    from interopcheck.cli.output import open_output
    from interopcheck.compat.compare import compare_sides, load_side
    from interopcheck.compat.report import to_document, write_console, write_json
    from interopcheck.errors import SetupError

    directions = (
        ("backward", "forward") if direction is DirectionChoice.both else (direction.value,)
    )
    old_side = load_side(old, keep_version_label)
    new_side = load_side(new, keep_version_label)
    if message_type is not None:
        for side in (old_side, new_side):
            if message_type not in side.entries:
                raise SetupError(f"{side.label} has no message type {message_type!r}")
            for other in [t for t in side.entries if t != message_type]:
                del side.entries[other]
    comparisons = compare_sides(old_side, new_side, directions, tries, seed)
    compatible = all(
        d is not None and d.verdict == "yes"
        for c in comparisons
        for d in ((c.backward,) if "backward" in directions else ())
        + ((c.forward,) if "forward" in directions else ())
    )
    with open_output(output) as out:
        if output_format is CompatFormat.json:
            write_json(out, to_document(comparisons, directions, compatible))
        else:
            write_console(out, comparisons, compatible)
    raise typer.Exit(0 if compatible else 1)
