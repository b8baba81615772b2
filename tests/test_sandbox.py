"""The sandbox, served for real by uvicorn on loopback and called with httpx: it accepts what
the standard and the profile accept, rejects the rest with a problem, demands its token, echoes
the correlation id, keeps cases; and each fault misbehaves the way it says."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest

from interopcheck.sandbox.app import DEVELOPMENT_TOKEN, SandboxConfig, create_app
from interopcheck.sandbox.faults import FAULTS
from interopcheck.standard.catalog import Catalog
from tests.conftest import EXAMPLES, run_cli
from tests.servers import serving

CATALOG = Catalog.bundled()
RECEIPT = CATALOG.validator(next(e for e in CATALOG.entries() if e.name == "receipt"))
PROBLEM = CATALOG.validator(next(e for e in CATALOG.entries() if e.name == "problem"))
VALIDATOR_FOR_HEARING = CATALOG.validator(
    next(e for e in CATALOG.entries() if e.name == "hearing-result")
)
VALID = json.loads(
    (EXAMPLES / "journeys" / "theft-and-knife" / "05-hearing-result.json").read_text()
)
INVALID = json.loads(
    (
        EXAMPLES
        / "hearing-result"
        / "invalid"
        / sorted(p.name for p in (EXAMPLES / "hearing-result" / "invalid").iterdir())[0]
    ).read_text()
)
AUTH = {"Authorization": f"Bearer {DEVELOPMENT_TOKEN}"}
CORRELATION = {"X-Correlation-Id": "5b1f0c4e-8d9a-4a41-9f00-3c2d1e0a7b11"}


@pytest.fixture
def court() -> Iterator[str]:
    with serving(create_app(SandboxConfig("justice-ew", "prison"))) as url:
        yield url


def _post(url: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(
        f"{url}/v1/hearing-results",
        content=json.dumps(body),
        headers={"Content-Type": "application/json", **AUTH, **CORRELATION, **(headers or {})},
        timeout=20,
    )


def test_a_long_correlation_id_with_spaces_is_echoed_whole(court: str) -> None:
    """Any header value gets an answer: a correlation id over the published 200 characters is a
    400 problem, and is echoed whole (a cut one could end in a space, which no server may send)."""
    long_id = ("x" * 199 + " ") * 2 + "end"
    response = _post(court, VALID, {"X-Correlation-Id": long_id})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "at most 200 printable characters" in response.json()["detail"]
    assert response.headers["X-Correlation-Id"] == long_id
    edge = "y" * 199 + "z"
    response = _post(court, VALID, {"X-Correlation-Id": edge})
    assert response.status_code in (202, 200) and response.headers["X-Correlation-Id"] == edge


def test_a_valid_message_is_accepted_with_a_receipt(court: str) -> None:
    response = _post(court, VALID)
    assert response.status_code == 202
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["X-Correlation-Id"] == CORRELATION["X-Correlation-Id"]
    receipt = response.json()
    assert RECEIPT.is_valid(receipt)
    assert receipt["status"] == "ACCEPTED" and receipt["messageId"] == VALID["header"]["messageId"]
    assert _post(court, VALID).json()["status"] == "DUPLICATE"
    case = httpx.get(f"{court}/v1/cases/{VALID['ptiUrn']}", headers=AUTH, timeout=20)
    assert case.status_code == 200 and case.json()["messages"] == [VALID]


def test_a_should_breach_is_accepted_and_named_in_the_advice_header(court: str) -> None:
    """What a receiver must refuse is what breaks the standard or a MUST of the profile (what
    the published OpenAPI says); HDR-002 (SHOULD: not addressed to the sender's own unit) is
    accepted and named."""
    same_unit = json.loads(json.dumps(VALID))
    same_unit["header"]["messageId"] = "0d3f6f0e-7b8a-4c1d-9e2f-3a4b5c6d7e8f"
    same_unit["header"]["recipient"]["ouCode"] = same_unit["header"]["sender"]["ouCode"]
    response = _post(court, same_unit)
    assert response.status_code == 202, response.text
    assert response.headers["Interopcheck-Advice"] == "HDR-002"
    assert "Interopcheck-Advice" not in _post(court, VALID).headers


def test_an_invalid_message_is_rejected_with_a_problem(court: str) -> None:
    response = _post(court, INVALID)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert PROBLEM.is_valid(body) and body["errors"]
    assert all(e["pointer"] is not None for e in body["errors"])


def test_what_is_not_json_or_not_for_this_endpoint_is_refused(court: str) -> None:
    bad = httpx.post(
        f"{court}/v1/hearing-results",
        content=b"{not json",
        headers={"Content-Type": "application/json", **AUTH},
        timeout=20,
    )
    assert bad.status_code == 400 and PROBLEM.is_valid(bad.json())
    text = httpx.post(
        f"{court}/v1/hearing-results",
        content=b"x",
        headers={"Content-Type": "text/plain", **AUTH},
        timeout=20,
    )
    assert text.status_code == 415
    charge = json.loads(
        (EXAMPLES / "journeys" / "theft-and-knife" / "01-charge-file.json").read_text()
    )
    other = _post(court, charge)
    assert other.status_code == 422 and "receives hearing-result" in other.json()["detail"]
    assert httpx.get(f"{court}/v1/charge-files", timeout=20).status_code in (404, 405)


def test_credentials_are_demanded(court: str) -> None:
    missing = httpx.post(
        f"{court}/v1/hearing-results",
        content=json.dumps(VALID),
        headers={"Content-Type": "application/json"},
        timeout=20,
    )
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    wrong = _post(court, VALID, {"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 403 and PROBLEM.is_valid(wrong.json())
    assert httpx.get(f"{court}/v1/health", timeout=20).json()["status"] == "ok"


def _faulty(fault: str, **options: Any) -> Any:
    return create_app(SandboxConfig("justice-ew", "prison", faults=frozenset({fault}), **options))


def test_each_fault_misbehaves_as_it_says() -> None:
    seen: dict[str, bool] = {}
    apostrophe = json.loads(json.dumps(VALID))
    apostrophe["defendant"]["person"]["name"]["familyName"] = "O'Brien"
    plain = json.loads(json.dumps(VALID, ensure_ascii=False).replace("'", ""))
    missing, wrong_letter, large = _fault_cases()
    for fault in FAULTS:
        with serving(_faulty(fault, slow_seconds=0.3)) as url:
            if fault == "accept-invalid":
                seen[fault] = _post(url, INVALID).status_code == 202
            elif fault == "crash-on-apostrophe":
                seen[fault] = (
                    _post(url, apostrophe).status_code == 500
                    and _post(url, plain).status_code == 202
                )
            elif fault == "wrong-content-type":
                seen[fault] = _post(url, VALID).headers["content-type"].startswith("text/plain")
            elif fault == "no-correlation-id":
                seen[fault] = "X-Correlation-Id" not in _post(url, VALID).headers
            elif fault == "stack-trace":
                response = _post(url, INVALID)
                seen[fault] = response.status_code == 500 and "Traceback" in response.text
            elif fault == "no-auth-check":
                seen[fault] = (
                    _post(url, VALID, {"Authorization": "Bearer wrong"}).status_code == 202
                )
            elif fault == "slow":
                seen[fault] = _post(url, VALID).elapsed.total_seconds() >= 0.3
            elif fault == "bad-receipt":
                seen[fault] = not RECEIPT.is_valid(_post(url, VALID).json())
            elif fault == "wrong-status":
                seen[fault] = _post(url, VALID).status_code == 200
            elif fault == "accept-missing-required":
                seen[fault] = (
                    _post(url, missing).status_code == 202
                    and _post(url, wrong_letter).status_code == 422
                )
            elif fault == "accept-wrong-check-letter":
                seen[fault] = (
                    _post(url, wrong_letter).status_code == 202
                    and _post(url, missing).status_code == 422
                    and _post(url, INVALID).status_code == 422
                )
            elif fault == "slow-on-large":
                seen[fault] = (
                    _post(url, VALID).elapsed.total_seconds() < 0.3
                    and _post(url, large.value).elapsed.total_seconds() >= 0.3
                )
            elif fault == "unauthenticated-reads":
                read = httpx.get(f"{url}/v1/cases/{VALID['ptiUrn']}", timeout=20)
                seen[fault] = (
                    read.status_code == 404
                    and _post(url, VALID, {"Authorization": ""}).status_code == 401
                )
            elif fault == "errors-as-plain-json":
                refused = _post(url, INVALID)
                seen[fault] = refused.status_code == 422 and refused.headers["content-type"] == (
                    "application/json"
                )
    assert seen == dict.fromkeys(FAULTS, True)


def test_a_clean_sandbox_refuses_what_the_new_faults_let_through() -> None:
    """The other side of the faults above: without them, each of those requests is refused
    (or fast, or a problem)."""
    missing, wrong_letter, large = _fault_cases()
    with serving(create_app(SandboxConfig("justice-ew", "prison", slow_seconds=0.3))) as url:
        assert _post(url, missing).status_code == 422
        assert _post(url, wrong_letter).status_code == 422
        assert _post(url, large.value).status_code == 202
        assert httpx.get(f"{url}/v1/cases/{VALID['ptiUrn']}", timeout=20).status_code == 401
        assert _post(url, INVALID).headers["content-type"] == "application/problem+json"


def _fault_cases() -> tuple[Any, Any, Any]:
    """A hearing result without a required part; one whose PNC ID has the wrong check letter
    (and nothing else wrong); the largest valid one (over the size slow-on-large is slow on)."""
    from interopcheck.generation.boundaries import largest
    from interopcheck.generation.mutations import bad_check_letter
    from interopcheck.sandbox.faults import LARGE_BODY
    from interopcheck.validation import ValidationSpec, build_checker

    schema = next(e for e in CATALOG.entries() if e.name == "hearing-result").document
    missing = {k: v for k, v in VALID.items() if k != schema["required"][-1]}
    wrong_letter = json.loads(json.dumps(VALID))
    wrong_letter["defendant"]["pncId"] = bad_check_letter(VALID["defendant"]["pncId"])
    checker = build_checker(ValidationSpec(profile="justice-ew"))
    typed = checker.for_type("hearing-result")
    entry = checker.catalog.for_message("hearing-result", None)
    assert typed is not None and entry is not None
    large = largest(typed, entry, VALID)
    assert large is not None and large.size > LARGE_BODY
    return missing, wrong_letter, large


def test_setup_mistakes_are_one_line_errors() -> None:
    for args, message in (
        (["--actor", "judge"], "has no actor 'judge'"),
        (["--actor", "court", "--fault", "explode"], "unknown fault explode"),
    ):
        proc = run_cli("sandbox", *args, "--port", "0")
        assert proc.returncode == 2 and message in proc.stderr and proc.stderr.count("\n") == 1
    listed = run_cli("sandbox", "--actor", "court", "--list-faults")
    assert listed.returncode == 0 and all(f in listed.stdout for f in FAULTS)


# -- OpenAPI ----------------------------------------------------------------------------------

ACTORS = ["police", "prosecution", "court", "defence", "prison", "probation"]


@pytest.mark.parametrize("actor", ACTORS)
def test_every_actors_openapi_document_is_valid_openapi_3_1(actor: str, tmp_path: Path) -> None:
    from openapi_spec_validator import validate

    out = tmp_path / "openapi.json"
    proc = run_cli("profiles", "openapi", "justice-ew", "--actor", actor, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    document = json.loads(out.read_text())
    validate(document)  # the OpenAPI 3.1 schema, by an independent validator
    assert "$ref" not in json.dumps(document["components"]["schemas"])  # stands alone
    posts = {p for p, item in document["paths"].items() if "post" in item}
    assert posts and all(p.startswith("/v1/") for p in posts)


def test_the_sandbox_serves_its_openapi_document(court: str, tmp_path: Path) -> None:
    """The document the sandbox serves is the one `profiles openapi` writes, a valid OpenAPI
    3.1 document (openapi-spec-validator), and as strict as the sandbox where JSON Schema can
    say it: the profile's MUST code lists and identifiers narrow the body schema, and the MUST
    rules it cannot say are published under x-interopcheck-rules."""
    from openapi_spec_validator import validate

    from interopcheck.profile.loader import load_profile

    served = httpx.get(f"{court}/openapi.json", timeout=20).json()
    out = tmp_path / "prison.json"
    run_cli("profiles", "openapi", "justice-ew", "--actor", "prison", "-o", str(out))
    assert served == json.loads(out.read_text())
    validate(served)
    media = served["paths"]["/v1/hearing-results"]["post"]["requestBody"]["content"]
    schema = media["application/json"]["schema"]
    body = jsonschema_rs.validator_for({**schema, "components": served["components"]})
    assert body.is_valid(VALID)  # the real message fits it
    unknown_code = json.loads(json.dumps(VALID))
    unknown_code["defendant"]["offences"][0]["cjsOffenceCode"] = "ZZ99999"
    assert VALIDATOR_FOR_HEARING.is_valid(unknown_code)  # the standard's schema alone allows it
    assert not body.is_valid(unknown_code)  # the published document does not
    profile = load_profile("justice-ew")
    published = {r["id"] for r in media["application/json"].get("x-interopcheck-rules", [])}
    assert published == {
        r.id for r in profile.for_message("hearing-result") if r.kind == "cel" and r.level == "MUST"
    }
    assert "asn" in served["components"]["x-interopcheck-formats"]


def test_a_body_over_the_limit_is_refused_without_reading_it_all(court: str) -> None:
    from interopcheck.sandbox import app as sandbox

    # A client that announces more than the limit gets 413 before sending it (a raw socket:
    # httpx would refuse to announce a length it does not send).
    host, port = court.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as connection:
        connection.sendall(
            (
                "POST /v1/hearing-results HTTP/1.1\r\n"
                f"Host: {host}\r\nContent-Type: application/json\r\n"
                f"Authorization: {AUTH['Authorization']}\r\n"
                f"Content-Length: {sandbox.MAX_BODY * 64}\r\n\r\n"
            ).encode()
        )
        answer = connection.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413")

    def chunks() -> Any:  # no length announced: streamed until the limit is passed
        block = b" " * (1024 * 1024)
        for _ in range(sandbox.MAX_BODY // len(block) + 2):
            yield block

    streamed = httpx.post(
        f"{court}/v1/hearing-results",
        content=chunks(),
        headers={"Content-Type": "application/json", **AUTH},
        timeout=60,
    )
    assert streamed.status_code == 413 and PROBLEM.is_valid(streamed.json())


def test_the_openapi_body_schemas_are_as_strict_as_the_standard() -> None:
    """Found by running Schemathesis against the sandbox: dereferencing dropped the siblings of
    ``$ref`` (the per-message ``header.messageType`` const), so every endpoint's schema
    accepted a charge-file header. The python-jsonschema oracle reads the document here."""
    import jsonschema

    from interopcheck.profile.loader import load_profile
    from interopcheck.sandbox.openapi import openapi_document

    document = openapi_document(load_profile("justice-ew"), "court", Catalog.bundled())
    schema = document["components"]["schemas"]["prison-reception"]
    oracle = jsonschema.Draft202012Validator(schema)
    reception = json.loads(
        (EXAMPLES / "journeys" / "theft-and-knife" / "07-prison-reception.json").read_text()
    )
    assert oracle.is_valid(reception)
    reception["header"]["messageType"] = "charge-file"
    assert not oracle.is_valid(reception)
    reception["header"]["messageType"] = "prison-reception"
    reception["header"]["sender"]["actor"] = "police"  # only a prison sends receptions
    assert not oracle.is_valid(reception)


def test_a_method_the_endpoint_does_not_take_is_405_with_what_it_allows(court: str) -> None:
    """RFC 9110 15.5.6: a 405 says which methods the resource takes (Schemathesis's
    unsupported-method check found the header missing)."""
    wrong = httpx.get(f"{court}/v1/hearing-results", headers=AUTH, timeout=20)
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST"
    assert PROBLEM.is_valid(wrong.json())
