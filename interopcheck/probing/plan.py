"""What probe sends to each endpoint: the exchanges, planned before the first request.

Per endpoint, in this order: the bundled valid examples; the first of them with each hard name
from docs/domain.md ("Hard names and dates") put into every name field; generated valid cases;
generated invalid cases (each confirmed invalid by the checker, and recording what it breaks);
for an endpoint with parameters, invalid parameters beside a valid body; and, when the
endpoint requires authentication, a valid request without credentials and one with wrong ones.
An endpoint without a body has its parameters generated in the same way (valid sets, then
invalid ones). Every request carries a valid set of parameters unless it is meant to break one.
Everything sent is synthetic: made here or bundled, about no real person.
"""

from __future__ import annotations

import copy
import json
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from interopcheck.checks.schema import SchemaChecker
from interopcheck.domain.bodies import decode, encode
from interopcheck.domain.http import is_token
from interopcheck.domain.parameters import (
    Written,
    location_schemas,
    read,
    received_all,
    text_of,
    write,
)
from interopcheck.errors import GenerationError
from interopcheck.generation.boundaries import Largest, largest
from interopcheck.generation.formats import NAME_EDGES
from interopcheck.generation.negatives import Coverage, Negative, aimed, covering
from interopcheck.probing.auth import Keyring
from interopcheck.profile.model import Endpoint
from interopcheck.sources.payloads import Payload
from interopcheck.sources.walk import JsonPath, walk
from interopcheck.standard.catalog import SchemaEntry, bundled_root
from interopcheck.standard.openapi_source import SENDABLE

#: The header probe sends odd values in (one of its own: no server gives it meaning).
ODD_HEADER = "X-Interopcheck-Probe"
#: Characters in the long header: over the 8 KiB many servers accept in one header line.
LONG_HEADER = 10_000

#: How the largest valid case is labelled (the judge words its findings from it).
LARGEST = "the largest valid case"

#: Kinds whose body is a valid message sent with the right credentials.
VALID_KINDS = ("example", "edge", "generated")


@dataclass(frozen=True)
class Exchange:
    """One request to send, and what it is meant to show."""

    number: int
    endpoint: Endpoint
    kind: str
    """``example``, ``edge``, ``generated``, ``invalid``, ``no-credentials``,
    ``wrong-credentials``, ``partial-credentials``, ``odd-header``, ``read-back`` or
    ``unknown-read``."""
    label: str
    value: Any
    correlation_id: str
    breaks: dict[str, Any] | None = None
    """For ``invalid``: the mutation and the finding that confirms it."""
    parameters: dict[str, Any] | None = None
    """The parameter values, one object per location (``{"path": {...}, "query": {...}}``)."""
    breaking: Literal["body", "parameters"] = "body"
    """What an ``invalid`` case breaks."""
    omitted: str | None = None
    """For ``partial-credentials``: the security scheme left out."""
    follows: int | None = None
    """For ``read-back``: the number of the exchange whose accepted request it reads."""
    odd_header: tuple[str, str] | None = None
    """For ``odd-header``: a header a careful server survives (very long, not ASCII), sent
    beside a valid request."""

    @property
    def has_body(self) -> bool:
        return self.endpoint.receives is not None

    def encoded(self) -> tuple[bytes, str | None]:
        """The body as sent and its Content-Type (no body: empty, and no type)."""
        if not self.has_body:
            return b"", None
        from interopcheck.domain.bodies import encode

        e = self.endpoint
        return encode(self.value, e.body_encoding, e.body_media_type, f"ic-{self.correlation_id}")

    @property
    def body(self) -> bytes:
        return self.encoded()[0]

    @property
    def written(self) -> Written:
        """The parameters written into the path, query string and headers."""
        return write(self.endpoint.path, self.endpoint.parameters, self.parameters)

    @property
    def credentials(self) -> Literal["given", "none", "wrong", "partial"]:
        """``given``, ``none``, ``wrong``, or ``partial`` (one scheme of several left out)."""
        if self.kind == "no-credentials":
            return "none"
        if self.kind == "wrong-credentials":
            return "wrong"
        if self.kind == "partial-credentials":
            return "partial"
        return "given"

    @property
    def sends_valid(self) -> bool:
        return self.kind in VALID_KINDS

    @property
    def source(self) -> str:
        """How the report names it: who, which endpoint, which case."""
        e = self.endpoint
        return f"{e.actor} {e.method} {e.path} #{self.number} {self.kind}: {self.label}"


#: Valid and invalid parameter sets of one endpoint (each invalid one with what it breaks).
ParameterSets = tuple[list[Any], list[tuple[Any, dict[str, Any]]]]


@dataclass
class Bodies:
    """What is sent as one message type's bodies, made once however many endpoints take it."""

    examples: list[tuple[str, Any]]
    """The bundled valid examples (name, body)."""
    edges: list[tuple[str, Any]]
    """The first valid body with each hard name (name, body)."""
    valid: list[Any]
    """Generated valid cases."""
    invalid: list[tuple[Any, dict[str, Any]]]
    """Generated invalid cases (body, what it breaks), drawn at random."""
    negatives: list[Negative] = field(default_factory=list)
    """Every (place, way to break it) once, then the profile's rules broken one at a time."""
    coverage: Coverage | None = None
    largest: Largest | None = None
    """A valid body grown to the bounds its schema allows (within a size cap)."""


@dataclass(frozen=True)
class PlanOptions:
    max_examples: int = 10
    """Generated valid cases per endpoint, and as many invalid ones."""
    max_negatives: int = 500
    """Systematic negatives per message type: each (place, way to break it) once, at most
    this many (0: none); the profile's rules broken one at a time come on top."""
    seed: int = 0
    with_auth: bool = True
    odd_headers: bool = True
    """Send each endpoint a very long header and one of non-ASCII text."""


class Planner:
    """Plans the exchanges for a set of endpoints, generating each message type once."""

    def __init__(
        self, checker: SchemaChecker, options: PlanOptions, keyring: Keyring | None = None
    ) -> None:
        self.checker = checker
        self.options = options
        self.keyring = keyring
        api = checker.rules.profile.api if checker.rules is not None else None
        self._correlation_header = api.correlation_header if api else "X-Correlation-Id"
        self._bodies: dict[str, Bodies] = {}
        self.notes: dict[str, str] = {}
        self._valid_sets: dict[str, list[Any]] = {}
        self.coverage: dict[str, Coverage] = {}
        """By endpoint id: what its negatives covered (parameters, then body added)."""
        self.failures: dict[str, str] = {}
        """By schema name: why no case of it could be generated."""
        """By endpoint id: why it was probed less than in full, or not at all."""
        self._next = 0

    def checker_for(self, message_type: str) -> SchemaChecker | None:
        """A checker that takes every payload as ``message_type`` (an API's bodies need not
        say their type in a header); None when the catalog has no such message."""
        return self.checker.for_type(message_type)

    def plan(self, endpoints: list[Endpoint]) -> list[Exchange]:
        planned = []
        for endpoint in endpoints:
            exchanges = self._for(endpoint)
            for name in (endpoint.receives, endpoint.parameters_type):
                reason = self.failures.get(name or "") or self.failures.get(f"{name}{SENDABLE}")
                if name and reason:
                    self.notes.setdefault(
                        endpoint.id, f"no case of {name} could be generated ({reason})"
                    )
            if endpoint.note:
                self.notes.setdefault(endpoint.id, endpoint.note)
            if not exchanges:
                self.notes.setdefault(
                    endpoint.id,
                    "nothing to send: it needs no credentials and is probed for them only"
                    if endpoint.depth == "auth-only"
                    else "nothing to send: no valid request could be made",
                )
            planned += exchanges
        return planned

    def _exchange(
        self, endpoint: Endpoint, kind: str, label: str, value: Any, **extra: Any
    ) -> Exchange:
        self._next += 1
        rng = random.Random(f"{self.options.seed}:{self._next}")
        correlation = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        return Exchange(self._next, endpoint, kind, label, value, correlation, **extra)

    def _for(self, endpoint: Endpoint) -> list[Exchange]:
        if (
            endpoint.depth == "full"
            and self.keyring is not None
            and self.keyring.chosen(endpoint) is None
        ):
            said = " or ".join(" and ".join(a) for a in endpoint.security)
            self.notes[endpoint.id] = f"probed for authentication only: no --auth for {said}"
            endpoint = replace(endpoint, depth="auth-only")
        valid_sets, invalid_sets = self._parameter_sets(endpoint)  # their coverage too
        self._valid_sets[endpoint.id] = valid_sets
        if endpoint.parameters_type is not None and not valid_sets:
            self.notes.setdefault(endpoint.id, "no valid set of parameters could be written")
            return []
        sets = valid_sets or [None]

        def given(i: int) -> Any:
            return copy.deepcopy(sets[i % len(sets)])

        out: list[Exchange] = []
        base: Any = None
        if endpoint.depth == "full" and endpoint.receives is not None:
            bodies = self._bodies.get(endpoint.receives)
            if bodies is None:  # a message type several actors receive is read and made once
                bodies = self._bodies[endpoint.receives] = self._make_bodies(endpoint.receives)
            examples, edges, valid, invalid = (
                bodies.examples,
                bodies.edges,
                bodies.valid,
                bodies.invalid,
            )
            negatives = bodies.negatives
            if endpoint.body_encoding != "json":  # as a form reads them back, text only
                valid = [v for v in valid if self._as_sent(endpoint, v, valid=True)]
                invalid = [(v, b) for v, b in invalid if self._as_sent(endpoint, v, valid=False)]
                negatives = [n for n in negatives if self._as_sent(endpoint, n.value, valid=False)]
            if bodies.coverage is not None:
                of_parameters = self.coverage.get(endpoint.id)
                self.coverage[endpoint.id] = (
                    bodies.coverage
                    if of_parameters is None
                    else bodies.coverage.plus(of_parameters)
                )
            cases: list[tuple[str, str, Any, dict[str, Any] | None]] = [
                ("example", name, value, None) for name, value in examples
            ]
            cases += [("edge", f"name {n!r}", value, None) for n, value in edges]
            cases += [("generated", f"valid case {i + 1}", v, None) for i, v in enumerate(valid)]
            big = bodies.largest
            if big is not None and (
                endpoint.body_encoding == "json" or self._as_sent(endpoint, big.value, valid=True)
            ):
                label = f"{LARGEST} ({big.size} bytes)"
                cases.append(("generated", label, big.value, None))
            for i, (value, breaks) in enumerate(invalid):
                where = f"{breaks.get('pointer') or '/'} {breaks.get('keyword') or ''}".strip()
                cases.append(("invalid", f"invalid case {i + 1} ({where})", value, breaks))
            for i, negative in enumerate(negatives):
                aim = negative.breaks.get("aimedAt") or negative.breaks.get("pair")
                cases.append(
                    ("invalid", f"negative {i + 1} ({aim})", negative.value, negative.breaks)
                )
            for i, (kind, label, value, broken) in enumerate(cases):
                out.append(
                    self._exchange(endpoint, kind, label, value, breaks=broken, parameters=given(i))
                )
            base = examples[0][1] if examples else (valid[0] if valid else None)
            if base is None:
                return out  # nothing valid to send without credentials
        elif endpoint.depth == "full":
            out += [
                self._exchange(
                    endpoint, "generated", f"valid parameters {i + 1}", None, parameters=given(i)
                )
                for i in range(max(len(valid_sets), 1))  # no parameters: one request
            ]
        if endpoint.depth == "full":
            for i, (values, breaks) in enumerate(invalid_sets):
                where = f"{breaks.get('pointer') or '/'} {breaks.get('keyword') or ''}".strip()
                label = f"invalid parameters {i + 1} ({where})"
                out.append(
                    self._exchange(
                        endpoint,
                        "invalid",
                        label,
                        copy.deepcopy(base),
                        breaks=breaks,
                        parameters=values,
                        breaking="parameters",
                    )
                )
        if endpoint.depth == "full" and (base is not None or not endpoint.receives):
            for name, value, label in self._odd_headers(endpoint):
                out.append(
                    self._exchange(
                        endpoint, "odd-header", label, copy.deepcopy(base),
                        parameters=given(0), odd_header=(name, value),
                    )
                )  # fmt: skip
        if self.options.with_auth and endpoint.secured:
            for kind, label in (
                ("no-credentials", "no credentials"),
                ("wrong-credentials", "wrong credentials"),
            ):
                out.append(self._exchange(endpoint, kind, label, base, parameters=given(0)))
            alternative = self.keyring.alternative(endpoint) if self.keyring else ()
            if len(alternative) > 1:  # every scheme required: each one left out is refused
                for name in alternative:
                    out.append(
                        self._exchange(
                            endpoint, "partial-credentials", f"without {name}", base,
                            parameters=given(0), omitted=name,
                        )
                    )  # fmt: skip
        return out

    def _odd_headers(self, endpoint: Endpoint) -> list[tuple[str, str, str]]:
        """Headers a server must survive without a 5xx (a refusal, 400 or 431, is fine):
        one of ``LONG_HEADER`` characters and one of non-ASCII text, on a header of probe's
        own, and the long one on each header parameter the endpoint declares."""
        if not self.options.odd_headers:
            return []
        found = [
            (ODD_HEADER, "a" * LONG_HEADER, f"a {ODD_HEADER} header of {LONG_HEADER} characters"),
            (ODD_HEADER, "Siân Ó Briain", f"a {ODD_HEADER} header of non-ASCII text"),
        ]
        for parameter in endpoint.parameters:
            if parameter.location == "header" and (
                parameter.name.lower() != self._correlation_header.lower()
            ):
                found.append(
                    (
                        parameter.name,
                        "a" * LONG_HEADER,
                        f"its {parameter.name} header {LONG_HEADER} characters long",
                    )
                )
        return found

    def read_back(
        self, endpoint: Endpoint, parameters: dict[str, Any], follows: int, via: str
    ) -> Exchange:
        """A read of what exchange ``follows`` made: its parameters from the link, the rest
        from a valid set drawn for the endpoint."""
        values = copy.deepcopy((self._valid_sets.get(endpoint.id) or [{}])[0]) or {}
        for location, given in parameters.items():
            values.setdefault(location, {}).update(given)
        label = f"read back what #{follows} made ({via})"
        return self._exchange(
            endpoint, "read-back", label, None, parameters=values, follows=follows
        )

    def unknown_read(self, endpoint: Endpoint) -> Exchange | None:
        """A read of a resource nothing made: a valid-looking identifier, drawn afresh."""
        sets = self._valid_sets.get(endpoint.id) or []
        if not sets:
            return None
        values = copy.deepcopy(sets[-1])
        return self._exchange(
            endpoint, "unknown-read", "read of what nothing made", None, parameters=values
        )

    def _as_sent(self, endpoint: Endpoint, value: Any, valid: bool) -> bool:
        """Whether a body stays valid (or invalid) as the endpoint's media type carries it."""
        assert endpoint.receives is not None
        body, content_type = encode(
            value, endpoint.body_encoding, endpoint.body_media_type, "ic-check"
        )
        readings, problem = decode(
            endpoint.body_encoding, endpoint.body_media_type, content_type, body
        )
        passing = problem is None and any(self._valid(r, endpoint.receives) for r in readings)
        return passing if valid else not passing

    def _parameter_sets(self, endpoint: Endpoint) -> ParameterSets:
        """Valid and invalid parameter sets that can be written into a request."""
        name = endpoint.parameters_type
        if name is None:
            return [], []
        checker = self.checker_for(name)
        sendable = self.checker.catalog.find(name + SENDABLE)
        if checker is None or sendable is None:
            return [], []
        count = max(self.options.max_examples, 1)
        drawn = self._drawn(checker, sendable, count, with_invalid=endpoint.depth == "full")
        schemas = location_schemas(sendable.document)

        def readings(values: Any) -> list[tuple[Any, Any]] | None:
            """The parameters as a server may read them back (one way, unless parameters
            share a path segment), or None when unwritable."""
            if not _writable(endpoint, values):
                return None
            written = write(endpoint.path, endpoint.parameters, values)
            # the correlation header goes as probe sets it, whatever was drawn for it
            headers = without_header(written.headers, self._correlation_header)
            headers[self._correlation_header] = str(uuid.UUID(int=1, version=4))
            ways = received_all(endpoint.path, Written(written.path, written.query, headers))
            return [read(endpoint.parameters, got, schemas) for got in ways] or None

        def passes(value: Any) -> bool:
            payload = Payload(source="probe", syntax="json", value=value)
            return not checker.check(payload, 0).findings

        valid = []
        for values in drawn[0]:
            back = readings(values)
            if back is not None and any(passes(plain) for plain, _ in back):
                valid.append(values)

        def still_invalid(values: Any) -> bool:
            """An invalid set stays one only if it is invalid however it is received
            (everything in a URL is text: an integer 5 where a string belongs arrives as
            "5"), and it can be written at all (a case without a path parameter has no
            path)."""
            back = readings(values)
            return back is not None and not any(passes(p) or passes(q) for p, q in back)

        invalid = [(values, breaks) for values, breaks in drawn[1] if still_invalid(values)]
        entry = self.checker.catalog.find(name)
        if endpoint.depth == "full" and entry is not None and self.options.max_negatives:
            # each parameter broken each way once
            made, coverage = covering(
                checker, entry, valid, self.options.max_negatives, at_root=False
            )
            kept = [(n.value, n.breaks) for n in made if still_invalid(n.value)]
            coverage.not_breaking += coverage.planned - len(kept)
            coverage.planned = len(kept)
            self.coverage[endpoint.id] = coverage
            invalid += kept
        # the correlation header is probe's to set on every request: never a drawn value
        strip = self._without_correlation
        return [strip(v) for v in valid], [(strip(v), b) for v, b in invalid]

    def _without_correlation(self, values: dict[str, Any]) -> dict[str, Any]:
        headers = values.get("header")
        if not isinstance(headers, dict):
            return values
        return {**values, "header": without_header(headers, self._correlation_header)}

    def _make_bodies(self, message_type: str) -> Bodies:
        examples = self._examples(message_type)
        valid, invalid = self._generate(message_type)
        base = examples[0][1] if examples else (valid[0] if valid else None)
        edges = self._edges(base, message_type) if base is not None else []
        bodies = Bodies(examples, edges, valid, invalid)
        checker = self.checker_for(message_type)
        entry = self.checker.catalog.for_message(message_type, None)
        if checker is not None and entry is not None:
            self._add_negatives(bodies, message_type, checker, entry)
            if base is not None:
                bodies.largest = largest(checker, entry, base)
        return bodies

    def _add_negatives(
        self, bodies: Bodies, message_type: str, checker: SchemaChecker, entry: SchemaEntry
    ) -> None:
        """Each (place, way to break it) the valid bodies offer, once; then each of the
        profile's rules on the message broken alone. A case the random draw already made
        is not sent twice."""
        limit = self.options.max_negatives
        if limit == 0:
            return
        bases = [value for _, value in bodies.examples] + bodies.valid
        made, coverage = covering(checker, entry, bases, limit)
        targeted, coverage.requirements, coverage.broken = aimed(checker, message_type, bases)
        drawn = {json.dumps(value, sort_keys=True) for value, _ in bodies.invalid}
        for negative in made + targeted:
            key = json.dumps(negative.value, sort_keys=True)
            if key not in drawn:
                drawn.add(key)
                bodies.negatives.append(negative)
        bodies.coverage = coverage

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
        entry = self.checker.catalog.for_message(message_type, None)
        checker = self.checker_for(message_type)
        if entry is None or checker is None:
            return [], []
        return self._drawn(checker, entry, self.options.max_examples, with_invalid=True)

    def _drawn(
        self, checker: SchemaChecker, entry: SchemaEntry, count: int, with_invalid: bool
    ) -> tuple[list[Any], list[tuple[Any, dict[str, Any]]]]:
        """``count`` valid cases drawn from ``entry`` and confirmed by ``checker``, and as many
        invalid ones (each breaking what ``checker`` finds), remembered across runs."""
        rules = checker.rules
        key = (
            checker.catalog.content_digest(),
            rules.profile.digest if rules is not None else None,
            entry.uri,
            self.options.seed,
            count,
        )
        drawn = _DRAWN.get(key)
        if drawn is None:
            from interopcheck.generation.cases import CaseGenerator

            try:
                generator = CaseGenerator(checker, entry, self.options.seed)
                made = [generator.valid(count)]
                if with_invalid:
                    made.append(generator.invalid(count))
            except GenerationError as exc:  # one schema no case can be made of: said, not fatal
                self.failures[entry.name] = str(exc).split(": cannot generate cases: ")[-1][:300]
                return [], []
            valid = [c.value for c in made[0].cases]
            invalid = [(c.value, c.breaks or {}) for c in made[1].cases] if with_invalid else []
            stopped = next((g.stopped for g in made if g.stopped), None)
            if stopped is not None:  # said, and what was made before is still sent
                self.failures[entry.name] = stopped.split(": ", 1)[-1][:300]
            elif not valid:
                limits = "; ".join(str(x) for x in generator.builder.limitations[:3])
                self.failures[entry.name] = (
                    f"no valid case found in {made[0].tried} tries"
                    + (f" ({limits})" if limits else "")
                )[:300]
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


def without_header(headers: dict[str, str], name: str) -> dict[str, str]:
    """``headers`` without ``name`` (in any case)."""
    return {k: v for k, v in headers.items() if k.lower() != name.lower()}


#: A header or cookie value a request can carry: visible ASCII, spaces only inside.
HEADER_VALUE = re.compile(r"(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?")


def _writable(endpoint: Endpoint, values: Any) -> bool:
    """Whether a parameter set can be written into a request as it is: every path parameter
    given, none empty or a dot segment; header and cookie values that HTTP can carry."""
    if not isinstance(values, dict):
        return False
    written = write(endpoint.path, endpoint.parameters, values)
    for parameter in endpoint.parameters:
        if parameter.location != "path":
            continue
        place = values.get("path")
        if not isinstance(place, dict) or parameter.name not in place:
            return False
    segments = written.path.split("/")
    if any(s in (".", "..") for s in segments) or "//" in written.path:
        return False
    cookies = values.get("cookie")
    if isinstance(cookies, dict) and any(";" in text_of(v) for v in cookies.values()):
        return False  # one cookie's value would end early and start another
    return all(
        is_token(name) and HEADER_VALUE.fullmatch(value) is not None
        for name, value in written.headers.items()
    )
