"""python-jsonschema, configured like our engine: the independent second opinion.

Same schemas (one referencing registry built from the catalog), same justice formats, formats
asserted. Where the two disagree, one of them is wrong about JSON Schema, and a test says so.
"""

from __future__ import annotations

from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from interopcheck.standard.catalog import Catalog, SchemaEntry
from interopcheck.standard.formats import JUSTICE_FORMATS


def format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    checker = jsonschema.FormatChecker(formats=list(checker.checkers))
    for name, check in JUSTICE_FORMATS.items():
        checker.checks(name)(lambda value, check=check: not isinstance(value, str) or check(value))
    return checker


def registry_for(catalog: Catalog) -> Registry:
    resources = [
        (uri, Resource.from_contents(document, default_specification=DRAFT202012))
        for uri, document in catalog.documents().items()
    ]
    return Registry().with_resources(resources)


def oracle_validator(catalog: Catalog, entry: SchemaEntry) -> Any:
    return jsonschema.Draft202012Validator(
        entry.document, registry=registry_for(catalog), format_checker=format_checker()
    )
