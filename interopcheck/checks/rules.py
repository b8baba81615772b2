"""Profile requirements checked on one payload: identifiers, code lists and CEL rules.

The schema requirement of a message type is settled by the schema check; this module owns the
rest. Each requirement records an outcome for the payload (passed, failed, error) when it
applies, and nothing when none of its locations exist in the payload (not applicable).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Final

from interopcheck.checks.cel_env import (
    CelBatch,
    CelEvaluator,
    CelRule,
    Trie,
    merge,
    projection_of,
)
from interopcheck.checks.cel_native import EvalError, new_env
from interopcheck.checks.pointers import Path, matches, parse_pointer, resolve, value_getter
from interopcheck.errors import ProfileError
from interopcheck.profile.checks import (
    CelCheck,
    CodelistCheck,
    IdentifierCheck,
    RequiresCheck,
    SchemaCheck,
    pointers_in,
)
from interopcheck.profile.codelists import CodelistStore
from interopcheck.profile.model import Profile, Requirement
from interopcheck.results import Finding, FindingCheck, Outcome, summarise_value
from interopcheck.standard.formats import FORMAT_DESCRIPTIONS, JUSTICE_FORMATS
from interopcheck.standard.schema_paths import asserted

#: What is wrong, what was expected, and which check says so.
Problem = tuple[str, str | None, FindingCheck]

PASSED: Final[Outcome] = "passed"
FAILED: Final[Outcome] = "failed"
ERROR: Final[Outcome] = "error"

PersonalCheck = Callable[[Path], bool]


@dataclass(frozen=True)
class _CelPlace:
    """The CEL requirements bound at one place of a message type, and how to reach it."""

    pointer: str
    values: Callable[[Any], list[Any]]
    batch: CelBatch
    requirements: list[Requirement]

    @cached_property
    def passed(self) -> dict[str, Outcome]:
        return dict.fromkeys((r.id for r in self.requirements), PASSED)


@dataclass(frozen=True)
class _Step:
    """One identifier or code-list requirement of a message type, ready to run."""

    requirement: Requirement
    kind: str
    pointers: tuple[str, ...]


class RuleChecker:
    """The payload requirements of one profile, compiled once per run."""

    def __init__(
        self, profile: Profile, documents: dict[str, dict[str, Any]] | None = None
    ) -> None:
        self.profile = profile
        self._documents = documents or {}
        self._settled: dict[tuple[str, str, str], bool] = {}
        self.codelists = CodelistStore(profile.codelists)
        self.cel = CelEvaluator(self.codelists)
        self._rules: dict[str, CelRule] = {}
        self.schema_requirement: dict[str, Requirement] = {}
        self._by_type: dict[str, list[Requirement]] = {}
        for requirement in profile.requirements:
            origin = f"{requirement.defined_in or profile.path}:{requirement.line or 1}"
            match requirement.check:
                case SchemaCheck(schema=message_type):
                    self.schema_requirement.setdefault(message_type, requirement)
                    continue
                case IdentifierCheck(identifier=name) if name not in JUSTICE_FORMATS:
                    raise ProfileError(
                        f"{origin}: requirement {requirement.id}: unknown identifier "
                        f"{name!r}; known: {', '.join(JUSTICE_FORMATS)}"
                    )
                case CodelistCheck(codelist=name) if name not in profile.codelists:
                    raise ProfileError(
                        f"{origin}: requirement {requirement.id}: no code list "
                        f"{name!r} in the profile"
                    )
                case CelCheck(cel=text) | RequiresCheck(after_cel=str() as text):
                    self._rules[requirement.id] = self.cel.compile(text, requirement.id, origin)
            if not requirement.is_journey:
                for message_type in requirement.message_types():
                    self._by_type.setdefault(message_type, []).append(requirement)
        # One projection per (message type, pointer): every CEL rule bound there reads from it,
        # so a located value is handed to the CEL engine once for all of them.
        wanted: dict[tuple[str, str], list[Trie | None]] = {}
        by_place: dict[tuple[str, str], list[CelRule]] = {}
        for requirement in profile.requirements:
            if isinstance(requirement.check, CelCheck):
                trie = projection_of(self._rules[requirement.id].tree)
                for message_type, pointers in requirement.check.at.items():
                    for pointer in pointers:
                        wanted.setdefault((message_type, pointer), []).append(trie)
                        by_place.setdefault((message_type, pointer), []).append(
                            self._rules[requirement.id]
                        )
        self._tries = {key: merge(tries) for key, tries in wanted.items()}
        self._batches = {
            place: CelBatch(rules, self._tries.get(place)) for place, rules in by_place.items()
        }
        # CEL requirements run per place: one batch call per located value for all of them.
        self._cel_places: dict[str, list[_CelPlace]] = {}
        for (message_type, pointer), batch in self._batches.items():
            members = [self.profile.requirement(rule.requirement) for rule in batch.rules]
            self._cel_places.setdefault(message_type, []).append(
                _CelPlace(
                    pointer, value_getter(pointer), batch, [r for r in members if r is not None]
                )
            )
        self._plan: dict[str, list[_Step]] = {
            message_type: [
                _Step(requirement, requirement.kind, pointers_in(requirement.check, message_type))
                for requirement in requirements
                if not isinstance(requirement.check, CelCheck)
            ]
            for message_type, requirements in self._by_type.items()
        }

    def compilable(self, message_type: str) -> list[Requirement]:
        """Identifier and code-list requirements for a message type (see checks/compiled.py)."""
        return [
            step.requirement
            for step in self._plan.get(message_type, ())
            if step.kind in ("identifier", "codelist")
        ]

    def rule(self, requirement_id: str) -> CelRule | None:
        return self._rules.get(requirement_id)

    def owner(self, message_type: str, path: Path) -> Requirement | None:
        """The most specific requirement about a location: an identifier or code-list
        requirement that covers it, else the message type's schema requirement."""
        for requirement in self._by_type.get(message_type, ()):
            if isinstance(requirement.check, IdentifierCheck | CodelistCheck) and any(
                matches(pattern, path) for pattern in requirement.check.at[message_type]
            ):
                return requirement
        return self.schema_requirement.get(message_type)

    def attribute(
        self,
        message_type: str,
        schema_findings: list[Finding],
        is_personal: PersonalCheck,
        document: Any,
        schema_uri: str | None = None,
        settled: dict[str, Outcome] | None = None,
        skip: frozenset[str] = frozenset(),
    ) -> tuple[list[Finding], dict[str, Outcome]]:
        """All findings for a typed payload, each traced to the requirement it breaks.
        ``skip`` requirements were checked already; ``settled`` holds their outcomes.

        A schema error at a location that an identifier or code-list requirement covers
        belongs to that requirement (a bad check letter is the ASN requirement's failure, not
        the schema's); where the requirement reports the same location itself, the schema's
        finding is dropped as a duplicate.
        """
        rule_findings, outcomes = self.check(
            message_type,
            document,
            is_personal,
            schema_valid=not schema_findings,
            schema_uri=schema_uri,
            settled=skip,
        )
        if settled:
            outcomes.update(settled)
        reported = {(f.requirement, f.pointer) for f in rule_findings}
        findings: list[Finding] = []
        schema_requirement = self.schema_requirement.get(message_type)
        if schema_requirement is not None:
            outcomes[schema_requirement.id] = PASSED
        for finding in schema_findings:
            owner = self.owner(message_type, list(parse_pointer(finding.pointer)))
            if owner is None:
                findings.append(finding)
                continue
            outcomes[owner.id] = FAILED
            if (owner.id, finding.pointer) in reported:
                continue
            findings.append(replace(finding, requirement=owner.id, level=owner.level))
        return findings + rule_findings, outcomes

    def check(
        self,
        message_type: str,
        document: Any,
        is_personal: PersonalCheck,
        schema_valid: bool = True,
        schema_uri: str | None = None,
        settled: frozenset[str] = frozenset(),
    ) -> tuple[list[Finding], dict[str, Outcome]]:
        """Findings and outcomes of every non-schema requirement for this message type;
        ``settled`` requirements were already checked (by the compiled validator) and skipped."""
        findings: list[Finding] = []
        outcomes: dict[str, Outcome] = {}
        resolved: dict[str, list[tuple[Path, Any]]] = {}
        for step in self._plan.get(message_type, ()):
            requirement = step.requirement
            if requirement.id in settled:
                continue
            located: list[tuple[Path, Any]] = []
            for pointer in step.pointers:
                hits = resolved.get(pointer)
                if hits is None:
                    hits = resolved[pointer] = resolve(document, pointer)
                located.extend(hits)
            if not located:
                continue
            if (
                schema_valid
                and schema_uri
                and self.settled_by_schema(schema_uri, message_type, requirement)
            ):
                outcomes[requirement.id] = PASSED
                continue
            found = self._check_one(requirement, step.kind, located, is_personal)
            if not schema_valid and any(f.check == "rule-error" for f in found):
                # A rule over a payload the schema already rejects may trip on its shape; that
                # is the schema's finding, not the rule's: not applicable here.
                found = [f for f in found if f.check != "rule-error"]
                if not found:
                    continue
            if any(f.check == "rule-error" for f in found):
                outcomes[requirement.id] = ERROR
            else:
                outcomes[requirement.id] = FAILED if found else PASSED
            findings.extend(found)
        self._check_cel(
            message_type, document, resolved, is_personal, schema_valid, findings, outcomes
        )
        return findings, outcomes

    def _check_cel(
        self,
        message_type: str,
        document: Any,
        resolved: dict[str, list[tuple[Path, Any]]],
        is_personal: PersonalCheck,
        schema_valid: bool,
        findings: list[Finding],
        outcomes: dict[str, Outcome],
    ) -> None:
        """Every CEL requirement of the message type, place by place, one batch per value."""
        places = self._cel_places.get(message_type, ())
        if self._cel_all_pass(places, document, outcomes):
            return
        rank = {ERROR: 3, FAILED: 2, PASSED: 1}
        for place in places:
            pointer, batch, requirements = place.pointer, place.batch, place.requirements
            hits = resolved.get(pointer)
            if hits is None:
                hits = resolved[pointer] = resolve(document, pointer)
            for path, value in hits:
                results = self.cel.batch_results(batch, value)
                for index, requirement in enumerate(requirements):
                    problem = _cel_problem(requirement, batch.rules[index], results[index])
                    if problem is None:
                        outcome = PASSED
                    elif problem[2] == "rule-error" and not schema_valid:
                        continue  # the schema already rejects this payload's shape
                    else:
                        outcome = ERROR if problem[2] == "rule-error" else FAILED
                        message, expected, check = problem
                        findings.append(
                            requirement_finding(
                                requirement, path, message, expected, check, is_personal, value
                            )
                        )
                    previous = outcomes.get(requirement.id)
                    if previous is None or rank[outcome] > rank[previous]:
                        outcomes[requirement.id] = outcome

    def _cel_all_pass(
        self,
        places: tuple[_CelPlace, ...] | list[_CelPlace],
        document: Any,
        outcomes: dict[str, Outcome],
    ) -> bool:
        """The common case, settled cheaply: every rule holds at every value (no paths built,
        no findings worded). Outcomes are recorded only when that is so."""
        passed: dict[str, Outcome] = {}
        results = self.cel.batch_results
        for place in places:
            values = place.values(document)
            if not values:
                continue
            batch = place.batch
            natives = batch.native
            for value in values:
                if natives is not None:
                    env = new_env(value)
                    try:
                        if any(native(env) is not True for native in natives):
                            return False
                    except EvalError:
                        return False
                elif results(batch, value) is not batch.passing:
                    return False
            passed.update(place.passed)
        outcomes.update(passed)
        return True

    def settled_by_schema(
        self, schema_uri: str, message_type: str, requirement: Requirement
    ) -> bool:
        """Whether a schema-valid payload already meets the requirement: the schema asserts,
        unconditionally at every location, the same format (identifiers) or an enum within the
        code list. Then checking it again would only cost time."""
        key = (schema_uri, message_type, requirement.id)
        settled = self._settled.get(key)
        if settled is None:
            settled = isinstance(requirement.check, IdentifierCheck | CodelistCheck) and all(
                self._asserts(schema_uri, pointer, requirement.check)
                for pointer in requirement.check.at[message_type]
            )
            self._settled[key] = settled
        return settled

    def _asserts(
        self, schema_uri: str, pointer: str, check: IdentifierCheck | CodelistCheck
    ) -> bool:
        nodes = asserted(self._documents, schema_uri, parse_pointer(pointer))
        if isinstance(check, IdentifierCheck):
            return any(n.get("format") == check.identifier for n in nodes)
        name = check.codelist
        return any(
            isinstance(n.get("enum"), list)
            and all(self.codelists.contains(name, value) for value in n["enum"])
            for n in nodes
        )

    def _check_one(
        self,
        requirement: Requirement,
        kind: str,
        located: list[tuple[Path, Any]],
        is_personal: PersonalCheck,
    ) -> list[Finding]:
        found: list[Finding] = []
        check = requirement.check
        for path, value in located:
            problem: Problem | None = None
            if isinstance(check, IdentifierCheck):
                name = check.identifier
                if isinstance(value, str) and not JUSTICE_FORMATS[name](value):
                    problem = (
                        "not " + FORMAT_DESCRIPTIONS.get(name, name),
                        f"identifier {name}",
                        "rule",
                    )
            elif isinstance(check, CodelistCheck):
                problem = self._codelist_problem(check.codelist, value)
            if problem is not None:
                message, expected, finding_check = problem
                found.append(
                    requirement_finding(
                        requirement, path, message, expected, finding_check, is_personal, value
                    )
                )
        return found

    def _codelist_problem(self, name: str, value: Any) -> Problem | None:
        if value is None or isinstance(value, (dict, list)):
            return None  # the schema speaks about wrong types
        if self.codelists.contains(name, value):
            return None
        nearest = self.codelists.nearest(name, value)
        hint = f"; nearest real codes: {', '.join(nearest)}" if nearest else ""
        return (
            f"not in the code list {self.codelists.title(name)}{hint}",
            f"a code from {name}",
            "rule",
        )


def _cel_problem(
    requirement: Requirement, rule: CelRule, result: tuple[bool, Any]
) -> Problem | None:
    """What is wrong, if anything, given one rule's (ok, value-or-error) result."""
    ok, value = result
    if not ok:
        return (
            f"the rule could not be evaluated here: {value}",
            f"rule {rule.expression}",
            "rule-error",
        )
    if value is True:
        return None
    if value is False:
        explain = (
            requirement.check.explain if isinstance(requirement.check, CelCheck) else None
        ) or requirement.text
        return (explain, f"rule {rule.expression}", "rule")
    return (
        f"the rule gave {json.dumps(value, default=str)[:40]}, not true or false",
        f"rule {rule.expression}",
        "rule-error",
    )


_NO_VALUE = object()


def requirement_finding(
    requirement: Requirement,
    path: Path,
    message: str,
    expected: str | None,
    check: FindingCheck,
    is_personal: PersonalCheck,
    value: Any = _NO_VALUE,
) -> Finding:
    """A finding against a requirement at a place, with the value there when one is given."""
    from interopcheck.sources.positions import pointer_of

    rendered, summary = summarise_value(value) if value is not _NO_VALUE else (None, None)
    return Finding(
        check=check,
        message=message,
        pointer=pointer_of(path),
        expected=expected,
        value_json=rendered,
        value_summary=summary,
        personal=is_personal(path),
        requirement=requirement.id,
        level=requirement.level,
    )
