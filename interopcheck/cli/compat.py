"""``interopcheck compat``: will the next version of the standard break a neighbour?"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from interopcheck.errors import SetupError


class DirectionChoice(str, Enum):
    backward = "backward"
    forward = "forward"
    both = "both"


class CompatFormat(str, Enum):
    console = "console"
    json = "json"
    markdown = "markdown"
    html = "html"
    junit = "junit"


def compat(
    old: Annotated[
        str | None,
        typer.Argument(
            help="The version in use: a schema file, a directory, or 1.0 (bundled).",
            show_default=False,
        ),
    ] = None,
    new: Annotated[
        str | None, typer.Argument(help="The next version, the same way.", show_default=False)
    ] = None,
    matrix: Annotated[
        Path | None,
        typer.Option(
            "--matrix",
            help="A directory with one subdirectory of schemas per version: which version of "
            "each message can talk to which.",
        ),
    ] = None,
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
        CompatFormat,
        typer.Option(
            "--format",
            "-f",
            help="console, json, markdown, junit (OLD NEW); console, json, markdown, html "
            "(--matrix).",
        ),
    ] = CompatFormat.console,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Compare two versions of the exchange's schemas, message type by message type. Exit 0
    compatible in the direction asked, 1 not (or not proven), 2 could not run."""
    from interopcheck.cli.output import open_output
    from interopcheck.compat.compare import compare_sides, load_side
    from interopcheck.compat.report import (
        to_document,
        to_junit,
        to_markdown,
        write_console,
        write_json,
    )

    if matrix is not None:
        if old is not None or new is not None:
            raise SetupError("give OLD NEW, or --matrix DIR, not both")
        _matrix(matrix, tries, seed, keep_version_label, output_format, output)
        return
    if old is None or new is None:
        raise SetupError("give OLD and NEW (two versions), or --matrix DIR")
    if output_format is CompatFormat.html:
        raise SetupError("--format html is for --matrix; use console, json, markdown or junit")
    directions = (
        ("backward", "forward") if direction is DirectionChoice.both else (direction.value,)
    )
    from interopcheck.compat.profiles import is_profile

    if is_profile(old) or is_profile(new):
        _profiles(old, new, directions, output_format, output)
        return
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
        elif output_format is CompatFormat.markdown:
            out.write(to_markdown(comparisons, compatible))
        elif output_format is CompatFormat.junit:
            out.write(to_junit(comparisons))
        else:
            write_console(out, comparisons, compatible)
    raise typer.Exit(0 if compatible else 1)


def _matrix(
    folder: Path,
    tries: int,
    seed: int,
    keep_version_label: bool,
    output_format: CompatFormat,
    output: Path | None,
) -> None:
    """The matrix is a view, not a gate: it exits 0 once drawn."""
    import json

    from interopcheck.cli.output import open_output
    from interopcheck.compat import matrix as views

    if output_format is CompatFormat.junit:
        raise SetupError("--format junit is for OLD NEW (a gate), not for --matrix (a view)")
    drawn = views.build_matrix(views.load_versions(folder, keep_version_label), tries, seed)
    with open_output(output) as out:
        if output_format is CompatFormat.json:
            out.write(json.dumps(views.to_document(drawn), indent=2) + "\n")
        elif output_format is CompatFormat.markdown:
            out.write(views.to_markdown(drawn))
        elif output_format is CompatFormat.html:
            out.write(views.to_html(drawn))
        else:
            views.write_console(out, drawn)


def _profiles(
    old: str,
    new: str,
    directions: tuple[str, ...],
    output_format: CompatFormat,
    output: Path | None,
) -> None:
    import json

    from interopcheck.cli.output import open_output
    from interopcheck.compat import profiles as diff
    from interopcheck.profile.loader import load_profile

    before, after = load_profile(old), load_profile(new)
    changes = diff.requirement_changes(before, after)
    judged = {
        name: verdict
        for name, verdict in diff.verdicts(changes, after.deciding).items()
        if name in directions
    }
    with open_output(output) as out:
        if output_format is CompatFormat.json:
            document = diff.to_document(before, after, changes, judged)
            out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        else:
            diff.write_console(out, before, after, changes, judged)
    raise typer.Exit(0 if all(v.verdict == "yes" for v in judged.values()) else 1)
