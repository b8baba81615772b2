"""The schema catalog: every schema of the bundled standard (and the user's), offline.

Schemas are registered by their ``$id`` in one jsonschema-rs ``Registry``; ``$ref`` between
them resolves without the network. A reference to anything not registered fails with a
message that says how to supply it. Validators are compiled on first use and kept.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jsonschema_rs

from interopcheck.errors import Assumed, SchemaError, SetupError
from interopcheck.sources.parse import ParseProblem, parse_json, parse_yaml
from interopcheck.sources.positions import pointer_of
from interopcheck.standard.formats import JUSTICE_FORMATS

SCHEMA_SUFFIX = ".schema.json"
_MISSING_RESOURCE = re.compile(r"Resource '([^']+)' is not present")


def bundled_root(kind: str) -> Path:
    """Where the bundled ``schemas`` or ``profiles`` are: inside the installed package, or
    at the top of a source checkout (editable installs and running from the repository)."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "_bundled" / kind
    if installed.is_dir():
        return installed
    return package.parent / kind


@dataclass(frozen=True)
class SchemaEntry:
    """One schema document known to the catalog."""

    name: str
    """``charge-file``; for a user schema, its file name."""
    uri: str
    path: Path
    document: dict[str, Any] = field(repr=False, compare=False)
    standard: str = ""
    version: str = ""
    message_type: str | None = None
    """The message type it defines, when it is a message (its header's ``messageType``)."""

    @property
    def title(self) -> str:
        return str(self.document.get("title", self.name))

    @property
    def kind(self) -> str:
        if self.message_type:
            return "message"
        if "$defs" in self.document and "properties" not in self.document:
            return "definitions"
        return "body"


def message_type_of(document: dict[str, Any]) -> str | None:
    try:
        const = document["properties"]["header"]["properties"]["messageType"]["const"]
    except (KeyError, TypeError):
        return None
    return const if isinstance(const, str) else None


def load_schema_document(path: Path) -> dict[str, Any]:
    """A schema file (JSON or YAML) as a dict, or a one-line setup error naming the place."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read schema: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SchemaError(f"{path}: schema is not UTF-8 text") from None
    try:
        if path.suffix.lower() in {".yaml", ".yml"}:
            document, _ = parse_yaml(text)
        else:
            document = parse_json(text)
    except ParseProblem as problem:
        raise SchemaError(
            f"{path}:{problem.line or 1}:{problem.column or 1}: schema: {problem.message}"
        ) from None
    if not isinstance(document, (dict, bool)):
        raise SchemaError(f"{path}: a schema must be a JSON object, not {type(document).__name__}")
    if isinstance(document, bool):
        document = {} if document else {"not": {}}
    document = _known_dialect(document, path)
    try:
        jsonschema_rs.meta.validate(document)
    except jsonschema_rs.ValidationError as exc:
        where = "/".join(str(p) for p in exc.instance_path) or "(root)"
        raise SchemaError(
            f"{path}: not a valid JSON Schema at {where}: {exc.message.splitlines()[0]}"
        ) from None
    return document


#: The meta-schemas of the drafts, as ``$schema`` names them (jsonschema-rs knows them all;
#: any other would be fetched, which interopcheck never does).
DIALECTS = frozenset(
    f"{scheme}://json-schema.org/{name}{end}"
    for scheme in ("http", "https")
    for name in (
        "draft-04/schema",
        "draft-06/schema",
        "draft-07/schema",
        "draft/2019-09/schema",
        "draft/2020-12/schema",
    )
    for end in ("", "#")
)
ASSUMED_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def reference_to(entry: SchemaEntry) -> dict[str, Any]:
    """A schema that is ``entry`` (a ``$ref`` to it), in ``entry``'s own draft: a ``$ref`` of
    2020-12 to a draft-4 resource is left unresolved by jsonschema-rs's canonical form (and a
    generator then finds nothing it may draw)."""
    declared = entry.document.get("$schema") if isinstance(entry.document, dict) else None
    dialect = declared if isinstance(declared, str) and declared in DIALECTS else ASSUMED_DIALECT
    return {"$schema": dialect, "$ref": entry.uri}


def _known_dialect(document: dict[str, Any], path: Path) -> dict[str, Any]:
    """``document``, read as JSON Schema 2020-12 when its ``$schema`` names a meta-schema
    of no draft (a custom one): never fetched, and said (``Assumed``)."""
    declared = document.get("$schema")
    if not isinstance(declared, str) or declared in DIALECTS:
        return document
    import warnings

    warnings.warn(
        Assumed(
            f"{path}: $schema {declared[:120]} is no JSON Schema draft's and is never fetched: "
            "read as JSON Schema 2020-12"
        ),
        stacklevel=2,
    )
    return {**document, "$schema": ASSUMED_DIALECT}


def _file_uri(path: Path) -> str:
    return path.resolve().as_uri()


class Catalog:
    """Every schema the run may use, keyed by URI, with compiled validators on demand."""

    def __init__(self, entries: Iterable[SchemaEntry]) -> None:
        self._entries: dict[str, SchemaEntry] = {}
        for entry in entries:
            self._register(entry)
        self._validators: dict[str, jsonschema_rs.Validator] = {}
        self._registry: jsonschema_rs.Registry | None = None
        self._content_digest: str | None = None

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def bundled(cls, extra: Sequence[Path] = ()) -> Catalog:
        """The bundled standard, plus schemas from ``extra`` files or directories."""
        entries = list(_scan_bundled(bundled_root("schemas")))
        for path in extra:
            entries.extend(_scan_user(path))
        return cls(entries)

    def add_user_schema(self, path: Path) -> SchemaEntry:
        """Register a user's schema file and return its entry."""
        if not path.is_file():
            raise SchemaError(f"{path}: no such schema file")
        entry = _user_entry(path)
        if self._register(entry):
            self._registry = None
            self._content_digest = None
            self._validators.clear()
        return entry

    def add_entries(self, entries: Iterable[SchemaEntry]) -> None:
        """Register schemas read elsewhere (an OpenAPI document's); a clash of URIs is an
        error, as for every other schema."""
        for entry in entries:
            self._register(entry)
        self._registry = None
        self._content_digest = None
        self._validators.clear()

    def _register(self, entry: SchemaEntry) -> bool:
        """Add ``entry`` by its URI; False when the very same schema is there already. Two
        files with one ``$id`` and other content are an error naming both, whatever order
        they came in: which of them a ``$ref`` reached would otherwise be chance."""
        previous = self._entries.get(entry.uri)
        if previous is not None:
            if previous.path == entry.path or previous.document == entry.document:
                return False  # the same schema again (or a copy): one resource, the first
            first, second = sorted((str(previous.path), str(entry.path)))
            raise SchemaError(
                f"{second}: $id {entry.uri} is already used by {first}, with other content; "
                "every schema needs its own $id (or id, in draft 4), or one of the two files "
                "must go"
            )
        self._entries[entry.uri] = entry
        return True

    # -- lookup -----------------------------------------------------------------------------

    def entries(self) -> list[SchemaEntry]:
        return sorted(self._entries.values(), key=lambda e: (e.standard, e.version, e.name))

    def documents(self) -> dict[str, dict[str, Any]]:
        return {uri: entry.document for uri, entry in self._entries.items()}

    def content_digest(self) -> str:
        """SHA-256 over every schema's content, by ``$id``: equal for two catalogs that hold
        the same schemas (what a memo of generated cases may be keyed by). Computed once, and
        again after a schema is added."""
        if self._content_digest is None:
            text = json.dumps(self.documents(), sort_keys=True, ensure_ascii=False)
            self._content_digest = hashlib.sha256(text.encode()).hexdigest()
        return self._content_digest

    def versions(self) -> list[str]:
        return sorted({e.version for e in self._entries.values() if e.version})

    def message_types(self) -> list[str]:
        return sorted({e.message_type for e in self._entries.values() if e.message_type})

    def find(self, name: str, version: str | None = None) -> SchemaEntry | None:
        """The schema called ``name`` (``charge-file``, ``receipt``) in ``version`` or the
        latest version that has it."""
        matches = [
            e
            for e in self._entries.values()
            if e.name == name and e.version and (version is None or e.version == version)
        ]
        if not matches:
            return None
        return max(matches, key=lambda e: version_key(e.version))

    def for_message(self, message_type: str, version: str | None) -> SchemaEntry | None:
        """The schema of a message type at a standard version."""
        for entry in self._entries.values():
            if entry.message_type == message_type and (version is None or entry.version == version):
                return entry
        return None

    # -- validation -------------------------------------------------------------------------

    def registry(self) -> jsonschema_rs.Registry:
        if self._registry is None:
            try:
                self._registry = jsonschema_rs.Registry(
                    [(uri, entry.document) for uri, entry in self._entries.items()],
                    retriever=_offline_retriever,
                )
            except (ValueError, jsonschema_rs.ValidationError) as exc:
                message = str(exc)
                missing = _MISSING_RESOURCE.search(message)
                if missing is None:
                    raise SchemaError(f"cannot load schemas: {message.splitlines()[0]}") from None
                unresolved = self.unresolved_refs()
                if unresolved:
                    raise _all_unresolvable(unresolved) from None
                referrer = next(
                    (
                        e.path
                        for e in self._entries.values()
                        if missing.group(1) in json.dumps(e.document)
                    ),
                    Path("schema"),
                )
                raise _unresolvable(referrer, missing.group(1)) from None
        return self._registry

    def unresolved_refs(self) -> list[tuple[str, str]]:
        """Every ``$ref`` of every schema that names a resource no schema of the set is (by
        ``$id``, draft 4's ``id``, or an embedded one): ``(file:line:col, target)`` each, in
        file order. What jsonschema-rs reports one at a time, said all at once."""
        from urllib.parse import urldefrag, urljoin

        from interopcheck.sources.walk import walk

        known: set[str] = set()
        refs: list[tuple[SchemaEntry, str, str]] = []
        for entry in self._entries.values():
            known.add(urldefrag(entry.uri)[0])
            for at, node in walk(entry.document):
                if not isinstance(node, dict):
                    continue
                for key in ("$id", "id"):
                    embedded = node.get(key)
                    if isinstance(embedded, str) and at:
                        known.add(urldefrag(urljoin(entry.uri, embedded))[0])
                ref = node.get("$ref")
                if isinstance(ref, str):
                    target = urldefrag(urljoin(entry.uri, ref))[0]
                    refs.append((entry, pointer_of([*at, "$ref"]), target))
        missing = [(e, pointer, target) for e, pointer, target in refs if target not in known]
        return [(_place(e.path, pointer), target) for e, pointer, target in missing]

    def validator(self, entry: SchemaEntry) -> jsonschema_rs.Validator:
        """The compiled validator for ``entry`` (compiled once per run)."""
        compiled = self._validators.get(entry.uri)
        if compiled is None:
            compiled = compile_validator(entry.document, entry.uri, entry.path, self.registry())
            self._validators[entry.uri] = compiled
        return compiled


def compile_validator(
    document: dict[str, Any] | bool,
    uri: str | None,
    path: Path | str,
    registry: jsonschema_rs.Registry,
    formats: dict[str, Callable[[str], bool]] | None = None,
) -> jsonschema_rs.Validator:
    """A jsonschema-rs validator with the justice formats, asserting formats, offline."""
    try:
        return jsonschema_rs.validator_for(
            document,
            registry=registry,
            base_uri=uri,
            formats=formats if formats is not None else JUSTICE_FORMATS,
            validate_formats=True,
            retriever=_offline_retriever,
        )
    except jsonschema_rs.ValidationError as exc:
        missing = _MISSING_RESOURCE.search(exc.message)
        if missing:
            raise _unresolvable(path, missing.group(1)) from None
        raise SchemaError(f"{path}: cannot compile schema: {exc.message.splitlines()[0]}") from None


def _place(path: Path, pointer: str) -> str:
    """``file:line:col`` of ``pointer`` in a schema file (``file`` alone if it cannot be read
    again)."""
    from interopcheck.sources.parse import compose_yaml
    from interopcheck.sources.positions import json_positions, yaml_positions

    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() in {".yaml", ".yml"}:
            root = compose_yaml(text)
            found = yaml_positions(root, {pointer}) if root is not None else {}
        else:
            found = json_positions(text, {pointer})
    except (OSError, UnicodeDecodeError, ParseProblem):
        return str(path)
    line, column = found.get(pointer, (1, 1))
    return f"{path}:{line}:{column}"


#: Unresolved references named in one error, at most.
UNRESOLVED_LISTED = 10


def _all_unresolvable(unresolved: list[tuple[str, str]]) -> SetupError:
    listed = "; ".join(
        f"{place} names {target}" for place, target in unresolved[:UNRESOLVED_LISTED]
    )
    more = len(unresolved) - UNRESOLVED_LISTED
    return SetupError(
        f"{len(unresolved)} $ref(s) cannot be resolved offline (interopcheck never fetches): "
        f"{listed}{f'; and {more} more' if more > 0 else ''}; save each to a file and pass it "
        "with --ref-schemas FILE_OR_DIR"
    )


def _unresolvable(path: Path | str, uri: str) -> SetupError:
    return SetupError(
        f"{path}: $ref to {uri} cannot be resolved offline: it is not bundled and interopcheck "
        "never fetches schemas from the network; save it to a file and pass it with "
        "--ref-schemas FILE_OR_DIR"
    )


def _offline_retriever(uri: str) -> Any:
    """Serve ``file:`` references from disk; refuse everything else (no network, ever)."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        path = Path(unquote(parsed.path))
        try:
            return load_schema_document(path)
        except SetupError as exc:
            raise ValueError(str(exc)) from None
    raise ValueError(f"{uri} is not available offline")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def _scan_bundled(root: Path) -> Iterable[SchemaEntry]:
    """``schemas/<standard>/<version>/<name>.schema.json``."""
    for path in sorted(root.glob(f"*/*/*{SCHEMA_SUFFIX}")):
        # Bundled files are ours and tested: plain json.loads keeps start-up fast.
        document = json.loads(path.read_text(encoding="utf-8"))
        yield SchemaEntry(
            name=path.name[: -len(SCHEMA_SUFFIX)],
            uri=document.get("$id") or _file_uri(path),
            path=path,
            document=document,
            standard=path.parent.parent.name,
            version=path.parent.name,
            message_type=message_type_of(document),
        )


def user_schemas(path: Path) -> list[SchemaEntry]:
    """The schemas of a ``--ref-schemas`` file or directory (``SetupError`` if unreadable)."""
    return list(_scan_user(path))


def _scan_user(path: Path) -> Iterable[SchemaEntry]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix.lower() in {".json", ".yaml", ".yml"}:
                yield _user_entry(child)
    elif path.is_file():
        yield _user_entry(path)
    else:
        raise SchemaError(f"{path}: no such schema file or directory")


def declared_id(document: dict[str, Any]) -> str | None:
    """The URI a schema names itself by: ``$id``, or draft 4's ``id`` (which jsonschema-rs
    reads as the same thing: two files with one ``id`` are one resource to it)."""
    for key in ("$id", "id"):
        value = document.get(key)
        if isinstance(value, str) and value and (key == "$id" or _draft4(document)):
            return value
    return None


def _draft4(document: dict[str, Any]) -> bool:
    declared = document.get("$schema")
    return declared is None or (isinstance(declared, str) and "draft-04" in declared)


def _user_entry(path: Path) -> SchemaEntry:
    document = load_schema_document(path)
    uri = declared_id(document)
    name = path.name
    for suffix in (SCHEMA_SUFFIX, ".json", ".yaml", ".yml"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return SchemaEntry(
        name=name,
        uri=uri or _file_uri(path),
        path=path,
        document=document,
        message_type=message_type_of(document),
    )
