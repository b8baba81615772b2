"""The schema check: validate a payload against its message schema and explain every error.

jsonschema-rs decides validity (``is_valid`` first: the common case of a valid payload costs
one call). For an invalid payload every error is collected and turned into a ``Finding`` with
our own wording: the library's messages embed the offending value, which may be personal data,
so they are never shown as they are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from interopcheck.errors import SetupError

if TYPE_CHECKING:
    from interopcheck.checks.rules import RuleChecker
from interopcheck.results import Finding, Outcome, PayloadResult, summarise_value
from interopcheck.sources.payloads import Payload, positions_in
from interopcheck.sources.positions import pointer_of
from interopcheck.standard.catalog import Catalog, SchemaEntry
from interopcheck.standard.personal import PersonalDataMap
from interopcheck.standard.wording import describe, expected

#: Enough to fix a payload; a pathological one cannot flood a report.
MAX_ERRORS_PER_PAYLOAD = 200


@dataclass
class SchemaSelection:
    """How the schema for each payload is chosen: fixed, or from the payload's header."""

    fixed: SchemaEntry | None = None
    version: str | None = None
    """Standard version to use when the header does not say (or to insist on with --type)."""


class SchemaChecker:
    """Validates payloads against the catalog; one instance per run (validators are cached)."""

    def __init__(
        self, catalog: Catalog, selection: SchemaSelection, rules: RuleChecker | None = None
    ) -> None:
        self.catalog = catalog
        self.selection = selection
        self.rules = rules
        self.compiled = None
        if rules is not None:
            from interopcheck.checks.compiled import CompiledRequirements

            self.compiled = CompiledRequirements(rules, catalog)
        self.personal = PersonalDataMap(catalog.documents())
        self._message_types = frozenset(catalog.message_types())
        self._known = ", ".join(sorted(self._message_types))
        self._for_type: dict[str, SchemaChecker | None] = {}
        if selection.fixed is not None:
            catalog.validator(selection.fixed)  # compile now: a bad schema is a setup error

    def fixed_to(self, entry: SchemaEntry) -> SchemaChecker:
        """The same checker (catalog, rules, compiled validators shared) with every payload
        taken as ``entry``'s type: for messages that carry no header saying their type."""
        import copy

        fixed = copy.copy(self)
        fixed.selection = SchemaSelection(fixed=entry, version=self.selection.version)
        self.catalog.validator(entry)
        return fixed

    def for_type(self, message_type: str) -> SchemaChecker | None:
        """``fixed_to`` the catalog's latest schema of ``message_type`` (an API's bodies and
        parameters say no type of their own), made once per type; None when there is none."""
        if message_type not in self._for_type:
            entry = self.catalog.for_message(message_type, None)
            self._for_type[message_type] = None if entry is None else self.fixed_to(entry)
        return self._for_type[message_type]

    def warm(self) -> None:
        """Compile every message validator now (before worker processes fork from us)."""
        for message_type in self._message_types:
            for entry in self.catalog.entries():
                if entry.message_type != message_type:
                    continue
                if self.compiled is not None:
                    self.compiled.validator(entry, message_type)
                else:
                    self.catalog.validator(entry)

    def check(self, payload: Payload, index: int) -> PayloadResult:
        """Everything found about one payload. Whatever one payload holds, the run goes on:
        a failure of ours on it is a finding about that payload (``internal``: not conformant,
        and reported as a bug), never the end of the run and every other file's report."""
        try:
            return self._check(payload, index)
        except SetupError:
            raise
        except (
            RecursionError,
            MemoryError,
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            AttributeError,
            UnicodeError,
            OverflowError,
        ) as exc:
            result = PayloadResult(source=payload.source, index=index)
            result.findings.append(
                Finding(
                    check="internal",
                    message=(
                        f"interopcheck could not check this payload ({type(exc).__name__}: "
                        f"{str(exc)[:160]}); a bug in interopcheck, please report it"
                    ),
                    personal=False,
                )
            )
            return result

    def _check(self, payload: Payload, index: int) -> PayloadResult:
        result = PayloadResult(source=payload.source, index=index)
        if payload.problem is not None:
            problem = payload.problem
            result.findings.append(
                Finding(
                    check="parse",
                    message=problem.message,
                    line=problem.line,
                    column=problem.column,
                    personal=False,
                )
            )
            return result
        entry, finding = self._schema_for(payload.value)
        if entry is None:
            assert finding is not None
            result.findings.append(self.locate(payload, [finding])[0])
            return result
        result.schema = entry.uri
        result.message_type = entry.message_type or entry.name
        covered: frozenset[str] = frozenset()
        if self.compiled is not None:
            self.compiled.applied.clear()
            validator, covered = self.compiled.validator(entry, result.message_type)
        else:
            validator = self.catalog.validator(entry)
        try:
            valid = validator.is_valid(payload.value)
            if not valid:
                # Word the schema's own errors from the plain validator; compiled requirements
                # are worded by the rule checker, which runs them all again on this path.
                # Schema-only, the plain validator is the one that just said no: not asked
                # twice (issue 19).
                plain = self.catalog.validator(entry)
                schema_valid = self.compiled is not None and plain.is_valid(payload.value)
                findings = [] if schema_valid else self._findings(entry, plain, payload.value)
            else:
                findings = []
        except jsonschema_rs.ValidationError as exc:  # e.g. a regex engine limit
            raise SetupError(f"{entry.path}: {exc.message.splitlines()[0]}") from None
        result.schema_failed = bool(findings)
        if self.rules is not None:
            uri = entry.uri
            settled: dict[str, Outcome] = (
                {
                    rid: "passed"
                    for rid in (self.compiled.applied & covered) | self.compiled.always(entry)
                }
                if valid and self.compiled is not None
                else {}
            )
            findings, result.outcomes = self.rules.attribute(
                result.message_type,
                findings,
                lambda path: self.personal.is_personal(uri, path),
                payload.value,
                uri,
                settled,
                covered if valid else frozenset(),
            )
        if findings:
            result.findings.extend(self.locate(payload, findings))
            if self.personal.marks_nothing(entry.uri):
                result.unmarked_schema = _shown(entry.path)
        return result

    # -- which schema -------------------------------------------------------------------------

    def _schema_for(self, value: Any) -> tuple[SchemaEntry | None, Finding | None]:
        if self.selection.fixed is not None:
            return self.selection.fixed, None
        header = value.get("header") if isinstance(value, dict) else None
        message_type = header.get("messageType") if isinstance(header, dict) else None
        version = header.get("standardVersion") if isinstance(header, dict) else None
        known = self._known
        if not isinstance(message_type, str):
            return None, Finding(
                check="type",
                message="no message type: /header/messageType is missing; name one with --type "
                f"({known})",
                pointer="/header/messageType" if isinstance(header, dict) else "",
                personal=False,
            )
        if message_type not in self._message_types:
            return None, Finding(
                check="type",
                message=f"unknown message type {json.dumps(message_type)[:60]}; "
                f"the standard has: {known}",
                pointer="/header/messageType",
                personal=False,
            )
        wanted = version if isinstance(version, str) else self.selection.version
        entry = self.catalog.for_message(message_type, wanted)
        if entry is None:
            return None, Finding(
                check="type",
                message=f"standard version {json.dumps(wanted)[:20]} is not known for "
                f"{message_type}; versions: {', '.join(self.catalog.versions())}",
                pointer="/header/standardVersion",
                personal=False,
            )
        return entry, None

    # -- errors into findings -----------------------------------------------------------------

    def _findings(
        self, entry: SchemaEntry, validator: jsonschema_rs.Validator, value: Any
    ) -> list[Finding]:
        findings = self._all_findings(entry, validator, value)
        return _without_shadowed_patterns(findings)

    def _all_findings(
        self, entry: SchemaEntry, validator: jsonschema_rs.Validator, value: Any
    ) -> list[Finding]:
        findings: list[Finding] = []
        for error in validator.iter_errors(value):
            findings.extend(self._explain(entry, error, value))
            if len(findings) >= MAX_ERRORS_PER_PAYLOAD:
                findings.append(
                    Finding(
                        check="schema",
                        message=f"more errors not shown (limit {MAX_ERRORS_PER_PAYLOAD})",
                        personal=False,
                    )
                )
                break
        return findings

    def _explain(
        self, entry: SchemaEntry, error: jsonschema_rs.ValidationError, root: Any
    ) -> list[Finding]:
        kind = error.kind
        keyword = kind.name
        path = list(error.instance_path)
        location = error.absolute_keyword_location or (
            entry.uri + "#/" + "/".join(str(p) for p in error.schema_path)
        )

        def make(
            message: str,
            at: Sequence[str | int],
            expected: str | None = None,
            value: Any = None,
            with_value: bool = True,
        ) -> Finding:
            rendered, summary = summarise_value(value) if with_value else (None, None)
            return Finding(
                check="schema",
                message=message,
                pointer=pointer_of(at),
                keyword=keyword,
                expected=expected,
                schema_location=location,
                value_json=rendered,
                value_summary=summary,
                personal=self.personal.is_personal(entry.uri, at) if with_value else False,
            )

        instance = error.instance
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
            return [
                make(
                    f"required property {json.dumps(kind.property)} is missing",
                    path,
                    expected=f"a {json.dumps(kind.property)} property",
                    with_value=False,
                )
            ]
        extra: list[str] | None = None
        if isinstance(
            kind,
            (
                jsonschema_rs.ValidationErrorKind.AdditionalProperties,
                jsonschema_rs.ValidationErrorKind.UnevaluatedProperties,
            ),
        ):
            extra = list(kind.unexpected)
        elif (
            isinstance(kind, jsonschema_rs.ValidationErrorKind.FalseSchema)
            and error.schema_path
            and error.schema_path[-1] in ("additionalProperties", "unevaluatedProperties")
            and isinstance(parent := _value_at(root, path), dict)
        ):
            # jsonschema-rs reports `additionalProperties: false` with no `properties` beside
            # it as one false-schema error placed at the object, with the first member's value
            # as its instance: every member of that object is unexpected.
            keyword = str(error.schema_path[-1])
            extra = list(parent)
            instance = parent
        if extra is not None:
            found = []
            for name in extra:
                child = instance.get(name) if isinstance(instance, dict) else None
                found.append(
                    make(
                        f"property {json.dumps(name)} is not allowed here",
                        [*path, name],
                        expected="only the properties the standard defines",
                        value=child,
                    )
                )
            return found
        return [make(describe(kind, instance), path, expected(kind), value=instance)]

    # -- positions ----------------------------------------------------------------------------

    def locate(self, payload: Payload, findings: list[Finding]) -> list[Finding]:
        """The findings with line and column filled in from the payload's source text."""
        positions = positions_in(payload, {f.pointer for f in findings})
        return [located(finding, positions) for finding in findings]


def located(finding: Finding, positions: dict[str, tuple[int, int]]) -> Finding:
    """A finding with the line and column of its pointer, when known."""
    where = positions.get(finding.pointer)
    if where is None:
        return finding
    return replace(finding, line=where[0], column=where[1])


def _value_at(root: Any, path: Sequence[str | int]) -> Any:
    node = root
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _subschema(location: str | None) -> str:
    return (location or "").rsplit("/", 1)[0]


def _without_shadowed_patterns(findings: list[Finding]) -> list[Finding]:
    """Drop a ``pattern`` error where the same subschema's ``format`` failed on the same value.

    The standard gives identifiers both (the pattern for any validator, the format for the
    check letter); when both fail, the format's words say more and the pattern is noise.
    """
    formats = {
        (f.pointer, _subschema(f.schema_location)) for f in findings if f.keyword == "format"
    }
    return [
        f
        for f in findings
        if not (f.keyword == "pattern" and (f.pointer, _subschema(f.schema_location)) in formats)
    ]


def _shown(path: Path) -> str:
    """A schema file as a report may name it: relative to the working directory, else by its
    name (never an absolute path of the machine that ran the check)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.name
