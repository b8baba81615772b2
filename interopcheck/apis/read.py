"""Reading an API document as people write it: one file or many, JSON or YAML, never the network.

The root file is read with the project's hardened parsers; every relative ``$ref`` to another
file (``./common/headers.yaml#/components/parameters/nino``) is followed, and that file read
the same way, until the set is closed. An absolute ``http(s)`` reference is not fetched: it is
an error naming where it stands (a mapping to a local copy is issue 17's ``--ref-schemas``
mechanism). YAML's unquoted integer keys (``200:`` response codes, as Spring writes them) are
read as the text they are. Every problem is one ``ApiDocumentError`` at file:line:col.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urldefrag, urlsplit

from interopcheck.errors import ApiDocumentError
from interopcheck.sources.parse import ParseProblem, parse_json
from interopcheck.sources.positions import (
    MISSING,
    json_positions,
    pointer_of,
    value_at,
    yaml_positions,
)
from interopcheck.sources.walk import walk
from interopcheck.sources.yaml_text import compose_yaml, yaml_node_to_json

#: More files than any real API document splits into (HMRC's largest: 35).
MAX_FILES = 2_000
#: The largest file read (the largest real document in the corpus is under 1 MB).
MAX_FILE_BYTES = 16 * 1024 * 1024

Syntax = Literal["json", "yaml"]


@dataclass
class ApiFile:
    """One file of an API document, as read: its value, and how to find a place in it."""

    path: Path
    value: Any
    syntax: Syntax
    text: str = field(repr=False)
    root: Any = field(default=None, repr=False)
    """The YAML node tree (for positions), when the file is YAML."""

    def position(self, pointer: str) -> tuple[int, int]:
        """Line and column of the value at ``pointer`` (the nearest enclosing one that exists
        in the text; 1:1 when none does)."""
        parts = pointer.split("/")
        for end in range(len(parts), 0, -1):
            prefix = "/".join(parts[:end]) if end > 1 else ""
            found = (
                json_positions(self.text, {prefix})
                if self.syntax == "json"
                else yaml_positions(self.root, {prefix})
                if self.root is not None
                else {}
            )
            if prefix in found:
                return found[prefix]
        return 1, 1

    def where(self, pointer: str) -> str:
        line, column = self.position(pointer)
        return f"{self.path}:{line}:{column}"


@dataclass
class ApiBundle:
    """Every file of one API document, the root first."""

    root: Path
    files: dict[Path, ApiFile]
    aliases: dict[str, Path] = field(default_factory=dict)
    """Absolute URIs (a schema's ``$id``) and the local file that stands for each."""

    @property
    def document(self) -> Any:
        return self.files[self.root].value

    def file_of(self, uri: str) -> ApiFile | None:
        """The file a ``file://`` URI, a path or a mapped absolute URI names, if it is part of
        the document."""
        uri, _ = urldefrag(uri)
        if uri in self.aliases:
            return self.files.get(self.aliases[uri])
        parts = urlsplit(uri)
        path = Path(unquote(parts.path)) if parts.scheme in ("file", "") else None
        return self.files.get(path.resolve()) if path is not None else None

    def part(self, file: Path, ref: str) -> tuple[Any, Path]:
        """What ``ref``, written in ``file``, names (another file of the document, or a
        place in one), and the file that holds it; ``ApiDocumentError`` when it is nothing."""
        reference, fragment = urldefrag(ref)
        target = file
        if reference:
            found = self.file_of(reference)
            if found is None:
                found = self.files.get((file.parent / unquote(urlsplit(reference).path)).resolve())
            if found is None:
                raise ApiDocumentError(f"{file}: $ref {ref!r} names no file read")
            target = found.path
        value = value_at(self.files[target].value, unquote(fragment))
        if value is MISSING:
            raise ApiDocumentError(f"{file}: $ref {ref!r} names nothing in its file")
        return value, target


def read_bundle(path: Path, ref_schemas: Sequence[Path] = ()) -> ApiBundle:
    """The document at ``path`` and every file its relative ``$ref``s reach. An absolute
    ``$ref`` is served by the ``ref_schemas`` file whose ``$id`` (or draft-04 ``id``) it is."""
    root = path.resolve()
    aliases = _identified(ref_schemas)
    files: dict[Path, ApiFile] = {}
    pending = [(root, f"{path}")]
    while pending:
        current, named_at = pending.pop()
        if current in files:
            continue
        if len(files) >= MAX_FILES:
            raise ApiDocumentError(f"{named_at}: more than {MAX_FILES:,} files reached by $ref")
        read = read_file(current, named_at, shown=path if current == root else None)
        files[current] = read
        for pointer, target in _file_references(read, aliases):
            pending.append((target, read.where(pointer)))
    return ApiBundle(root, files, aliases)


def _identified(ref_schemas: Sequence[Path]) -> dict[str, Path]:
    """``$id`` -> file, for every JSON or YAML file of the ``--ref-schemas`` given."""
    found: dict[str, Path] = {}
    for given in ref_schemas:
        if not given.exists():
            raise ApiDocumentError(f"{given}: no such file or directory (--ref-schemas)")
        candidates = (
            sorted(p for p in given.rglob("*") if p.suffix.lower() in (".json", ".yaml", ".yml"))
            if given.is_dir()
            else [given]
        )
        for candidate in candidates:
            value = read_file(candidate.resolve(), str(given)).value
            identifier = value.get("$id", value.get("id")) if isinstance(value, dict) else None
            if isinstance(identifier, str) and identifier:
                found[urldefrag(identifier)[0]] = candidate.resolve()
    return found


def read_file(path: Path, named_at: str, shown: Path | None = None) -> ApiFile:
    """One file, parsed; ``named_at`` says where it was asked for (for "no such file")."""
    label = shown or path
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ApiDocumentError(
            f"{named_at}: cannot read {label}: {exc.strerror or exc} (a $ref to a file that "
            "is not there?)"
        ) from None
    if size > MAX_FILE_BYTES:
        raise ApiDocumentError(f"{label}: {size:,} bytes, more than any API document")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ApiDocumentError(f"{label}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ApiDocumentError(f"{label}: not UTF-8 text") from None
    try:
        if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
            return ApiFile(path, parse_json(text), "json", text)
        node = compose_yaml(text)
        if node is None:
            raise ParseProblem("empty document", 1, 1)
        _integer_keys_as_text(node)
        return ApiFile(path, yaml_node_to_json(node), "yaml", text, node)
    except ParseProblem as problem:
        where = f"{label}:{problem.line or 1}:{problem.column or 1}"
        raise ApiDocumentError(f"{where}: {problem.message}") from None


def _integer_keys_as_text(root: Any) -> None:
    """``200:`` as a mapping key is the text ``200`` in an API document (a response code)."""
    import yaml

    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag == "tag:yaml.org,2002:int":
                    key.tag = "tag:yaml.org,2002:str"
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _file_references(read: ApiFile, aliases: dict[str, Path]) -> list[tuple[str, Path]]:
    """(where the ``$ref`` stands, the file it names) for each reference to another file."""
    found = []
    for path, node in walk(read.value):
        if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
            continue
        reference, _ = urldefrag(node["$ref"])
        if not reference:
            continue
        pointer = pointer_of((*path, "$ref"))
        scheme = urlsplit(reference).scheme
        if reference in aliases:
            found.append((pointer, aliases[reference]))
            continue
        if scheme in ("http", "https"):
            raise ApiDocumentError(
                f"{read.where(pointer)}: $ref {node['$ref']!r} is on the network, and "
                "interopcheck never fetches: give a local copy whose $id it is (--ref-schemas "
                "FILE_OR_DIR, or a profile's api.refSchemas), or refer to it by a relative path"
            )
        if scheme not in ("", "file"):
            raise ApiDocumentError(f"{read.where(pointer)}: $ref {node['$ref']!r}: unknown scheme")
        target = Path(unquote(urlsplit(reference).path))
        found.append((pointer, (read.path.parent / target).resolve()))
    return found
