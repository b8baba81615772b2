"""``interopcheck config``: the defaults the checking commands will use, and where each is from."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def config(
    as_json: Annotated[bool, typer.Option("--json", help="Print the values as JSON.")] = False,
) -> None:
    """Show the effective defaults for validate, journey, probe and compat (an option on the
    command line still wins), each with where it came from: an INTEROPCHECK_* variable, the
    configuration file (interopcheck.toml, or [tool.interopcheck] in pyproject.toml, the
    nearest upward from here) with its line, or the built-in default."""
    from interopcheck.cli.config import COMMANDS, SETTINGS, load_configuration

    configuration = load_configuration()
    rows: list[dict[str, object]] = []
    for setting in SETTINGS:
        found = configuration.values.get(setting.key)
        rows.append(
            {
                "key": setting.key,
                "option": setting.option,
                "environment": setting.env,
                "value": found.value if found else None,
                "origin": found.origin if found else "default",
            }
        )
    file = str(configuration.file) if configuration.file else None
    if as_json:
        typer.echo(json.dumps({"file": file, "commands": list(COMMANDS), "settings": rows}))
        return
    typer.echo(f"configuration file: {file or 'none (interopcheck.toml or [tool.interopcheck])'}")
    width = max(len(s.key) for s in SETTINGS)
    for row in rows:
        value = row["value"]
        shown = (
            "(the option's default)"
            if value is None
            else " ".join(value)
            if isinstance(value, list)
            else str(value)
        )
        typer.echo(f"{row['key']:<{width}}  {shown}  [{row['origin']}]")
    typer.echo(f"(for {', '.join(COMMANDS)}; an option on the command line wins)")
