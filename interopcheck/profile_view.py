"""What ``interopcheck profiles list|show`` print: the bundled profiles, and one profile's
requirements by actor and message, as JSON or as console tables (rich, imported lazily)."""

from __future__ import annotations

from typing import IO, Any

from interopcheck.profile.model import Endpoint, Profile, Requirement


def summary_rows(profiles: list[Profile]) -> list[dict[str, Any]]:
    """One row per profile: id, version, title, what it extends, how many requirements."""
    return [
        {
            "id": p.id,
            "version": p.version,
            "title": p.title,
            "extends": list(p.extends),
            "requirements": len(p.requirements),
        }
        for p in profiles
    ]


def write_summary_table(out: IO[str], rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "version", "extends", "requirements", "title", show_edge=False)
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["version"]),
            ", ".join(row["extends"]) or "-",
            str(row["requirements"]),
            str(row["title"]),
        )
    Console(file=out).print(table)


def description(profile: Profile) -> dict[str, Any]:
    """The profile as ``profiles show --json`` prints it."""
    return {
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
        "api": None
        if profile.api is None
        else {
            "openapi": str(profile.api.openapi) if profile.api.openapi else None,
            "auth": profile.api.auth,
            "correlationHeader": profile.api.correlation_header,
            "endpoints": [
                {
                    "id": e.id,
                    "actor": e.actor,
                    "method": e.method,
                    "path": e.path,
                    "receives": e.receives,
                    "accepted": e.accepted,
                    "response": e.response or None,
                    "error": e.error or None,
                    **(_documented(e) if e.documented else {}),
                }
                for e in profile.api.endpoints
            ],
        },
    }


def write_tables(out: IO[str], profile: Profile) -> None:
    """The profile's requirements as console tables: by actor and each message it sends,
    then those across a journey."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out)
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

    shown: set[str] = set()
    for actor in profile.actors.values():
        for message_type in actor.sends:
            requirements = profile.for_message(message_type)
            if requirements:
                console.print(
                    requirements_table(f"{actor.title} sends {message_type}", requirements)
                )
                shown |= {r.id for r in requirements}
    for actor in profile.actors.values():  # what no actor of the profile sends (an own API's)
        for message_type in actor.receives:
            requirements = [r for r in profile.for_message(message_type) if r.id not in shown]
            if requirements:
                console.print(
                    requirements_table(f"{actor.title} receives {message_type}", requirements)
                )
                shown |= {r.id for r in requirements}
    journeys = profile.journey_requirements()
    if journeys:
        console.print(requirements_table("Across a journey", journeys))
        shown |= {r.id for r in journeys}
    http = [r for r in profile.requirements if r.is_http]
    if http:
        console.print(requirements_table("On every exchange with an endpoint", http))
        shown |= {r.id for r in http}
    rest = [r for r in profile.requirements if r.id not in shown]
    if rest:
        console.print(requirements_table("Other requirements", rest))
    if profile.api is not None:
        source = f" (from {profile.api.openapi})" if profile.api.openapi else ""
        table = Table(
            "id", "actor", "method", "path", "parameters", "receives", "answers", "security",
            title=f"Endpoints{source}; auth: {profile.api.auth}, correlation header: "
            f"{profile.api.correlation_header}",
            title_justify="left", show_edge=False,
        )  # fmt: skip
        for e in profile.api.endpoints:
            if e.documented:
                answers = ", ".join(f"{r.status} {r.schema or ''}".strip() for r in e.responses)
            else:
                answers = f"{e.accepted} {e.response}".strip()
            parameters = ", ".join(
                f"{p.name}{'*' if p.required else ''} ({p.location})" for p in e.parameters
            )
            receives = e.receives or "-"
            if e.receives and e.body_encoding != "json":
                receives += f" ({e.body_media_type})"
            needs = " or ".join(" and ".join(a) for a in e.security if a) if e.secured else "no"
            secured = needs + (f"; {e.note}" if e.note else "")
            table.add_row(
                e.id, e.actor, e.method, escape(e.path), escape(parameters), receives,
                escape(answers), escape(secured),
            )  # fmt: skip
        console.print(table)
        console.print("(* required)")


def _documented(endpoint: Endpoint) -> dict[str, Any]:
    """What an API document's operation adds: parameters, body, declared answers, security."""
    return {
        "parameters": [
            {
                "name": p.name,
                "in": p.location,
                "required": p.required,
                "style": p.style,
                "explode": p.explode,
            }
            for p in endpoint.parameters
        ],
        "parametersType": endpoint.parameters_type,
        "bodyMediaType": endpoint.body_media_type if endpoint.receives else None,
        "responses": [
            {"status": r.status, "schema": r.schema, "mediaTypes": list(r.media_types)}
            for r in endpoint.responses
        ],
        "secured": endpoint.secured,
        "security": [list(alternative) for alternative in endpoint.security],
        "probed": endpoint.depth,
        "note": endpoint.note or None,
    }
