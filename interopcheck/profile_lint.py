"""``profiles lint``: every mistake in a profile, located, instead of the first one.

Schema errors with their lines; duplicate ids; ``extends`` and overrides that do not resolve;
message types, schemas, identifiers, code lists and functions that do not exist; CEL that does
not compile; pointers that no valid message could reach (the requirement could never apply).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from interopcheck.checks.cel_cost import growth
from interopcheck.checks.pointers import parse_pointer
from interopcheck.errors import ApiDocumentError, SetupError
from interopcheck.profile.catalog import catalog_for
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
from interopcheck.profile.paths import quoted, shown_name
from interopcheck.standard.formats import JUSTICE_FORMATS
from interopcheck.standard.schema_paths import asserted, describes


def lint_profile(path: Path) -> list[ProfileProblem]:
    """All problems found in the profile file at ``path`` (empty when it is clean), in one run:
    a part that breaks the profile schema is set aside and everything else is still checked
    (its references, CEL, endpoints and overrides), instead of stopping at the first round."""
    try:
        raw = read_raw(path)
    except UnreadableProfile as exc:
        return [ProfileProblem(path, exc.line, exc.column, "", exc.problem)]
    problems = schema_problems(raw) + duplicate_ids(raw)
    usable = _set_aside(raw.data, {_part(p.where) for p in schema_problems(raw)})
    parent: Profile | None = None
    if "extends" in usable:
        try:
            parent = load_path(
                resolve_profile_path(usable["extends"], path.parent), (path.resolve(),)
            )
        except SetupError as exc:
            problems.append(_at(raw, "/extends", f"cannot use the profile it extends: {exc}"))
    problems += _overrides(raw, usable, parent)
    built = {**usable, "requirements": [r for r in usable.get("requirements", []) if r]}
    try:
        profile = build_profile(replace(raw, data=built), parent)
    except SetupError as exc:
        # an API document's problem is placed where the profile names the document, and
        # keeps its own place in the document
        if isinstance(exc, ApiDocumentError):
            problems.append(_at(raw, "/api/openapi", f"the API document it names: {exc}"))
        else:
            problems.append(_at(raw, "/", str(exc).split(": ", 1)[-1]))
        return _in_order(problems)
    checked = replace(raw, data=usable)
    return _in_order(
        [
            *problems,
            *_references(checked, profile),
            *_endpoints(checked, profile, "api" in raw.data),
        ]
    )


def _in_order(problems: list[ProfileProblem]) -> list[ProfileProblem]:
    return sorted(set(problems), key=lambda p: (p.line or 0, p.column or 0, p.message))


#: Parts of a profile that are set aside whole when the schema finds something wrong inside
#: them: one requirement, code list or actor by its key; the other sections as a whole.
_KEYED_PARTS = ("requirements", "codelists", "actors")
_REQUIRED = ("id", "version", "title")
#: An unknown name lists the known ones, up to this many (beyond, where to see them all).
MAX_LISTED = 30


def _part(pointer: str) -> str:
    tokens = pointer.split("/")[1:] if pointer not in ("", "/") else []
    if not tokens:
        return "/"
    if tokens[0] in _KEYED_PARTS and len(tokens) >= 2:
        return f"/{tokens[0]}/{tokens[1]}"
    return f"/{tokens[0]}"


def _set_aside(data: dict[str, Any], broken: set[str]) -> dict[str, Any]:
    """The profile's data without the parts the schema rejected: a requirement set aside
    becomes None (so every other keeps its index, and its problems their place); a missing
    or broken id, version or title a placeholder, so that the rest can still be built."""
    usable = {k: v for k, v in data.items() if f"/{k}" not in broken or k in _KEYED_PARTS}
    for key in _REQUIRED:
        if not isinstance(usable.get(key), str):
            usable[key] = "?"
    for key in _KEYED_PARTS:
        value = usable.get(key)
        if key == "requirements":
            items = value if isinstance(value, list) and f"/{key}" not in broken else []
            usable[key] = [
                item if f"/{key}/{index}" not in broken else None
                for index, item in enumerate(items)
            ]
        elif key in usable:
            entries = value if isinstance(value, dict) and f"/{key}" not in broken else {}
            usable[key] = {k: v for k, v in entries.items() if f"/{key}/{k}" not in broken}
    return usable


def _overrides(
    raw: RawProfile, usable: dict[str, Any], parent: Profile | None
) -> list[ProfileProblem]:
    """Each override naming a requirement the parent lacks, with the ids it has; the override
    is then set aside so that the profile can still be built and checked."""
    overrides = usable.get("overrides") or {}
    if not overrides:
        return []
    if parent is None:
        usable.pop("overrides")
        if "extends" in raw.data:
            return []  # the extends problem is reported: nothing to check overrides against
        return [_at(raw, "/overrides", "'overrides' needs 'extends' (nothing to override)")]
    known = [r.id for r in parent.requirements]
    problems = []
    drop = []
    for index, rid in enumerate(overrides.get("drop", [])):
        if rid in known:
            drop.append(rid)
        else:
            problems.append(
                _at(raw, f"/overrides/drop/{index}", _unknown("requirement", rid, known, parent))
            )
    levels = {}
    for rid, level in (overrides.get("levels") or {}).items():
        if rid in known:
            levels[rid] = level
        else:
            problems.append(
                _at(raw, f"/overrides/levels/{rid}", _unknown("requirement", rid, known, parent))
            )
    usable["overrides"] = {**overrides, "drop": drop, "levels": levels}
    return problems


def _unknown(kind: str, name: str, known: list[str], parent: Profile | None = None) -> str:
    """``no requirement 'CF-01' in justice-ew; did you mean CF-001? (known: ...)``."""
    from difflib import get_close_matches

    where = f" in {parent.id}" if parent is not None else ""
    close = get_close_matches(str(name), known, n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    if len(known) > MAX_LISTED and parent is not None:
        listed = f"its {len(known)} are listed by 'interopcheck profiles show {parent.id}'"
    else:
        listed = f"known: {', '.join(known) or 'none'}"
    return f"no {kind} {name!r}{where}{hint} ({listed})"


def _endpoints(raw: RawProfile, profile: Profile, api_given: bool) -> Iterator[ProfileProblem]:
    """Endpoints for actors and messages the profile knows, each path and id used once, each
    body a schema the standard has (``api_given``: the file has an api section, perhaps one
    set aside for its schema problems)."""
    for index, requirement in enumerate(raw.data.get("requirements") or []):
        check = requirement.get("check") if isinstance(requirement, dict) else None
        if not isinstance(check, dict) or "http" not in check:
            continue
        base = f"/requirements/{index}/check"
        if profile.api is None:
            if not api_given:
                yield _at(raw, base, "an http check needs an api section (the endpoints to probe)")
            continue
        known_ids = [e.id for e in profile.api.endpoints]
        for position, endpoint_id in enumerate(check.get("endpoints") or []):
            if endpoint_id not in known_ids:
                yield _at(
                    raw,
                    f"{base}/endpoints/{position}",
                    _unknown("endpoint", endpoint_id, known_ids),
                )
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
        elif not endpoint.documented and endpoint.receives not in actor.receives:
            # (an API document's operations say themselves what they receive)
            yield _at(
                raw,
                f"{base}/receives",
                f"{endpoint.actor} does not receive {endpoint.receives} (its receives: "
                f"{', '.join(actor.receives) or 'none'})",
            )
        if endpoint.receives is not None and endpoint.receives not in catalog.message_types():
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


#: A code list a rule names by a literal: ``inCodelist('forces', ...)``.
CODELIST_NAMED = re.compile(r"\b(?:inCodelist|codelistLabel)\(\s*['\"]([^'\"]*)['\"]")


def _container_at(documents: dict[str, Any], uri: str, pointer: str) -> str | None:
    """``an object`` or ``an array`` when every valid message has one at the pointer."""
    for schema in asserted(documents, uri, list(parse_pointer(pointer))):
        kind = schema.get("type")
        if kind in ("object", "array"):
            return f"an {kind}"
    return None


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
        tokens = list(parse_pointer(pointer))
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
                f"code list file {shown_name(spec.file)} not found (neither bundled nor in the "
                "profile's directory tree; a profile may name only files there)",
            )
            continue
        try:
            with found.open(encoding="utf-8-sig", newline="") as handle:
                columns = next(csv.reader(handle), [])
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            unreadable = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "unreadable"
            problem = f"code list file {found.name} is {unreadable}"
            yield _at(raw, f"/codelists/{name}/file", problem)
            continue
        for key in ("code", "label"):
            if getattr(spec, key) not in columns:
                yield _at(
                    raw,
                    f"/codelists/{name}/{key}",
                    f"{found.name} has no column "
                    f"{getattr(spec, key)!r} (columns: {quoted(columns)})",
                )

    from interopcheck.checks.cel_env import CelEvaluator

    evaluator = CelEvaluator(CodelistStore({}))
    for index, item in enumerate(raw.data.get("requirements") or []):
        if item is None:  # set aside: the schema rejected it
            continue
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
            yield _at(
                raw,
                base + "/codelist",
                _unknown("code list", check["codelist"], sorted(profile.codelists)),
            )
        for expression_pointer, expression in (
            (base + "/cel", check.get("cel")),
            (base + "/after/cel", (check.get("after") or {}).get("cel")),
        ):
            if expression is not None:
                try:
                    evaluator.compile(expression, item["id"], str(raw.path))
                except SetupError as exc:
                    yield _at(raw, expression_pointer, str(exc).split(": ", 1)[-1])
                    continue
                for named in CODELIST_NAMED.findall(expression):
                    if named not in profile.codelists:
                        yield _at(
                            raw,
                            expression_pointer,
                            _unknown("code list", named, sorted(profile.codelists)),
                        )
                nested = growth(expression).superlinear
                if nested is not None:
                    yield _at(
                        raw,
                        expression_pointer,
                        f"the rule's cost grows faster than the message: a macro nested over a "
                        f"list that is not the outer item's own ({nested} ...); a large message "
                        "meets the evaluation budget. For uniqueness use uniqueBy(list, 'field')",
                    )
        compares_values = check.get("journey") in ("same-identifier", "dates-in-order")
        for where, locations in _locations(check):
            for message_type, pointers in locations.items():
                for pointer in pointers:
                    place = base + where + "/" + message_type
                    problems = list(pointer_problem(place, message_type, pointer))
                    yield from problems
                    if compares_values and not problems and message_type in schemas:
                        container = _container_at(documents, schemas[message_type].uri, pointer)
                        if container is not None:
                            yield _at(
                                raw,
                                place,
                                f"{pointer} is {container} in a {message_type} message: a "
                                "journey rule compares identifiers and dates, not containers",
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
