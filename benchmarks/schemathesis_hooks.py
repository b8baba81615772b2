"""Schemathesis hooks that read what the sandbox's OpenAPI document publishes beyond JSON Schema.

    SCHEMATHESIS_HOOKS=benchmarks.schemathesis_hooks st run http://127.0.0.1:PORT/openapi.json ...

(benchmark environment only: Schemathesis beside an installed interopcheck, from the project
root). The document names custom formats (``format: asn``, described under
``components.x-interopcheck-formats``) and, per request body, the rules no schema can express
(``x-interopcheck-rules``: CEL at JSON-pointer places). A tool that honours both sends no
schema-valid message the sandbox refuses; these hooks are that tool's part: a strategy for each
custom format (interopcheck's own generators, held to the same validators the sandbox uses) and
a case filter that evaluates each published rule where it applies (interopcheck's CEL
environment, which has the functions the rules use).
"""

from __future__ import annotations

from typing import Any

import schemathesis

from interopcheck.checks.cel_env import CelEvaluator, RuleError
from interopcheck.checks.pointers import resolve
from interopcheck.generation.formats import FORMAT_STRATEGIES
from interopcheck.profile.codelists import CodelistStore
from interopcheck.sandbox.published_rules import RULES_EXTENSION

for _name, _strategy in FORMAT_STRATEGIES.items():
    schemathesis.openapi.format(_name, _strategy())

_EVALUATOR = CelEvaluator(CodelistStore({}))
_COMPILED: dict[str, Any] = {}


def _is_negative(case: Any) -> bool:
    mode = getattr(getattr(case, "meta", None), "generation", None)
    return "negative" in str(getattr(mode, "mode", "")).lower()


def _rules(ctx: Any) -> list[dict[str, Any]]:
    operation = getattr(ctx, "operation", None)
    definition = getattr(operation, "definition", None)
    raw = getattr(definition, "raw", definition) or {}
    media = (raw.get("requestBody") or {}).get("content", {}).get("application/json", {})
    rules: list[dict[str, Any]] = media.get(RULES_EXTENSION, [])
    return rules


@schemathesis.hook
def filter_case(ctx: Any, case: Any) -> bool:
    """Keep a case only when every published rule holds at every place it applies in its body
    (``filter_case``, not ``filter_body``: only case hooks apply in the coverage phase too).
    A negative case is left alone: it is meant to break something."""
    body = getattr(case, "body", None)
    if body is None or _is_negative(case):
        return True
    for rule in _rules(ctx):
        compiled = _COMPILED.get(rule["id"])
        if compiled is None:
            compiled = _COMPILED[rule["id"]] = _EVALUATOR.compile(
                rule["cel"], rule["id"], "openapi"
            )
        for pointer in rule["at"]:
            for _path, value in resolve(body, pointer):
                try:
                    if _EVALUATOR.evaluate(compiled, value) is not True:
                        return False
                except RuleError:
                    return False
    return True
