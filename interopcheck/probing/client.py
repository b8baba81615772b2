"""Sending exchanges: httpx, async, bounded in concurrency, rate, time and response size.

A hostile or broken server costs at most ``timeout`` seconds and ``max_response_bytes`` of memory
per request. Redirects are followed only to the same origin (307/308, at most five); a redirect to
another host is recorded, not followed, so credentials never travel there. 429 and 503 are retried
(at most three times) after their Retry-After, when that is no longer than ``max_retry_wait``.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import ssl
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload
from urllib.parse import urljoin, urlsplit

import httpx

from interopcheck import __version__
from interopcheck.domain.http import media_kind
from interopcheck.probing.auth import (
    NO_CREDENTIALS,
    Credentials,
    Keyring,
    throwaway_certificate_context,
)
from interopcheck.probing.headers import ExtraHeader
from interopcheck.probing.plan import Exchange

RETRY_STATUSES = (429, 503)
MAX_RETRIES = 3
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class SendOptions:
    timeout: float = 10.0
    concurrency: int = 8
    rate_limit: float | None = None
    """Requests per second at most (None: no limit)."""
    max_response_bytes: int = 1024 * 1024
    max_retry_wait: float = 30.0
    ca_bundle: str | None = None
    extra_headers: tuple[ExtraHeader, ...] = ()
    """``-H``: sent on every request."""


@dataclass
class Answer:
    """What came back for one exchange (or why nothing did)."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    """Lower-cased names; repeated headers joined with ', '."""
    body: bytes = b""
    truncated: bool = False
    """The body went past ``max_response_bytes``; reading stopped there."""
    elapsed_ms: float = 0.0
    error: str | None = None
    """A transport failure, in words: refused, reset, timed out, TLS, ..."""
    refused_redirect: str | None = None
    """A redirect to another origin that was not followed (credentials stay home)."""
    retries: int = 0
    url: str = ""

    @property
    def media_type(self) -> str:
        return media_kind(self.headers.get("content-type", ""))


class Unreachable(Exception):
    """The target cannot be reached at all (refused, DNS, TLS, timeout)."""


class Sender:
    """Sends exchanges to one target with one set of credentials."""

    def __init__(
        self,
        target: str,
        credentials: Credentials | Keyring,
        correlation_header: str,
        options: SendOptions,
    ) -> None:
        self.target = target.rstrip("/")
        self.keyring = Keyring.of(credentials)
        certificate = self.keyring.tls or NO_CREDENTIALS
        self.correlation_header = correlation_header
        self.options = options
        self._semaphore = asyncio.Semaphore(options.concurrency)
        self._rate_lock = asyncio.Lock()
        self._next_start = 0.0
        limits = httpx.Limits(
            max_connections=options.concurrency, max_keepalive_connections=options.concurrency
        )
        timeout = httpx.Timeout(options.timeout)
        headers = {"User-Agent": f"interopcheck/{__version__}"}
        contexts: dict[str, ssl.SSLContext | bool] = {"given": True, "none": True, "wrong": True}
        if urlsplit(self.target).scheme == "https":
            ca = Path(options.ca_bundle) if options.ca_bundle else None
            contexts["given"] = certificate.ssl_context(ca)
            # no credentials at all: not even a client certificate
            contexts["none"] = NO_CREDENTIALS.ssl_context(ca)
            # wrong ones: a header with a wrong secret, or a certificate nobody issued
            contexts["wrong"] = (
                throwaway_certificate_context(ca) if self.keyring.cert else contexts["given"]
            )
        self._clients = {
            which: httpx.AsyncClient(
                limits=limits, timeout=timeout, headers=headers, verify=context, trust_env=False
            )
            for which, context in contexts.items()
        }

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    def url(self, exchange: Exchange) -> str:
        written = exchange.written
        keys = [pair for c in self.presented(exchange) for pair in c.query(self._wrong(exchange))]
        if not keys:
            return self.target + written.target
        from urllib.parse import urlencode

        query = "&".join(q for q in (written.query, urlencode(keys)) if q)
        return f"{self.target}{written.path}?{query}"

    @staticmethod
    def _wrong(exchange: Exchange) -> bool:
        return exchange.credentials == "wrong"

    def presented(self, exchange: Exchange) -> tuple[Credentials, ...]:
        return self.keyring.presented(exchange.endpoint, exchange.credentials, exchange.omitted)

    def headers(self, exchange: Exchange, content_type: str | None) -> dict[str, str]:
        headers = {
            **exchange.written.headers,
            **{h.name: h.value for h in self.options.extra_headers},
            "Accept": "application/json, application/problem+json",
            "Accept-Encoding": "identity",
            self.correlation_header: exchange.correlation_id,
        }
        if content_type is not None:
            headers["Content-Type"] = content_type
        wrong = self._wrong(exchange)
        cookies = [exchange.written.headers.get("Cookie", "")]
        for credential in self.presented(exchange):
            headers.update(credential.headers(wrong=wrong))
            cookies.append(credential.cookie(wrong=wrong) or "")
        cookie = "; ".join(c for c in cookies if c)
        if cookie:
            headers["Cookie"] = cookie
        return headers

    @overload
    async def send(self, exchange: Exchange) -> Answer: ...
    @overload
    async def send(
        self, exchange: Exchange, admit: Callable[[Exchange], bool]
    ) -> Answer | None: ...

    async def send(
        self, exchange: Exchange, admit: Callable[[Exchange], bool] | None = None
    ) -> Answer | None:
        """Send ``exchange`` (retrying as ``Retry-After`` asks); with ``admit``, only if it
        still says yes once a place among the requests in flight is free (None otherwise)."""
        async with self._semaphore:
            if admit is not None and not admit(exchange):
                return None
            answer = Answer()
            for attempt in range(MAX_RETRIES + 1):
                await self._pace()
                answer = await self._deadline(self._once(exchange))
                answer.retries = attempt
                wait = _retry_after(answer)
                if wait is None or attempt == MAX_RETRIES or wait > self.options.max_retry_wait:
                    break
                await asyncio.sleep(wait)
            return answer

    async def _deadline(self, sending: Awaitable[Answer]) -> Answer:
        """Bound the whole exchange, not just each read: a server dribbling a byte at a time
        still costs at most ``timeout`` seconds (a little more for the redirects)."""
        started = time.perf_counter()
        limit = self.options.timeout * 1.5
        try:
            if sys.version_info >= (3, 11):
                # asyncio.timeout, not wait_for: before 3.12, wait_for can swallow a
                # cancellation that races the answer, and Ctrl-C (which asyncio.run turns into
                # a cancellation) was then lost (measured: demo ran on to exit 0).
                async with asyncio.timeout(limit):
                    return await sending
            return await asyncio.wait_for(sending, limit)
        except asyncio.TimeoutError:
            return Answer(
                error=f"no complete answer within {self.options.timeout:g} s",
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )

    async def _pace(self) -> None:
        if not self.options.rate_limit:
            return
        async with self._rate_lock:
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + 1 / self.options.rate_limit
        if start > now:
            await asyncio.sleep(start - now)

    async def _once(self, exchange: Exchange) -> Answer:
        client = self._clients[
            "given" if exchange.credentials == "partial" else exchange.credentials
        ]
        url = self.url(exchange)
        body, content_type = exchange.encoded()
        headers = [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in self.headers(exchange, content_type).items()
        ]
        if exchange.odd_header is not None:  # sent as UTF-8: HTTP carries bytes
            name, value = exchange.odd_header
            headers.append((name.encode("latin-1"), value.encode("utf-8")))
        started = time.perf_counter()
        for _ in range(MAX_REDIRECTS + 1):
            answer = await self._request(client, exchange.endpoint.method, url, headers, body)
            answer.elapsed_ms = (time.perf_counter() - started) * 1000
            location = answer.headers.get("location")
            if answer.status not in (301, 302, 303, 307, 308) or not location:
                return answer
            following = urljoin(url, location)
            if _origin(following) != _origin(url):
                answer.refused_redirect = following
                return answer
            if answer.status not in (307, 308):
                return answer  # would turn the POST into a GET: the answer is the redirect
            url = following
        return answer

    async def _request(
        self,
        client: httpx.AsyncClient,
        method: str,
        url: str,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
    ) -> Answer:
        answer = Answer(url=url)
        try:
            request = client.build_request(method, url, headers=headers, content=body)
            response = await client.send(request, stream=True)
            try:
                answer.status = response.status_code
                answer.headers = {k.lower(): v for k, v in response.headers.multi_items()}
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_raw():
                    size += len(chunk)
                    if size > self.options.max_response_bytes:
                        answer.truncated = True
                        break
                    chunks.append(chunk)
                limit = self.options.max_response_bytes
                answer.body, cut = _decoded(b"".join(chunks), answer.headers, limit)
                answer.truncated = answer.truncated or cut
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            answer.error = describe_transport_error(exc, self.options.timeout)
        return answer


def _decoded(body: bytes, headers: dict[str, str], limit: int) -> tuple[bytes, bool]:
    """The body without its content-encoding, at most ``limit`` bytes of it (a compression
    bomb stops there too); True when it was cut."""
    encoding = headers.get("content-encoding", "").lower()
    if encoding not in ("gzip", "deflate") or not body:
        return body, False
    import zlib

    decompressor = zlib.decompressobj(31 if encoding == "gzip" else 15)
    try:
        out = decompressor.decompress(body, limit)
    except zlib.error:
        return body, False
    return out, bool(decompressor.unconsumed_tail)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


def _retry_after(answer: Answer) -> float | None:
    """Seconds to wait before retrying a 429/503, or None when it should not be retried."""
    if answer.status not in RETRY_STATUSES:
        return None
    value = answer.headers.get("retry-after", "").strip()
    if not value:
        return 1.0
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return max(0.0, when.timestamp() - time.time())


def describe_transport_error(exc: httpx.HTTPError, timeout: float) -> str:
    """A transport failure in a few words a user acts on."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return f"TLS failed: {cause.reason or cause}"
        if isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED:
            return "connection refused (is the server running, on this port?)"
        if isinstance(cause, OSError) and cause.errno in (errno.ECONNRESET, errno.EPIPE):
            return "connection reset by the server"
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out connecting after {timeout:g} s"
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if (
            "name or service not known" in lowered
            or "nodename nor servname" in lowered
            or ("temporary failure in name resolution" in lowered)
        ):
            return "DNS lookup failed (no such host)"
        if "certificate" in lowered or "ssl" in lowered:
            return f"TLS failed: {text}"
        if "refused" in lowered:
            return "connection refused (is the server running, on this port?)"
        return f"cannot connect: {text or type(exc).__name__}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke the HTTP protocol: {text or 'disconnected'}"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return f"connection failed: {text or 'reset by the server'}"
    return f"{type(exc).__name__}: {text}"
