"""The sandbox's answer to any operation of an API document (a profile whose api is an
OpenAPI or Swagger document).

It does what the document declares: refuses a request without or with wrong credentials
where the operation is secured (401, 403); checks the parameters and the body against their
schemas (and the profile's rules), refusing with the error status the document declares (400,
else 422, else its first 4xx); answers an accepted request with the first 2xx it declares, a
read of a resource it does not hold with 404 where that is declared; and every answer has a
body its schema for that status accepts (one generated body per schema, made on first use), in
the media type declared. The faults of ``--fault`` apply as to the standard's endpoints.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from interopcheck.apis.expressions import MISSING, Exchanged, evaluate
from interopcheck.domain.bodies import decode
from interopcheck.domain.endpoints import SecurityScheme
from interopcheck.domain.http import is_json_media, media_kind
from interopcheck.domain.parameters import (
    Received,
    location_schemas,
    path_splits,
    read,
    text_of,
)
from interopcheck.profile.model import Api, Endpoint
from interopcheck.sandbox.faults import LARGE_BODY, refused_for
from interopcheck.sources.payloads import Payload

if TYPE_CHECKING:
    from interopcheck.checks.schema import SchemaChecker
    from interopcheck.sandbox.faults import Fault

PROBLEM = "application/problem+json"
#: What the sandbox remembers of what accepted requests made, at most.
MADE_KEPT = 10_000


@dataclass
class Serving:
    """What every operation's handler shares."""

    checker: SchemaChecker
    api: Api
    faults: frozenset[Fault]
    deciding: tuple[str, ...]
    checking: ThreadPoolExecutor
    slow: float
    token: str
    """The one secret every scheme takes: the bearer token, the API key, basic's password, the
    OAuth2 client secret (whose token is this too)."""
    correlation: Callable[[Request, Response], Response]
    shapes: dict[str, list[Any]] = field(default_factory=dict)
    made: dict[tuple[str, str], None] = field(default_factory=dict)
    """What accepted requests made, as the reads that find it (endpoint id, path values):
    ordered, the oldest forgotten past ``MADE_KEPT``."""

    def remember(self, endpoint: Endpoint, exchanged: Exchanged) -> None:
        """Keep what ``endpoint``'s links say an accepted request made, for later reads."""
        for link in endpoint.links:
            values = {}
            for name, expression in link.parameters:
                value = evaluate(expression, exchanged)
                if value is MISSING:
                    break
                values[name.rpartition(".")[2]] = text_of(value)
            else:
                self.made[(link.read, json.dumps(values, sort_keys=True))] = None
                while len(self.made) > MADE_KEPT:
                    del self.made[next(iter(self.made))]

    def holds(self, endpoint: Endpoint, path: dict[str, str]) -> bool:
        """Whether a read of ``endpoint`` with these path values finds something made."""
        for (reader, values), _ in self.made.items():
            if reader == endpoint.id:
                wanted = json.loads(values)
                if all(path.get(k) == v for k, v in wanted.items() if k in path):
                    return True
        return False

    def checker_for(self, message_type: str | None) -> SchemaChecker | None:
        return None if message_type is None else self.checker.for_type(message_type)

    def shape(self, name: str | None) -> list[Any]:
        """One valid body of schema ``name`` (a list of it: null is a body too), or none
        when none can be made."""
        if name is None:
            return []
        if name not in self.shapes:
            from interopcheck.errors import SetupError
            from interopcheck.sandbox.answers import valid_body

            try:
                self.shapes[name] = valid_body(self.checker, name)
            except SetupError:  # an answer's schema no case can be made of: answered bare
                self.shapes[name] = []
        return self.shapes[name]

    def warm(self, endpoints: list[Endpoint]) -> None:
        """Make every declared answer's body now: the first request to each must not wait
        for it (a response-time check would see the generator, not the sandbox)."""
        for endpoint in endpoints:
            for response in endpoint.responses:
                self.shape(response.schema)


def route_path(endpoint: Endpoint) -> tuple[str, dict[str, str]]:
    """The document's path as a route (each ``{name}`` as ``{p0}``, ``{p1}``, …: a name may
    hold characters a route parameter cannot), and the route's names for the document's."""
    names: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        key = f"p{len(names)}"
        names[key] = match.group(1)
        return "{" + key + "}"

    return re.sub(r"\{([^}/]+)\}", rename, endpoint.path), names


def operation_handler(endpoint: Endpoint, serving: Serving) -> Callable[[Request], Any]:
    _, names = route_path(endpoint)
    entry = (
        serving.checker.catalog.find(endpoint.parameters_type) if endpoint.parameters_type else None
    )
    parameters_schema = location_schemas(entry.document if entry is not None else None)
    faults = serving.faults

    async def off_loop(function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(serving.checking, function, *args)

    async def answer(request: Request, status: int, detail: str = "") -> Response:
        declared = endpoint.declared(status)
        made: list[Any] = await off_loop(serving.shape, declared.schema if declared else None)
        media = _json_media(declared.media_types if declared else ())
        if status >= 400 and not made:
            made = [{"type": "about:blank", "status": status, "detail": detail[:300]}]
            media = media or PROBLEM
        if status >= 400 and media == PROBLEM and "errors-as-plain-json" in faults:
            media = "application/json"
        if status < 300 and "bad-receipt" in faults:
            made = [[]] if made and isinstance(made[0], dict) else [{}]
        if status == 401:
            headers = {"WWW-Authenticate": "Bearer" if serving.api.auth == "bearer" else "ApiKey"}
        else:
            headers = {}
        if endpoint.method == "HEAD" or media is None or not made:
            declared_type = declared.media_types[0] if declared and declared.media_types else None
            response = Response(status_code=status, headers=headers, media_type=declared_type)
        elif "wrong-content-type" in faults:
            response = PlainTextResponse(json.dumps(made[0]), status, headers=headers)
        else:
            response = JSONResponse(made[0], status, headers=headers, media_type=media)
        return serving.correlation(request, response)

    async def refuse(request: Request, detail: str, findings: list[Any] | None = None) -> Response:
        if "stack-trace" in faults:
            from interopcheck.sandbox.answers import TRACE

            return PlainTextResponse(TRACE, status_code=500)
        return await answer(request, _error_status(endpoint), detail)

    async def handle(request: Request) -> Response:
        if "slow" in faults:
            await asyncio.sleep(serving.slow)
        unchecked = "no-auth-check" in faults or (
            "unauthenticated-reads" in faults and endpoint.method == "GET"
        )
        refused = None if unchecked else refusal(serving, endpoint, request)
        if refused is not None:
            return await answer(request, refused, "credentials are required")
        raw_path = {names[k]: v for k, v in request.path_params.items() if k in names}
        if endpoint.depth == "full" and endpoint.parameters_type is not None:
            # parameters sharing a path segment ({name}{extension}) split as their schemas
            # allow: the first split whose parameters are valid is the request's
            sent_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
            splits = path_splits(endpoint.path, sent_path) or [raw_path]
            checker = serving.checker_for(endpoint.parameters_type)
            wrong: list[str] = []
            for split in splits:
                path_values = {k: unquote(v) for k, v in split.items()}
                given = Received(
                    path_values,
                    list(request.query_params.multi_items()),
                    request.headers,
                    request.cookies,
                )
                plain, loose = read(endpoint.parameters, given, parameters_schema)
                if checker is None or "accept-invalid" in faults:
                    wrong = []
                else:
                    wrong = await off_loop(_findings, checker, plain, serving)
                    if wrong and loose != plain:
                        wrong = await off_loop(_findings, checker, loose, serving)
                if not wrong:
                    raw_path = path_values
                    break
            if wrong:
                return await refuse(request, f"parameters: {wrong[0]}")
            texts = json.dumps([raw_path, dict(request.query_params)], ensure_ascii=False)
            if "crash-on-apostrophe" in faults and "'" in texts:
                return PlainTextResponse("Internal Server Error", status_code=500)
        sent: Any = None
        if endpoint.depth == "full" and endpoint.receives is not None:
            from interopcheck.sandbox.answers import bounded_body

            body = await bounded_body(request)
            if body is None:
                return await answer(request, 413, "the body is too large")
            if "slow-on-large" in faults and len(body) > LARGE_BODY:
                await asyncio.sleep(serving.slow)
            readings, problem = decode(
                endpoint.body_encoding,
                endpoint.body_media_type,
                request.headers.get("content-type", ""),
                body,
            )
            if problem is not None and "accept-invalid" not in faults:
                return await refuse(request, problem)
            text = json.dumps(readings, ensure_ascii=False)
            if "crash-on-apostrophe" in faults and "'" in text:
                return PlainTextResponse("Internal Server Error", status_code=500)
            checker = serving.checker_for(endpoint.receives)
            if checker is not None and "accept-invalid" not in faults:
                findings: list[str] = []
                for reading in readings:  # a form's text as text, then numbers as numbers
                    findings = await off_loop(_findings, checker, reading, serving)
                    if not findings:
                        break
                if findings:
                    return await refuse(request, f"body: {findings[0]}")
            sent = readings[0] if readings else None
        status = endpoint.accepted
        if endpoint.reads and endpoint.method == "GET":
            if not serving.holds(endpoint, raw_path) and endpoint.declared(404) is not None:
                status = 404  # nothing an accepted request made: not found
        elif "wrong-status" in faults:
            status = 200 if endpoint.accepted != 200 else 203
        response = await answer(request, status, "")
        if 200 <= status < 300 and endpoint.links:
            declared = endpoint.declared(status)
            made = serving.shape(declared.schema if declared else None)
            serving.remember(
                endpoint,
                Exchanged(
                    method=endpoint.method,
                    url=str(request.url),
                    status=status,
                    request_body=sent,
                    path=raw_path,
                    query=dict(request.query_params),
                    request_headers=dict(request.headers),
                    response_body=made[0] if made else None,
                    response_headers={k.lower(): v for k, v in response.headers.items()},
                ),
            )
        return response

    return handle


def _findings(checker: SchemaChecker, value: Any, serving: Serving) -> list[str]:
    """What the sandbox refuses ``value`` for: its deciding findings, less those its faults
    let through."""
    result = checker.check(Payload(source="request", syntax="json", value=value), 0)
    refused = refused_for(result.findings, serving.deciding, serving.faults)
    return [f"{f.pointer or '/'}: {f.message[:200]}" for f in refused]


def _error_status(endpoint: Endpoint) -> int:
    """The status the document declares for a request it refuses: 400, else 422, else its
    first other 4xx (not 401, 403 or 404, which mean something else), else 400."""
    for status in (400, 422):
        if any(r.status == str(status) for r in endpoint.responses):
            return status
    others = sorted(
        int(r.status)
        for r in endpoint.responses
        if r.status.isdigit() and r.status.startswith("4") and r.status not in ("401", "403", "404")
    )
    return others[0] if others else 400


def _json_media(media_types: tuple[str, ...]) -> str | None:
    for media in media_types:
        if is_json_media(media):
            return media_kind(media)
    if any(m.strip() in ("*/*", "application/*") for m in media_types):
        return "application/json"
    return None


Presented = Literal["ok", "missing", "wrong"]


def refusal(serving: Serving, endpoint: Endpoint, request: Request) -> int | None:
    """None when one of the operation's security alternatives is met in full; else 403 when
    one was presented in full but wrongly, 401 when each lacks something."""
    if not endpoint.secured:
        return None
    wrongly = False
    for alternative in endpoint.security:
        found = [
            _presented(serving, serving.api.schemes.get(name), request) for name in alternative
        ]
        if all(f == "ok" for f in found):
            return None
        wrongly = wrongly or ("missing" not in found)
    return 403 if wrongly else 401


def _presented(serving: Serving, scheme: SecurityScheme | None, request: Request) -> Presented:
    """Whether ``request`` carries ``scheme``'s credential, and the right one."""
    if scheme is None or scheme.kind in ("mutual-tls", "other"):
        return "ok"  # the TLS handshake's, or nothing the sandbox can judge
    given: str | None
    if scheme.kind == "api-key":
        name = scheme.parameter or ""
        if scheme.location == "query":
            given = request.query_params.get(name)
        elif scheme.location == "cookie":
            given = request.cookies.get(name)
        else:
            given = request.headers.get(name)
    else:
        header = request.headers.get("authorization", "")
        kind, _, value = header.partition(" ")
        wanted = "basic" if scheme.kind == "basic" else "bearer"
        given = value.strip() if kind.lower() == wanted else None
        if given is not None and scheme.kind == "basic":
            try:
                given = base64.b64decode(given, validate=True).decode("utf-8").partition(":")[2]
            except (ValueError, UnicodeDecodeError):
                return "wrong"
    if not given:
        return "missing"
    return "ok" if hmac.compare_digest(given.encode(), serving.token.encode()) else "wrong"


def token_endpoint(serving: Serving) -> Callable[[Request], Any]:
    """An OAuth2 token endpoint (client credentials): the sandbox's token, for its secret."""

    async def issue(request: Request) -> Response:
        secret = ""
        kind, _, value = request.headers.get("authorization", "").partition(" ")
        if kind.lower() == "basic":
            try:
                secret = base64.b64decode(value, validate=True).decode().partition(":")[2]
            except (ValueError, UnicodeDecodeError):
                secret = ""
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        secret = secret or form.get("client_secret", "")
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, 400)
        if not hmac.compare_digest(secret.encode(), serving.token.encode()):
            return JSONResponse({"error": "invalid_client"}, 401)
        body = {"access_token": serving.token, "token_type": "Bearer", "expires_in": 3600}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    return issue
