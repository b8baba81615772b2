"""Load a profile: YAML -> checked against the profile schema -> ``extends`` resolved -> model.

A profile that breaks the profile schema is rejected with the file, line and column of the
offending value and what to change; unknown keys are errors (the schema says
``additionalProperties: false`` throughout), never silently ignored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import yaml

from interopcheck.domain.endpoints import ReadLink, SecurityScheme
from interopcheck.errors import ProfileError
from interopcheck.profile.checks import Locations, parse_check
from interopcheck.profile.model import (
    Actor,
    Api,
    Codelist,
    ConformanceLevel,
    Endpoint,
    Profile,
    Requirement,
)
from interopcheck.profile.paths import contained, is_file, shown_name
from interopcheck.sources.parse import ParseProblem
from interopcheck.sources.positions import KEY_PREFIX, pointer_of, yaml_positions
from interopcheck.sources.yaml_text import compose_yaml, yaml_node_to_json
from interopcheck.standard.catalog import bundled_root

if TYPE_CHECKING:
    from interopcheck.standard.openapi_source import OpenApiSource

PROFILE_SCHEMA_PATH = Path(__file__).parent / "profile.schema.json"
PROFILE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ProfileProblem:
    """One thing wrong with a profile file, located."""

    path: Path
    line: int | None
    column: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"{self.path}:{self.line or 1}:{self.column or 1}"
        where = f" at {self.where}" if self.where else ""
        return f"{place}: {self.message}{where}"


@dataclass
class RawProfile:
    """A profile file as read: its data, its YAML tree (for positions) and its digest."""

    path: Path
    data: dict[str, Any]
    root: yaml.Node
    digest: str

    def position(self, pointer: str, *, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column of the value at ``pointer`` (of its key, with ``key=True``)."""
        wanted = KEY_PREFIX + pointer if key else pointer
        found = yaml_positions(self.root, {wanted, pointer})
        return found.get(wanted) or found.get(pointer) or (None, None)


def bundled_profiles() -> dict[str, Path]:
    """Bundled profile id (file stem) -> path."""
    root = bundled_root("profiles")
    return {p.stem: p for p in sorted(root.glob("*.yaml"))}


def resolve_profile_path(name: str, relative_to: Path | None = None) -> Path:
    """A profile named by bundled id or by path. On the command line (``relative_to`` None) a
    path is the user's own; named by another profile (``extends``), it must be inside that
    profile's directory tree."""
    if relative_to is not None:
        if Path(name).suffix in PROFILE_SUFFIXES:
            found = contained(relative_to, name)
            if found is None or not is_file(found):
                raise ProfileError(
                    f"extends {shown_name(name)}: no such profile in the profile's directory tree "
                    f"({relative_to}); a profile may name only files there, or a bundled id"
                )
            return found
    elif Path(name).suffix in PROFILE_SUFFIXES and is_file(Path(name)):
        return Path(name)
    bundled = bundled_profiles()
    if name in bundled:
        return bundled[name]
    known = ", ".join(bundled) or "none"
    raise ProfileError(f"no profile {name!r}: not a .yaml file, nor a bundled profile ({known})")


@lru_cache(maxsize=1)
def _profile_validator() -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(json.loads(PROFILE_SCHEMA_PATH.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _profile_schema() -> dict[str, Any]:
    return json.loads(PROFILE_SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


class UnreadableProfile(ProfileError):
    """A profile file that cannot be read or parsed; keeps the place for ``profiles lint``."""

    def __init__(self, path: Path, line: int | None, column: int | None, problem: str) -> None:
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")
        self.line, self.column, self.problem = line, column, problem


def read_raw(path: Path) -> RawProfile:
    """Read and parse one profile file; malformed YAML is a one-line setup error."""
    try:
        data_bytes = path.read_bytes()
        text = data_bytes.decode("utf-8-sig")
    except OSError as exc:
        raise UnreadableProfile(
            path, None, None, f"cannot read profile: {exc.strerror or exc}"
        ) from None
    except UnicodeDecodeError:
        raise UnreadableProfile(path, None, None, "profile is not UTF-8 text") from None
    try:
        root = compose_yaml(text)
        if root is None:
            raise ParseProblem("empty profile")
        data = yaml_node_to_json(root)
    except ParseProblem as problem:
        raise UnreadableProfile(
            path, problem.line or 1, problem.column or 1, problem.message
        ) from None
    if not isinstance(data, dict):
        raise UnreadableProfile(path, 1, 1, "a profile is a YAML mapping (id, version, title, ...)")
    return RawProfile(path, data, root, hashlib.sha256(data_bytes).hexdigest())


def schema_problems(raw: RawProfile) -> list[ProfileProblem]:
    """Every way the file breaks the profile schema, located and worded for a person."""
    from interopcheck.standard.wording import describe_error

    problems = []
    for error in _profile_validator().iter_errors(raw.data):
        path = list(error.instance_path)
        message, at = describe_error(error, _profile_schema(), raw.data)
        pointer = pointer_of(at if at is not None else path)
        is_key = isinstance(error.kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties)
        line, column = raw.position(pointer, key=is_key)
        problems.append(ProfileProblem(raw.path, line, column, pointer or "/", message))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.message))


def duplicate_ids(raw: RawProfile) -> list[ProfileProblem]:
    seen: dict[str, int] = {}
    problems = []
    for index, requirement in enumerate(raw.data.get("requirements", []) or []):
        if not isinstance(requirement, dict):
            continue
        rid = requirement.get("id")
        if isinstance(rid, str):
            if rid in seen:
                line, column = raw.position(f"/requirements/{index}/id")
                problems.append(
                    ProfileProblem(
                        raw.path,
                        line,
                        column,
                        f"/requirements/{index}/id",
                        f"duplicate requirement id {rid} (first at /requirements/{seen[rid]})",
                    )
                )
            else:
                seen[rid] = index
    return problems


def load_profile(name: str) -> Profile:
    """Load a profile by bundled id or path, resolving ``extends``; ``SetupError`` if broken."""
    return load_path(resolve_profile_path(name), chain=())


def load_path(path: Path, chain: tuple[Path, ...]) -> Profile:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(str(p) for p in (*chain, resolved))
        raise ProfileError(f"{path}: profile extends itself: {cycle}")
    raw = read_raw(path)
    problems = schema_problems(raw) + duplicate_ids(raw)
    if problems:
        more = (
            f" (and {len(problems) - 1} more: run 'interopcheck profiles lint {path}')"
            if len(problems) > 1
            else ""
        )
        raise ProfileError(f"{problems[0]}{more}")
    parent = None
    if "extends" in raw.data:
        parent = load_path(
            resolve_profile_path(raw.data["extends"], path.parent), (*chain, resolved)
        )
    return build_profile(raw, parent)


def _locations(value: dict[str, list[str]]) -> Locations:
    return {message: tuple(pointers) for message, pointers in value.items()}


def build_profile(raw: RawProfile, parent: Profile | None) -> Profile:
    data = raw.data
    requirements: list[Requirement] = list(parent.requirements) if parent else []
    overrides = data.get("overrides", {})
    if overrides and parent is None:
        raise ProfileError(
            f"{raw.path}: 'overrides' needs 'extends' (there is nothing to override)"
        )
    for dropped in overrides.get("drop", []):
        if not any(r.id == dropped for r in requirements):
            raise ProfileError(
                f"{raw.path}: overrides.drop names {dropped}, which the profile it extends "
                "does not have"
            )
        requirements = [r for r in requirements if r.id != dropped]
    for rid, level in overrides.get("levels", {}).items():
        index = next((i for i, r in enumerate(requirements) if r.id == rid), None)
        if index is None:
            raise ProfileError(
                f"{raw.path}: overrides.levels names {rid}, which the profile it extends "
                "does not have"
            )
        old = requirements[index]
        requirements[index] = replace(old, level=level)
    items = data.get("requirements", []) or []
    lines = yaml_positions(raw.root, {f"/requirements/{i}" for i in range(len(items))})
    position = {r.id: i for i, r in enumerate(requirements)}  # linear on any profile size
    for index, item in enumerate(items):
        line, _ = lines.get(f"/requirements/{index}", (None, None))
        requirement = Requirement(
            id=item["id"],
            level=item["level"],
            text=item["text"],
            check=parse_check(item["check"]),
            source=item.get("source"),
            group=item.get("group"),
            defined_in=raw.path,
            line=line,
        )
        existing = position.get(requirement.id)
        if existing is None:
            position[requirement.id] = len(requirements)
            requirements.append(requirement)
        else:
            requirements[existing] = requirement  # a child's requirement replaces its parent's

    actors = dict(parent.actors) if parent else {}
    for name, actor in (data.get("actors") or {}).items():
        actors[name] = Actor(
            name, actor["title"], tuple(actor.get("sends", ())), tuple(actor.get("receives", ()))
        )
    codelists = dict(parent.codelists) if parent else {}
    for name, spec in (data.get("codelists") or {}).items():
        codelists[name] = Codelist(
            name=name,
            title=spec["title"],
            source=spec["source"],
            file=spec.get("file"),
            code=spec.get("code"),
            label=spec.get("label"),
            values=spec.get("values"),
            base=raw.path.parent,
        )
    standard = data.get("standard")
    verdict = data.get("verdict")
    journey = data.get("journey")
    api = _api(data["api"], raw.path.parent) if "api" in data else (parent.api if parent else None)
    digest = _digest(raw, parent, codelists, api if "api" in data else None)
    return Profile(
        id=data["id"],
        version=str(data["version"]),
        title=data["title"],
        path=raw.path,
        description=data.get("description", parent.description if parent else ""),
        standard_name=standard["name"]
        if standard
        else (parent.standard_name if parent else "justice"),
        standard_versions=tuple(standard["versions"])
        if standard
        else (parent.standard_versions if parent else ()),
        extends=((parent.id, *parent.extends) if parent else ()),
        actors=actors,
        codelists=codelists,
        requirements=tuple(requirements),
        deciding=tuple(verdict["deciding"])
        if verdict and "deciding" in verdict
        else (parent.deciding if parent else ("MUST",)),
        levels=tuple(
            ConformanceLevel(level["name"], tuple(level["groups"])) for level in verdict["levels"]
        )
        if verdict and "levels" in verdict
        else (parent.levels if parent else ()),
        journey_join={k: _locations(v) for k, v in journey["join"].items()}
        if journey
        else (parent.journey_join if parent else {}),
        api=api,
        journey_order=tuple(journey.get("order", ()))
        if journey
        else (parent.journey_order if parent else ()),
        digest=digest,
    )


def _digest(
    raw: RawProfile, parent: Profile | None, codelists: dict[str, Codelist], api: Api | None
) -> str:
    """SHA-256 over every file the profile reads: its YAML, each code list in its own tree and
    its API document, every file of it (a widened code list or schema must not still verify),
    then its parent's digest.
    Bundled code lists are the tool's own, named by its version in every report."""
    from interopcheck.profile.codelists import DATA_ROOT, codelist_path

    parts = [raw.digest, parent.digest if parent else ""]
    read = [
        (f"codelist {name}", codelist_path(spec))
        for name, spec in sorted(codelists.items())
        if spec.file is not None and spec.base == raw.path.parent
    ]
    if api is not None and api.openapi is not None:
        read.append(("openapi", Path(api.openapi)))
        # a multi-file document: every other file it reaches is part of what is checked
        others = {Path(e.path) for e in api.schemas} - {Path(api.openapi)}
        read.extend((f"openapi file {p.name}", p) for p in sorted(others))
    for what, path in read:
        if path is None or DATA_ROOT in path.parents:
            continue  # missing: said where the list is used; bundled: the tool's own
        try:
            parts.append(f"{what}:{hashlib.sha256(path.read_bytes()).hexdigest()}")
        except OSError as exc:
            raise ProfileError(
                f"{path}: cannot read the profile's {what}: {exc.strerror}"
            ) from None
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _api(data: dict[str, Any], base: Path) -> Api:
    if "openapi" in data:
        return _api_from_openapi(data, base)
    auth = data.get("auth", "bearer")
    header = data.get("apiKeyHeader", "X-Api-Key")
    schemes = own_schemes(auth, header)
    return Api(
        endpoints=tuple(
            Endpoint(
                id=e["id"],
                actor=e["actor"],
                method=e["method"],
                path=e["path"],
                receives=e["receives"],
                accepted=e.get("accepted", 202),
                response=e.get("response", "receipt"),
                error=e.get("error", "problem"),
                secured=bool(schemes),
                security=((DEFAULT_SCHEME,),) if schemes else (),
            )
            for e in data["endpoints"]
        ),
        auth=auth,
        api_key_header=header,
        correlation_header=data.get("correlationHeader", "X-Correlation-Id"),
        max_response_ms=data.get("maxResponseMs", 2000),
        schemes=schemes,
    )


def _reads(given: list[dict[str, Any]], source: OpenApiSource) -> dict[str, tuple[ReadLink, ...]]:
    """``api.reads`` of a profile: what to read after which endpoint accepted a request (each
    id one of the document's endpoints, each parameter one of the read's)."""
    operations = {o.id: o for o in source.operations}
    found: dict[str, tuple[ReadLink, ...]] = {}
    for index, read in enumerate(given):
        for key in ("after", "read"):
            if read[key] not in operations:
                known = ", ".join(sorted(operations))
                raise ProfileError(
                    f"api.reads[{index}].{key}: no endpoint {read[key]!r}; the endpoints are: "
                    f"{known}"
                )
        names = {p.name for p in operations[read["read"]].parameters}
        for name in read.get("parameters") or {}:
            if name.rpartition(".")[2] not in names:
                raise ProfileError(
                    f"api.reads[{index}].parameters: {read['read']} has no parameter {name!r} "
                    f"(it has: {', '.join(sorted(names)) or 'none'})"
                )
        link = ReadLink(read["read"], tuple((read.get("parameters") or {}).items()), "profile")
        found[read["after"]] = (*found.get(read["after"], ()), link)
    return found


#: The name of the one scheme a profile's own api (``auth``) declares.
DEFAULT_SCHEME = "default"


def own_schemes(auth: str, api_key_header: str) -> dict[str, SecurityScheme]:
    """The scheme a profile's ``auth`` names (none for ``none``)."""
    if auth == "bearer":
        return {DEFAULT_SCHEME: SecurityScheme(DEFAULT_SCHEME, "bearer")}
    if auth == "api-key":
        scheme = SecurityScheme(DEFAULT_SCHEME, "api-key", "header", api_key_header)
        return {DEFAULT_SCHEME: scheme}
    if auth == "mtls":
        return {DEFAULT_SCHEME: SecurityScheme(DEFAULT_SCHEME, "mutual-tls")}
    return {}


def _api_from_openapi(data: dict[str, Any], base: Path) -> Api:
    """Endpoints, schemas, authentication and correlation header from an OpenAPI document;
    what the profile states itself (auth, headers, time limit) wins."""
    from interopcheck.standard.openapi_source import load_openapi

    document = contained(base, data["openapi"])
    if document is None:
        raise ProfileError(
            f"api.openapi {shown_name(data['openapi'])} is outside the profile's directory tree "
            f"({base}); "
            "a profile may name only files there"
        )
    refs = []
    for given in data.get("refSchemas", []):
        local = contained(base, given)
        if local is None:
            raise ProfileError(
                f"api.refSchemas {shown_name(given)} is outside the profile's directory tree "
                f"({base}); a profile may name only files there"
            )
        refs.append(local)
    source = load_openapi(document, data["actor"], tuple(refs))
    reads = _reads(data.get("reads") or [], source)
    schemes = source.schemes
    security_of = {o.id: o.security for o in source.operations}
    if "auth" in data:  # the profile says how it authenticates: that, not the document
        schemes = own_schemes(data["auth"], data.get("apiKeyHeader", source.api_key_header))
        security_of = {o.id: ((DEFAULT_SCHEME,),) if schemes else () for o in source.operations}
    return Api(
        endpoints=tuple(
            Endpoint(
                id=o.id,
                actor=data["actor"],
                method=o.method,
                path=o.path,
                receives=o.receives,
                accepted=o.accepted,
                response=o.response or "",
                error=o.error or "",
                parameters=o.parameters,
                parameters_type=o.parameters_type,
                body_encoding=o.body_encoding,
                body_media_type=o.body_media_type,
                responses=o.responses,
                secured=bool(security_of[o.id]) and all(security_of[o.id]),
                security=security_of[o.id],
                links=o.links + reads.get(o.id, ()),
                depth=o.depth,
                note=o.note,
                documented=True,
            )
            for o in source.operations
        ),
        auth=data.get("auth", source.auth),
        api_key_header=data.get("apiKeyHeader", source.api_key_header),
        correlation_header=data.get(
            "correlationHeader", source.correlation_header or "X-Correlation-Id"
        ),
        max_response_ms=data.get("maxResponseMs", 2000),
        openapi=source.path,
        schemas=source.entries,
        ref_schemas=tuple(refs),
        schemes=schemes,
    )
