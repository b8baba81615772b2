"""Generating cases: N valid payloads, or N invalid ones each confirmed on what it breaks.

Hypothesis drives everything (strategies, the mutation chosen, the seed), run headless: no
deadline, no health check reaching the user, no example database. A valid case is emitted only
when the full validator (schema, and the profile's rules when one is given) accepts it; an
invalid case only when the validator rejects it with a finding at the place and on the keyword
(or the requirement) its mutation claims, and that finding is what its manifest records.
The same seed gives the same cases, byte for byte.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisWarning, Unsatisfiable

from interopcheck.checks.cel_syntax import Constant, Node, ordered_dates, wanted_codes
from interopcheck.checks.pointers import resolve
from interopcheck.checks.rules import RuleChecker
from interopcheck.checks.schema import SchemaChecker
from interopcheck.errors import GenerationError
from interopcheck.generation.formats import FORMAT_STRATEGIES
from interopcheck.generation.mutations import (
    Mutation,
    confirmed,
    rule_mutations,
    schema_mutations,
)
from interopcheck.generation.sampler import Draws, FastData, Rejected
from interopcheck.generation.strategies import Limitation, Strategy, StrategyBuilder
from interopcheck.profile.checks import (
    CelCheck,
    CodelistCheck,
    DatesInOrderCheck,
    IdentifierCheck,
    pointers_in,
)
from interopcheck.profile.model import Requirement
from interopcheck.results import Finding
from interopcheck.sources.payloads import Payload
from interopcheck.sources.walk import walk
from interopcheck.standard.catalog import SchemaEntry, reference_to
from interopcheck.standard.formats import JUSTICE_FORMATS

#: Examples per missing case in the later rounds, and how many rounds before saying how many
#: cases were found.
TRIES_PER_CASE = 4
ROUNDS = 4
#: Cases Hypothesis makes (it seeks edges and boundaries); the rest of a large request comes
#: from the fast sampler over the same strategies (sampler.py), 5 to 20 times faster a case.
HYPOTHESIS_FIRST = 20


@dataclass
class Case:
    value: Any
    valid: bool
    breaks: dict[str, Any] | None = None
    """For an invalid case: the mutation, and the finding that confirms it."""

    def text(self) -> str:
        return json.dumps(self.value, ensure_ascii=False, indent=2) + "\n"


@dataclass
class Generation:
    cases: list[Case] = field(default_factory=list)
    limitations: list[Limitation] = field(default_factory=list)
    tried: int = 0
    """Examples Hypothesis drew (rejected ones included): where the time went."""
    rejected: int = 0
    stopped: str | None = None
    """Why generation stopped before it was done (an error no schema should cause); the cases
    made until then are kept, and written."""


class CaseGenerator:
    """Valid and invalid cases for one message schema, with a profile's rules if given."""

    def __init__(
        self, checker: SchemaChecker, entry: SchemaEntry, seed: int, *, examples: bool = True
    ) -> None:
        """``examples``: offer the schema's own examples first (not for journeys, whose
        identifiers must differ from one case to the next)."""
        self.checker = checker
        self.entry = entry
        self.seed = seed
        self.message_type = entry.message_type or entry.name
        canonical = jsonschema_rs.canonicalize(
            reference_to(entry), registry=checker.catalog.registry(), validate_formats=True
        )
        self.builder = StrategyBuilder(
            canonical,
            overrides=self._profile_overrides(),
            documents=checker.catalog.documents() if examples else {},
            registry=checker.catalog.registry(),
        )
        self.strategy: Strategy = self.builder.root()
        self._documents = checker.catalog.documents()
        self._steps = self._timeline_steps()
        self._orders = self._order_pairs()
        self._places: dict[tuple[str, ...], list[dict[str, Any]]] = {}

    # -- the profile's code lists and identifiers, where the schema is looser ----------------

    def _profile_overrides(
        self,
    ) -> dict[str, Callable[[Strategy, jsonschema_rs.CanonicalSchema], Strategy]]:
        rules = self.checker.rules
        if rules is None:
            return {}
        Override = Callable[[Strategy, jsonschema_rs.CanonicalSchema], Strategy]
        # Precedence where several speak about one place: a code list a CEL rule asks for (the
        # narrowest, e.g. custodial results among all results), then a code-list requirement,
        # then an identifier format.
        listed: dict[str, Override] = {}
        wanted: dict[str, Override] = {}
        shaped: dict[str, Override] = {}
        for requirement in rules.profile.for_message(self.message_type):
            check = requirement.check
            for place in pointers_in(check, self.message_type):
                if isinstance(check, CodelistCheck):
                    codes = rules.codelists.codes(check.codelist)
                    listed[place] = _from_codes(list(codes), place)
                elif isinstance(check, IdentifierCheck):
                    shaped[place] = _from_format(check.identifier)
                elif isinstance(check, CelCheck):
                    for name, field_path in wanted_codes(_tree(rules, requirement)):
                        if name in rules.profile.codelists:
                            target = place + "".join("/" + f for f in field_path)
                            wanted[target] = _from_codes(list(rules.codelists.codes(name)), target)
        overrides: dict[str, Override] = {**shaped, **listed, **wanted}
        return overrides

    # -- checking -----------------------------------------------------------------------------

    def findings(self, value: Any) -> list[Finding]:
        payload = Payload(source="generated", syntax="json", value=value)
        return self.checker.check(payload, index=0).findings

    def _confirm(self, mutation: Mutation, value: Any, target: str | None) -> dict[str, Any] | None:
        return confirmed(mutation, self.findings(value), target)

    # -- running Hypothesis ---------------------------------------------------------------------

    def draw_valid(self, data: Draws) -> Any:
        """A schema-shaped value, put on the profile's timeline when there is one."""
        value = data.draw(self.strategy)
        if self._steps or self._orders:
            value = copy.deepcopy(value)
        if self._steps:
            value = self._on_timeline(value, data)
        if self._orders:
            self._in_order(value, data)
        return value

    def _order_pairs(self) -> list[tuple[str, str, str]]:
        """(place, earlier, later) for each ``day(self.a) <= day(self.b)`` (or ``instant``) a
        CEL rule of this message type states: what ``_in_order`` then makes true."""
        rules = self.checker.rules
        if rules is None:
            return []
        pairs = []
        for requirement in rules.profile.for_message(self.message_type):
            check = requirement.check
            if not isinstance(check, CelCheck):
                continue
            for place in check.at.get(self.message_type, ()):
                for earlier, later in ordered_dates(_tree(rules, requirement)):
                    pairs.append((place, "/".join(earlier), "/".join(later)))
        return pairs

    def _in_order(self, value: Any, data: Draws) -> None:
        """Later dates moved after earlier ones, pair by pair (three passes settle chains such
        as start <= expiry <= top-up expiry)."""
        for _ in range(3):
            for place, earlier, later in self._orders:
                for _path, node in resolve(value, place):
                    first = resolve(node, "/" + earlier)
                    second = resolve(node, "/" + later)
                    if not first or not second:
                        continue
                    (_, a), (b_path, b) = first[0], second[0]
                    if not (isinstance(a, str) and isinstance(b, str)) or len(a) < 10:
                        continue
                    if b[:10] > a[:10] or (b[:10] == a[:10] and len(b) == 10):
                        continue
                    try:
                        start = dt.date.fromisoformat(a[:10])
                    except ValueError:
                        continue
                    gap = data.draw(st.integers(1, 400), label="order")
                    set_at(node, list(b_path), shaped_like(b, start + dt.timedelta(days=gap)))

    def _timeline_steps(self) -> list[list[str]]:
        """This message type's places in the order the profile's dates-in-order rules give."""
        rules = self.checker.rules
        if rules is None:
            return []
        steps: list[list[str]] = []
        for requirement in rules.profile.requirements:
            if not isinstance(requirement.check, DatesInOrderCheck):
                continue
            for step in requirement.check.steps:
                places = step.at.get(self.message_type)
                if places:
                    steps.append(list(places))
        return steps

    def _on_timeline(self, value: Any, data: Draws) -> Any:
        """Dates that run forward in the profile's order, an ``...End`` no earlier than its
        ``...Start``, and birth dates 10 to 90 years before the first of them (the age of
        criminal responsibility is the edge a generator should reach)."""
        day = data.draw(st.dates(dt.date(2015, 1, 1), dt.date(2025, 12, 31)), label="timeline")
        first = day
        for places in self._steps:
            for place in places:
                for path, current in resolve(value, place):
                    set_at(value, path, shaped_like(current, day))
                    gap = data.draw(st.integers(0, 30), label="range")
                    end_after_start(value, path, day + dt.timedelta(days=gap))
            day += dt.timedelta(days=data.draw(st.integers(1, 40), label="gap"))
        for path, current in _births(value):
            age = data.draw(st.integers(10, 90), label="age")
            born = (
                first.replace(year=first.year - age - 1)
                if not (first.month == 2 and first.day == 29)
                else dt.date(first.year - age - 1, 2, 28)
            )
            born += dt.timedelta(days=data.draw(st.integers(1, 364), label="birthday"))
            set_at(value, path, shaped_like(current, born))
        return value

    def valid(self, count: int) -> Generation:
        def make(data: Draws, generation: Generation) -> Case | None:
            value = self.draw_valid(data)
            if self.findings(value):
                generation.rejected += 1
                return None
            return Case(value, valid=True)

        return self._collect(count, make)

    def invalid(self, count: int, target: str | None = None) -> Generation:
        def make(data: Draws, generation: Generation) -> Case | None:
            value = self.draw_valid(data)
            if self.findings(value):
                generation.rejected += 1
                return None
            candidates = rule_mutations(value) if target else []
            candidates += schema_mutations(value, self._documents, self.entry.uri, self._places)
            if not candidates:
                generation.rejected += 1
                return None
            if target is not None:
                # Aim: keep only the mutations that do break the requirement on this case.
                confirmed = []
                for candidate in candidates:
                    found = self._confirm(candidate, candidate.applied_to(value), target)
                    if found is not None:
                        confirmed.append((candidate, found))
                if not confirmed:
                    generation.rejected += 1
                    return None
                mutation, breaks = data.draw(st.sampled_from(confirmed))
                changed = mutation.applied_to(value)
            else:
                mutation = data.draw(st.sampled_from(candidates))
                changed = mutation.applied_to(value)
                found = self._confirm(mutation, changed, target)
                if found is None:
                    generation.rejected += 1
                    return None
                breaks = found
            return Case(changed, valid=False, breaks=breaks)

        return self._collect(count, make)

    def _collect(self, count: int, make: Callable[[Draws, Generation], Case | None]) -> Generation:
        generation = collect(count, make, self.seed, f"{self.entry.path}")
        generation.limitations = list(self.builder.limitations)
        tightest = self.builder.tightest() if len(generation.cases) < count else None
        if tightest is not None and all(str(x) != str(tightest) for x in generation.limitations):
            generation.limitations.append(tightest)
        return generation


def collect(
    count: int,
    make: Callable[[Draws, Generation], Case | None],
    seed: int,
    what: str,
) -> Generation:
    """Rounds of Hypothesis examples until ``min(count, HYPOTHESIS_FIRST)`` distinct cases
    are found (or the rounds run out), then the fast sampler for the rest. Every example draws
    in full, so each run is consistent and replayable; the rounds' seeds and the sampler's
    derive from the user's, so the whole is reproducible."""
    generation = Generation()
    seen: set[str] = set()

    def keep(case: Case) -> None:
        key = json.dumps(case.value, sort_keys=True)
        if key not in seen and len(generation.cases) < count:
            seen.add(key)
            generation.cases.append(case)

    first = min(count, HYPOTHESIS_FIRST)
    try:
        with warnings.catch_warnings():
            # Hypothesis's own advice (a strategy's repr is large...) is not the user's concern
            warnings.simplefilter("ignore", HypothesisWarning)
            for round_number in range(ROUNDS):
                needed = first - len(generation.cases)
                if needed <= 0:
                    break
                found: list[Case] = []
                try:
                    satisfiable = _round(
                        make,
                        generation,
                        seed * 1_000_003 + round_number,
                        needed,
                        found,
                        first_round=round_number == 0,
                    )
                finally:  # what the round made before an error is kept too
                    for case in found:
                        keep(case)
                if not satisfiable:
                    break  # Hypothesis found nothing to keep: the sampler still tries
            rng = random.Random(f"{seed}:sampler")
            budget = (count - len(generation.cases)) * TRIES_PER_CASE * ROUNDS
            while len(generation.cases) < count and budget > 0:
                budget -= 1
                generation.tried += 1
                try:
                    made = make(FastData(rng), generation)
                except Rejected:
                    generation.rejected += 1
                    continue
                if made is not None:
                    keep(made)
    except (KeyboardInterrupt, GenerationError):
        raise
    except Exception as exc:  # a bug of ours or of a library, met on some schema: keep the
        # cases made so far (each already confirmed by the validator) and say what happened
        generation.stopped = f"{what}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return generation


def _round(
    make: Callable[[Draws, Generation], Case | None],
    generation: Generation,
    round_seed: int,
    needed: int,
    found: list[Case],
    *,
    first_round: bool,
) -> bool:
    """One round of Hypothesis examples, each case made added to ``found`` as it is made;
    False when Hypothesis gave up because (nearly) every example was rejected."""

    @settings(
        max_examples=max(10, needed if first_round else needed * TRIES_PER_CASE),
        database=None,
        deadline=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
    )
    @hypothesis_seed(round_seed)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        generation.tried += 1
        case = make(data, generation)
        if case is not None:
            found.append(case)

    try:
        run()
    except Unsatisfiable:
        return False
    return True


def shaped_like(current: Any, day: dt.date) -> Any:
    """``day`` in the shape of the value it replaces: a date, or a UTC date-time."""
    if isinstance(current, str) and len(current) > 10:
        return f"{day.isoformat()}T{current[11:19] if len(current) >= 19 else '09:00:00'}Z"
    return day.isoformat()


def set_at(document: Any, path: list[str | int], value: Any) -> None:
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


def end_after_start(document: Any, path: list[str | int], later: dt.date) -> None:
    """When ``path`` names an ``...Start`` with an ``...End`` beside it, the end on ``later``."""
    name = path[-1]
    if not isinstance(name, str) or not name.endswith("Start"):
        return
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    end = name[: -len("Start")] + "End"
    if isinstance(parent, dict) and end in parent:
        parent[end] = shaped_like(parent[end], later)


def _births(document: Any) -> list[tuple[list[str | int], Any]]:
    """Every string under a key that starts with ``birth`` (dates of birth), with its path."""
    return [
        (list(path), node)
        for path, node in walk(document)
        if path
        and isinstance(path[-1], str)
        and path[-1].lower().startswith("birth")
        and isinstance(node, str)
    ]


def _from_codes(
    codes: list[str], place: str
) -> Callable[[Strategy, jsonschema_rs.CanonicalSchema], Strategy]:
    """Codes from a published list that the schema also admits here (strings, or integers for
    numeric codes such as result codes); the schema's own strategy if none fits. Each place
    has the list in its own fixed order: Hypothesis favours the first element, and a sender's
    and recipient's codes must not coincide because of that."""

    def override(strategy: Strategy, node: jsonschema_rs.CanonicalSchema) -> Strategy:
        validator = jsonschema_rs.validator_for(
            _schema_of(node), formats=JUSTICE_FORMATS, validate_formats=True
        )
        values: list[Any] = []
        for code in codes:
            values.append(code)
            if code.isdigit():
                values.append(int(code))
        fitting = [v for v in values if validator.is_valid(v)]
        random.Random(zlib.crc32(place.encode())).shuffle(fitting)
        return st.sampled_from(fitting) if fitting else strategy

    return override


def _from_format(name: str) -> Callable[[Strategy, jsonschema_rs.CanonicalSchema], Strategy]:
    def override(strategy: Strategy, node: jsonschema_rs.CanonicalSchema) -> Strategy:
        maker = FORMAT_STRATEGIES.get(name)
        if maker is None:
            return strategy
        validator = jsonschema_rs.validator_for(
            _schema_of(node), formats=JUSTICE_FORMATS, validate_formats=True
        )
        return maker().filter(validator.is_valid)

    return override


def _schema_of(node: jsonschema_rs.CanonicalSchema) -> Any:
    """A canonical node as a plain schema (it carries its document along for ``#`` refs)."""
    return node.to_json_schema()


def _tree(rules: RuleChecker, requirement: Requirement) -> Node:
    """The rule's syntax tree as the checker parsed it (a rule outside the subset gives no
    hints: ``true``)."""
    rule = rules.rule(requirement.id)
    return rule.tree if rule is not None and rule.tree is not None else Constant(True)
