"""OpenAPI runtime expressions (``$response.body#/caseId``, ``$request.path.id``, ...) over
one exchange: how a link says which value of an answer (or of the request) the next request
takes. The grammar is the specification's ("Runtime Expressions"); ours because it is a dozen
lines and no maintained library evaluates it on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from interopcheck.sources.positions import MISSING, value_at

__all__ = ["MISSING", "Exchanged", "evaluate"]


@dataclass(frozen=True)
class Exchanged:
    """What an expression reads: the request sent and the answer received."""

    method: str
    url: str
    status: int
    request_body: Any = None
    path: Mapping[str, Any] = field(default_factory=dict)
    query: Mapping[str, Any] = field(default_factory=dict)
    request_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: Any = None
    response_headers: Mapping[str, str] = field(default_factory=dict)
    """Lower-case names."""


def evaluate(expression: object, exchanged: Exchanged) -> Any:
    """The value ``expression`` names (``MISSING`` when nothing is there); a value that is not
    an expression (a number, a string not starting with ``$``) is itself."""
    if not isinstance(expression, str) or not expression.startswith("$"):
        return expression
    if expression == "$url":
        return exchanged.url
    if expression == "$method":
        return exchanged.method
    if expression == "$statusCode":
        return exchanged.status
    source, _, rest = expression[1:].partition(".")
    if source not in ("request", "response"):
        return MISSING
    if rest == "body" or rest.startswith("body#"):  # (a pointer may hold dots)
        body = exchanged.request_body if source == "request" else exchanged.response_body
        return value_at(body, unquote(rest[len("body#") :])) if "#" in rest else body
    part, _, name = rest.partition(".")
    if part == "header":
        headers = exchanged.request_headers if source == "request" else exchanged.response_headers
        found = {k.lower(): v for k, v in headers.items()}.get(name.lower(), MISSING)
        return found
    if source == "request" and part in ("path", "query"):
        return (exchanged.path if part == "path" else exchanged.query).get(name, MISSING)
    return MISSING
