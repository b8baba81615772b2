"""Parameter values in a request as OpenAPI 3 says (``style`` and ``explode``): written by
probe, read back by the sandbox, and by probe to confirm that an invalid case is still invalid
once written (in a URL everything is text: the integer 5 and the string "5" look the same).

A value is a JSON value drawn from the parameter's schema; ``write`` puts it into the path, the
query string, a header or the Cookie header (RFC 6570-like rules of the OpenAPI specification,
"Style Values" and "Style Examples"). Every value is percent-encoded where it goes into the URL;
the separators a style adds are not. ``read`` splits text into an array's items or an object's
members as the style wrote them, then gives it the JSON type its schema names. Ours, not a
library's: openapi-core reads requests but writes none and brings a validator we do not use;
the rules are the short table of the specification.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from interopcheck.domain.endpoints import EndpointParameter

#: The ``style`` of a parameter written as JSON text (``content`` in place of ``schema``).
JSON_CONTENT = "json"


@dataclass(frozen=True)
class Written:
    """Where the parameters went: the path with its values in, the query string (without
    ``?``), and the headers (the cookies as one ``Cookie`` header)."""

    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """The request target: path and query string."""
        return f"{self.path}?{self.query}" if self.query else self.path


def write(
    template: str, parameters: tuple[EndpointParameter, ...], values: dict[str, Any] | None
) -> Written:
    """``values`` (one object per location: ``{"path": {...}, "query": {...}}``) written into
    a request to the path ``template``. A path parameter without a value keeps its ``{name}``."""
    values = values or {}
    path = template
    query: list[str] = []
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for parameter in parameters:
        given = values.get(parameter.location)
        if not isinstance(given, dict) or parameter.name not in given:
            continue
        value = given[parameter.name]
        if parameter.location == "path":
            path = path.replace("{" + parameter.name + "}", _path_value(parameter, value))
        elif parameter.location == "query":
            query.extend(_query_pairs(parameter, value))
        elif parameter.location == "header":
            headers[parameter.name] = _simple(parameter, value, encode=False)
        else:
            cookies.extend(_query_pairs(parameter, value, encode=False))
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    return Written(path, "&".join(query), headers)


def text_of(value: Any) -> str:
    """A primitive as text: ``true``, ``7``, ``2.5``, a string as itself, null as empty; an
    object or array inside a value as JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _escape(text: str, encode: bool) -> str:
    return quote(text, safe="") if encode else text


def _items(value: Any) -> list[tuple[str | None, str]]:
    """An array's items (no names) or an object's (name, value) pairs, as text."""
    if isinstance(value, list):
        return [(None, text_of(item)) for item in value]
    if isinstance(value, dict):
        return [(str(key), text_of(item)) for key, item in value.items()]
    return [(None, text_of(value))]


def _joined(pairs: Iterable[tuple[str | None, str]], explode: bool, sep: str, encode: bool) -> str:
    """Items joined by ``sep``; an object's pairs as ``k=v`` (exploded) or ``k,v``."""
    parts = []
    for key, text in pairs:
        if key is None:
            parts.append(_escape(text, encode))
        elif explode:
            parts.append(f"{_escape(key, encode)}={_escape(text, encode)}")
        else:
            parts.append(f"{_escape(key, encode)},{_escape(text, encode)}")
    return sep.join(parts)


def _simple(parameter: EndpointParameter, value: Any, encode: bool = True) -> str:
    if parameter.style == JSON_CONTENT:
        return _escape(json.dumps(value, separators=(",", ":")), encode)
    if not isinstance(value, list | dict):
        return _escape(text_of(value), encode)
    return _joined(_items(value), parameter.explode, ",", encode)


def _path_value(parameter: EndpointParameter, value: Any) -> str:
    style, explode, name = parameter.style, parameter.explode, quote(parameter.name, safe="")
    if style == "label":
        sep = "." if explode else ","
        if not isinstance(value, list | dict):
            return "." + quote(text_of(value), safe="")
        return "." + _joined(_items(value), explode, sep, True)
    if style == "matrix":
        if not isinstance(value, list | dict):
            return f";{name}=" + quote(text_of(value), safe="")
        if isinstance(value, list) and explode:
            return "".join(f";{name}=" + quote(text, safe="") for _, text in _items(value))
        if isinstance(value, dict) and explode:
            return ";" + _joined(_items(value), True, ";", True)
        return f";{name}=" + _joined(_items(value), False, ",", True)
    return _simple(parameter, value)


def _query_pairs(parameter: EndpointParameter, value: Any, encode: bool = True) -> list[str]:
    """``name=value`` pairs of a query (or cookie) parameter."""
    name = _escape(parameter.name, encode)
    style, explode = parameter.style, parameter.explode
    if style == JSON_CONTENT:
        return [f"{name}=" + _escape(json.dumps(value, separators=(",", ":")), encode)]
    if not isinstance(value, list | dict):
        return [f"{name}=" + _escape(text_of(value), encode)]
    if style == "deepObject" and isinstance(value, dict):
        return [
            f"{name}%5B{_escape(key or '', encode)}%5D=" + _escape(text, encode)
            if encode
            else f"{name}[{key}]={text}"
            for key, text in _items(value)
        ]
    if style in ("spaceDelimited", "pipeDelimited") and not explode:
        sep = {"spaceDelimited": " ", "pipeDelimited": "|"}[style]
        return [f"{name}=" + _joined(_items(value), False, _escape(sep, encode), encode)]
    if explode:
        if isinstance(value, dict):
            return [_joined([(k, t)], True, "", encode) for k, t in _items(value)]
        return [f"{name}=" + _escape(text, encode) for _, text in _items(value)]
    return [f"{name}=" + _joined(_items(value), False, ",", encode)]


@dataclass(frozen=True)
class Received:
    """A request's parameters as text: path parameters by their names in the document, the
    query's pairs in order, headers (names in lower case) and cookies."""

    path: Mapping[str, str]
    query: list[tuple[str, str]]
    headers: Mapping[str, str]
    cookies: Mapping[str, str]


def received(template: str, written: Written) -> Received | None:
    """What a server receives of ``written`` (None when its path is not the template's); where
    two parameters share a segment (``{name}{extension}``), the first way to split it."""
    found = received_all(template, written)
    return found[0] if found else None


#: Ways to split a segment between parameters that share it, at most.
MAX_SPLITS = 64


def received_all(template: str, written: Written) -> list[Received]:
    """Every way a server may read ``written`` against the path ``template``: one, unless two
    parameters share a segment (``/{pageName}{mediaTypeExtension}``), which only their
    schemas can split (a reader tries each until one is valid)."""
    cookies: dict[str, str] = {}
    for pair in written.headers.get("Cookie", "").split(";"):
        name, _, value = pair.strip().partition("=")
        if name:
            cookies[name] = value
    headers = {k.lower(): v for k, v in written.headers.items()}
    query = parse_qsl(written.query, keep_blank_values=True)
    return [
        Received({k: unquote(v) for k, v in path.items()}, query, headers, cookies)
        for path in path_splits(template, written.path)
    ]


def path_splits(template: str, path: str) -> list[dict[str, str]]:
    """The path parameters' (still encoded) values, each way ``path`` fits ``template``."""
    tokens = [t for t in re.split(r"(\{[^}/]+\})", template) if t]
    found: list[dict[str, str]] = []

    def fit(index: int, at: int, values: dict[str, str]) -> None:
        if len(found) >= MAX_SPLITS:
            return
        if index == len(tokens):
            if at == len(path):
                found.append(dict(values))
            return
        token = tokens[index]
        if not token.startswith("{"):
            if path.startswith(token, at):
                fit(index + 1, at + len(token), values)
            return
        end = path.find("/", at)
        end = len(path) if end < 0 else end
        for stop in range(end, at - 1, -1):  # the longest first: as routers read one alone
            values[token[1:-1]] = path[at:stop]
            fit(index + 1, stop, values)
            del values[token[1:-1]]

    fit(0, 0, {})
    return found


def location_schemas(document: Any) -> dict[str, Any]:
    """Each location's parameter schemas by name, from the schema of the parameters' object
    (``{"properties": {"query": {"properties": {...}}}}``)."""
    places = document.get("properties") if isinstance(document, dict) else None
    return {
        k: (v.get("properties") or {}) for k, v in (places or {}).items() if isinstance(v, dict)
    }


def read(
    parameters: tuple[EndpointParameter, ...], request: Received, schemas: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parameters of a request, one object per location: typed by the schema, and with
    untyped numbers and booleans read as such (try the second when the first is refused).
    ``schemas``: each location's parameter schemas by name."""
    plain: dict[str, dict[str, Any]] = {}
    loose: dict[str, dict[str, Any]] = {}
    claimed = {p.name for p in parameters if p.location == "query"}
    for parameter in parameters:
        schema = (schemas.get(parameter.location) or {}).get(parameter.name) or {}
        found = _raw(parameter, request)
        if found is None and _spread(parameter, schema):
            # an exploded form object: its members are query parameters of their own
            named = set((schema.get("properties") or {}).keys()) or None
            members = {
                key: value
                for key, value in request.query
                if (key in named if named else key not in claimed)
            }
            found = members or None
        if found is None:
            continue
        value = _shaped(parameter, found, schema)
        plain.setdefault(parameter.location, {})[parameter.name] = typed(value, schema, False)
        loose.setdefault(parameter.location, {})[parameter.name] = typed(value, schema, True)
    return dict(plain), dict(loose)


def _spread(parameter: EndpointParameter, schema: Any) -> bool:
    return (
        parameter.location in ("query", "cookie")
        and parameter.style == "form"
        and parameter.explode
        and isinstance(schema, dict)
        and schema.get("type") == "object"
    )


def _raw(
    parameter: EndpointParameter, request: Received
) -> str | list[str] | dict[str, str] | None:
    name = parameter.name
    if parameter.location == "path":
        return request.path.get(name)
    if parameter.location == "header":
        return request.headers.get(name.lower())
    if parameter.location == "cookie":
        return request.cookies.get(name)
    if parameter.style == "deepObject":
        prefix = name + "["
        found = {
            key[len(prefix) : -1]: value
            for key, value in request.query
            if key.startswith(prefix) and key.endswith("]")
        }
        return found or None
    values = [value for key, value in request.query if key == name]
    if not values:
        return None
    return values if len(values) > 1 else values[0]


def _shaped(parameter: EndpointParameter, found: Any, schema: dict[str, Any]) -> Any:
    """Text split into an array's items or an object's members as the style writes them."""
    if isinstance(found, dict):
        return found
    if parameter.style == JSON_CONTENT:
        try:
            return json.loads(found if isinstance(found, str) else found[0])
        except ValueError:
            return found
    kind = schema.get("type")
    if isinstance(found, list):
        return found if kind != "object" else _pairs(found, True)
    text: str = found
    if parameter.style == "label":
        text = text[1:] if text.startswith(".") else text
        separator = "." if parameter.explode else ","
    elif parameter.style == "matrix":
        prefix = f";{parameter.name}="
        text = text.replace(prefix, ",") if kind == "array" else text.removeprefix(prefix)
        text = text.lstrip(",").lstrip(";")
        separator = ";" if parameter.explode and kind == "object" else ","
    elif parameter.style == "spaceDelimited":
        separator = " "
    elif parameter.style == "pipeDelimited":
        separator = "|"
    else:
        separator = ","
    if kind == "array":
        return text.split(separator) if text else []
    if kind == "object":
        return _pairs(text.split(separator), parameter.explode)
    return text


def _pairs(items: list[str], exploded: bool) -> dict[str, str]:
    if exploded:
        return dict(item.partition("=")[::2] for item in items)
    return dict(zip(items[::2], items[1::2], strict=False))


def typed(value: Any, schema: Any, loose: bool) -> Any:
    """``value`` with its text made the JSON type ``schema`` names (or, ``loose``, any
    number or boolean read as one where the schema names no type)."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    if isinstance(value, list):
        items = schema.get("items") if isinstance(schema, dict) else None
        return [typed(item, items or {}, loose) for item in value]
    if isinstance(value, dict):
        properties = (schema.get("properties") or {}) if isinstance(schema, dict) else {}
        return {k: typed(v, properties.get(k) or {}, loose) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    for name in kinds or (["integer", "number", "boolean"] if loose else []):
        converted = _as(name, value)
        if converted is not None:
            return converted
    return value


def _as(kind: str, text: str) -> Any:
    if kind == "integer" and text.lstrip("-").isdigit():
        return int(text)
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() and "." not in text else number
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    if kind == "null" and text == "":
        return None
    return None
