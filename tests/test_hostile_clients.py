"""The sandbox against hostile clients, on loopback: every answer is problem+json, its store is
bounded, a control character never comes back in a header, and connections that never speak
are closed instead of locking everyone out. Before: 404/405/500 were text/plain, the store grew
about 9 KiB a message without end, ESC and BEL were echoed, and 1,100 idle connections exhausted
its file descriptors."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import interopcheck.sandbox.serve as serve
from interopcheck.sandbox.app import SandboxConfig, Store, create_app
from tests.conftest import EXAMPLES, run_cli
from tests.servers import serving

AUTH = {"Authorization": "Bearer t"}
VALID = json.loads(
    (EXAMPLES / "journeys" / "theft-and-knife" / "05-hearing-result.json").read_text()
)


@pytest.fixture(scope="module")
def court() -> Any:
    """The prison's sandbox (it receives hearing results)."""
    with serving(create_app(SandboxConfig("justice-ew", "prison", token="t"))) as url:
        yield url


@pytest.mark.parametrize(
    ("method", "path", "status"), [("GET", "/nope", 404), ("DELETE", "/v1/health", 405)]
)
def test_every_answer_is_a_problem(court: str, method: str, path: str, status: int) -> None:
    answer = httpx.request(method, court + path, timeout=20)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == status


def test_media_types_are_case_insensitive(court: str) -> None:
    message = json.loads(json.dumps(VALID))
    message["header"]["messageId"] = "6a0f3b8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    answer = httpx.post(
        f"{court}/v1/hearing-results",
        content=json.dumps(message),
        headers={**AUTH, "Content-Type": "Application/JSON; charset=UTF-8"},
        timeout=20,
    )
    assert answer.status_code == 202, answer.text


def _raw(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as connection:
        connection.sendall(request)
        return connection.recv(65536)


def test_a_control_character_in_the_correlation_id_is_refused_not_echoed(court: str) -> None:
    body = json.dumps(VALID).encode()
    answer = _raw(
        court,
        b"POST /v1/hearing-results HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
        b"Content-Type: application/json\r\nX-Correlation-Id: a\x1b[2Jb\x07\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body,
    )
    head = answer.split(b"\r\n\r\n", 1)[0]
    assert head.startswith(b"HTTP/1.1 400") and b"\x1b" not in head and b"\x07" not in head
    assert b"application/problem+json" in head


def test_the_store_is_bounded_oldest_out() -> None:
    store = Store(max_messages=3, max_bytes=10_000)
    for number in range(5):
        message = {"header": {"messageId": str(number)}, "ptiUrn": f"URN{number % 2}"}
        assert store.keep(message, 100)
    assert list(store.messages) == ["2", "3", "4"] and store.size == 300
    assert [m["header"]["messageId"] for m in store.by_case["URN0"]] == ["2", "4"]
    assert [m["header"]["messageId"] for m in store.by_case["URN1"]] == ["3"]
    big = Store(max_messages=100, max_bytes=250)
    for number in range(4):
        big.keep({"header": {"messageId": str(number)}}, 100)
    assert list(big.messages) == ["2", "3"] and big.size == 200


def test_connections_that_never_speak_are_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """300 connections that send nothing: past the limit new callers get 503 (not a hang), and
    once the head deadline passes (1 s here instead of 10, to keep the test short) the sandbox
    answers again."""
    monkeypatch.setattr(serve, "HEADER_SECONDS", 1.0)
    with serving(create_app(SandboxConfig("justice-ew", "court", token="t"))) as url:
        host, port = url.removeprefix("http://").split(":")
        idle = [socket.create_connection((host, int(port)), timeout=20) for _ in range(300)]
        try:
            assert httpx.get(f"{url}/v1/health", timeout=20).status_code == 503
            deadline = time.monotonic() + 30
            status = 503
            while status == 503 and time.monotonic() < deadline:
                time.sleep(0.5)
                status = httpx.get(f"{url}/v1/health", timeout=20).status_code
            assert status == 200
            closed = sum(1 for s in idle if s.recv(1) == b"")
            assert closed == 300
        finally:
            for s in idle:
                s.close()


def test_the_token_can_come_from_a_file(tmp_path: Path) -> None:
    both = run_cli("sandbox", "--actor", "court", "--token", "a", "--token-file", "x")
    assert both.returncode == 2 and "not both" in both.stderr
    empty = tmp_path / "empty"
    empty.write_text("\n")
    proc = run_cli("sandbox", "--actor", "court", "--token-file", str(empty))
    assert proc.returncode == 2 and "empty" in proc.stderr


@pytest.mark.parametrize(
    "body",
    [
        b'{"header": {}, "a": ' + b"[" * 1500 + b"]" * 1500 + b"}",
        b'{"header": {}, "note": "a\\udfffb"}',
    ],
    ids=["nested 1,500 deep", "lone surrogate"],
)
def test_hostile_bodies_are_refused_with_a_problem_and_the_sandbox_goes_on(
    court: str, body: bytes
) -> None:
    """Both were a 500 text/plain (and a stored surrogate then made every look-up of its case
    a 500): now a 400 problem+json, and the next valid message is accepted."""
    answer = httpx.post(
        f"{court}/v1/hearing-results",
        content=body,
        headers={**AUTH, "Content-Type": "application/json"},
        timeout=20,
    )
    assert (
        answer.status_code == 400 and answer.headers["content-type"] == "application/problem+json"
    )
    message = json.loads(json.dumps(VALID))
    message["header"]["messageId"] = "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d"
    again = httpx.post(f"{court}/v1/hearing-results", json=message, headers=AUTH, timeout=20)
    assert again.status_code == 202
    case = httpx.get(f"{court}/v1/cases/{VALID['ptiUrn']}", headers=AUTH, timeout=20)
    assert case.status_code == 200
