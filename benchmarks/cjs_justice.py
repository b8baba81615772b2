"""A validator class for check-jsonschema's ``--validator-class`` that also asserts the justice
formats (``asn``, ``pnc-id``, ...), with the same predicates interopcheck uses: so that the two
tools do the same checks when the benchmark times them.

    check-jsonschema --validator-class benchmarks.cjs_justice:JusticeValidator --schemafile ...

The ``format`` keyword is replaced, not the format checker: check-jsonschema hands every
validator its own format checker, which knows only the standard formats.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators

from interopcheck.standard.formats import JUSTICE_FORMATS

_STANDARD_FORMAT = Draft202012Validator.VALIDATORS["format"]


def _format(validator: Any, name: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    check = JUSTICE_FORMATS.get(name)
    if check is None:
        yield from _STANDARD_FORMAT(validator, name, instance, schema)
    elif isinstance(instance, str) and not check(instance):
        yield ValidationError(f"{instance!r} is not a {name!r}")


JusticeValidator = validators.extend(Draft202012Validator, {"format": _format})
