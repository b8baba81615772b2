"""Reads after writes: what an accepted request made is read back, and a read of what nothing
made must find nothing.

After the first round, each valid request answered 2xx is followed by the reads its endpoint's
links name (OpenAPI ``links``, a profile's ``api.reads``), their parameters taken from the
exchange by runtime expressions, and by a read of its answer's ``Location`` where that is the
path of a GET endpoint. A read of an identifier probe never saw (a valid-looking one, drawn from
the parameter's schema) is sent to each GET endpoint that names a resource and declares 404.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from interopcheck.apis.expressions import MISSING, Exchanged, evaluate
from interopcheck.domain.parameters import Written, received
from interopcheck.probing.client import Answer
from interopcheck.probing.plan import Exchange, Planner
from interopcheck.profile.model import Endpoint

#: Reads after one link (or Location) of one endpoint, and after all, at most.
PER_LINK = 2
MAX_READS = 50
LOCATIONS = ("path", "query", "header", "cookie")


def follow_ups(
    exchanges: list[Exchange],
    answers: list[Answer],
    endpoints: list[Endpoint],
    planner: Planner,
    target: str,
) -> list[Exchange]:
    """The reads to send after the first round, in the order of what they follow."""
    by_id = {e.id: e for e in endpoints}
    reads: list[Exchange] = []
    per_link: dict[tuple[str, str], int] = {}
    for exchange, answer in zip(exchanges, answers, strict=True):
        if not exchange.sends_valid or answer.status is None or not 200 <= answer.status < 300:
            continue
        for read, parameters, via in _reads_after(exchange, answer, by_id, endpoints, target):
            key = (exchange.endpoint.id, via)
            if per_link.get(key, 0) >= PER_LINK or len(reads) >= MAX_READS:
                continue
            per_link[key] = per_link.get(key, 0) + 1
            reads.append(planner.read_back(read, parameters, exchange.number, via))
    seen = {
        json.dumps((r.endpoint.id, (r.parameters or {}).get("path")), sort_keys=True) for r in reads
    }
    for endpoint in endpoints:
        if not (endpoint.method == "GET" and endpoint.reads and endpoint.declared(404)):
            continue
        unknown = planner.unknown_read(endpoint)
        if unknown is None or len(reads) >= MAX_READS:
            continue
        named = json.dumps((endpoint.id, (unknown.parameters or {}).get("path")), sort_keys=True)
        if named not in seen:
            reads.append(unknown)
    return reads


def _reads_after(
    exchange: Exchange,
    answer: Answer,
    by_id: dict[str, Endpoint],
    endpoints: list[Endpoint],
    target: str,
) -> Iterator[tuple[Endpoint, dict[str, Any], str]]:
    exchanged = _exchanged(exchange, answer)
    for link in exchange.endpoint.links:
        read = by_id.get(link.read)
        if read is None:
            continue
        values: dict[str, dict[str, Any]] = {}
        for name, expression in link.parameters:
            place, _, bare = name.partition(".")
            location, bare = (place, bare) if place in LOCATIONS and bare else (None, name)
            parameter = next(
                (
                    p
                    for p in read.parameters
                    if p.name == bare and (location is None or p.location == location)
                ),
                None,
            )
            value = evaluate(expression, exchanged)
            if parameter is None or value is MISSING:
                break
            values.setdefault(parameter.location, {})[parameter.name] = value
        else:
            yield read, values, link.via
    location = answer.headers.get("location")
    if location:
        path = unquote(urlsplit(urljoin(answer.url or target, location)).path)
        base = urlsplit(target).path.rstrip("/")
        if path.startswith(base):
            path = path[len(base) :]
        for read in endpoints:
            if read.method != "GET" or not read.reads:
                continue
            got = received(read.path, Written(path))
            if got is not None:
                yield read, {"path": dict(got.path)}, "Location"
                break


def _exchanged(exchange: Exchange, answer: Answer) -> Exchanged:
    try:
        body: Any = json.loads(answer.body) if answer.body else None
    except (UnicodeDecodeError, ValueError):
        body = None
    written = exchange.written
    parameters = exchange.parameters or {}
    return Exchanged(
        method=exchange.endpoint.method,
        url=answer.url,
        status=answer.status or 0,
        request_body=exchange.value if exchange.has_body else None,
        path=parameters.get("path") or {},
        query=dict(parse_qsl(written.query)),
        request_headers=written.headers,
        response_body=body,
        response_headers=answer.headers,
    )
