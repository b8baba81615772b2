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

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs

from interopcheck.errors import SetupError
from interopcheck.generate.reduce import reduce
from interopcheck.generate.sampler import FastData, Rejected
from interopcheck.generate.strategies import StrategyBuilder
from interopcheck.standard.catalog import (
    Catalog,
    SchemaEntry,
    bundled_root,
    load_schema_document,
    message_type_of,
)

VERSION_LABEL = "standardVersion"


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


@dataclass
class Comparison:
    message_type: str
    old: str
    new: str
    backward: Direction | None = None
    forward: Direction | None = None
    differences: list[str] = field(default_factory=list)
    """Schema locations that differ (file#pointer: added, removed or changed)."""


@dataclass(frozen=True)
class Side:
    """One version: its label and its schemas by message type."""

    label: str
    entries: dict[str, SchemaEntry]
    documents: dict[str, dict[str, Any]]
    """Every schema document of this version by file name (for the differing locations)."""


def load_side(given: str, keep_version_label: bool) -> Side:
    """A schema file, a directory of schemas, or a bundled version (``1.0``)."""
    path = Path(given)
    if not path.exists():
        bundled = bundled_root("schemas") / "justice" / given
        if not bundled.is_dir():
            raise SetupError(f"{given}: no such schema file, directory or bundled version")
        path = bundled
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    if not files:
        raise SetupError(f"{given}: no .json schemas in this directory")
    documents: dict[str, dict[str, Any]] = {}
    entries: dict[str, SchemaEntry] = {}
    for file in files:
        document = load_schema_document(file)
        if not keep_version_label:
            document = _neutral_version_label(document)
        documents[file.name] = document
        uri = document.get("$id") if isinstance(document.get("$id"), str) else None
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
        raise SetupError(f"{given}: no message schema here (none says its messageType)")
    label = given if not path.is_file() else path.name
    return Side(label, by_type, documents)


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
    old: Side, new: Side, directions: tuple[str, ...], tries: int, seed: int
) -> list[Comparison]:
    """Every message type both versions have, compared in the directions asked."""
    earlier = {e.uri: e.document for e in _all_entries(old)}
    if any(
        e.uri in earlier and earlier[e.uri] != e.document for e in _all_entries(new)
    ):  # the same $id for different content (a version edited in place): keep both apart
        new = _relocated(new)
    everything: dict[str, SchemaEntry] = {}
    for side in (old, new):
        for document_entry in _all_entries(side):
            everything.setdefault(document_entry.uri, document_entry)
    catalog = Catalog(everything.values())
    pairs = {t: (old.entries[t], new.entries[t]) for t in old.entries if t in new.entries}
    if not pairs and len(old.entries) == len(new.entries) == 1:
        # two single schema files: two versions of one message, whatever they are called
        (a,), (b,) = old.entries.values(), new.entries.values()
        pairs = {b.message_type or b.name: (a, b)}
    if not pairs:
        raise SetupError(
            f"{old.label} and {new.label} have no message type in common "
            f"({', '.join(old.entries)} / {', '.join(new.entries)})"
        )
    results = []
    for message_type, (a, b) in sorted(pairs.items()):
        comparison = Comparison(message_type, old.label, new.label)
        canonical = {
            side: jsonschema_rs.canonicalize(
                {"$ref": entry.uri}, registry=catalog.registry(), validate_formats=True
            )
            for side, entry in (("old", a), ("new", b))
        }
        validators = {"old": catalog.validator(a), "new": catalog.validator(b)}
        labels = {"old": old.label, "new": new.label}
        rng = random.Random(f"{seed}:{message_type}")
        if "backward" in directions:  # new must admit what old admits
            comparison.backward = _decide("new", "old", canonical, validators, labels, tries, rng)
        if "forward" in directions:  # old must admit what new admits
            comparison.forward = _decide("old", "new", canonical, validators, labels, tries, rng)
        comparison.differences = differences(old, new, a, b)
        results.append(comparison)
    return results


#: Where a side whose $ids clash with the other's is moved to (never fetched: offline).
RELOCATED = "https://compat-new.invalid/"


def _relocated(side: Side) -> Side:
    """The side with every ``scheme://host/`` of its $ids moved under ``RELOCATED``, in $ids and
    absolute references alike, so that relative references still resolve among its files."""
    prefixes = {
        uri.split("/", 3)[0] + "//" + uri.split("/", 3)[2] + "/"
        for uri in (e.uri for e in _all_entries(side))
        if uri.count("/") >= 3 and "://" in uri
    }

    def move(document: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps(document)
        for prefix in prefixes:
            text = text.replace(f'"{prefix}', f'"{RELOCATED}{prefix.split("://", 1)[1]}')
        moved: dict[str, Any] = json.loads(text)
        return moved

    documents = {name: move(document) for name, document in side.documents.items()}
    entries = {}
    for message_type, entry in side.entries.items():
        document = move(entry.document)
        moved_id = document.get("$id")
        uri = moved_id if isinstance(moved_id, str) else entry.uri
        entries[message_type] = SchemaEntry(
            name=entry.name,
            uri=uri,
            path=entry.path,
            document=document,
            message_type=entry.message_type,
        )
    return Side(side.label, entries, documents)


def _all_entries(side: Side) -> list[SchemaEntry]:
    entries = {e.uri: e for e in side.entries.values()}
    for name, document in side.documents.items():
        uri = document.get("$id")
        if isinstance(uri, str) and uri not in entries:
            entries[uri] = SchemaEntry(name=name, uri=uri, path=Path(name), document=document)
    return list(entries.values())


def _decide(
    cover: str,
    covered: str,
    canonical: dict[str, jsonschema_rs.CanonicalSchema],
    validators: dict[str, jsonschema_rs.Validator],
    labels: dict[str, str],
    tries: int,
    rng: random.Random,
) -> Direction:
    """Does ``cover`` admit everything ``covered`` admits? Proof, counterexample, or unknown."""
    containment = str(canonical[cover].covers(canonical[covered])).lower()
    if containment.endswith("yes"):
        return Direction("yes", "proved")
    difference = canonical[covered].subtract(canonical[cover])
    builder = StrategyBuilder(difference)
    strategy = builder.root()

    def shows(value: Any) -> bool:
        return validators[covered].is_valid(value) and not validators[cover].is_valid(value)

    drawn = 0
    for _ in range(tries):
        drawn += 1
        try:
            value = FastData(rng).draw(strategy)
        except Rejected:
            continue
        if shows(value):
            smaller = reduce(value, shows)
            error = next(iter(validators[cover].iter_errors(smaller)))
            where = "/" + "/".join(str(p) for p in error.instance_path)
            keyword = type(error.kind).__name__.lower()
            said = error.message if len(error.message) <= 120 else f"fails {keyword}"
            return Direction(
                "no",
                "counterexample",
                drawn,
                smaller,
                labels[covered],
                labels[cover],
                f"at {where}: {said}",
            )
    if containment.endswith("no"):
        return Direction("no", "proved", drawn)
    return Direction("unknown", "searched", drawn)


def differences(old: Side, new: Side, a: SchemaEntry, b: SchemaEntry) -> list[str]:
    """Where the message's own schema file differs, and which shared files differ at all."""
    found = [f"{b.path.name}#{p}" for p in _diff(a.document, b.document, "")]
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
