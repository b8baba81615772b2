"""What probe sends to each endpoint: the exchanges, planned before the first request.

Per endpoint, in this order: the bundled valid examples; the first of them with each hard name
from docs/domain.md ("Hard names and dates") put into every name field; generated valid cases;
generated invalid cases (each confirmed invalid by the checker, and recording what it breaks);
and, when the api requires authentication, a valid message without credentials and one with
wrong ones.
Everything sent is synthetic: made here or bundled, about no real person.
"""

from __future__ import annotations

import copy
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from interopcheck.checks.schema import SchemaChecker
from interopcheck.generation.formats import NAME_EDGES
from interopcheck.profile.model import Endpoint
from interopcheck.sources.payloads import Payload
from interopcheck.sources.walk import JsonPath, walk
from interopcheck.standard.catalog import bundled_root

#: Kinds whose body is a valid message sent with the right credentials.
VALID_KINDS = ("example", "edge", "generated")


@dataclass(frozen=True)
class Exchange:
    """One request to send, and what it is meant to show."""

    number: int
    endpoint: Endpoint
    kind: str
    """``example``, ``edge``, ``generated``, ``invalid``, ``no-credentials`` or
    ``wrong-credentials``."""
    label: str
    value: Any
    correlation_id: str
    breaks: dict[str, Any] | None = None
    """For ``invalid``: the mutation and the finding that confirms it."""

    @property
    def body(self) -> bytes:
        return json.dumps(self.value, ensure_ascii=False).encode("utf-8")

    @property
    def credentials(self) -> str:
        """``given``, ``none`` or ``wrong``."""
        if self.kind == "no-credentials":
            return "none"
        if self.kind == "wrong-credentials":
            return "wrong"
        return "given"

    @property
    def sends_valid(self) -> bool:
        return self.kind in VALID_KINDS

    @property
    def source(self) -> str:
        """How the report names it: who, which endpoint, which case."""
        e = self.endpoint
        return f"{e.actor} {e.method} {e.path} #{self.number} {self.kind}: {self.label}"


#: Per message type: examples (name, body), hard-name variants, generated valid, generated
#: invalid (body, what it breaks).
Bodies = tuple[
    list[tuple[str, Any]], list[tuple[str, Any]], list[Any], list[tuple[Any, dict[str, Any]]]
]


@dataclass(frozen=True)
class PlanOptions:
    max_examples: int = 10
    """Generated valid cases per endpoint, and as many invalid ones."""
    seed: int = 0
    with_auth: bool = True


class Planner:
    """Plans the exchanges for a set of endpoints, generating each message type once."""

    def __init__(self, checker: SchemaChecker, options: PlanOptions) -> None:
        self.checker = checker
        self.options = options
        self._bodies: dict[str, Bodies] = {}
        self._checkers: dict[str, SchemaChecker | None] = {}
        self._next = 0

    def checker_for(self, message_type: str) -> SchemaChecker | None:
        """A checker that takes every payload as ``message_type`` (an API's bodies need not
        say their type in a header); None when the catalog has no such message."""
        if message_type not in self._checkers:
            entry = self.checker.catalog.for_message(message_type, None)
            self._checkers[message_type] = None if entry is None else self.checker.fixed_to(entry)
        return self._checkers[message_type]

    def plan(self, endpoints: list[Endpoint]) -> list[Exchange]:
        return [exchange for endpoint in endpoints for exchange in self._for(endpoint)]

    def _exchange(
        self, endpoint: Endpoint, kind: str, label: str, value: Any, **extra: Any
    ) -> Exchange:
        self._next += 1
        rng = random.Random(f"{self.options.seed}:{self._next}")
        correlation = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        return Exchange(self._next, endpoint, kind, label, value, correlation, **extra)

    def _for(self, endpoint: Endpoint) -> list[Exchange]:
        bodies = self._bodies.get(endpoint.receives)
        if bodies is None:  # a message type several actors receive is read and made once
            bodies = self._bodies[endpoint.receives] = self._make_bodies(endpoint.receives)
        examples, edges, valid, invalid = bodies
        out = [self._exchange(endpoint, "example", name, value) for name, value in examples]
        base = examples[0][1] if examples else (valid[0] if valid else None)
        out += [self._exchange(endpoint, "edge", f"name {n!r}", value) for n, value in edges]
        out += [
            self._exchange(endpoint, "generated", f"valid case {i + 1}", value)
            for i, value in enumerate(valid)
        ]
        for i, (value, breaks) in enumerate(invalid):
            where = f"{breaks.get('pointer') or '/'} {breaks.get('keyword') or ''}".strip()
            label = f"invalid case {i + 1} ({where})"
            out.append(self._exchange(endpoint, "invalid", label, value, breaks=breaks))
        if self.options.with_auth and base is not None:
            out.append(self._exchange(endpoint, "no-credentials", "no credentials", base))
            out.append(self._exchange(endpoint, "wrong-credentials", "wrong credentials", base))
        return out

    def _make_bodies(self, message_type: str) -> Bodies:
        examples = self._examples(message_type)
        valid, invalid = self._generate(message_type)
        base = examples[0][1] if examples else (valid[0] if valid else None)
        edges = self._edges(base, message_type) if base is not None else []
        return examples, edges, valid, invalid

    def _valid(self, value: Any, message_type: str) -> bool:
        checker = self.checker_for(message_type)
        if checker is None:
            return False
        result = checker.check(Payload(source="probe", syntax="json", value=value), 0)
        return not result.findings

    def _examples(self, message_type: str) -> list[tuple[str, Any]]:
        """The bundled valid examples of this type that the profile in use accepts."""
        folder = bundled_root("examples") / message_type / "valid"
        found = []
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                value = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if self._valid(value, message_type):
                found.append((f"example {path.name}", value))
        return found

    def _edges(self, base: Any, message_type: str) -> list[tuple[str, Any]]:
        """``base`` with each hard name in every name field, where the result stays valid."""
        places = list(_name_places(base, ()))
        if not places:
            return []
        out = []
        for name in NAME_EDGES:
            value = json.loads(json.dumps(base))
            for path in places:
                _set(value, path, name)
            if self._valid(value, message_type):
                out.append((name, value))
        return out

    def _generate(self, message_type: str) -> tuple[list[Any], list[tuple[Any, dict[str, Any]]]]:
        if self.options.max_examples == 0:
            return [], []
        from interopcheck.generation.cases import CaseGenerator

        entry = self.checker.catalog.for_message(message_type, None)
        checker = self.checker_for(message_type)
        if entry is None or checker is None:
            return [], []
        rules = checker.rules
        key = (
            checker.catalog.content_digest(),
            rules.profile.digest if rules is not None else None,
            entry.uri,
            self.options.seed,
            self.options.max_examples,
        )
        drawn = _DRAWN.get(key)
        if drawn is None:
            generator = CaseGenerator(checker, entry, self.options.seed)
            count = self.options.max_examples
            valid = [c.value for c in generator.valid(count).cases]
            invalid = [(c.value, c.breaks or {}) for c in generator.invalid(count).cases]
            drawn = _DRAWN[key] = (valid, invalid)
            while len(_DRAWN) > DRAWN_KEPT:
                del _DRAWN[next(iter(_DRAWN))]
        return copy.deepcopy(drawn)


#: Cases drawn, by what decides them (the schemas' content, the profile's digest, the message
#: schema, the seed and the count): a process that probes the same thing again (the Python
#: API, the pytest plugin, a test suite) draws them once. The same seed gives the same cases
#: either way; at most ``DRAWN_KEPT`` are kept, the oldest dropped first.
_DRAWN: dict[tuple[str, str | None, str, int, int], tuple[list[Any], list[Any]]] = {}
DRAWN_KEPT = 32


#: Field names that hold a person's name (lower case).
PERSON_NAME_FIELDS = frozenset(
    {"familyname", "surname", "lastname", "forename", "forenames", "givenname", "givennames"}
)


def _name_places(value: Any, path: JsonPath) -> Iterator[JsonPath]:
    """Paths of the strings that hold a person's name (also each item of a list of names)."""

    def is_name(here: JsonPath) -> bool:
        return len(here) > len(path) and str(here[-1]).lower() in PERSON_NAME_FIELDS

    for here, node in walk(value, path, into=lambda here, _: not is_name(here)):
        if not is_name(here) or isinstance(here[-1], int):
            continue
        if isinstance(node, str):
            yield here
        elif isinstance(node, list):
            yield from ((*here, i) for i, x in enumerate(node) if isinstance(x, str))


def _set(value: Any, path: tuple[str | int, ...], new: Any) -> None:
    for step in path[:-1]:
        value = value[step]
    value[path[-1]] = new
