"""Identifier and code-list requirements compiled into the schema validator.

A profile's identifier and code-list requirements name places in a message; the schema walk
that jsonschema-rs already does reaches those places anyway. So for each message schema the
profile builds an overlay, ``allOf: [the message schema, {...place...: {"x-interopcheck-check":
"ID-001"}}]``, and one ``is_valid`` call checks the schema and every compiled requirement,
recording which requirements applied. Only when that call fails does the slower Python path
run, to word each finding and name the nearest real codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jsonschema_rs

from interopcheck.checks.pointers import parse_pointer
from interopcheck.profile.checks import CodelistCheck, IdentifierCheck, pointers_in
from interopcheck.standard.formats import JUSTICE_FORMATS
from interopcheck.standard.schema_paths import always_present, asserted

if TYPE_CHECKING:
    from interopcheck.checks.rules import RuleChecker
    from interopcheck.profile.model import Requirement
    from interopcheck.standard.catalog import Catalog, SchemaEntry

KEYWORD = "x-interopcheck-check"


class CompiledRequirements:
    """Per message schema: an overlay validator and the requirements it covers."""

    def __init__(self, rules: RuleChecker, catalog: Catalog) -> None:
        self._rules = rules
        self._catalog = catalog
        self._validators: dict[str, tuple[jsonschema_rs.Validator, frozenset[str]]] = {}
        self._always: dict[str, frozenset[str]] = {}
        self.applied: set[str] = set()
        self._keyword = self._keyword_class()

    def _keyword_class(self) -> type:
        rules = self._rules
        applied = self.applied

        class Check:
            """``x-interopcheck-check: ID``: the requirement's own test on the value here."""

            def __init__(
                self, parent: dict[str, Any], value: dict[str, Any], path: list[str | int]
            ) -> None:
                requirement: Requirement | None = rules.profile.requirement(value["id"])
                self.id = value["id"]
                self.identifier = None
                self.codes: dict[str, str] | None = None
                if not value["verify"]:
                    return  # the schema itself asserts this here: only note that it applied
                check = None if requirement is None else requirement.check
                if isinstance(check, IdentifierCheck):
                    self.identifier = JUSTICE_FORMATS[check.identifier]
                elif isinstance(check, CodelistCheck):
                    self.codes = rules.codelists.codes(check.codelist)

            def validate(self, instance: Any) -> None:
                applied.add(self.id)
                if self.identifier is not None:
                    if type(instance) is str and not self.identifier(instance):
                        raise ValueError(f"{self.id}: identifier check failed")
                elif self.codes is not None and instance is not None:
                    if type(instance) is str:
                        known = instance in self.codes
                    elif isinstance(instance, (dict, list)):
                        return  # the schema speaks about wrong types
                    else:
                        known = rules.codelists.contains_value(self.codes, instance)
                    if not known:
                        raise ValueError(f"{self.id}: not in the code list")

        return Check

    def always(self, entry: SchemaEntry) -> frozenset[str]:
        """Requirements every valid message of this schema meets and always has a place for:
        the schema asserts the same format or enum at places it requires. No callback needed."""
        return self._always.get(entry.uri, frozenset())

    def validator(
        self, entry: SchemaEntry, message_type: str
    ) -> tuple[jsonschema_rs.Validator, frozenset[str]]:
        """The overlay validator for a message schema, and the requirement ids it covers."""
        found = self._validators.get(entry.uri)
        if found is None:
            overlay, covered = self._overlay(entry, message_type)
            if covered - self.always(entry):
                validator = jsonschema_rs.validator_for(
                    {"allOf": [{"$ref": entry.uri}, overlay]},
                    registry=self._catalog.registry(),
                    base_uri="urn:interopcheck:overlay:" + entry.uri,
                    formats=JUSTICE_FORMATS,
                    validate_formats=True,
                    keywords={KEYWORD: self._keyword},
                )
            else:
                validator = self._catalog.validator(entry)
            found = self._validators[entry.uri] = (validator, frozenset(covered))
        return found

    def _overlay(self, entry: SchemaEntry, message_type: str) -> tuple[dict[str, Any], set[str]]:
        documents = self._catalog.documents()
        overlay: dict[str, Any] = {}
        covered: set[str] = set()
        for requirement in self._rules.compilable(message_type):
            pointers = pointers_in(requirement.check, message_type)
            trees = [_tree(documents, entry.uri, parse_pointer(p)) for p in pointers]
            if any(tree is None for tree in trees):
                continue  # a wildcard over an object: left to the Python path
            verify = not self._rules.settled_by_schema(entry.uri, message_type, requirement)
            if not verify and all(
                always_present(documents, entry.uri, parse_pointer(p)) for p in pointers
            ):
                self._always[entry.uri] = self._always.get(entry.uri, frozenset()) | {
                    requirement.id
                }
                covered.add(requirement.id)
                continue
            for tree in trees:
                assert tree is not None
                _merge(overlay, tree, {"id": requirement.id, "verify": verify})
            covered.add(requirement.id)
        return overlay, covered


def _tree(
    documents: dict[str, dict[str, Any]], uri: str, tokens: tuple[str, ...]
) -> list[tuple[str, str]] | None:
    """The overlay steps for a pointer: ("properties", name) or ("items", "*"); None when a
    wildcard does not stand for the items of an array."""
    steps: list[tuple[str, str]] = []
    for index, token in enumerate(tokens):
        if token == "*":
            container = asserted(documents, uri, tokens[:index])
            if not any(n.get("type") == "array" or "items" in n for n in container):
                return None
            steps.append(("items", "*"))
        else:
            steps.append(("properties", token))
    return steps


def _merge(overlay: dict[str, Any], steps: list[tuple[str, str]], check: dict[str, Any]) -> None:
    node = overlay
    for keyword, name in steps:
        if keyword == "items":
            node = node.setdefault("items", {})
        else:
            node = node.setdefault("properties", {}).setdefault(name, {})
    node.setdefault("allOf", []).append({KEYWORD: check})
