"""``profiles lint``: every mistake in a profile, located, instead of the first one.

Schema errors with their lines; duplicate ids; ``extends`` and overrides that do not resolve;
message types, schemas, identifiers, code lists and functions that do not exist; CEL that does
not compile; pointers that no valid message could reach (the requirement could never apply).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from interopcheck.errors import SetupError
from interopcheck.profile.codelists import CodelistStore, codelist_path
from interopcheck.profile.loader import (
    ProfileProblem,
    RawProfile,
    UnreadableProfile,
    build_profile,
    duplicate_ids,
    load_path,
    read_raw,
    resolve_profile_path,
    schema_problems,
)
from interopcheck.profile.model import Profile
from interopcheck.standard.catalog import Catalog
from interopcheck.standard.formats import JUSTICE_FORMATS
from interopcheck.standard.schema_paths import describes


def lint_profile(path: Path) -> list[ProfileProblem]:
    """All problems found in the profile file at ``path`` (empty when it is clean)."""
    try:
        raw = read_raw(path)
    except UnreadableProfile as exc:
        return [ProfileProblem(path, exc.line, exc.column, "", exc.problem)]
    problems = schema_problems(raw) + duplicate_ids(raw)
    if problems:
        return problems
    parent: Profile | None = None
    if "extends" in raw.data:
        try:
            parent = load_path(
                resolve_profile_path(raw.data["extends"], path.parent), (path.resolve(),)
            )
        except SetupError as exc:
            return [_at(raw, "/extends", f"cannot use the profile it extends: {exc}")]
    try:
        profile = build_profile(raw, parent)
    except SetupError as exc:
        return [_at(raw, "/overrides", str(exc).split(": ", 1)[-1])]
    return sorted(
        [*_references(raw, profile), *_endpoints(raw, profile)],
        key=lambda p: (p.line or 0, p.column or 0, p.message),
    )


def _endpoints(raw: RawProfile, profile: Profile) -> Iterator[ProfileProblem]:
    """Endpoints for actors and messages the profile knows, each path and id used once, each
    body a schema the standard has."""
    for index, requirement in enumerate(raw.data.get("requirements") or []):
        check = requirement.get("check") if isinstance(requirement, dict) else None
        if not isinstance(check, dict) or "http" not in check:
            continue
        base = f"/requirements/{index}/check"
        if profile.api is None:
            yield _at(raw, base, "an http check needs an api section (the endpoints to probe)")
            continue
        known_ids = {e.id for e in profile.api.endpoints}
        for position, endpoint_id in enumerate(check.get("endpoints") or []):
            if endpoint_id not in known_ids:
                yield _at(raw, f"{base}/endpoints/{position}", f"no endpoint {endpoint_id!r}")
    if "api" not in raw.data or profile.api is None:
        return
    catalog = catalog_for(profile)
    names = {e.name for e in catalog.entries()}
    seen_ids: set[str] = set()
    seen_routes: set[tuple[str, str]] = set()
    for index, endpoint in enumerate(profile.api.endpoints):
        base = f"/api/endpoints/{index}"
        actor = profile.actors.get(endpoint.actor)
        if actor is None:
            yield _at(raw, f"{base}/actor", f"no actor {endpoint.actor!r} in the profile")
        elif endpoint.receives not in actor.receives:
            yield _at(
                raw,
                f"{base}/receives",
                f"{endpoint.actor} does not receive {endpoint.receives} (its receives: "
                f"{', '.join(actor.receives) or 'none'})",
            )
        if endpoint.receives not in catalog.message_types():
            yield _at(raw, f"{base}/receives", f"no message type {endpoint.receives!r}")
        for key, name in (("response", endpoint.response), ("error", endpoint.error)):
            if name and name not in names:
                yield _at(raw, f"{base}/{key}", f"no schema {name!r} in the standard")
        if endpoint.id in seen_ids:
            yield _at(raw, f"{base}/id", f"duplicate endpoint id {endpoint.id}")
        route = (endpoint.actor, endpoint.method + " " + endpoint.path)
        if route in seen_routes:
            yield _at(raw, f"{base}/path", f"{endpoint.actor} already has {route[1]}")
        seen_ids.add(endpoint.id)
        seen_routes.add(route)


def catalog_for(profile: Profile) -> Catalog:
    """The bundled standard, plus the schemas of the profile's OpenAPI document if it has one."""
    catalog = Catalog.bundled()
    if profile.api is not None and profile.api.schemas:
        catalog.add_entries(profile.api.schemas)
    return catalog


def _at(raw: RawProfile, pointer: str, message: str) -> ProfileProblem:
    line, column = raw.position(pointer)
    return ProfileProblem(raw.path, line, column, pointer, message)


def _locations(check: dict[str, Any]) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """(pointer into the check, locations) for every location map a check carries."""
    for key in ("at", "origin", "reuse", "items", "within"):
        if key in check:
            yield f"/{key}", check[key]
    for index, step in enumerate(check.get("steps", [])):
        yield f"/steps/{index}/at", step["at"]


def _references(raw: RawProfile, profile: Profile) -> Iterator[ProfileProblem]:
    catalog = catalog_for(profile)
    documents = catalog.documents()
    versions = profile.standard_versions or tuple(catalog.versions())
    schemas = {
        t: entry
        for t in catalog.message_types()
        for v in versions
        if (entry := catalog.for_message(t, v)) is not None
    }
    sent = {m for actor in profile.actors.values() for m in (*actor.sends, *actor.receives)}

    def pointer_problem(base: str, message_type: str, pointer: str) -> Iterator[ProfileProblem]:
        if message_type not in schemas:
            yield _at(
                raw,
                base,
                f"no message type {message_type!r} in the standard ({', '.join(sorted(schemas))})",
            )
            return
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
        if pointer and not describes(documents, schemas[message_type].uri, tokens):
            yield _at(
                raw,
                base,
                f"{pointer} is not a place in a {message_type} message: "
                "the requirement could never apply there",
            )

    for name, actor in (raw.data.get("actors") or {}).items():
        for key in ("sends", "receives"):
            for index, message_type in enumerate(actor.get(key, [])):
                if message_type not in schemas:
                    yield _at(
                        raw,
                        f"/actors/{name}/{key}/{index}",
                        f"no message type {message_type!r} in the standard",
                    )

    for name, locations in ((raw.data.get("journey") or {}).get("join") or {}).items():
        for message_type, pointers in locations.items():
            for pointer in pointers:
                yield from pointer_problem(
                    f"/journey/join/{name}/{message_type}", message_type, pointer
                )

    for name, spec in profile.codelists.items():
        if spec.file is None or spec.base != raw.path.parent:
            continue
        found = codelist_path(spec)
        if found is None:
            yield _at(
                raw,
                f"/codelists/{name}/file",
                f"code list file {spec.file} not found (neither bundled nor beside the profile)",
            )
            continue
        with found.open(encoding="utf-8", newline="") as handle:
            columns = next(csv.reader(handle), [])
        for key in ("code", "label"):
            if getattr(spec, key) not in columns:
                yield _at(
                    raw,
                    f"/codelists/{name}/{key}",
                    f"{found.name} has no column "
                    f"{getattr(spec, key)!r} (columns: {', '.join(columns)})",
                )

    from interopcheck.checks.cel_env import CelEvaluator

    evaluator = CelEvaluator(CodelistStore({}))
    for index, item in enumerate(raw.data.get("requirements") or []):
        base = f"/requirements/{index}/check"
        check = item["check"]
        if "schema" in check and check["schema"] not in schemas:
            yield _at(
                raw, base + "/schema", f"no message schema {check['schema']!r} in the standard"
            )
        elif "schema" in check and sent and check["schema"] not in sent:
            yield _at(raw, base + "/schema", f"no actor sends or receives {check['schema']}")
        if "identifier" in check and check["identifier"] not in JUSTICE_FORMATS:
            yield _at(
                raw,
                base + "/identifier",
                f"unknown identifier {check['identifier']!r}; known: {', '.join(JUSTICE_FORMATS)}",
            )
        if "codelist" in check and check["codelist"] not in profile.codelists:
            yield _at(raw, base + "/codelist", f"no code list {check['codelist']!r} in the profile")
        for expression_pointer, expression in (
            (base + "/cel", check.get("cel")),
            (base + "/after/cel", (check.get("after") or {}).get("cel")),
        ):
            if expression is not None:
                try:
                    evaluator.compile(expression, item["id"], str(raw.path))
                except SetupError as exc:
                    yield _at(raw, expression_pointer, str(exc).split(": ", 1)[-1])
        for where, locations in _locations(check):
            for message_type, pointers in locations.items():
                for pointer in pointers:
                    yield from pointer_problem(
                        base + where + "/" + message_type, message_type, pointer
                    )
        for key in ("message",):
            if key in check and check[key] not in schemas:
                yield _at(raw, base + "/" + key, f"no message type {check[key]!r} in the standard")
        after = check.get("after")
        if after and after["message"] not in schemas:
            yield _at(
                raw,
                base + "/after/message",
                f"no message type {after['message']!r} in the standard",
            )
