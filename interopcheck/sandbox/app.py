"""The sandbox: a reference implementation of one actor's endpoints, as the profile declares them.

It checks what it receives against the standard and the profile (the same checker ``validate``
uses), answers with a ``receipt`` or an RFC 9457 ``problem``, requires the profile's
authentication, echoes the correlation id, and keeps what it accepted so that journeys across
actors can be exercised. Each ``--fault`` makes it misbehave in one realistic way, so that
every check a prober makes has a server that fails it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from interopcheck.errors import ProfileError
from interopcheck.profile.model import Endpoint
from interopcheck.sandbox.answers import MAX_BODY, TRACE, bounded_body, own_shape
from interopcheck.sandbox.faults import LARGE_BODY, Fault, parse_faults, refused_for
from interopcheck.sandbox.operations import (
    Serving,
    operation_handler,
    route_path,
    token_endpoint,
)
from interopcheck.sandbox.published_rules import ADVICE_HEADER, MAX_CORRELATION_ID
from interopcheck.sources.parse import ParseProblem, parse_json
from interopcheck.sources.payloads import Payload
from interopcheck.validation import ValidationSpec, build_checker

if TYPE_CHECKING:
    pass

#: The documented development token, used when neither --token nor the environment gives one.
DEVELOPMENT_TOKEN = "interopcheck-development-token"
TOKEN_ENV = "INTEROPCHECK_SANDBOX_TOKEN"
PROBLEM = "application/problem+json"
UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


@dataclass
class SandboxConfig:
    profile: str
    actor: str
    token: str = DEVELOPMENT_TOKEN
    faults: frozenset[Fault] = frozenset()
    slow_seconds: float | None = None
    """How long ``slow`` waits (default: twice the profile's maxResponseMs)."""


#: What the store keeps at most: the oldest message goes first beyond either bound.
STORE_MESSAGES = 10_000
STORE_BYTES = 64 * 1024 * 1024


@dataclass
class Store:
    """What the sandbox accepted: by message id, and by PTI-URN for case look-ups. Bounded in
    count and bytes (oldest out), so a client cannot grow it without end."""

    messages: dict[str, tuple[Any, int]] = field(default_factory=dict)
    by_case: dict[str, list[Any]] = field(default_factory=dict)
    size: int = 0
    max_messages: int = STORE_MESSAGES
    max_bytes: int = STORE_BYTES

    def keep(self, message: Any, size: int) -> bool:
        """Keep a message of ``size`` bytes; False when its message id was seen before."""
        header = _header_of(message)
        message_id = str(header.get("messageId"))
        if message_id in self.messages:
            return False
        self.messages[message_id] = (message, size)
        self.size += size
        urn = _urn(message)
        if urn is not None:
            self.by_case.setdefault(urn, []).append(message)
        while len(self.messages) > self.max_messages or self.size > self.max_bytes:
            self._forget_oldest()
        return True

    def _forget_oldest(self) -> None:
        oldest = next(iter(self.messages))
        message, size = self.messages.pop(oldest)
        self.size -= size
        urn = _urn(message)
        if urn is not None:
            kept = [m for m in self.by_case.get(urn, []) if m is not message]
            if kept:
                self.by_case[urn] = kept
            else:
                self.by_case.pop(urn, None)


def _urn(message: Any) -> str | None:
    case = message.get("case")
    urn = message.get("ptiUrn") or (case.get("ptiUrn") if isinstance(case, dict) else None)
    return urn if isinstance(urn, str) else None


def create_app(config: SandboxConfig) -> Starlette:
    """The ASGI app for one actor of a profile; ``SetupError`` when it cannot be built."""
    parse_faults(config.faults)  # a config built without parse_faults: checked all the same
    checker = build_checker(ValidationSpec(profile=config.profile))
    assert checker.rules is not None
    profile = checker.rules.profile
    if profile.api is None:
        raise ProfileError(f"profile {profile.id} declares no api (endpoints to serve)")
    if config.actor not in profile.actors:
        raise ProfileError(
            f"profile {profile.id} has no actor {config.actor!r}; actors: "
            f"{', '.join(profile.actors)}"
        )
    endpoints = profile.api.for_actor(config.actor)
    deciding = profile.deciding
    # One thread: the checker keeps per-check state, so checks run one at a time, off the loop.
    checking = ThreadPoolExecutor(max_workers=1, thread_name_prefix="interopcheck-check")
    if not endpoints:
        raise ProfileError(f"profile {profile.id} declares no endpoint for {config.actor}")
    checker.warm()
    store = Store()
    api = profile.api
    slow = config.slow_seconds
    if slow is None:
        slow = 2 * api.max_response_ms / 1000
    faults = config.faults

    def correlation(request: Request, response: Response) -> Response:
        value = request.headers.get(api.correlation_header)
        if value and value.isprintable() and "no-correlation-id" not in faults:
            # (never a control character back: ESC or BEL would reach whoever reads the logs)
            # Echoed whole: it arrived as a valid header value, and a cut one can end in a space,
            # which no HTTP/1.1 server may send (the connection was dropped).
            response.headers[api.correlation_header] = value
        return response

    # An API of its own (an OpenAPI-sourced profile) answers in its own declared shapes: one
    # valid body of each, generated once from its schema, stands for every answer.
    own_success = {e.id: own_shape(checker, e.response) for e in endpoints if not e.documented}
    own_error = {e.id: own_shape(checker, e.error) for e in endpoints if not e.documented}

    def problem(
        request: Request,
        status: int,
        title: str,
        detail: str,
        endpoint: Endpoint | None = None,
        **extra: Any,
    ) -> Response:
        shaped = own_error.get(endpoint.id) if endpoint is not None else None
        body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        body.update(extra)
        if shaped is not None:
            body = shaped
        if "wrong-content-type" in faults:
            return correlation(request, PlainTextResponse(json.dumps(body), status_code=status))
        plain = shaped is not None or "errors-as-plain-json" in faults
        media = "application/json" if plain else PROBLEM
        return correlation(request, JSONResponse(body, status_code=status, media_type=media))

    def refusal(request: Request) -> int | None:
        """401 without credentials, 403 with wrong ones, None with the right ones."""
        if "no-auth-check" in faults or api.auth in ("none", "mtls"):  # mtls: TLS refuses
            return None
        if api.auth == "api-key":
            given = request.headers.get(api.api_key_header)
        else:
            header = request.headers.get("authorization", "")
            given = header[7:] if header[:7].lower() == "bearer " else None
        if not given:
            return 401
        if not hmac.compare_digest(given.encode(), config.token.encode()):
            return 403
        return None

    def denied(request: Request, endpoint: Endpoint | None = None) -> Response | None:
        status = refusal(request)
        if status == 401:
            response = problem(request, 401, "Unauthorized", "credentials are required", endpoint)
            response.headers["WWW-Authenticate"] = "Bearer" if api.auth == "bearer" else api.auth
            return response
        if status == 403:
            return problem(
                request, 403, "Forbidden", "these credentials are not accepted", endpoint
            )
        return None

    def receiver(endpoint: Endpoint) -> Any:
        assert endpoint.receives is not None  # a profile's own endpoints receive a message
        entry = checker.catalog.for_message(endpoint.receives, None)
        if entry is None:
            raise ProfileError(f"no schema for {endpoint.receives} (endpoint {endpoint.id})")
        # The endpoint says what it receives: bodies need not name their type in a header.
        typed = checker.fixed_to(entry)

        async def receive(request: Request) -> Response:
            if "slow" in faults:
                await asyncio.sleep(slow)
            refusal = denied(request, endpoint)
            if refusal is not None:
                return refusal
            correlation_id = request.headers.get(api.correlation_header, "")
            if len(correlation_id) > MAX_CORRELATION_ID or not correlation_id.isprintable():
                return problem(
                    request,
                    400,
                    "Bad Request",
                    f"{api.correlation_header} must be at most {MAX_CORRELATION_ID} printable "
                    "characters",
                    endpoint,
                )
            content_type = request.headers.get("content-type", "").split(";")[0].strip()
            if content_type.lower() != "application/json":  # media types are case-insensitive
                return problem(
                    request, 415, "Unsupported Media Type", "send application/json", endpoint
                )
            body = await bounded_body(request)
            if body is None:
                return problem(
                    request, 413, "Content Too Large", f"at most {MAX_BODY} bytes", endpoint
                )
            if "slow-on-large" in faults and len(body) > LARGE_BODY:
                await asyncio.sleep(slow)
            try:
                message = parse_json(body.decode("utf-8"))
            except (UnicodeDecodeError, ParseProblem) as exc:
                return problem(request, 400, "Bad Request", f"not a JSON message: {exc}", endpoint)
            if "crash-on-apostrophe" in faults and "'" in json.dumps(message, ensure_ascii=False):
                return PlainTextResponse("Internal Server Error", status_code=500)
            declared = _declared_type(message)
            if declared is not None and declared != endpoint.receives:
                wrong = f"this endpoint receives {endpoint.receives}, not {declared}"
                return problem(request, 422, "Unprocessable Content", wrong[:300], endpoint)
            # Checked on the checking thread, never on the event loop: a large message with
            # costly rules must not stop the sandbox answering anyone else (health included).
            payload = Payload(source="request", syntax="json", value=message)
            try:
                result = await asyncio.get_running_loop().run_in_executor(
                    checking, typed.check, payload, 0
                )
            except RuntimeError:  # the process is stopping (Ctrl-C): no new checks start
                return problem(request, 503, "Service Unavailable", "the sandbox is stopping")
            # Rejected: what breaks the standard or a deciding requirement of the profile.
            # A SHOULD breach is accepted and named in the Interopcheck-Advice header: what
            # a receiver must refuse is what the published OpenAPI (and its x-interopcheck-
            # rules) says, and nothing a client could not know.
            findings = refused_for(result.findings, deciding, faults)
            advice = sorted(
                {f.requirement for f in result.findings if f not in findings and f.requirement}
            )
            if findings and "accept-invalid" not in faults:
                if "stack-trace" in faults:
                    return PlainTextResponse(TRACE, status_code=500)
                errors = [
                    {"pointer": f.pointer, "detail": f.message[:1000], "requirement": f.requirement}
                    for f in findings[:1000]
                ]
                return problem(
                    request,
                    422,
                    "Unprocessable Content",
                    f"the {endpoint.receives} breaks {len(findings)} rule(s) of {profile.id}",
                    endpoint,
                    errors=errors,
                )
            header = _header_of(message)
            fresh = store.keep(message, len(body)) if isinstance(message, dict) else True
            receipt: dict[str, Any] = {
                "receiptId": str(uuid.uuid4()),
                "messageId": _uuid_of(header.get("messageId")),
                "correlationId": _uuid_of(header.get("correlationId")),
                "receivedAt": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "status": "ACCEPTED" if fresh else "DUPLICATE",
            }
            if "bad-receipt" in faults:
                receipt.pop("receiptId")
                receipt["status"] = "OK"
            shaped = own_success.get(endpoint.id)
            if shaped is not None:
                receipt = {} if "bad-receipt" in faults else shaped
            status = 200 if "wrong-status" in faults else endpoint.accepted
            extra = {ADVICE_HEADER: " ".join(str(a) for a in advice)} if advice else None
            if "wrong-content-type" in faults:
                return correlation(
                    request, PlainTextResponse(json.dumps(receipt), status, headers=extra)
                )
            return correlation(request, JSONResponse(receipt, status_code=status, headers=extra))

        return receive

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "profile": profile.id, "actor": config.actor})

    async def case(request: Request) -> Response:
        refusal = None if "unauthenticated-reads" in faults else denied(request)
        if refusal is not None:
            return refusal
        urn = request.path_params["urn"]
        messages = store.by_case.get(urn)
        if messages is None:
            return problem(request, 404, "Not Found", f"no case {urn[:40]} here")
        return correlation(request, JSONResponse({"ptiUrn": urn, "messages": messages}))

    serving = Serving(
        checker=checker,
        api=api,
        faults=faults,
        deciding=deciding,
        checking=checking,
        slow=slow,
        token=config.token,
        correlation=correlation,
    )
    routes = [
        Route(e.path, receiver(e), methods=[e.method], name=e.id)
        for e in endpoints
        if not e.documented
    ]
    # an API document's operations: a path without parameters before one with (``/cases/new``
    # is not the case ``new``)
    documented = sorted((e for e in endpoints if e.documented), key=lambda e: e.path.count("{"))
    serving.warm(documented)
    routes += [
        Route(route_path(e)[0], operation_handler(e, serving), methods=[e.method], name=e.id)
        for e in documented
    ]
    # an OAuth2 token endpoint on the sandbox's own origin, where the document has one
    for scheme in api.schemes.values():
        if scheme.kind == "oauth2-client-credentials" and scheme.token_url:
            path = urlsplit(scheme.token_url).path or "/"
            routes.insert(0, Route(path, token_endpoint(serving), methods=["POST"]))
    from interopcheck.sandbox.openapi import openapi_document

    document = openapi_document(profile, config.actor, checker.catalog)

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    # the sandbox's own routes: its document first (an API's own /{name}.json must not take
    # it); the standard's health and case look-up only beside a profile's own endpoints
    routes.insert(0, Route("/openapi.json", openapi, methods=["GET"]))
    if not documented:
        routes += [
            Route("/v1/health", health, methods=["GET"]),
            Route("/v1/cases/{urn}", case, methods=["GET"]),
        ]

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        titles = {404: "Not Found", 405: "Method Not Allowed"}
        title = titles.get(status, "Internal Server Error")
        response = problem(request, status, title, f"{request.method} {request.url.path[:100]}")
        allowed = (getattr(exc, "headers", None) or {}).get("Allow")
        if status == 405 and allowed:  # RFC 9110 15.5.6: a 405 says what is allowed
            response.headers["Allow"] = allowed
        return response

    async def failed(request: Request, exc: Exception) -> Response:
        return problem(request, 500, "Internal Server Error", "the sandbox failed on this request")

    app = Starlette(
        routes=routes,
        exception_handlers={404: not_found, 405: not_found, 500: failed, Exception: failed},
    )
    app.state.store = store
    app.state.endpoints = endpoints
    return app


def _uuid_of(value: Any) -> str:
    """An id echoed in a receipt: the message's own when it is a UUID, else a fresh one (what
    ``accept-invalid`` lets in may have none; the receipt must still be one)."""
    if isinstance(value, str) and UUID_TEXT.fullmatch(value):
        return value
    return str(uuid.uuid4())


def _header_of(message: Any) -> dict[str, Any]:
    """A message's header, or nothing (what ``accept-invalid`` lets in may have none, or a
    header of another type)."""
    header = message.get("header") if isinstance(message, dict) else None
    return header if isinstance(header, dict) else {}


def _declared_type(message: Any) -> str | None:
    """The message type a body's header claims, if it has one."""
    header = message.get("header") if isinstance(message, dict) else None
    claimed = header.get("messageType") if isinstance(header, dict) else None
    return claimed if isinstance(claimed, str) else None


def describe(endpoints: list[Endpoint]) -> list[str]:
    """The routes served, a line each, for the start-up message."""
    own = [] if any(e.documented for e in endpoints) else ["GET /v1/health", "GET /v1/cases/{urn}"]
    return [f"{e.method} {e.path}  ({e.receives or 'no body'})" for e in endpoints] + [
        "GET /openapi.json",
        *own,
    ]
