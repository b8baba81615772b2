"""``probe`` against real servers on loopback: the sandbox (clean, and with each fault) and small
hostile servers. Every server here is started by the test on 127.0.0.1 and stopped after; the
number of requests is bounded by --max-examples and the plan."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import shutil
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from interopcheck.errors import SetupError
from interopcheck.formats.sarif import render as render_sarif
from interopcheck.probing.auth import Credentials, parse_auth
from interopcheck.probing.client import SendOptions
from interopcheck.probing.plan import PlanOptions
from interopcheck.probing.run import ProbeRequest, run_probe
from interopcheck.profile.loader import load_profile
from interopcheck.report.document import REPORT_SCHEMA_PATH
from interopcheck.sandbox.app import SandboxConfig, create_app
from interopcheck.sandbox.faults import FAULTS
from interopcheck.sources.payloads import Payload
from interopcheck.validation import ValidationSpec, build_checker
from tests.conftest import SARIF_SCHEMA, run_cli
from tests.servers import failed_requirements as _failed
from tests.servers import serving

REPORT = jsonschema_rs.validator_for(json.loads(REPORT_SCHEMA_PATH.read_text()))
TOKEN_ENV = "INTEROPCHECK_SANDBOX_TOKEN"
#: A token that is not the documented one, so that finding it in output means a real leak.
SECRET = "s3cret-token-for-the-probe-tests-7f1c"
PROFILE = load_profile("justice-ew")
API = PROFILE.api
assert API is not None
CREDENTIALS = Credentials("bearer", header="Authorization", secret=SECRET, shown=f"${TOKEN_ENV}")
CHECKER = build_checker(ValidationSpec(profile="justice-ew"))

#: The requirement each sandbox fault must fail (justice-ew's http requirements).
MEANT_FOR = {
    "accept-invalid": "API-002",
    "crash-on-apostrophe": "API-003",
    "wrong-content-type": "API-004",
    "no-correlation-id": "API-006",
    "stack-trace": "API-008",
    "no-auth-check": "API-007",
    "slow": "API-009",
    "bad-receipt": "API-005",
    "wrong-status": "API-001",
    "accept-missing-required": "API-002",
    "accept-wrong-check-letter": "API-002",
    "slow-on-large": "API-009",
    "unauthenticated-reads": "API-007",
    "errors-as-plain-json": "API-004",
}
#: Faults the standard's own endpoints cannot show: justice-ew declares no GET endpoint (the
#: sandbox's case look-up is its own), so unauthenticated reads are probed on an API
#: document's operations (tests/test_probe_faults.py).
NOT_ON_THE_STANDARD = {"unauthenticated-reads"}


def _probe(url: str, actor: str = "court", max_examples: int = 2, **send: Any) -> list[Any]:
    request = ProbeRequest(
        target=url,
        actor=actor,
        credentials=CREDENTIALS,
        plan=PlanOptions(max_examples=max_examples, seed=1),
        send=SendOptions(**{"timeout": 10.0, "concurrency": 16, **send}),
    )
    return run_probe(request, CHECKER)


def test_every_fault_has_the_check_meant_for_it() -> None:
    assert set(MEANT_FOR) == set(FAULTS)
    assert {r.id for r in PROFILE.http_requirements()} >= set(MEANT_FOR.values())


def test_a_clean_sandbox_passes_every_http_requirement() -> None:
    app = create_app(SandboxConfig("justice-ew", "court", token=SECRET))
    with serving(app) as url:
        results = _probe(url)
    assert results and not _failed(results)
    outcomes = {r for result in results for r in result.outcomes}
    assert outcomes == {r.id for r in PROFILE.http_requirements()}  # every one was exercised
    kinds = {result.exchange["kind"] for result in results}
    assert kinds == {
        "example",
        "edge",
        "generated",
        "invalid",
        "no-credentials",
        "wrong-credentials",
        "odd-header",
    }
    # the planned hard names went through: an apostrophe name among the accepted messages
    assert any("O'Brien" in r.source for r in results)


@pytest.mark.parametrize("fault", sorted(set(FAULTS) - {"slow"} - NOT_ON_THE_STANDARD))
def test_each_fault_is_found_by_its_requirement(fault: str) -> None:
    app = create_app(SandboxConfig("justice-ew", "court", token=SECRET, faults=frozenset({fault})))
    with serving(app) as url:
        results = _probe(url)
    failed = _failed(results)
    assert MEANT_FOR[fault] in failed, failed
    finding = next(f for r in results for f in r.findings if f.requirement == MEANT_FOR[fault])
    declared = next(r.level for r in PROFILE.requirements if r.id == MEANT_FOR[fault])
    assert finding.check == "http" and finding.level == declared and finding.message


@pytest.mark.timeout(60)  # late answers waited for side by side, not one after another
def test_the_slow_fault_is_found_by_the_response_time_requirement() -> None:
    config = SandboxConfig(
        "justice-ew", "court", token=SECRET, faults=frozenset({"slow"}), slow_seconds=2.1
    )
    with serving(create_app(config)) as url:
        results = _probe(url, max_examples=0, concurrency=64)
    failed = _failed(results)
    assert failed.get("API-009") == len(results)  # every answer was late
    assert "API-001" not in failed  # late, but right


def test_probe_cli_writes_every_report_format_and_never_the_secret(tmp_path: Path) -> None:
    app = create_app(SandboxConfig("justice-ew", "prison", token=SECRET))
    with serving(app) as url:
        proc = run_cli(
            "probe",
            "--target",
            url,
            "--actor",
            "prison",
            "--auth",
            f"bearer:{TOKEN_ENV}",
            "-n",
            "2",
            "--report-dir",
            str(tmp_path / "r"),
            cwd=tmp_path,
            env={TOKEN_ENV: SECRET, "HYPOTHESIS_STORAGE_DIRECTORY": ""},
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Only what was asked for is written: no Hypothesis cache in the working directory.
    assert [p.name for p in tmp_path.iterdir()] == ["r"]
    assert (
        "CONFORMANT to justice-ew" in proc.stdout and "exchanges, none with findings" in proc.stdout
    )
    written = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert written == [
        "report.html",
        "report.json",
        "report.junit.xml",
        "report.md",
        "report.sarif",
    ]
    for path in (tmp_path / "r").iterdir():
        assert SECRET not in path.read_text(encoding="utf-8"), path.name
    assert SECRET not in proc.stdout + proc.stderr
    document = json.loads((tmp_path / "r" / "report.json").read_text())
    REPORT.validate(document)
    assert document["command"] == "probe" and document["conformant"]
    assert {r["id"] for r in document["requirements"]} == {
        r.id for r in PROFILE.http_requirements()
    }
    reproduction = document["results"][0]["exchange"]["reproduction"]
    assert f"${TOKEN_ENV}" in reproduction and SECRET not in reproduction
    assert document["manifest"]["reproduce"].startswith("interopcheck probe --target")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed here")
def test_a_failing_exchange_is_reproduced_by_its_curl_command(tmp_path: Path) -> None:
    config = SandboxConfig("justice-ew", "court", token=SECRET, faults=frozenset({"wrong-status"}))
    with serving(create_app(config)) as url:
        proc = run_cli(
            "probe",
            "--target",
            url,
            "--actor",
            "court",
            "--auth",
            f"bearer:{TOKEN_ENV}",
            "-n",
            "1",
            "-f",
            "json",
            env={TOKEN_ENV: SECRET},
        )
        assert proc.returncode == 1, proc.stderr
        document = json.loads(proc.stdout)
        failing = next(r for r in document["results"] if r["findings"])
        assert failing["findings"][0]["requirement"] == "API-001"
        # SARIF locates HTTP findings by endpoint (a logical location), never as a file
        sarif = json.loads(render_sarif(document))
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
        located = sarif["runs"][0]["results"][0]["locations"][0]
        assert "physicalLocation" not in located
        assert located["logicalLocations"][0]["fullyQualifiedName"].startswith(f"POST {url}/v1/")
        again = subprocess.run(
            ["bash", "-c", failing["exchange"]["reproduction"]],
            capture_output=True,
            text=True,
            env={**os.environ, TOKEN_ENV: SECRET},
            timeout=30,
        )
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("HTTP/1.1 200")  # the same wrong status, by hand


def test_an_unreachable_target_is_one_clear_error() -> None:
    # A port of ours, bound but not listening for the whole test: the kernel refuses every
    # connection to it, and no other process can take it meanwhile (a port closed and then
    # reused as "unreachable" could be taken by anyone).
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
        proc = run_cli(
            "probe",
            "--target",
            f"http://127.0.0.1:{port}",
            "--actor",
            "court",
            "--auth",
            f"bearer:{TOKEN_ENV}",
            "-n",
            "0",
            env={TOKEN_ENV: SECRET},
        )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert f"http://127.0.0.1:{port}/v1/prosecution-cases" in proc.stderr
    assert "connection refused" in proc.stderr


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (None, "requires bearer authentication"),
        ("digest:X", "--auth takes"),
        ("basic:X", "uses bearer authentication"),
        ("bearer:NO_SUCH_VARIABLE_HERE", "is empty or unset"),
        ("bearer:abc.def-ghi", "NAME of an environment variable"),
        ("bearer:file:/nonexistent/token", "cannot read"),
        ("api-key:X", "uses bearer authentication"),
    ],
)
def test_bad_auth_is_a_setup_error(spec: str | None, message: str) -> None:
    with pytest.raises(SetupError, match=message):
        parse_auth(spec, API)


def test_a_token_file_is_shown_by_its_path(tmp_path: Path) -> None:
    token = tmp_path / "token.txt"
    token.write_text(SECRET + "\n")
    credentials = parse_auth(f"bearer:file:{token}", API).everywhere
    assert credentials is not None
    assert credentials.headers() == {"Authorization": f"Bearer {SECRET}"}
    assert credentials.shown_headers() == {"Authorization": f"Bearer $(cat {token})"}


# -- hostile servers ------------------------------------------------------------------------


def _app(handler: Any) -> Any:
    """A bare ASGI app: ``handler(scope, receive, send)`` for HTTP, nothing else."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await handler(scope, receive, send)

    return app


async def _answer(
    send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers or []})
    await send({"type": "http.response.body", "body": body})


@pytest.mark.timeout(30)  # the 0.5 s timeout ends it, not the server's 60 s silence
def test_a_server_that_never_answers_is_a_clear_error_in_bounded_time() -> None:
    async def silent(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.sleep(60)

    with (
        serving(_app(silent)) as url,
        pytest.raises(SetupError, match=r"cannot reach the target: no (complete )?answer"),
    ):
        _probe(url, max_examples=0, timeout=0.5)


class _Resetter:
    """A raw TCP server that reads a request and resets the connection (RST, not FIN)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            connection.settimeout(2)
            with contextlib.suppress(OSError):
                connection.recv(65536)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()

    def __enter__(self) -> str:
        self._thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()


def test_a_server_that_resets_the_connection_is_a_clear_error() -> None:
    with (
        _Resetter() as url,
        pytest.raises(
            SetupError, match=r"connection reset|broke the HTTP protocol|connection failed"
        ),
    ):
        _probe(url, max_examples=0, timeout=2)


ONE_GB = 1024**3


@pytest.mark.timeout(120)  # the cap stops the reading: a gigabyte is never waited for
def test_a_gigabyte_answer_is_cut_at_the_cap_in_bounded_time_and_memory() -> None:
    async def flood(scope: Any, receive: Any, send: Any) -> None:
        chunk = b"x" * (1024 * 1024)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(ONE_GB).encode()),
        ]
        await send({"type": "http.response.start", "status": 202, "headers": headers})
        for _ in range(1024):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    with serving(_app(flood)) as url:
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        results = _probe(url, max_examples=0, max_response_bytes=256 * 1024, concurrency=4)
    findings = [f for r in results for f in r.findings]
    assert any(f.requirement == "API-005" and "size cap" in f.message for f in findings)
    assert all(r.exchange["status"] == 202 for r in results)
    # reading stopped at the cap: the prober's peak memory grew by far less than one answer
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert grown_kib < 200 * 1024


def test_a_redirect_to_another_host_is_not_followed_and_carries_no_credentials() -> None:
    seen: list[dict[str, str]] = []

    async def elsewhere(scope: Any, receive: Any, send: Any) -> None:
        seen.append({k.decode(): v.decode() for k, v in scope["headers"]})
        await _answer(send, 202, b"{}", [(b"content-type", b"application/json")])

    with serving(_app(elsewhere)) as other:
        # another origin: same address, another port (RFC 6454)

        async def redirect(scope: Any, receive: Any, send: Any) -> None:
            location = (other + scope["path"]).encode()
            await _answer(send, 307, b"", [(b"location", location)])

        with serving(_app(redirect)) as url:
            results = _probe(url, max_examples=0)
    assert seen == []
    findings = [f for r in results for f in r.findings]
    assert any("redirecting to another origin" in f.message for f in findings)
    assert _failed(results).get("API-001")


@pytest.mark.parametrize(
    ("status", "content_type", "body", "requirement", "words"),
    [
        (202, b"application/json", b"{not json", "API-005", "not JSON"),
        (200, b"text/html", b"<!doctype html><h1>Welcome to nginx</h1>", "API-004", "text/html"),
        (
            500,
            b"text/html",
            b"<html><b>Fatal error</b>: in /var/www/x.php</html>",
            "API-003",
            "500",
        ),
    ],
)
def test_broken_answers_are_findings(
    status: int, content_type: bytes, body: bytes, requirement: str, words: str
) -> None:
    async def broken(scope: Any, receive: Any, send: Any) -> None:
        await _answer(send, status, body, [(b"content-type", content_type)])

    with serving(_app(broken)) as url:
        results = _probe(url, max_examples=0)
    findings = [f for r in results for f in r.findings if f.requirement == requirement]
    assert findings and words in findings[0].message


@pytest.mark.timeout(60)  # an hour's Retry-After is never waited for
def test_429_is_retried_after_its_retry_after() -> None:
    calls = {"n": 0}
    arrived: list[float] = []

    async def busy_once(scope: Any, receive: Any, send: Any) -> None:
        calls["n"] += 1
        arrived.append(time.monotonic())
        if calls["n"] == 1:
            await _answer(send, 429, b"", [(b"retry-after", b"1")])
            return
        await _answer(send, 503, b"", [(b"retry-after", b"3600")])  # too long: not waited for

    with serving(_app(busy_once)) as url:
        results = _probe(url, max_examples=0, concurrency=1)
    assert results[0].exchange["retries"] == 1  # the 429 was retried once
    assert results[0].exchange["status"] == 503
    assert all(r.exchange["retries"] == 0 for r in results[1:])  # an hour is not waited for
    assert arrived[1] - arrived[0] >= 1.0  # its Retry-After (1 s) was waited for


@pytest.mark.parametrize(
    ("target", "cause"),
    [
        ("http://no-such-host.invalid", "DNS lookup failed"),  # .invalid never resolves (RFC 6761)
        ("https", "TLS failed"),  # https spoken to the plain-HTTP sandbox
    ],
)
def test_dns_and_tls_failures_are_one_clear_error(target: str, cause: str) -> None:
    with serving(create_app(SandboxConfig("justice-ew", "court", token=SECRET))) as url:
        if target == "https":
            target = url.replace("http://", "https://")
        with pytest.raises(SetupError, match=cause) as raised:
            _probe(target, max_examples=0, timeout=3)
    assert str(raised.value).startswith(f"{target}/v1/prosecution-cases: cannot reach the target")


def test_a_client_certificate_is_never_offered_over_plain_http(tmp_path: Path) -> None:
    cert = tmp_path / "client.pem"
    cert.write_text("not used")
    request = ProbeRequest(
        target="http://127.0.0.1:9",
        actor="court",
        credentials=Credentials("mtls", cert=cert),
        plan=PlanOptions(max_examples=0),
    )
    with pytest.raises(SetupError, match="mtls needs an https:// target"):
        run_probe(request, CHECKER)


MTLS_PROFILE = """id: mtls-ew
version: 1.0.0
title: justice-ew, the court's endpoint over mutual TLS
extends: justice-ew
api:
  auth: mtls
  endpoints:
    - {id: court-prosecution-cases, actor: court, method: POST, path: /v1/prosecution-cases,
       receives: prosecution-case}
"""


@pytest.mark.parametrize("required", [True, False])
def test_mtls_client_certificates_over_real_tls(tmp_path: Path, required: bool) -> None:
    """A real TLS server (uvicorn) with a CA, a server certificate and a client certificate
    made here. When the server requires client certificates, probe's requests without one and
    with one no CA issued are refused in the handshake: authentication passes. When it does
    not, those requests are answered: authentication fails."""
    import ssl

    from tests.tls import make_pki

    pki = make_pki(tmp_path)
    profile = tmp_path / "mtls.yaml"
    profile.write_text(MTLS_PROFILE)
    tls = {
        "ssl_certfile": str(pki.server_cert),
        "ssl_keyfile": str(pki.server_key),
        "ssl_ca_certs": str(pki.ca),
        "ssl_cert_reqs": ssl.CERT_REQUIRED if required else ssl.CERT_NONE,
    }
    with serving(create_app(SandboxConfig(str(profile), "court")), **tls) as url:
        assert url.startswith("https://")
        proc = run_cli(
            "probe",
            "-p",
            str(profile),
            "--actor",
            "court",
            "--target",
            url,
            "-n",
            "0",
            "--auth",
            f"mtls:{pki.client_cert}:{pki.client_key}",
            "--ca-bundle",
            str(pki.ca),
            "-f",
            "json",
        )
    assert proc.returncode == (0 if required else 1), proc.stderr
    document = json.loads(proc.stdout)
    outcomes = {r["id"]: r["outcome"] for r in document["requirements"]}
    assert outcomes["API-007"] == ("passed" if required else "failed")
    assert outcomes["API-001"] == "passed"  # the right certificate is let in either way
    reproduction = document["results"][0]["exchange"]["reproduction"]
    assert f"--cert {pki.client_cert}" in reproduction


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed here")
def test_a_failing_case_is_shrunk_to_a_smaller_one_that_fails_the_same_way() -> None:
    config = SandboxConfig(
        "justice-ew", "court", token=SECRET, faults=frozenset({"crash-on-apostrophe"})
    )
    with serving(create_app(config)) as url:
        results = _probe(url, max_examples=1)
        shrunk = [r for r in results if "shrunk" in r.exchange]
        assert shrunk
        record = shrunk[0].exchange
        assert record["shrunk"]["toBytes"] < record["shrunk"]["fromBytes"]
        assert record["shrunk"]["requests"] <= 50  # the default budget
        body = record["reproduction"].split("<<'INTEROPCHECK_BODY'\n", 1)[1]
        body = body.rsplit("\nINTEROPCHECK_BODY", 1)[0]
        smaller = json.loads(body)
        assert len(body.encode()) == record["shrunk"]["toBytes"]
        assert "'" in body  # what the server falls over on is kept
        checker = CHECKER.fixed_to(CHECKER.catalog.for_message(shrunk[0].message_type, None))
        assert not checker.check(Payload(source="s", syntax="json", value=smaller), 0).findings
        again = subprocess.run(
            ["bash", "-c", record["reproduction"]],
            capture_output=True,
            text=True,
            env={**os.environ, TOKEN_ENV: SECRET},
            timeout=30,
        )
    assert again.stdout.startswith("HTTP/1.1 500")  # the smaller request still crashes it


@pytest.mark.parametrize(
    ("breaks", "status", "outcome"),
    [
        ("HDR-002", 202, None),  # SHOULD only: accepting it is no failure (nor a pass)
        ("HDR-002", 422, None),
        ("CF-006", 202, "failed"),  # MUST: it has to be refused
        ("CF-006", 422, "passed"),
        (None, 202, "failed"),  # the schema (no requirement of the profile's own): refused too
    ],
)
def test_must_reject_means_a_deciding_requirement_or_the_schema(
    breaks: str | None, status: int, outcome: str | None
) -> None:
    from interopcheck.probing.client import Answer
    from interopcheck.probing.judge import Judge
    from interopcheck.probing.plan import Exchange
    from interopcheck.profile.catalog import catalog_for

    endpoint = next(e for e in API.endpoints if e.id == "court-prosecution-cases")
    exchange = Exchange(1, endpoint, "invalid", "invalid case", {}, "c-1", {"requirement": breaks})
    body = b'{"type": "about:blank", "title": "x", "status": %d}' % status
    answer = Answer(status, {"content-type": "application/problem+json"}, body)
    verdict = Judge(PROFILE, catalog_for(PROFILE)).judge(exchange, answer)
    assert verdict.outcomes.get("API-002") == outcome


def test_endpoints_are_chosen_by_id_and_the_rest_said(tmp_path: Path) -> None:
    """Issue 18, part 6 (run controls, first step): --exclude-endpoint leaves an endpoint out,
    and the report says so (its requirements go untested: the verdict cannot be CONFORMANT);
    --include-endpoint keeps only what it names; a pattern that names nothing is a one-line
    error listing the ids."""
    app = create_app(SandboxConfig("justice-ew", "court", token=SECRET))
    env = {TOKEN_ENV: SECRET}
    common = ["probe", "-p", "justice-ew", "--actor", "court", "--auth", f"bearer:{TOKEN_ENV}",
              "-n", "2", "-f", "json"]  # fmt: skip
    with serving(app) as url:
        left = run_cli(*common, "--target", url, "--exclude-endpoint", "court-prison-*", env=env)
        only = run_cli(*common, "--target", url, "--include-endpoint", "court-prison-receptions",
                       env=env)  # fmt: skip
        wrong = run_cli(*common, "--target", url, "--include-endpoint", "court-nothing", env=env)
    report = json.loads(left.stdout)
    endpoints = {e["id"]: e for e in report["endpoints"]}
    assert endpoints["court-prison-receptions"]["exchanges"] == 0
    assert (
        endpoints["court-prison-receptions"]["note"] == "not probed: left out by --exclude-endpoint"
    )
    assert endpoints["court-prosecution-cases"]["exchanges"] > 0
    reproduce = report["manifest"]["reproduce"]
    assert "--exclude-endpoint 'court-prison-*'" in reproduce
    assert f"--auth bearer:{TOKEN_ENV} " in reproduce  # each --auth as given, by reference
    sent_to = {r["exchange"]["url"] for r in report["results"] if r.get("exchange")}
    assert sent_to and not any("prison-receptions" in u for u in sent_to)
    kept = {e["id"]: e for e in json.loads(only.stdout)["endpoints"]}
    assert kept["court-prosecution-cases"]["exchanges"] == 0
    assert kept["court-prison-receptions"]["exchanges"] > 0
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1
    assert "court-prosecution-cases, court-prison-receptions" in wrong.stderr


def test_checks_are_chosen_by_name_and_the_rest_go_untested() -> None:
    """Issue 18, part 6: against a server that accepts invalid messages, --exclude-check
    rejects-invalid judges everything else (no finding, and API-002 untested: the verdict is
    not CONFORMANT), --include-check rejects-invalid judges that alone (API-002 fails, every
    other requirement untested); an unknown check is a one-line error naming the checks."""
    app = create_app(
        SandboxConfig("justice-ew", "court", token=SECRET, faults=frozenset({"accept-invalid"}))
    )
    env = {TOKEN_ENV: SECRET}
    common = ["probe", "-p", "justice-ew", "--actor", "court", "--auth", f"bearer:{TOKEN_ENV}",
              "-n", "2", "-f", "json"]  # fmt: skip
    with serving(app) as url:
        without = run_cli(*common, "--target", url, "--exclude-check", "rejects-invalid", env=env)
        alone = run_cli(*common, "--target", url, "--include-check", "rejects-invalid", env=env)
        wrong = run_cli(*common, "--target", url, "--include-check", "rejects-nothing", env=env)

    def outcomes(proc: Any) -> dict[str, str]:
        return {r["id"]: r["outcome"] for r in json.loads(proc.stdout)["requirements"]}

    left = outcomes(without)
    assert left[MEANT_FOR["accept-invalid"]] == "untested"
    assert "failed" not in left.values()
    verdict = json.loads(without.stdout)["verdict"]
    assert verdict != "CONFORMANT", verdict  # a deciding requirement went untested
    only = outcomes(alone)
    assert only[MEANT_FOR["accept-invalid"]] == "failed" and alone.returncode == 1
    assert {o for r, o in only.items() if r != MEANT_FOR["accept-invalid"]} <= {
        "untested",
        "not-applicable",
    }
    assert wrong.returncode == 2 and "rejects-invalid, no-server-error" in wrong.stderr
