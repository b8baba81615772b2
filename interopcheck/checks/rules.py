"""Profile requirements checked on one payload: identifiers, code lists and CEL rules.

The schema requirement of a message type is settled by the schema check; this module owns the
rest. Each requirement records an outcome for the payload (passed, failed, error) when it
applies, and nothing when none of its locations exist in the payload (not applicable).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from interopcheck.checks.cel_env import CelEvaluator, CelRule, RuleError
from interopcheck.checks.pointers import Path, matches, parse_pointer, resolve
from interopcheck.errors import SetupError
from interopcheck.profile.codelists import CodelistStore
from interopcheck.profile.model import Profile, Requirement
from interopcheck.results import Finding, summarise_value
from interopcheck.standard.formats import FORMAT_DESCRIPTIONS, JUSTICE_FORMATS

PASSED, FAILED, ERROR = "passed", "failed", "error"

PersonalCheck = Callable[[Path], bool]


class RuleChecker:
    """The payload requirements of one profile, compiled once per run."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.codelists = CodelistStore(profile.codelists)
        self.cel = CelEvaluator(self.codelists)
        self._rules: dict[str, CelRule] = {}
        self.schema_requirement: dict[str, Requirement] = {}
        self._by_type: dict[str, list[Requirement]] = {}
        for requirement in profile.requirements:
            origin = f"{requirement.defined_in or profile.path}:{requirement.line or 1}"
            kind = requirement.kind
            if kind == "schema":
                self.schema_requirement.setdefault(str(requirement.check["schema"]), requirement)
                continue
            if kind == "identifier" and requirement.check["identifier"] not in JUSTICE_FORMATS:
                raise SetupError(
                    f"{origin}: requirement {requirement.id}: unknown identifier "
                    f"{requirement.check['identifier']!r}; known: {', '.join(JUSTICE_FORMATS)}"
                )
            if kind == "codelist" and requirement.check["codelist"] not in profile.codelists:
                raise SetupError(
                    f"{origin}: requirement {requirement.id}: no code list "
                    f"{requirement.check['codelist']!r} in the profile"
                )
            if kind == "cel":
                self._rules[requirement.id] = self.cel.compile(
                    requirement.check["cel"], requirement.id, origin
                )
            if kind == "journey:requires" and "cel" in requirement.check["after"]:
                self._rules[requirement.id] = self.cel.compile(
                    requirement.check["after"]["cel"], requirement.id, origin
                )
            if not requirement.is_journey:
                for message_type in requirement.message_types():
                    self._by_type.setdefault(message_type, []).append(requirement)

    def rule(self, requirement_id: str) -> CelRule | None:
        return self._rules.get(requirement_id)

    def owner(self, message_type: str, path: Path) -> Requirement | None:
        """The most specific requirement about a location: an identifier or code-list
        requirement that covers it, else the message type's schema requirement."""
        for requirement in self._by_type.get(message_type, ()):
            if requirement.kind in ("identifier", "codelist") and any(
                matches(pattern, path) for pattern in requirement.check["at"][message_type]
            ):
                return requirement
        return self.schema_requirement.get(message_type)

    def attribute(
        self,
        message_type: str,
        schema_findings: list[Finding],
        is_personal: PersonalCheck,
        document: Any,
    ) -> tuple[list[Finding], dict[str, str]]:
        """All findings for a typed payload, each traced to the requirement it breaks.

        A schema error at a location that an identifier or code-list requirement covers
        belongs to that requirement (a bad check letter is the ASN requirement's failure, not
        the schema's); where the requirement reports the same location itself, the schema's
        finding is dropped as a duplicate.
        """
        rule_findings, outcomes = self.check(
            message_type, document, is_personal, schema_valid=not schema_findings
        )
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
    ) -> tuple[list[Finding], dict[str, str]]:
        """Findings and outcomes of every non-schema requirement for this message type."""
        findings: list[Finding] = []
        outcomes: dict[str, str] = {}
        for requirement in self._by_type.get(message_type, ()):
            located = [
                hit
                for pointer in requirement.check["at"][message_type]
                for hit in resolve(document, pointer)
            ]
            if not located:
                continue
            found = self._check_one(requirement, located, is_personal)
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
        return findings, outcomes

    def _check_one(
        self,
        requirement: Requirement,
        located: list[tuple[Path, Any]],
        is_personal: PersonalCheck,
    ) -> list[Finding]:
        kind = requirement.kind
        found: list[Finding] = []
        for path, value in located:
            problem: tuple[str, str | None, str] | None = None
            if kind == "identifier":
                name = requirement.check["identifier"]
                if isinstance(value, str) and not JUSTICE_FORMATS[name](value):
                    problem = (
                        "not " + FORMAT_DESCRIPTIONS.get(name, name),
                        f"identifier {name}",
                        "rule",
                    )
            elif kind == "codelist":
                problem = self._codelist_problem(requirement.check["codelist"], value)
            elif kind == "cel":
                problem = self._cel_problem(requirement, value)
            if problem is not None:
                message, expected, check = problem
                found.append(
                    _finding(requirement, path, value, message, expected, check, is_personal)
                )
        return found

    def _codelist_problem(self, name: str, value: Any) -> tuple[str, str | None, str] | None:
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
        self, requirement: Requirement, value: Any
    ) -> tuple[str, str | None, str] | None:
        rule = self._rules[requirement.id]
        try:
            result = self.cel.evaluate(rule, value)
        except RuleError as exc:
            return (
                f"the rule could not be evaluated here: {exc}",
                f"rule {rule.expression}",
                "rule-error",
            )
        if result is True:
            return None
        if result is False:
            explain = requirement.check.get("explain") or requirement.text
            return (explain, f"rule {rule.expression}", "rule")
        return (
            f"the rule gave {json.dumps(result, default=str)[:40]}, not true or false",
            f"rule {rule.expression}",
            "rule-error",
        )


def _finding(
    requirement: Requirement,
    path: Path,
    value: Any,
    message: str,
    expected: str | None,
    check: str,
    is_personal: PersonalCheck,
) -> Finding:
    from interopcheck.sources.positions import pointer_of

    rendered, summary = summarise_value(value)
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
