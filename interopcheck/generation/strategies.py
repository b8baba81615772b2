"""Hypothesis strategies from any JSON Schema (2020-12), through jsonschema-rs's canonical form.

``jsonschema_rs.canonicalize`` resolves ``$ref``s through the run's offline registry and folds
``allOf``, ``if``/``then``/``else``, ``dependentRequired``, ``unevaluatedProperties`` and the like
into a small set of node kinds; each kind becomes a strategy here. Where a node cannot be
modelled structurally (a raw node, a negation demand, an ECMA-262 pattern Python cannot read),
the builder says so once, with the node's location, and falls back to generating broadly and
keeping what that node's own validator accepts, so nothing is silently skipped. Every value a
caller emits is still checked against the whole schema.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import jsonschema_rs
from hypothesis import strategies as st
from jsonschema_rs import canonical
from jsonschema_rs.canonical import CanonicalKind

from interopcheck.generation.formats import FORMAT_STRATEGIES, NAME_EDGES
from interopcheck.sources.positions import pointer_of, unescape_pointer_token
from interopcheck.standard.formats import JUSTICE_FORMATS

Strategy = st.SearchStrategy[Any]
Path = tuple[str, ...]

_CANONICAL_PREFIX = "urn:jsonschema:canonical:"

#: Arrays get at most this many items beyond their minimum: enough for the edge cases, not slow.
EXTRA_ITEMS = 2
#: Integer bounds when a schema gives none (JSON has big numbers; payloads rarely need them).
INTEGER_RANGE = (-(2**53), 2**53)


@dataclass
class Limitation:
    """Something the builder could not model exactly, said once."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def json_values() -> Strategy:
    """Any JSON value, small."""
    scalars = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=10)
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=6,
    )


def pointer(path: Path) -> str:
    return pointer_of(path) or "(root)"


@dataclass
class StrategyBuilder:
    """Strategies for one canonical schema. ``overrides`` replace the strategy at instance places
    (``/defendants/*/offences/*/cjsOffenceCode``): the profile's code lists, say."""

    canonical: jsonschema_rs.CanonicalSchema
    overrides: dict[str, Callable[[Strategy, jsonschema_rs.CanonicalSchema], Strategy]] = field(
        default_factory=dict
    )
    limitations: list[Limitation] = field(default_factory=list)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The raw schema documents by URI: their ``examples`` and ``default`` (which the canonical
    form drops) are offered before anything random."""
    registry: jsonschema_rs.Registry | None = None
    """Where a part kept raw (with its ``$ref``s) finds what it refers to."""

    def __post_init__(self) -> None:
        self._definitions = self.canonical.definitions()
        self._building: dict[str, int] = {}
        self._cache: dict[tuple[str, Path | None], Strategy] = {}
        self._validators: dict[str, jsonschema_rs.Validator] = {}
        self.filter_tally: dict[str, list[int]] = {}
        """Per place: values drawn, and values its checks threw away."""

    def root(self) -> Strategy:
        return self.build(self.canonical, ())

    # -- dispatch ---------------------------------------------------------------------------

    def build(self, node: jsonschema_rs.CanonicalSchema, path: Path) -> Strategy:
        strategy = self._build(node, path)
        override = self.overrides.get(pointer(path)) if self.overrides else None
        if override is not None:
            strategy = override(strategy, node)
        return strategy

    def _build(self, node: jsonschema_rs.CanonicalSchema, path: Path) -> Strategy:
        view: Any = node.view()  # one of the canonical view classes, told apart by name
        kind = type(view).__name__
        if kind == "TrueView":
            return json_values()
        if kind == "FalseView":
            return st.nothing()
        if kind == "ConstView":
            return st.just(view.value)
        if kind == "EnumView":
            return st.sampled_from(list(view.values))
        if kind == "ReferenceView":
            return self._reference(view.uri, path)
        if kind == "StringView":
            return self._string(view, node, path)
        if kind == "IntegerView":
            return self._integer(view)
        if kind == "NumberView":
            return self._number(view, node)
        if kind == "ArrayView":
            return self._array(view, node, path)
        if kind == "ObjectView":
            return self._object(view, node, path)
        if kind == "TypedGroupView":
            return self.build(view.body, path)
        if kind == "MultiTypeView":
            return st.one_of([_ANY_OF_TYPE[t]() for t in view.types if t in _ANY_OF_TYPE])
        if kind == "AnyOfView":
            return st.one_of([self.build(b, path) for b in view.branches])
        if kind in ("OneOfView", "AllOfView"):
            branches = [self.build(b, path) for b in view.branches]
            return self._kept(st.one_of(branches), self._validator(node).is_valid, path)
        if kind == "NotView":
            self._limit(path, "a negated schema (not) is generated broadly and filtered")
            return self._kept(json_values(), self._validator(node).is_valid, path)
        if kind == "RawView":
            self._limit(path, f"kept verbatim by the canonical form ({view.reason}); filtered")
            return self._kept(json_values(), self._validator(node).is_valid, path)
        self._limit(path, f"unknown node kind {kind}; filtered")
        return self._kept(json_values(), self._validator(node).is_valid, path)

    def _reference(self, uri: str, path: Path) -> Strategy:
        # One strategy per definition, built where it is first met, when nothing overrides a
        # place (a profile's code lists are per place): keyed by place, a schema whose
        # definitions refer to one another (Adaptive Cards, web-types) is built once per path
        # through them, which grows exponentially with their number.
        key = (uri, path if self.overrides else None)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        target = self._definitions.get(uri)
        if target is None:
            self._limit(path, f"reference {uri} has no target")
            return st.nothing()
        depth = self._building.get(uri, 0)
        if depth >= 2:  # recursion: stop growing here (an optional branch will be taken)
            return st.nothing()
        self._building[uri] = depth + 1
        try:
            strategy = self.build(target, path)
        finally:
            self._building[uri] = depth
        examples = [e for e in self._annotated(uri) if self._validator(target).is_valid(e)]
        if examples:
            # one_of tries its first branch first, so the schema's own examples come before the
            # rest; the random branch twice keeps them to a third of the values after that
            strategy = st.one_of(st.sampled_from(examples), strategy, strategy)
        if depth == 0:  # a build inside its own recursion is cut short: not one to reuse
            self._cache[key] = strategy
        return strategy

    def _annotated(self, uri: str) -> list[Any]:
        """``examples`` and ``default`` of the schema a canonical reference stands for."""
        original = unquote(uri.removeprefix(_CANONICAL_PREFIX))
        base, _, fragment = original.partition("#")
        node: Any = self.documents.get(base)
        for token in fragment.split("/")[1:] if fragment else []:
            token = unescape_pointer_token(token)
            node = node.get(token) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return []
        found = list(node.get("examples") or []) if isinstance(node.get("examples"), list) else []
        if "default" in node:
            found.append(node["default"])
        return found

    # -- scalars ----------------------------------------------------------------------------

    def _string(self, view: Any, node: jsonschema_rs.CanonicalSchema, path: Path) -> Strategy:
        low = view.min_length or 0
        high = view.max_length
        checks: list[Callable[[str], bool]] = []
        base: Strategy | None = None
        # A format's own generator makes values of the format (a PNC ID with its check
        # letter); a pattern's makes values of the pattern (a URI that must name one host):
        # where both are given, either may be the narrower, so both are drawn from, and every
        # value is checked against both.
        drawn: list[Strategy] = []
        for name in view.formats:
            maker = FORMAT_STRATEGIES.get(name)
            if maker is None:
                self._limit(path, f"format {name!r} has no generator: plain strings are filtered")
                continue
            if not drawn:
                drawn.append(maker())
            if name in JUSTICE_FORMATS:
                checks.append(JUSTICE_FORMATS[name])
            elif view.patterns:
                checks.append(self._validator(node).is_valid)  # the format, as validated
        # (a justice identifier's generator is made for its pattern: it alone is drawn from)
        exact = any(name in JUSTICE_FORMATS and name in FORMAT_STRATEGIES for name in view.formats)
        for pattern in view.patterns:
            checks.append(self._pattern_check(pattern))
            if len(drawn) < 2 and not exact:
                drawn.append(self._from_pattern(pattern, path))
        if drawn:
            base = drawn[0] if len(drawn) == 1 else st.one_of(drawn)
        if base is None:
            edges = [
                s for s in NAME_EDGES if low <= len(s) <= (high if high is not None else 10**9)
            ]
            text = st.text(min_size=low, max_size=high if high is not None else max(low, 24))
            boundary = []
            if high is not None and high <= 10_000:
                boundary.append(st.text(min_size=high, max_size=high))
            if low:
                boundary.append(st.text(min_size=low, max_size=low))
            base = st.one_of(*([st.sampled_from(edges)] if edges else []), *boundary, text)
        for pattern in view.excluded_patterns:
            checks.append(_negated(self._pattern_check(pattern)))
        if view.excluded_formats or view.excluded or view.content_encodings:
            checks.append(self._validator(node).is_valid)

        def fits(value: str) -> bool:
            return low <= len(value) <= (high if high is not None else len(value)) and all(
                check(value) for check in checks
            )

        return self._kept(base, fits, path)

    def _from_pattern(self, pattern: str, path: Path) -> Strategy:
        anchored = pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$")
        # ECMA-262's \d and \w are ASCII (Python's match any script's digits and letters)
        try:
            if anchored:  # Python's $ also matches before a final newline; ECMA's does not
                return st.from_regex(re.compile(pattern[1:-1], re.ASCII), fullmatch=True)
            return st.from_regex(re.compile(pattern, re.ASCII))
        except re.error as exc:
            self._limit(path, f"pattern {pattern!r} is not one Python can generate from ({exc})")
            return st.text(max_size=40)

    def _pattern_check(self, pattern: str) -> Callable[[str], bool]:
        """ECMA-262 semantics, as the validator has them (not Python's ``re``)."""
        validator = self._validators.get("pattern:" + pattern)
        if validator is None:
            validator = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
            self._validators["pattern:" + pattern] = validator
        return validator.is_valid

    def _integer(self, view: Any) -> Strategy:
        low = view.minimum if view.minimum is not None else INTEGER_RANGE[0]
        high = view.maximum if view.maximum is not None else INTEGER_RANGE[1]
        divisors = [d for d in view.multiple_of if isinstance(d, int)]
        if divisors:
            step = math.lcm(*divisors)
            base = st.integers(-(-low // step), high // step).map(lambda k: k * step)
        else:
            edges = [v for v in (low, high, low + 1, high - 1, 0) if low <= v <= high]
            base = st.one_of(st.sampled_from(edges), st.integers(low, high))
        bad = [d for d in view.not_multiple_of if d]
        if bad:
            base = base.filter(lambda v: all(v % d for d in bad))
        if len(divisors) != len(view.multiple_of):  # fractional divisors: let the schema decide
            base = base.filter(lambda v: all(_multiple(v, d) for d in view.multiple_of))
        return base

    def _number(self, view: Any, node: jsonschema_rs.CanonicalSchema) -> Strategy:
        floats = st.floats(
            min_value=view.minimum,
            max_value=view.maximum,
            exclude_min=bool(view.exclusive_minimum) and view.minimum is not None,
            exclude_max=bool(view.exclusive_maximum) and view.maximum is not None,
            allow_nan=False,
            allow_infinity=False,
        )
        choices = (
            [floats.filter(lambda f: not f.is_integer())] if view.excludes_integers else [floats]
        )
        if not view.excludes_integers:
            low = math.ceil(view.minimum) if view.minimum is not None else INTEGER_RANGE[0]
            high = math.floor(view.maximum) if view.maximum is not None else INTEGER_RANGE[1]
            if low <= high:
                choices.append(st.integers(low, high))
        strategy = st.one_of(choices)
        if len(view.multiple_of) == 1:
            # Multiples by construction (an amount in pence: multipleOf 0.01): random floats
            # are almost never multiples, and a filter that rejects them all aborts the case.
            step = view.multiple_of[0]
            places = _decimals(step)
            low_k = math.ceil((view.minimum if view.minimum is not None else -1e9) / step)
            high_k = math.floor((view.maximum if view.maximum is not None else 1e9) / step)
            strategy = (
                st.integers(low_k, high_k)
                .map(lambda k: round(k * step, places) if places else round(k * step))
                # and a multiple in binary floating point too, as validators that divide
                # (python-jsonschema) see it: 16.63 / 0.01 is 1662.9999999999998
                .filter(lambda v: float(v / step).is_integer())
            )
        if (
            view.multiple_of
            or view.not_multiple_of
            or view.exclusive_minimum
            or view.exclusive_maximum
        ):
            strategy = strategy.filter(self._validator(node).is_valid)
        return strategy

    # -- containers -------------------------------------------------------------------------

    def _array(self, view: Any, node: jsonschema_rs.CanonicalSchema, path: Path) -> Strategy:
        prefix = [self.build(item, (*path, str(i))) for i, item in enumerate(view.prefix_items)]
        rest = self.build(view.items, (*path, "*")) if view.items is not None else json_values()
        low = view.min_items or 0
        high = view.max_items
        extra_low = max(0, low - len(prefix))
        extra_high = extra_low + EXTRA_ITEMS
        if high is not None:
            extra_high = min(extra_high, max(0, high - len(prefix)))
        unique = view.distinctness == canonical.Distinctness.ALL_DISTINCT
        if any(p.is_empty for p in prefix) or (rest.is_empty and extra_low > 0):
            return st.nothing()  # a required item nothing can be (a recursion cut short)
        if rest.is_empty:
            extra_high = 0  # no item can be drawn: the empty tail only
        tail = st.lists(
            rest,
            min_size=extra_low,
            max_size=extra_high,
            unique_by=(lambda v: json.dumps(v, sort_keys=True)) if unique else None,
        )
        strategy = st.tuples(*prefix, tail).map(lambda parts: [*parts[:-1], *parts[-1]])
        if len(prefix) > (high if high is not None else len(prefix)):
            strategy = strategy.map(lambda items: items[:high])
        if view.contains or (unique and prefix):
            strategy = self._kept(strategy, self._validator(node).is_valid, path)
        return strategy

    def _object(self, view: Any, node: jsonschema_rs.CanonicalSchema, path: Path) -> Strategy:
        properties = dict(view.properties)
        required = list(view.required)
        names = view.property_names
        additional = view.additional_properties

        def value_for(name: str) -> Strategy:
            if name in properties:
                return self.build(properties[name], (*path, name))
            for pattern, schema in dict(view.pattern_properties).items():
                if self._pattern_check(pattern)(name):
                    return self.build(schema, (*path, name))
            return (
                self.build(additional, (*path, name)) if additional is not None else json_values()
            )

        fixed = {name: value_for(name) for name in required}
        if any(value.is_empty for value in fixed.values()):
            return st.nothing()  # a required property nothing can be (a recursion cut short)
        optional = {name: value_for(name) for name in properties if name not in fixed}
        optional = {name: value for name, value in optional.items() if not value.is_empty}
        strategy: Strategy = st.fixed_dictionaries(fixed, optional=optional)
        open_names = names is None or type(names.view()).__name__ not in ("EnumView", "ConstView")
        # names beyond the listed properties: drawn from each patternProperties pattern (a
        # random name would almost never match one), and at random where additional ones are
        # allowed; as many as minProperties needs beyond the required ones
        need = max(0, (view.min_properties or 0) - len(fixed))
        extra_kinds: list[Strategy] = []
        if open_names:
            for pattern, schema in dict(view.pattern_properties).items():
                pattern_key: Strategy = self._from_pattern(pattern, (*path, "*")).filter(
                    _new_name_matching(self._pattern_check(pattern), properties)
                )
                pattern_value = self.build(schema, (*path, "*"))
                if not (pattern_key.is_empty or pattern_value.is_empty):
                    extra_kinds.append(
                        st.dictionaries(
                            pattern_key, pattern_value, min_size=need, max_size=max(2, need)
                        )
                    )
        if open_names and (additional is None or additional.kind != CanonicalKind.FALSE):
            key = (
                self.build(names, (*path, "*"))
                if names is not None
                else st.text(min_size=1, max_size=8)
            )
            extra_value = (
                self.build(additional, (*path, "*")) if additional is not None else json_values()
            )
            if not (key.is_empty or extra_value.is_empty):
                extra_kinds.append(
                    st.dictionaries(
                        key.filter(lambda k: isinstance(k, str) and k not in properties),
                        extra_value,
                        min_size=need if not extra_kinds else 0,
                        max_size=max(2, need),
                    )
                )
        if extra_kinds:
            extras = st.one_of(extra_kinds)
            strategy = st.tuples(strategy, extras).map(lambda pair: {**pair[1], **pair[0]})
        if view.violations:
            self._limit(path, "a negation demand on this object is met by filtering")
        if (
            view.min_properties
            or view.max_properties is not None
            or view.violations
            or (open_names and view.pattern_properties)
        ):
            strategy = self._kept(strategy, self._validator(node).is_valid, path)
        return strategy

    # -- helpers ----------------------------------------------------------------------------

    def _validator(self, node: jsonschema_rs.CanonicalSchema) -> jsonschema_rs.Validator:
        schema: Any = node.to_json_schema()
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            validator = jsonschema_rs.validator_for(
                schema, formats=JUSTICE_FORMATS, validate_formats=True, registry=self.registry
            )
            self._validators[key] = validator
        return validator

    def _kept(self, strategy: Strategy, check: Callable[[Any], bool], path: Path) -> Strategy:
        """``strategy`` filtered by ``check``, counting at ``path`` how many values it drew
        and how many it threw away: where a schema leaves a generator little room, said."""
        where = pointer(path)
        tally = self.filter_tally.setdefault(where, [0, 0])

        def counted(value: Any) -> bool:
            tally[0] += 1
            kept = check(value)
            if not kept:
                tally[1] += 1
            return kept

        return strategy.filter(counted)

    def tightest(self) -> Limitation | None:
        """The place whose checks threw away most of what was drawn there (at least half),
        said when fewer cases than asked were found."""
        worst = max(
            ((where, tried, thrown) for where, (tried, thrown) in self.filter_tally.items()),
            key=lambda row: (row[2], row[0]),
            default=None,
        )
        if worst is None or worst[2] * 2 < worst[1] or worst[2] == 0:
            return None
        where, tried, thrown = worst
        return Limitation(
            where, f"{thrown} of {tried} values drawn here failed its checks: few pass them"
        )

    def _limit(self, path: Path, what: str) -> None:
        limitation = Limitation(pointer(path), what)
        if all(str(known) != str(limitation) for known in self.limitations):
            self.limitations.append(limitation)


def _decimals(step: float) -> int:
    """Decimal places of a step such as 0.01 (2) or 5 (0)."""
    text = repr(float(step))
    if "e-" in text:
        return int(text.split("e-")[1])
    return 0 if float(step).is_integer() else len(text.split(".")[1])


def _new_name_matching(
    matches: Callable[[str], bool], listed: dict[str, Any]
) -> Callable[[Any], bool]:
    """A name a pattern property may have: a string the pattern matches, not a listed one."""
    return lambda name: isinstance(name, str) and name not in listed and matches(name)


def _negated(check: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda value: not check(value)


def _multiple(value: float, divisor: float) -> bool:
    quotient = value / divisor
    return math.isclose(quotient, round(quotient), rel_tol=0, abs_tol=1e-9)


_ANY_OF_TYPE: dict[str, Callable[[], Strategy]] = {
    "null": st.none,
    "boolean": st.booleans,
    "integer": lambda: st.integers(-1000, 1000),
    # (64 bits: a narrower width makes Hypothesis reject() values outside a test, which the
    # fast sampler cannot do)
    "number": lambda: st.floats(allow_nan=False, allow_infinity=False),
    "string": lambda: st.text(max_size=20),
    "array": lambda: st.lists(json_values(), max_size=3),
    "object": lambda: st.dictionaries(st.text(max_size=5), json_values(), max_size=3),
}
