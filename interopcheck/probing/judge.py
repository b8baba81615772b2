"""Judging one exchange: each ``http`` requirement of the profile, on what came back.

Each check applies to some exchanges only (``accepts-valid`` to valid messages sent with the
right credentials, ``authentication`` to requests without or with wrong ones, body checks to
2xx and 4xx answers — a 5xx is ``no-server-error``'s finding, not a body's). An exchange's outcome
for a requirement is ``passed`` or ``failed``; where the check does not apply there is none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from interopcheck.probing.client import Answer
from interopcheck.probing.plan import Exchange
from interopcheck.profile.checks import HttpCheck
from interopcheck.profile.model import Api, Profile, Requirement
from interopcheck.results import Finding, Outcome
from interopcheck.sources.positions import pointer_of
from interopcheck.standard.catalog import Catalog

#: What a server's internals look like when they leak into an error body.
INTERNALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a Python traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("a source file path and line", re.compile(r'File "[^"]+", line \d+')),
    ("a Java stack trace", re.compile(r"\bat [\w$.]+\([\w$]+\.java:\d+\)")),
    ("a .NET stack trace", re.compile(r"\bat [\w.`<>]+\(.*\) in .+:line \d+")),
    ("a .NET exception", re.compile(r"\bSystem\.[A-Z]\w*Exception\b")),
    ("a Node.js stack trace", re.compile(r"\bat .+ \(/[^)]+\.js:\d+:\d+\)")),
    ("a PHP error", re.compile(r"<b>(Fatal error|Warning)</b>:|PHP (Fatal|Parse) error")),
    ("a database error", re.compile(r"SQLSTATE\[|\bORA-\d{5}\b|sqlalchemy\.exc\.|psycopg2?\.")),
    ("a server file path", re.compile(r"(?:/srv|/usr/lib|/var/www|/home/\w+|[A-Z]:\\\\)[/\\]")),
)

#: How a TLS refusal of a client certificate reads (probe/client.py's words for it).
TLS_REFUSALS = ("TLS failed", "connection reset", "connection failed", "the server broke")


@dataclass
class Verdict:
    findings: list[Finding]
    outcomes: dict[str, Outcome]


class Judge:
    """The http requirements of a profile, ready to judge exchanges."""

    def __init__(self, profile: Profile, catalog: Catalog) -> None:
        assert profile.api is not None
        self.api: Api = profile.api
        self.requirements: dict[str, list[Requirement]] = {}
        for requirement in profile.http_requirements():
            assert isinstance(requirement.check, HttpCheck)
            self.requirements.setdefault(requirement.check.http, []).append(requirement)
        self._check_of = {r.id: check for check, rs in self.requirements.items() for r in rs}
        #: Requirements a receiver need not enforce: a case breaking only one of them may be
        #: accepted (the sandbox does, naming it in Interopcheck-Advice) or refused.
        self._advisory = {r.id for r in profile.requirements if r.level not in profile.deciding}
        self._catalog = catalog
        self._validators: dict[str, jsonschema_rs.Validator | None] = {}

    def check_of(self, requirement_id: str) -> str | None:
        """The http check a requirement names (``accepts-valid``, ...)."""
        return self._check_of.get(requirement_id)

    def _validator(self, name: str) -> jsonschema_rs.Validator | None:
        if name not in self._validators:
            entry = self._catalog.find(name)
            self._validators[name] = None if entry is None else self._catalog.validator(entry)
        return self._validators[name]

    def judge(self, exchange: Exchange, answer: Answer) -> Verdict:
        findings: list[Finding] = []
        outcomes: dict[str, Outcome] = {}
        for check, problem, expected in self._problems(exchange, answer):
            for requirement in self.requirements.get(check, []):
                only = (
                    requirement.check.endpoints
                    if isinstance(requirement.check, HttpCheck)
                    else None
                )
                if only is not None and exchange.endpoint.id not in only:
                    continue
                if problem is None:
                    outcomes.setdefault(requirement.id, "passed")
                    continue
                outcomes[requirement.id] = "failed"
                findings.append(
                    Finding(
                        check="http",
                        message=problem,
                        keyword=check,
                        expected=expected,
                        personal=False,
                        requirement=requirement.id,
                        level=requirement.level,
                    )
                )
        return Verdict(findings, outcomes)

    def _problems(
        self, exchange: Exchange, answer: Answer
    ) -> Iterator[tuple[str, str | None, str | None]]:
        """(check, what is wrong or None when it passed, what was expected) per applicable
        check."""
        endpoint = exchange.endpoint
        status = answer.status
        if answer.refused_redirect is not None:
            yield (
                "accepts-valid" if exchange.sends_valid else "no-server-error",
                f"answered {status} redirecting to another origin ({answer.refused_redirect}); "
                "not followed, so no credentials went there",
                "an answer from the endpoint itself",
            )
            return
        if status is None and exchange.credentials != "given" and self.api.auth == "mtls":
            # mTLS refuses a missing or unknown client certificate in the handshake: the
            # connection ends (an alert, or a reset under TLS 1.3) before any HTTP answer.
            refused = (answer.error or "").startswith(TLS_REFUSALS)
            yield (
                "authentication",
                None if refused else f"no answer, but not a TLS refusal: {answer.error}",
                "the TLS handshake refused",
            )
            return
        if status is None:
            failure = f"no answer: {answer.error}"
            if exchange.sends_valid:
                yield "accepts-valid", failure, f"{endpoint.accepted} and a {endpoint.response}"
            yield "no-server-error", failure, "an HTTP answer"
            if answer.error and "within" in answer.error:
                yield "response-time", failure, f"under {self.api.max_response_ms} ms"
            return
        what = _what(exchange)
        if exchange.sends_valid:
            yield (
                "accepts-valid",
                None
                if status == endpoint.accepted
                else f"answered {status} to {what}{_detail(answer)}",
                f"{endpoint.accepted}",
            )
        breaks = (exchange.breaks or {}).get("requirement")
        if exchange.kind == "invalid" and breaks not in self._advisory:
            if status < 300:
                yield (
                    "rejects-invalid",
                    f"accepted (status {status}) {what}",
                    "a 4xx status and a problem",
                )
            elif status < 500:
                yield "rejects-invalid", None, None
        if exchange.credentials != "given":
            allowed = (401,) if exchange.credentials == "none" else (401, 403)
            yield (
                "authentication",
                None if status in allowed else f"answered {status} to {what}",
                " or ".join(str(s) for s in allowed),
            )
        yield (
            "no-server-error",
            f"answered {status} to {what}" if status >= 500 else None,
            "a status below 500",
        )
        if status < 500 and answer.truncated:
            yield (
                "response-schema",
                f"answered {status} with a body over the size cap to {what}",
                "a receipt or problem body",
            )
        elif status < 500:
            yield from self._body_checks(exchange, answer)
        if status >= 400:
            leak = _internals(answer.body)
            yield (
                "no-internals",
                f"the {status} answer to {what} shows {leak}" if leak else None,
                "an error body without server internals",
            )
        echoed = answer.headers.get(self.api.correlation_header.lower())
        yield (
            "correlation-id",
            None
            if echoed == exchange.correlation_id
            else (
                f"the {self.api.correlation_header} header was not echoed"
                if echoed is None
                else f"the {self.api.correlation_header} header came back changed"
            ),
            f"{self.api.correlation_header}: {exchange.correlation_id}",
        )
        limit = self.api.max_response_ms
        yield (
            "response-time",
            f"took {answer.elapsed_ms:.0f} ms to answer {what}"
            if answer.elapsed_ms > limit
            else None,
            f"under {limit} ms",
        )

    def _body_checks(
        self, exchange: Exchange, answer: Answer
    ) -> Iterator[tuple[str, str | None, str | None]]:
        endpoint = exchange.endpoint
        status = answer.status or 0
        if status < 200 or status in (204, 304) or 300 <= status < 400:
            return
        success = status < 300
        wanted = ["application/json"] if success else ["application/problem+json"]
        if not success and endpoint.error != "problem":
            wanted.append("application/json")  # an API of its own may answer errors in JSON
        schema = endpoint.response if success else endpoint.error
        media = answer.media_type
        yield (
            "content-type",
            None if media in wanted else f"a {status} answer came as {media or 'no type'}",
            " or ".join(wanted),
        )
        try:
            body: Any = json.loads(answer.body)
        except (UnicodeDecodeError, ValueError):
            yield (
                "response-schema",
                f"the {status} answer's body is not JSON ({_summary(answer.body)})",
                f"a {schema} (JSON)",
            )
            return
        validator = self._validator(schema) if schema else None
        if validator is None:
            return
        error = next(iter(validator.iter_errors(body)), None)
        yield (
            "response-schema",
            None
            if error is None
            else f"the {status} answer's body is not a {schema}: at "
            f"{_pointer(error.instance_path) or '/'}, {error.kind.__class__.__name__} "
            f"({error.message[:160]})",
            f"a {schema} as the standard defines it",
        )


def _what(exchange: Exchange) -> str:
    message = exchange.endpoint.receives
    if exchange.kind == "invalid":
        return f"an invalid {message}"
    if exchange.kind == "no-credentials":
        return f"a {message} sent without credentials"
    if exchange.kind == "wrong-credentials":
        return f"a {message} sent with wrong credentials"
    if exchange.kind == "edge":
        return f"a valid {message} with the {exchange.label}"
    return f"a valid {message}"


def _detail(answer: Answer) -> str:
    """What an error body says, briefly, when it is a problem document."""
    try:
        body = json.loads(answer.body)
    except (UnicodeDecodeError, ValueError):
        return ""
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return f" ({body['detail'][:200]})"
    return ""


def _internals(body: bytes) -> str | None:
    text = body[:65536].decode("utf-8", "replace")
    for name, pattern in INTERNALS:
        if pattern.search(text):
            return name
    return None


def _summary(body: bytes) -> str:
    text = body[:200].decode("utf-8", "replace").lstrip().lower()
    if text.startswith(("<!doctype html", "<html")):
        return "HTML"
    return f"{len(body)} bytes" if body else "empty"


def _pointer(path: Any) -> str:
    return pointer_of(path)
