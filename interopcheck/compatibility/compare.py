"""Will the next version break a neighbour? Two versions of each message schema compared.

Backward compatible: NEW admits every payload OLD admits (receivers can upgrade first).
Forward compatible: OLD admits every payload NEW admits (senders can upgrade first).
jsonschema-rs decides containment on the canonical forms (``covers``: yes, no or unknown) and
gives the schema of exactly the values one admits and the other rejects (``subtract``); the
generator draws from that difference, and a payload counts only when the two real validators
(formats asserted, as ``validate`` runs them) disagree on it. A found payload settles "no";
"yes" is only ever the canonical proof; anything else stays "unknown", with how hard it
searched. The version label (``header.standardVersion``) differs by design and is compared as
any string, unless asked otherwise.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urldefrag

import jsonschema_rs

from interopcheck.compatibility.patterns import covers_by_patterns
from interopcheck.errors import SchemaError
from interopcheck.generation.mutations import schema_mutations
from interopcheck.generation.reduce import reduce
from interopcheck.generation.sampler import FastData, Rejected
from interopcheck.generation.strategies import StrategyBuilder
from interopcheck.sources.positions import pointer_of
from interopcheck.standard.catalog import (
    Catalog,
    SchemaEntry,
    bundled_root,
    declared_id,
    load_schema_document,
    message_type_of,
    reference_to,
)
from interopcheck.standard.schema_sources import Draft

VERSION_LABEL = "standardVersion"
PATTERN_PROOF = "only patterns changed, and each admits every string the other version's does"


@dataclass
class Direction:
    """One direction of one message type: ``yes``, ``no`` or ``unknown``, and the proof."""

    verdict: str
    how: str
    """``proved`` (canonical containment), ``counterexample``, or ``searched``."""
    tries: int = 0
    counterexample: Any = None
    accepted_by: str = ""
    rejected_by: str = ""
    rejection: str = ""
    """Where and why the rejecting version refuses the counterexample."""
    rejected_at: str = ""
    """JSON pointer into the counterexample where the rejecting version refuses it."""
    keyword: str = ""
    """The schema keyword that refuses it (``required``, ``maxLength``, ``enum``...)."""
    note: str = ""
    """How a proof was reached when not by the canonical form alone."""


@dataclass
class Comparison:
    message_type: str
    old: str
    new: str
    backward: Direction | None = None
    forward: Direction | None = None
    differences: list[str] = field(default_factory=list)
    """Schema locations that differ (file#pointer: added, removed or changed)."""
    old_source: str = ""
    new_source: str = ""
    """The message's schema file on each side, as a report names it ("" where it has none)."""
    old_path: Path | None = None
    new_path: Path | None = None
    changed: list[tuple[str, str]] = field(default_factory=list)
    """(pointer, added / removed / changed) in the message's own schema file."""


@dataclass(frozen=True)
class Side:
    """One version: its label and its schemas by message type."""

    label: str
    entries: dict[str, SchemaEntry]
    documents: dict[str, dict[str, Any]]
    """Every schema document of this version by file name (for the differing locations)."""
    files: dict[str, Path] = field(default_factory=dict)
    """Every schema file of this version by file name, as read (for digests and positions)."""
    bundled: str = ""
    """For a bundled version: its place among the bundled schemas (``justice/1.0``)."""
    version_label: str | None = None
    """The ``standardVersion`` its schemas require (a ``const``), when they say one."""

    def source(self, entry: SchemaEntry) -> str:
        """How a report names a schema file: as the user gave it, or ``bundled:justice/1.0/…``
        (never a path of this machine's)."""
        return self.source_of_file(entry.path.name, entry.path)

    def source_of_file(self, name: str, path: Path | None = None) -> str:
        if self.bundled:
            return f"bundled:{self.bundled}/{name}"
        return str(path or self.files.get(name) or name)

    def relabelled(self, label: str) -> Side:
        return Side(
            label, self.entries, self.documents, self.files, self.bundled, self.version_label
        )


def load_side(given: str, keep_version_label: bool, draft: Draft | None = None) -> Side:
    """A schema file, a directory of schemas, or a bundled version (``1.0``); ``draft`` is
    that of the schemas without ``$schema``."""
    path = Path(given)
    bundled_as = ""
    if not path.exists():
        bundled = bundled_root("schemas") / "justice" / given
        if not bundled.is_dir():
            raise SchemaError(f"{given}: no such schema file, directory or bundled version")
        path, bundled_as = bundled, f"justice/{given}"
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    if not files:
        raise SchemaError(f"{given}: no .json schemas in this directory")
    documents: dict[str, dict[str, Any]] = {}
    paths: dict[str, Path] = {}
    entries: dict[str, SchemaEntry] = {}
    version_label = None
    for file in files:
        document = load_schema_document(file, draft)
        version_label = version_label or _version_label(document)
        if not keep_version_label:
            document = _neutral_version_label(document)
        documents[file.name] = document
        paths[file.name] = file
        uri = declared_id(document)
        name = file.name.split(".")[0]
        message_type = message_type_of(document) or (name if path.is_file() else None)
        entry = SchemaEntry(
            name=name,
            uri=uri or file.resolve().as_uri(),
            path=file,
            document=document,
            message_type=message_type,
        )
        entries[entry.uri] = entry
    by_type = {e.message_type: e for e in entries.values() if e.message_type}
    if not by_type:
        raise SchemaError(f"{given}: no message schema here (none says its messageType)")
    label = given if not path.is_file() else path.name
    return Side(label, by_type, documents, paths, bundled_as, version_label)


def _version_label(node: Any) -> str | None:
    """The ``const`` a schema gives ``standardVersion``, wherever it says so."""
    if isinstance(node, list):
        return next((v for v in map(_version_label, node) if v), None)
    if not isinstance(node, dict):
        return None
    properties = node.get("properties")
    if isinstance(properties, dict):
        label = properties.get(VERSION_LABEL)
        if isinstance(label, dict) and isinstance(label.get("const"), str):
            return str(label["const"])
    return next((v for v in map(_version_label, node.values()) if v), None)


def labelled(payload: Any, label: str | None) -> Any:
    """The payload with every ``standardVersion`` string set to ``label``: a counterexample
    as a sender on that version would send it (the label itself is compared as any string)."""
    if label is None:
        return payload
    if isinstance(payload, list):
        return [labelled(item, label) for item in payload]
    if not isinstance(payload, dict):
        return payload
    return {
        key: label if key == VERSION_LABEL and isinstance(value, str) else labelled(value, label)
        for key, value in payload.items()
    }


def _neutral_version_label(node: Any) -> Any:
    """Every ``standardVersion`` property compared as any string."""
    if isinstance(node, list):
        return [_neutral_version_label(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _neutral_version_label(value) for key, value in node.items()}
    properties = out.get("properties")
    if isinstance(properties, dict) and VERSION_LABEL in properties:
        out["properties"] = {**properties, VERSION_LABEL: {"type": "string"}}
    return out


def compare_sides(
    old: Side,
    new: Side,
    directions: tuple[str, ...],
    tries: int,
    seed: int,
    refs: Sequence[SchemaEntry] = (),
) -> list[Comparison]:
    """Every message type either version has, compared in the directions asked; ``refs`` are
    schemas both versions may refer to (``--ref-schemas``, and what ``--ref-map`` named)."""
    given_new = new  # as written: what its differences are read from
    earlier = {e.uri: e.document for e in side_entries(old)}
    if any(
        e.uri in earlier and earlier[e.uri] != e.document for e in side_entries(new)
    ):  # the same $id for different content (a version edited in place): keep both apart
        prefixes = _relocation_prefixes(new)
        new = _relocated(new, prefixes)
        # what both versions share (--ref-schemas, --ref-map) is there at the moved URIs too
        refs = [*refs, *(replace(r, uri=_moved(r.uri, prefixes)) for r in refs)]
    everything: dict[str, SchemaEntry] = {}
    version_labels = {"old": old.version_label, "new": new.version_label}
    for side in (old, new):
        for document_entry in side_entries(side):
            everything.setdefault(document_entry.uri, document_entry)
    for ref in refs:
        everything.setdefault(ref.uri, ref)
    catalog = Catalog(everything.values())
    held = catalog.documents()
    for side in (old, new):
        for entry in side.entries.values():
            if held.get(entry.uri) != entry.document:  # a verdict on another schema: never
                raise SchemaError(
                    f"{entry.path}: $id {entry.uri} names other content elsewhere in the run; "
                    "give each version's schemas their own $ids, or compare them one by one"
                )
    pairs = {t: (old.entries[t], new.entries[t]) for t in old.entries if t in new.entries}
    alone = {t: ("old", e) for t, e in old.entries.items() if t not in new.entries}
    alone.update({t: ("new", e) for t, e in new.entries.items() if t not in old.entries})
    if not pairs and len(old.entries) == len(new.entries) == 1:
        # two single schema files: two versions of one message, whatever they are called
        (a,), (b,) = old.entries.values(), new.entries.values()
        pairs, alone = {b.message_type or b.name: (a, b)}, {}
    if not pairs:
        raise SchemaError(
            f"{old.label} and {new.label} have no message type in common "
            f"({', '.join(old.entries)} / {', '.join(new.entries)})"
        )
    labels = {"old": old.label, "new": new.label}
    results = []
    for message_type, (a, b) in sorted(pairs.items()):
        comparison = Comparison(
            message_type,
            old.label,
            new.label,
            old_source=old.source(a),
            new_source=new.source(b),
            old_path=a.path,
            new_path=b.path,
        )
        written = given_new.entries.get(message_type, b)
        comparison.changed = _diff_pointers(a.document, written.document)
        comparison.differences = differences(old, given_new, written.path.name, comparison.changed)
        documents = {"old": a.document, "new": b.document}
        own_file_only = not any("shared definitions" in d for d in comparison.differences)

        decided = decide_both(
            catalog,
            {"old": a, "new": b},
            labels,
            directions,
            tries,
            random.Random(f"{seed}:{message_type}"),
            also_proved=_pattern_proof(documents, comparison.changed, own_file_only),
            version_labels=version_labels,
        )
        for name, verdict in decided.items():
            setattr(comparison, name, verdict)
        results.append(comparison)
    for message_type, (which, entry) in sorted(alone.items()):
        results.append(
            _one_sided(message_type, which, entry, old, new, catalog, directions, tries, seed)
        )
    return sorted(results, key=lambda c: c.message_type)


def _pattern_proof(
    documents: dict[str, dict[str, Any]], changed: list[tuple[str, str]], own_file_only: bool
) -> Callable[[str, str], Callable[[], bool]]:
    """The second proof for ``decide``: only patterns changed (in the message's own file),
    and the cover's admit every string the covered's do."""

    def proof(cover: str, covered: str) -> Callable[[], bool]:
        if not own_file_only:
            return lambda: False
        return functools.partial(covers_by_patterns, documents[cover], documents[covered], changed)

    return proof


def decide_both(
    catalog: Catalog,
    entries: dict[str, SchemaEntry],
    labels: dict[str, str],
    directions: tuple[str, ...],
    tries: int,
    rng: random.Random,
    *,
    also_proved: Callable[[str, str], Callable[[], bool]] | None = None,
    version_labels: dict[str, str | None] | None = None,
) -> dict[str, Direction]:
    """The directions asked of one message type's ``old`` and ``new`` schemas (backward: does
    new admit all old does; forward: the reverse), each decided by ``decide``."""
    canonical = {
        side: jsonschema_rs.canonicalize(
            reference_to(entry), registry=catalog.registry(), validate_formats=True
        )
        for side, entry in entries.items()
    }
    validators = {side: catalog.validator(entry) for side, entry in entries.items()}
    decided = {}
    for name, cover, covered in (("backward", "new", "old"), ("forward", "old", "new")):
        if name in directions:
            decided[name] = decide(
                cover,
                covered,
                canonical,
                validators,
                labels,
                tries,
                rng,
                also_proved(cover, covered) if also_proved else lambda: False,
                (version_labels or {}).get(covered),
                functools.partial(refused_changes, catalog.documents(), entries[cover].uri, {}),
            )
    return decided


def refused_changes(
    documents: dict[str, dict[str, Any]],
    uri: str,
    memo: dict[tuple[str, ...], list[dict[str, Any]]],
    value: Any,
) -> list[Any]:
    """``value`` changed in each way the schema at ``uri`` would refuse (its mutations)."""
    return [m.applied_to(value) for m in schema_mutations(value, documents, uri, memo)]


def _one_sided(
    message_type: str,
    side: str,
    entry: SchemaEntry,
    old: Side,
    new: Side,
    catalog: Catalog,
    directions: tuple[str, ...],
    tries: int,
    seed: int,
) -> Comparison:
    """A message type one version has and the other has not. The version without it rejects
    every such message (no schema names its type), so a valid payload of the version with it
    is the counterexample; the other direction holds, as nothing of that type is ever sent."""
    has, lacks = (old, new) if side == "old" else (new, old)
    comparison = Comparison(message_type, old.label, new.label)
    if side == "old":
        comparison.old_source, comparison.old_path = old.source(entry), entry.path
        comparison.differences = [f"{entry.path.name} (message type removed)"]
    else:
        comparison.new_source, comparison.new_path = new.source(entry), entry.path
        comparison.differences = [f"{entry.path.name} (message type added)"]
    validator = catalog.validator(entry)
    canonical = jsonschema_rs.canonicalize(
        reference_to(entry), registry=catalog.registry(), validate_formats=True
    )
    strategy = StrategyBuilder(canonical).root()
    rng = random.Random(f"{seed}:{message_type}")
    broken = Direction("unknown", "searched")
    for drawn in range(1, tries + 1):
        try:
            value = FastData(rng).draw(strategy)
        except Rejected:
            continue
        if validator.is_valid(value):
            smaller = reduce(value, validator.is_valid)
            if validator.is_valid(labelled(smaller, has.version_label)):
                smaller = labelled(smaller, has.version_label)
            broken = Direction(
                "no",
                "counterexample",
                drawn,
                smaller,
                has.label,
                lacks.label,
                f"at /: {lacks.label} has no schema for message type {message_type!r}",
                "",
                "messageType",
            )
            break
        broken.tries = drawn
    holds = Direction("yes", "proved")
    backward, forward = (broken, holds) if side == "old" else (holds, broken)
    if "backward" in directions:
        comparison.backward = backward
    if "forward" in directions:
        comparison.forward = forward
    return comparison


#: Where a side whose $ids clash with the other's is moved to (never fetched: offline).
RELOCATED = "https://compat-new.invalid/"


def _relocation_prefixes(side: Side) -> set[str]:
    """What ``_relocated`` moves: every ``scheme://host/`` of the side's $ids, and each $id
    that has no host (``urn:...``: nothing can be relative to it) whole."""
    return {
        uri.split("/", 3)[0] + "//" + uri.split("/", 3)[2] + "/"
        if uri.count("/") >= 3 and "://" in uri
        else uri
        for uri in (e.uri for e in side_entries(side))
        if ":" in uri
    }


def _hierarchical(prefix: str) -> bool:
    """A ``scheme://host/`` prefix (else a whole host-less id, as ``urn:...``)."""
    return prefix.endswith("/") and "://" in prefix


def _moved_to(prefix: str) -> str:
    if _hierarchical(prefix):
        return f"{RELOCATED}{prefix.split('://', 1)[1]}"
    return f"{RELOCATED}{quote(prefix, safe='')}"


def _moved(uri: str, prefixes: set[str]) -> str:
    for prefix in prefixes:
        if uri.startswith(prefix) if _hierarchical(prefix) else urldefrag(uri)[0] == prefix:
            return _moved_to(prefix) + uri[len(prefix) :]
    return uri


def _relocated(side: Side, prefixes: set[str]) -> Side:
    """The side with every ``scheme://host/`` of its $ids moved under ``RELOCATED`` (an $id
    without a host, whole), in $ids and absolute references alike, so that relative
    references still resolve among its files."""

    def move(document: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps(document)
        for prefix in prefixes:
            if _hierarchical(prefix):
                text = text.replace(f'"{prefix}', f'"{_moved_to(prefix)}')
            else:  # the whole id, then a fragment or the end of the string
                for end in ('"', "#"):
                    text = text.replace(f'"{prefix}{end}', f'"{_moved_to(prefix)}{end}')
        moved: dict[str, Any] = json.loads(text)
        return moved

    documents = {name: move(document) for name, document in side.documents.items()}
    entries = {}
    for message_type, entry in side.entries.items():
        document = move(entry.document)
        uri = declared_id(document) or entry.uri
        entries[message_type] = SchemaEntry(
            name=entry.name,
            uri=uri,
            path=entry.path,
            document=document,
            message_type=entry.message_type,
        )
    return Side(side.label, entries, documents, side.files, side.bundled, side.version_label)


def side_entries(side: Side) -> list[SchemaEntry]:
    """Every schema of one version: its message types and the files they share, by URI."""
    entries = {e.uri: e for e in side.entries.values()}
    for name, document in side.documents.items():
        uri = declared_id(document)
        if uri is not None and uri not in entries:
            path = side.files.get(name, Path(name))
            entries[uri] = SchemaEntry(name=name, uri=uri, path=path, document=document)
    return list(entries.values())


def decide(
    cover: str,
    covered: str,
    canonical: dict[str, jsonschema_rs.CanonicalSchema],
    validators: dict[str, jsonschema_rs.Validator],
    labels: dict[str, str],
    tries: int,
    rng: random.Random,
    also_proved: Callable[[], bool] = lambda: False,
    version_label: str | None = None,
    breaks_cover: Callable[[Any], list[Any]] | None = None,
) -> Direction:
    """Does ``cover`` admit everything ``covered`` admits? Proof, counterexample, or unknown.
    ``also_proved`` is a second proof, tried where the canonical form cannot decide; a
    counterexample carries ``covered``'s ``version_label``, as its senders would send it.
    Where drawing from the difference finds none, values of ``covered`` are drawn and each is
    changed as ``breaks_cover`` says (a property ``cover`` types, added with another type,
    in array items and nested objects too): a change ``covered`` still admits is one."""
    containment = str(canonical[cover].covers(canonical[covered])).lower()
    if containment.endswith("yes"):
        return Direction("yes", "proved")
    if not containment.endswith("no") and also_proved():
        return Direction("yes", "proved", note=PATTERN_PROOF)
    difference = canonical[covered].subtract(canonical[cover])
    builder = StrategyBuilder(difference)
    strategy = builder.root()

    def shows(value: Any) -> bool:
        return validators[covered].is_valid(value) and not validators[cover].is_valid(value)

    # a quarter of the draws for the second search, when there is one: ``tries`` in all
    second = tries // 4 if breaks_cover is not None else 0

    def candidates() -> Iterator[tuple[bool, Any]]:
        """(a new draw?, value): each draw once, then each change made to it."""
        for _ in range(tries - second):
            try:
                yield True, FastData(rng).draw(strategy)
            except Rejected:
                yield True, _NOTHING
        if breaks_cover is None:
            return
        own = StrategyBuilder(canonical[covered]).root()
        for _ in range(second):
            try:
                value = FastData(rng).draw(own)
            except Rejected:
                yield True, _NOTHING
                continue
            changed = breaks_cover(value) if validators[covered].is_valid(value) else []
            yield True, _NOTHING
            for candidate in changed:
                yield False, candidate

    drawn = 0
    for new_draw, value in candidates():
        drawn += new_draw
        if value is _NOTHING:
            continue
        if shows(value):
            smaller = reduce(value, shows)
            if shows(labelled(smaller, version_label)):
                smaller = labelled(smaller, version_label)
            error = next(iter(validators[cover].iter_errors(smaller)))
            where = pointer_of(error.instance_path)
            keyword = _keyword(error)
            said = error.message if len(error.message) <= 120 else f"fails {keyword}"
            return Direction(
                "no",
                "counterexample",
                drawn,
                smaller,
                labels[covered],
                labels[cover],
                f"at {where or '/'}: {said}",
                where,
                keyword,
            )
    if containment.endswith("no"):
        return Direction("no", "proved", drawn)
    return Direction("unknown", "searched", drawn)


_NOTHING = object()
"""A draw that gave no value (a filter kept failing): counted, not judged."""


def _keyword(error: jsonschema_rs.ValidationError) -> str:
    """The keyword that failed, as JSON Schema spells it (``maxLength``, not ``maxlength``)."""
    path = [str(p) for p in error.schema_path]
    if path and not path[-1].isdigit():
        return path[-1]
    return path[-2] if len(path) > 1 else type(error.kind).__name__.lower()


def _diff_pointers(a: Any, b: Any) -> list[tuple[str, str]]:
    """(pointer, kind) for each place the message's own schema changed."""
    found = []
    for item in _diff(a, b, ""):
        pointer, _, kind = item.rpartition(" (")
        found.append((pointer if pointer != "/" else "", kind.rstrip(")")))
    return found


def differences(old: Side, new: Side, name: str, changed: list[tuple[str, str]]) -> list[str]:
    """Where the message's own schema file (``name``) differs, and which shared files differ
    at all."""
    found = [f"{name}#{pointer or '/'} ({kind})" for pointer, kind in changed]
    shared = {
        name
        for name in set(old.documents) & set(new.documents)
        if message_type_of(old.documents[name]) is None  # definitions, not another message
    }
    for name in sorted(shared):
        if _diff(old.documents[name], new.documents[name], "", ignore_ids=True):
            found.append(f"{name} (shared definitions changed)")
    return found


def _diff(a: Any, b: Any, pointer: str, ignore_ids: bool = True) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if ignore_ids and key == "$id":
                continue
            here = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key not in a:
                out.append(f"{here} (added)")
            elif key not in b:
                out.append(f"{here} (removed)")
            else:
                out += _diff(a[key], b[key], here, ignore_ids)
        return out
    if _same(a, b):
        return []
    return [f"{pointer or '/'} (changed)"]


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
