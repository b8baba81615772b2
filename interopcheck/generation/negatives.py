"""Negatives chosen by coverage, not at random, and negatives aimed at the profile's rules.

A careful tester breaks every constraint once before breaking any twice. ``covering`` lists
each (place, way to break it) pair that the schema's constraints offer on a set of valid
cases (a required property left out is a pair per property: ``/defendant`` without
``pncId``), takes them in the order a tester would (required parts first, then types,
bounds, patterns, lists, closed objects), and keeps one case per pair, each confirmed by the
checker on what it claims to break. ``aimed`` does the same for the profile's identifier,
code-list and CEL requirements on the message: a case the schema accepts (a well-formed PNC
ID with the wrong check letter, a code of the right shape that is not in the list, dates in
the wrong order) whose every finding is that one requirement. What was possible and what was
planned is the ``Coverage`` a report states.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from interopcheck.checks.cel_syntax import ordered_dates, wanted_codes
from interopcheck.checks.pointers import resolve
from interopcheck.checks.schema import SchemaChecker
from interopcheck.generation.formats import FORMAT_STRATEGIES
from interopcheck.generation.mutations import (
    Mutation,
    always,
    bad_check_letter,
    confirmed,
    first_twice,
    rule_mutations,
    schema_mutations,
    with_property,
)
from interopcheck.generation.sampler import FastData
from interopcheck.profile.checks import CelCheck, CodelistCheck, IdentifierCheck, pointers_in
from interopcheck.profile.model import Requirement
from interopcheck.results import Finding
from interopcheck.sources.payloads import Payload
from interopcheck.sources.positions import pointer_of
from interopcheck.sources.walk import walk
from interopcheck.standard.catalog import SchemaEntry

#: The order a tester breaks things in: what a receiver most often fails to check first.
ORDER = (
    "drop-required",
    "wrong-type",
    "too-many-items",
    "too-few-items",
    "too-long",
    "too-short",
    "above-maximum",
    "below-minimum",
    "pattern-broken",
    "bad-check-letter",
    "malformed-date",
    "unknown-code",
    "wrong-constant",
    "extra-property",
    "optional-wrong-type",
    "repeated-item",
)
#: Valid cases a pair is tried on before it is counted as not breaking anything.
TRIES_PER_PAIR = 3
#: Cases aimed at each requirement (from different changes where there are several).
PER_REQUIREMENT = 2


@dataclass(frozen=True, order=True)
class Pair:
    """A place in the message (array items as ``*``) and one way to break it."""

    place: str
    mutation: str
    detail: str = ""
    """The property it names, where it names one."""

    def __str__(self) -> str:
        return f"{self.place or '/'} {self.mutation}" + (f" {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class Negative:
    """A case to send that must be refused, and what it breaks (as the checker confirmed)."""

    value: Any
    breaks: dict[str, Any]


@dataclass
class Coverage:
    """What the negatives of one message covered: every figure counts distinct pairs or
    requirements, not cases."""

    pairs: int = 0
    """(place, way to break it) pairs the schema offers on the valid cases."""
    planned: int = 0
    """Of them, pairs with a confirmed case planned."""
    not_breaking: int = 0
    """Pairs whose change the checker still accepted on every case tried (the schema allows
    it after all, e.g. a type change inside ``anyOf``): nothing to send."""
    over_limit: int = 0
    """Pairs left out because the limit was reached."""
    requirements: tuple[str, ...] = ()
    """The profile's identifier, code-list and CEL requirements on the message."""
    broken: tuple[str, ...] = ()
    """Of them, the ones a case was made to break alone."""

    def plus(self, other: Coverage) -> Coverage:
        """Both together (a body's and its request's parameters' pairs)."""
        return Coverage(
            self.pairs + other.pairs,
            self.planned + other.planned,
            self.not_breaking + other.not_breaking,
            self.over_limit + other.over_limit,
            self.requirements + tuple(r for r in other.requirements if r not in self.requirements),
            self.broken + tuple(r for r in other.broken if r not in self.broken),
        )

    def record(self) -> dict[str, Any]:
        """As the report keeps it."""
        return {
            "pairs": self.pairs,
            "planned": self.planned,
            "notBreaking": self.not_breaking,
            "overLimit": self.over_limit,
            "requirements": list(self.requirements),
            "broken": list(self.broken),
        }


def place_of(path: tuple[str | int, ...]) -> str:
    """A path as a pointer with every array index as ``*``."""
    return pointer_of("*" if isinstance(t, int) else t for t in path)


def _findings(checker: SchemaChecker, value: Any) -> list[Finding]:
    return checker.check(Payload(source="negative", syntax="json", value=value), 0).findings


def covering(
    checker: SchemaChecker,
    entry: SchemaEntry,
    bases: list[Any],
    limit: int,
    *,
    at_root: bool = True,
) -> tuple[list[Negative], Coverage]:
    """One confirmed case per (place, way to break it) pair the schema offers on ``bases``
    (valid cases), at most ``limit``, in ``ORDER``. ``at_root=False`` leaves the root alone
    (a request's parameters: its root is one object per location, ours, not the document's;
    each parameter is a place of its own)."""
    documents = checker.catalog.documents()
    memo: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    candidates: dict[Pair, list[tuple[Mutation, Any]]] = {}
    for base in bases:
        for mutation in schema_mutations(base, documents, entry.uri, memo):
            if not at_root and not mutation.path:
                continue
            pair = Pair(place_of(mutation.path), mutation.name, mutation.target or "")
            tries = candidates.setdefault(pair, [])
            if len(tries) < TRIES_PER_PAIR:
                tries.append((mutation, base))
    rank = {name: i for i, name in enumerate(ORDER)}
    ordered = sorted(candidates, key=lambda p: (rank.get(p.mutation, len(ORDER)), p))
    coverage = Coverage(pairs=len(ordered))
    made: list[Negative] = []
    for pair in ordered:
        if len(made) >= limit:
            coverage.over_limit += 1
            continue
        for mutation, base in candidates[pair]:
            changed = mutation.applied_to(base)
            breaks = confirmed(mutation, _findings(checker, changed), None)
            if breaks is not None:
                made.append(Negative(changed, {**breaks, "pair": str(pair)}))
                break
        else:
            coverage.not_breaking += 1
    coverage.planned = len(made)
    return made, coverage


def aimed(
    checker: SchemaChecker, message_type: str, bases: list[Any]
) -> tuple[list[Negative], tuple[str, ...], tuple[str, ...]]:
    """Cases that break one identifier, code-list or CEL requirement of the profile and
    nothing else (every finding the checker makes is that requirement's): the cases, the
    requirements there are, and those broken."""
    rules = checker.rules
    if rules is None:
        return [], (), ()
    made: list[Negative] = []
    aimable: list[str] = []
    broken: list[str] = []
    for requirement in rules.profile.for_message(message_type):
        check = requirement.check
        if not isinstance(check, IdentifierCheck | CodelistCheck | CelCheck):
            continue
        if requirement.level not in rules.profile.deciding:
            continue  # a receiver may accept what breaks only a SHOULD
        aimable.append(requirement.id)
        seen: set[str] = set()
        tries = (
            (base, mutation)
            for base in bases
            for mutation in _aimed_at(requirement, message_type, base, checker)
        )
        for base, mutation in tries:
            if len(seen) >= PER_REQUIREMENT:
                break
            if mutation.name + mutation.pointer() in seen:
                continue
            changed = mutation.applied_to(base)
            findings = _findings(checker, changed)
            if not findings or any(f.requirement != requirement.id for f in findings):
                continue  # it must break this requirement and nothing else
            breaks = confirmed(mutation, findings, requirement.id)
            if breaks is not None:
                seen.add(mutation.name + mutation.pointer())
                made.append(Negative(changed, {**breaks, "aimedAt": requirement.id}))
        if seen:
            broken.append(requirement.id)
    return made, tuple(aimable), tuple(broken)


def _aimed_at(
    requirement: Requirement, message_type: str, value: Any, checker: SchemaChecker
) -> Iterator[Mutation]:
    """Changes to ``value`` meant to break ``requirement`` (each still to be confirmed)."""
    check = requirement.check
    rules = checker.rules
    assert rules is not None
    for place in pointers_in(check, message_type):
        if isinstance(check, IdentifierCheck):
            yield from _absent_identifier(value, place, check.identifier, requirement)
        for path, found in resolve(value, place):
            where = place_of(tuple(path)) or "/"
            if isinstance(check, IdentifierCheck) and isinstance(found, str) and found:
                yield Mutation(
                    "bad-check-letter",
                    tuple(path),
                    None,
                    lambda old: bad_check_letter(old) if isinstance(old, str) else old,
                    f"{where}: {check.identifier} with the wrong check letter ({requirement.id})",
                )
            elif isinstance(check, CodelistCheck):
                listed = rules.codelists.codes(check.codelist)
                yield from _unlisted_at(tuple(path), found, listed, check.codelist, requirement)
            elif isinstance(check, CelCheck):
                rule = rules.rule(requirement.id)
                tree = rule.tree if rule is not None else None
                if tree is not None:
                    for earlier, later in ordered_dates(tree):
                        yield from _out_of_order(tuple(path), found, earlier, later, requirement)
                    for name, field_path in wanted_codes(tree):
                        if name in rules.profile.codelists:
                            listed = rules.codelists.codes(name)
                            for sub, code in resolve(found, pointer_of(field_path)):
                                yield from _unlisted_at(
                                    (*path, *sub), code, listed, name, requirement
                                )
                for mutation in rule_mutations(found):
                    yield Mutation(
                        mutation.name,
                        (*path, *mutation.path),
                        None,
                        mutation.apply,
                        f"{mutation.description} ({requirement.id})",
                    )
                # a rule over the items of a list (unique sequence numbers, one of each
                # kind): the first item twice
                for inner, items in walk(found):
                    if isinstance(items, list) and items:
                        where = place_of((*path, *inner)) or "/"
                        yield Mutation(
                            "repeated-item",
                            (*path, *inner),
                            None,
                            first_twice,
                            f"{where}: its first item twice ({requirement.id})",
                        )


def _absent_identifier(
    value: Any, place: str, identifier: str, requirement: Requirement
) -> Iterator[Mutation]:
    """Where an optional identifier is absent from the case, the case with one added, well
    formed but with the wrong check letter (a valid one drawn for the identifier, its letter
    changed): an optional PNC ID is still a PNC ID to check when it is sent."""
    parent, _, name = place.rpartition("/")
    strategy = FORMAT_STRATEGIES.get(identifier)
    if not name or name == "*" or strategy is None:
        return
    for path, node in resolve(value, parent):
        if isinstance(node, dict) and name not in node:
            drawn = FastData(random.Random(f"{requirement.id}:{place}")).draw(strategy())
            if not isinstance(drawn, str) or not drawn:
                return
            wrong = bad_check_letter(drawn)
            where = place_of((*path, name))
            yield Mutation(
                "bad-check-letter",
                tuple(path),
                None,
                with_property(name, wrong),
                f"{where}: {identifier} with the wrong check letter, added ({requirement.id})",
            )


def _unlisted_at(
    path: tuple[str | int, ...],
    code: Any,
    listed: Any,
    codelist: str,
    requirement: Requirement,
) -> Iterator[Mutation]:
    other = unlisted_like(code, listed)
    if other is not None:
        where = place_of(path) or "/"
        yield Mutation(
            "unlisted-code",
            path,
            None,
            always(other),
            f"{where}: {other!r} has the shape of a {codelist} code but is not in the list "
            f"({requirement.id})",
        )


def _out_of_order(
    path: tuple[str | int, ...],
    found: Any,
    earlier: tuple[str, ...],
    later: tuple[str, ...],
    requirement: Requirement,
) -> Iterator[Mutation]:
    """The later date moved to the day before the earlier one."""
    firsts = resolve(found, pointer_of(earlier))
    seconds = resolve(found, pointer_of(later))
    if not firsts or not seconds:
        return
    first, (second_path, second) = firsts[0][1], seconds[0]
    if not isinstance(first, str) or not isinstance(second, str):
        return
    try:
        before = dt.date.fromisoformat(first[:10]) - dt.timedelta(days=1)
    except ValueError:
        return
    moved = before.isoformat() + (second[10:] if len(second) > 10 else "")
    where = place_of((*path, *second_path)) or "/"
    yield Mutation(
        "dates-out-of-order",
        (*path, *second_path),
        None,
        always(moved),
        f"{where}: the day before {'.'.join(earlier)} ({requirement.id})",
    )


def unlisted_like(code: Any, listed: Any) -> Any:
    """A code of the same shape as ``code`` (digits for digits, letters for letters, the
    same length) that ``listed`` does not hold; None when none is found."""
    if isinstance(code, bool) or not isinstance(code, str | int):
        return None
    text = str(code)
    for i in reversed(range(len(text))):
        c = text[i]
        pool = (
            string.digits
            if c.isdigit()
            else string.ascii_uppercase
            if c.isupper()
            else string.ascii_lowercase
            if c.islower()
            else ""
        )
        for replacement in pool:
            candidate = text[:i] + replacement + text[i + 1 :]
            if candidate != text and candidate not in listed:
                return int(candidate) if isinstance(code, int) else candidate
    return None
