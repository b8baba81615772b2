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

from interopcheck.domain.http import is_json_media, media_kind
from interopcheck.probing.client import Answer
from interopcheck.probing.plan import LARGEST, Exchange
from interopcheck.profile.checks import HttpCheck
from interopcheck.profile.model import Api, Endpoint, Profile, Requirement
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

    def __init__(
        self, profile: Profile, catalog: Catalog, checks: frozenset[str] | None = None
    ) -> None:
        """``checks``: the http checks to judge (None: every one); the requirements of the
        others get no outcome, and go untested."""
        assert profile.api is not None
        self.api: Api = profile.api
        self.requirements: dict[str, list[Requirement]] = {}
        for requirement in profile.http_requirements():
            assert isinstance(requirement.check, HttpCheck)
            if checks is None or requirement.check.http in checks:
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
                if _accepted(endpoint, status)
                else f"answered {status} to {what}{_detail(answer)}",
                _acceptable(endpoint),
            )
        if exchange.kind == "read-back":
            yield (
                "reads-back",
                None if 200 <= status < 300 else f"answered {status} to {what}{_detail(answer)}",
                "a 2xx: what was accepted can be read",
            )
        elif exchange.kind == "unknown-read":
            yield (
                "reads-back",
                None if status in (404, 410) else f"answered {status} to {what}",
                "404, as the document declares",
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
        elif status < 500 and endpoint.documented:
            yield from self._declared_checks(exchange, answer)
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

    def _declared_checks(
        self, exchange: Exchange, answer: Answer
    ) -> Iterator[tuple[str, str | None, str | None]]:
        """An answer of an API document's operation: a status it declares (an answer to a
        request without or with wrong credentials excepted: the security it declares says
        those are refused), in a media type it declares for that status, with a body its
        schema accepts."""
        endpoint = exchange.endpoint
        status = answer.status or 0
        declared = endpoint.declared(status)
        if declared is None:
            if _undeclared_matters(exchange, status):
                listed = ", ".join(r.status for r in endpoint.responses)
                yield (
                    "response-schema",
                    f"answered {status}, which the document does not declare for "
                    f"{endpoint.method} {endpoint.path}, to {_what(exchange)}",
                    f"a declared status ({listed})",
                )
            return
        if endpoint.method == "HEAD" or status in (204, 304) or not declared.media_types:
            return
        media = answer.media_type
        yield (
            "content-type",
            None
            if any(_media_matches(media, m) for m in declared.media_types)
            else f"a {status} answer came as {media or 'no type'}",
            " or ".join(declared.media_types),
        )
        if declared.schema is None or not is_json_media(media):
            return
        expected = f"a {declared.schema} as the document declares it for {declared.status}"
        yield from self._schema_check(answer, declared.schema, expected)

    def _schema_check(
        self, answer: Answer, schema: str | None, expected: str
    ) -> Iterator[tuple[str, str | None, str | None]]:
        """The answer's body is JSON, and a ``schema`` (when there is one to judge by)."""
        status = answer.status
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
            expected,
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
        yield from self._schema_check(answer, schema, f"a {schema} as the standard defines it")


def _accepted(endpoint: Endpoint, status: int) -> bool:
    """A valid request's answer: a declared 2xx, or (for a resource named in the path, which
    may not exist) 404 or 410."""
    if status in endpoint.success_statuses:
        return True
    return endpoint.documented and endpoint.reads and status in (404, 410)


def _acceptable(endpoint: Endpoint) -> str:
    codes = endpoint.success_statuses
    said = "2xx" if len(codes) > 10 else " or ".join(str(c) for c in codes)
    return said + (
        " (or 404 for a resource that does not exist)"
        if endpoint.documented and endpoint.reads
        else ""
    )


def _undeclared_matters(exchange: Exchange, status: int) -> bool:
    """Whether an answer the document does not declare is a finding. Not when the document
    says nothing of that kind of answer: a refusal of credentials (its security says so), a
    2xx where it declares none, a 4xx to an invalid request where it declares no 4xx (a
    document need not list every refusal; where it lists some, the answer is one of them)."""
    declared = [r.status.upper() for r in exchange.endpoint.responses]
    if exchange.credentials != "given" and status in (401, 403):
        return False
    if 200 <= status < 300 and not any(s.startswith("2") for s in declared):
        return False
    refusals = [s for s in declared if s.startswith("4") and s not in ("401", "403", "404")]
    if exchange.kind == "odd-header" and status in (400, 431):
        return False  # a header a server refuses whatever its document says of refusals
    return not (exchange.kind == "invalid" and 400 <= status < 500 and not refusals)


def _media_matches(media: str, declared: str) -> bool:
    kind = media_kind(declared)
    if kind in ("*/*", media):
        return True
    return kind.endswith("/*") and media.startswith(kind[:-1])


def _what(exchange: Exchange) -> str:
    endpoint = exchange.endpoint
    message = endpoint.receives
    request = message is None or exchange.breaking == "parameters"
    subject = (
        message
        if message is not None and not request
        else (f"{endpoint.method} {endpoint.path} request")
    )
    article = "an" if subject[:1].lower() in "aeiou" else "a"
    if exchange.kind == "invalid":
        said = (exchange.breaks or {}).get("description")
        case = f" ({said})" if said else ""
        return (
            f"a {subject} with invalid parameters{case}"
            if request
            else f"an invalid {message}{case}"
        )
    if exchange.kind in ("no-credentials", "wrong-credentials"):
        how = "without" if exchange.kind == "no-credentials" else "with wrong"
        return f"{article} {subject} sent {how} credentials"
    if exchange.kind == "read-back":
        return (
            f"a read of what #{exchange.follows} made ({endpoint.method} {exchange.written.target})"
        )
    if exchange.kind == "unknown-read":
        return f"a read of {exchange.written.target}, which nothing made"
    if exchange.kind == "odd-header":
        return f"{article} {subject} with {exchange.label}"
    if exchange.kind == "partial-credentials":
        return f"{article} {subject} sent without its {exchange.omitted} credential"
    if exchange.kind == "edge" and not request:
        return f"a valid {message} with the {exchange.label}"
    if exchange.label.startswith(LARGEST) and not request:
        return f"{exchange.label.replace('case', str(message), 1)}"
    return f"a valid {subject}"


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
