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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urldefrag, urljoin, urlparse

import jsonschema_rs

from interopcheck.errors import Assumed, SchemaError, SetupError
from interopcheck.sources.parse import ParseProblem, parse_json
from interopcheck.sources.positions import pointer_of
from interopcheck.standard.formats import JUSTICE_FORMATS
from interopcheck.standard.schema_sources import Draft, RefMap, SchemaSources

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
    meta_schema: str | None = None
    """A ``$schema`` that names no draft (a custom meta-schema), as written; the document reads
    as 2020-12 until the catalog finds that meta-schema among its own schemas."""

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


def load_schema_document(path: Path, draft: Draft | None = None) -> dict[str, Any]:
    """A schema file (JSON or YAML) as a dict, or a one-line setup error naming the place;
    one without ``$schema`` is read in ``draft`` when given (else 2020-12)."""
    return _meta_checked(_known_dialect(_read_schema(path, draft), path), path)


def _read_schema(path: Path, draft: Draft | None) -> dict[str, Any]:
    """A schema file as written (``draft`` named where it names none): not checked yet."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read schema: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SchemaError(f"{path}: schema is not UTF-8 text") from None
    try:
        if path.suffix.lower() in {".yaml", ".yml"}:
            from interopcheck.sources.yaml_text import parse_yaml

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
    if draft is not None and "$schema" not in document:
        document = {"$schema": draft.meta_schema, **document}
    safe: dict[str, Any] = uri_safe_refs(document)
    return safe


#: A character no URI may hold as it is (RFC 3986): ``<``, ``>``, a space, ``{``, non-ASCII...
_NOT_URI = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")


def uri_safe_refs(node: Any) -> Any:
    """``node`` with every ``$ref`` that holds characters no URI may hold percent-encoded, as
    python-jsonschema reads it: real schemas refer to ``#/definitions/Inputs<String>``, which
    jsonschema-rs refuses as written and resolves once encoded. Untouched (the same object)
    when no ``$ref`` needs it; the values of ``enum``, ``const`` and the like are data."""
    if isinstance(node, list):
        items = [uri_safe_refs(item) for item in node]
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if not isinstance(node, dict):
        return node
    changed: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and _NOT_URI.search(value):
            base, hash_sign, fragment = value.partition("#")
            changed[key] = (
                quote(base, safe=":/?[]@!$&'()*+,;=%")
                + hash_sign
                + quote(fragment, safe="!$&'()*+,;=:@/?%")
            )
        elif key not in _DATA_KEYWORDS and isinstance(value, (dict, list)):
            safe = uri_safe_refs(value)
            if safe is not value:
                changed[key] = safe
    return {**node, **changed} if changed else node


def _meta_checked(document: dict[str, Any], path: Path) -> dict[str, Any]:
    """``document`` if it is a valid schema of its draft, else a one-line ``SchemaError``."""
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


def custom_meta_schema(document: dict[str, Any]) -> str | None:
    """The ``$schema`` of ``document`` when it names no draft's meta-schema (a custom one)."""
    declared = document.get("$schema")
    return declared if isinstance(declared, str) and declared not in DIALECTS else None


def read_as_known_dialect(document: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """``document`` as a catalog holds it: one with a custom ``$schema`` read as 2020-12, and
    that ``$schema`` (for ``SchemaEntry.meta_schema``: the catalog reads the document by it
    when the set has it, and says so otherwise)."""
    declared = custom_meta_schema(document)
    if declared is None:
        return document, None
    return {**document, "$schema": ASSUMED_DIALECT}, declared


def _known_dialect(document: dict[str, Any], path: Path) -> dict[str, Any]:
    """``document``, read as JSON Schema 2020-12 when its ``$schema`` names a meta-schema
    of no draft (a custom one): never fetched, and said (``Assumed``)."""
    read, declared = read_as_known_dialect(document)
    if declared is not None:
        _say_assumed(path, declared)
    return read


def _say_assumed(path: Path, declared: str) -> None:
    import warnings

    warnings.warn(
        Assumed(
            f"{path}: $schema {declared[:120]} is no JSON Schema draft's and is never fetched: "
            "read as JSON Schema 2020-12 (give the meta-schema with --ref-schemas or --ref-map "
            "to have its vocabularies read)"
        ),
        stacklevel=3,
    )


def _file_uri(path: Path) -> str:
    return path.resolve().as_uri()


class Catalog:
    """Every schema the run may use, keyed by URI, with compiled validators on demand."""

    def __init__(
        self,
        entries: Iterable[SchemaEntry],
        *,
        draft: Draft | None = None,
        assert_formats: bool = True,
        ref_maps: Sequence[RefMap] = (),
    ) -> None:
        self._draft = draft
        self._assert_formats = assert_formats
        self._ref_maps = tuple(ref_maps)
        self._settled: set[str] = set()
        self._entries: dict[str, SchemaEntry] = {}
        for entry in entries:
            self._register(entry)
        self._validators: dict[str, jsonschema_rs.Validator] = {}
        self._registry: jsonschema_rs.Registry | None = None
        self._content_digest: str | None = None
        self._settle()

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def bundled(cls, extra: Sequence[Path] | SchemaSources = ()) -> Catalog:
        """The bundled standard, plus schemas from ``extra`` files or directories (with the
        drafts, formats and ``--ref-map`` of a ``SchemaSources``)."""
        sources = extra if isinstance(extra, SchemaSources) else SchemaSources(tuple(extra))
        entries = list(_scan_bundled(bundled_root("schemas")))
        for path in sources.ref_schemas:
            entries.extend(_scan_user(path, sources.draft))
        return cls(
            entries,
            draft=sources.draft,
            assert_formats=sources.assert_formats,
            ref_maps=sources.ref_maps,
        )

    def add_user_schema(self, path: Path) -> SchemaEntry:
        """Register a user's schema file (and what ``--ref-map`` says its ``$ref``s name) and
        return its entry."""
        if not path.is_file():
            raise SchemaError(f"{path}: no such schema file")
        entry = _user_entry(path, self._draft)
        if self._register(entry):
            self._settle()
            self._changed()
        return self._entries.get(entry.uri, entry)

    def _changed(self) -> None:
        self._registry = None
        self._content_digest = None
        self._validators.clear()

    def _settle(self) -> None:
        """Register every file ``--ref-map`` names for a ``$ref`` (or a custom ``$schema``) no
        schema declares; then read each schema with a custom meta-schema by that meta-schema
        where the set has it, and say once of each other one that it is read as 2020-12."""
        if self._ref_maps:
            for entry in mapped_entries(list(self._entries.values()), self._ref_maps, self._draft):
                self._register(entry)
        for uri, entry in list(self._entries.items()):
            if entry.meta_schema is None or uri in self._settled:
                continue
            self._settled.add(uri)
            if urldefrag(urljoin(entry.uri, entry.meta_schema))[0] in self._entries:
                document = {**entry.document, "$schema": entry.meta_schema}
                self._entries[uri] = replace(entry, document=document)
            else:
                _say_assumed(entry.path, entry.meta_schema)

    def add_entries(self, entries: Iterable[SchemaEntry]) -> None:
        """Register schemas read elsewhere (an OpenAPI document's); a clash of URIs is an
        error, as for every other schema."""
        for entry in entries:
            self._register(entry)
        self._settle()
        self._changed()

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
        return [
            (_place(e.path, pointer), target)
            for e, pointer, target in _unresolved(self._entries.values())
        ]

    def validator(self, entry: SchemaEntry) -> jsonschema_rs.Validator:
        """The compiled validator for ``entry`` (compiled once per run)."""
        compiled = self._validators.get(entry.uri)
        if compiled is None:
            compiled = compile_validator(
                entry.document,
                entry.uri,
                entry.path,
                self.registry(),
                assert_formats=self._assert_formats,
            )
            self._validators[entry.uri] = compiled
        return compiled


def compile_validator(
    document: dict[str, Any] | bool,
    uri: str | None,
    path: Path | str,
    registry: jsonschema_rs.Registry,
    formats: dict[str, Callable[[str], bool]] | None = None,
    *,
    assert_formats: bool = True,
) -> jsonschema_rs.Validator:
    """A jsonschema-rs validator with the justice formats, asserting formats (unless
    ``assert_formats`` is False), offline."""
    try:
        return jsonschema_rs.validator_for(
            document,
            registry=registry,
            base_uri=uri,
            formats=formats if formats is not None else JUSTICE_FORMATS,
            validate_formats=assert_formats,
            retriever=_offline_retriever,
        )
    except jsonschema_rs.ValidationError as exc:
        missing = _MISSING_RESOURCE.search(exc.message)
        if missing:
            raise _unresolvable(path, missing.group(1)) from None
        raise SchemaError(f"{path}: cannot compile schema: {exc.message.splitlines()[0]}") from None


#: Keywords whose values are data, not schemas: a ``$ref`` or ``$id`` in them names nothing.
_DATA_KEYWORDS = frozenset({"enum", "const", "examples", "default"})


def _references(
    entry: SchemaEntry, with_meta_schema: bool = False
) -> tuple[set[str], list[tuple[str, str]]]:
    """The URIs ``entry`` declares (itself and every embedded ``$id``) and its ``$ref``s as
    ``(JSON pointer of the $ref, target URI without fragment)``, each resolved against the
    base URI in force where it stands (an embedded ``$id`` changes it for what is below)."""
    id_keys = ("$id", "id") if _draft4(entry.document) else ("$id",)
    known = {urldefrag(entry.uri)[0]}
    refs: list[tuple[str, str]] = []
    if with_meta_schema and entry.meta_schema is not None:
        refs.append(("/$schema", urldefrag(urljoin(entry.uri, entry.meta_schema))[0]))
    stack: list[tuple[tuple[str | int, ...], Any, str]] = [((), entry.document, entry.uri)]
    while stack:
        at, node, base = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed([((*at, i), child, base) for i, child in enumerate(node)]))
            continue
        if not isinstance(node, dict):
            continue
        for key in id_keys:
            embedded = node.get(key)
            if isinstance(embedded, str) and at and not embedded.startswith("#"):
                base = urljoin(base, embedded)
                known.add(urldefrag(base)[0])
                break
        ref = node.get("$ref")
        if isinstance(ref, str):
            refs.append((pointer_of([*at, "$ref"]), urldefrag(urljoin(base, ref))[0]))
        stack.extend(
            reversed(
                [
                    ((*at, key), child, base)
                    for key, child in node.items()
                    if key not in _DATA_KEYWORDS and isinstance(child, (dict, list))
                ]
            )
        )
    return known, refs


def _unresolved(
    entries: Iterable[SchemaEntry], with_meta_schemas: bool = False
) -> list[tuple[SchemaEntry, str, str]]:
    """``(entry, JSON pointer of the $ref, target URI without fragment)`` for every ``$ref``
    (and custom ``$schema``, if asked) whose target no entry is (by ``$id``, draft 4's ``id``,
    or an embedded one), in order."""
    known: set[str] = set()
    refs: list[tuple[SchemaEntry, str, str]] = []
    for entry in entries:
        declared, found = _references(entry, with_meta_schemas)
        known |= declared
        refs.extend((entry, pointer, target) for pointer, target in found)
    return [(e, pointer, target) for e, pointer, target in refs if target not in known]


def mapped_entries(
    entries: Sequence[SchemaEntry], maps: Sequence[RefMap], draft: Draft | None = None
) -> list[SchemaEntry]:
    """The schemas ``--ref-map`` supplies for the ``$ref``s of ``entries`` (and of what they
    supply in turn) that no schema declares, each registered under the URI it was named by.
    A map that names a missing file is an error at the ``$ref``'s file:line:col."""
    if not maps:
        return []
    known = list(entries)
    added: list[SchemaEntry] = []
    while True:
        wanted: dict[str, tuple[Path, SchemaEntry, str]] = {}
        for entry, pointer, target in _unresolved(known, with_meta_schemas=True):
            for ref_map in maps:
                file = ref_map.file_for(target)
                if file is not None:
                    wanted.setdefault(target, (file, entry, pointer))
                    break
        if not wanted:
            return added
        for target in sorted(wanted):
            file, entry, pointer = wanted[target]
            if not file.is_file():
                raise SchemaError(
                    f"{_place(entry.path, pointer)}: $ref {target} maps to {file} (--ref-map), "
                    "which is not a file; check the map's folder or add the file"
                )
            mapped = replace(_user_entry(file, draft), uri=target)
            known.append(mapped)
            added.append(mapped)


def _place(path: Path, pointer: str) -> str:
    """``file:line:col`` of ``pointer`` in a schema file (``file`` alone if it cannot be read
    again)."""
    from interopcheck.sources.positions import json_positions, yaml_positions
    from interopcheck.sources.yaml_text import compose_yaml

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
        "with --ref-schemas FILE_OR_DIR (by its $id), or map the URI to it with "
        "--ref-map URI=PATH (a URI ending in / maps a prefix to a folder)"
    )


def _unresolvable(path: Path | str, uri: str) -> SetupError:
    return SetupError(
        f"{path}: $ref to {uri} cannot be resolved offline: it is not bundled and interopcheck "
        "never fetches schemas from the network; save it to a file and pass it with "
        "--ref-schemas FILE_OR_DIR (by its $id), or map the URI to it with --ref-map URI=PATH"
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


def user_schemas(path: Path, draft: Draft | None = None) -> list[SchemaEntry]:
    """The schemas of a ``--ref-schemas`` file or directory (``SetupError`` if unreadable),
    outside any catalog: a custom ``$schema`` is read as 2020-12, and said."""
    entries = list(_scan_user(path, draft))
    for entry in entries:
        if entry.meta_schema is not None:
            _say_assumed(entry.path, entry.meta_schema)
    return entries


def _scan_user(path: Path, draft: Draft | None = None) -> Iterable[SchemaEntry]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix.lower() in {".json", ".yaml", ".yml"}:
                yield _user_entry(child, draft)
    elif path.is_file():
        yield _user_entry(path, draft)
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


def _user_entry(path: Path, draft: Draft | None = None) -> SchemaEntry:
    """A user's schema file as an entry; one with a custom ``$schema`` reads as 2020-12 until
    its catalog says otherwise (``Catalog._settle``)."""
    document, meta_schema = read_as_known_dialect(_read_schema(path, draft))
    document = _meta_checked(document, path)
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
        meta_schema=meta_schema,
    )
