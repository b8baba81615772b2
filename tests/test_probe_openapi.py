"""A user's own API, described only by its OpenAPI document: the short profile in
examples/own-api takes the endpoints, schemas, authentication and correlation header from it
and adds domain requirements; probe tests a real server (started here, on loopback) against it."""

from __future__ import annotations

import json
import shutil
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from interopcheck.errors import SetupError
from interopcheck.profile.loader import load_profile
from interopcheck.profile_lint import lint_profile
from interopcheck.sources.payloads import Payload
from interopcheck.standard.openapi_source import load_openapi
from interopcheck.validation import ValidationSpec, build_checker
from tests.conftest import EXAMPLES, run_cli
from tests.servers import serving

PROFILE_FILE = EXAMPLES / "own-api" / "profile.yaml"
TOKEN = "yot-test-token-0b5e"


def referrals_app(check_content: bool = True) -> Starlette:
    """The supplier's server as it should be; ``check_content=False`` is one that stores
    whatever parses (the kind of server probing exists to catch)."""
    checker = build_checker(ValidationSpec(profile=str(PROFILE_FILE), message_type="Referral"))

    async def create(request: Request) -> Response:
        echo = {"X-Request-Id": request.headers.get("x-request-id", "")}
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            body = {"code": "unauthorised", "message": "a bearer token is required"}
            return JSONResponse(body, 401, headers=echo)
        try:
            referral = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"code": "bad-json", "message": "not JSON"}, 400, headers=echo)
        if check_content:
            found = checker.check(Payload(source="r", syntax="json", value=referral), 0).findings
            if found:
                detail = f"{len(found)} problems, first at {found[0].pointer or '/'}"
                return JSONResponse({"code": "invalid", "message": detail}, 400, headers=echo)
        referral_id = referral.get("referralId") if isinstance(referral, dict) else None
        body = {"referralId": referral_id or str(uuid.uuid4()), "status": "RECORDED"}
        return JSONResponse(body, 201, headers=echo)

    return Starlette(routes=[Route("/referrals", create, methods=["POST"])])


def test_the_profile_takes_its_api_from_the_openapi_document() -> None:
    assert lint_profile(PROFILE_FILE) == []
    profile = load_profile(str(PROFILE_FILE))
    assert profile.api is not None
    (endpoint,) = profile.api.endpoints
    assert (endpoint.id, endpoint.method, endpoint.path) == (
        "create-referral",
        "POST",
        "/referrals",
    )
    assert (endpoint.receives, endpoint.accepted) == ("Referral", 201)
    assert (endpoint.response, endpoint.error) == ("Acknowledgement", "Error")
    assert profile.api.auth == "bearer"
    assert profile.api.correlation_header == "X-Request-Id"


def test_openapi_30_nullable_is_read_as_json_schema() -> None:
    checker = build_checker(ValidationSpec(profile=str(PROFILE_FILE), message_type="Referral"))
    generated = run_cli(
        "generate", "-p", str(PROFILE_FILE), "--type", "Referral", "-n", "1", "--seed", "3"
    )
    assert generated.returncode == 0, generated.stderr
    referral = json.loads(generated.stdout.splitlines()[0])
    referral["notes"] = None  # allowed: nullable: true in OpenAPI 3.0
    assert not checker.check(Payload(source="x", syntax="json", value=referral), 0).findings
    referral["notes"] = 7
    assert checker.check(Payload(source="x", syntax="json", value=referral), 0).findings


def _probe(app: Any, examples: int) -> tuple[int, dict[str, Any], str]:
    """Probe a referrals server; (exit code, JSON report, stdout and stderr)."""
    with serving(app) as url:
        proc = run_cli(
            "probe",
            "-p",
            str(PROFILE_FILE),
            "--actor",
            "yot",
            "--target",
            url,
            "--auth",
            "bearer:YOT_TOKEN",
            "-n",
            str(examples),
            "-f",
            "json",
            env={"YOT_TOKEN": TOKEN},
        )
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stdout + proc.stderr


def test_a_conforming_server_of_ones_own_passes() -> None:
    code, document, output = _probe(referrals_app(check_content=True), examples=5)
    assert code == 0, output[-3000:]
    outcomes = {r["id"]: r["outcome"] for r in document["requirements"]}
    assert outcomes == {f"REF-10{i}": "passed" for i in range(1, 10)}
    assert "Referrals: API" in document["levelsAchieved"]
    assert TOKEN not in output


def test_a_server_that_stores_whatever_parses_is_caught() -> None:
    code, document, _ = _probe(referrals_app(check_content=False), examples=10)
    assert code == 1
    accepted_invalid = [
        r for r in document["results"] if any(f["requirement"] == "REF-102" for f in r["findings"])
    ]
    assert accepted_invalid
    # each says what the message broke, so the supplier knows which rule their server skips
    assert all(r["exchange"]["breaks"]["pointer"] is not None for r in accepted_invalid)


def _fragile_with_headers(app: Any) -> Any:
    """The referrals server behind a front that fails with 500 on a header of non-ASCII text
    or over 8,000 bytes (as a server that decodes headers as ASCII, or copies them into a
    fixed buffer, does)."""

    async def front(scope: Any, receive: Any, send: Any) -> None:
        headers = scope.get("headers", []) if scope["type"] == "http" else []
        if any(len(v) > 8000 or any(b > 127 for b in v) for _, v in headers):
            from starlette.responses import PlainTextResponse

            await PlainTextResponse("Internal Server Error", 500)(scope, receive, send)
            return
        await app(scope, receive, send)

    return front


def test_a_server_that_fails_on_odd_headers_is_caught_and_the_header_named() -> None:
    code, document, output = _probe(_fragile_with_headers(referrals_app()), examples=2)
    assert code == 1
    failed = {r["id"] for r in document["requirements"] if r["outcome"] == "failed"}
    # no 5xx, and (the crash answers before the server can) the correlation id not echoed
    assert failed == {"REF-103", "REF-106"}, output[-2000:]
    messages = [f["message"] for r in document["results"] for f in r["findings"]]
    assert any("X-Interopcheck-Probe header of non-ASCII text" in m for m in messages)
    assert any("X-Interopcheck-Probe header of 10000 characters" in m for m in messages)
    reproductions = [r["exchange"]["reproduction"] for r in document["results"] if r["findings"]]
    assert all("X-Interopcheck-Probe: " in c for c in reproductions)


def test_extra_headers_go_on_every_request_and_a_secret_one_is_never_written() -> None:
    """-H NAME:VALUE and -H NAME:env:VAR: the server sees both on every request; the report
    names the variable, never its value."""
    seen: list[tuple[str | None, str | None]] = []
    inner = referrals_app()

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            version, key = headers.get(b"api-version"), headers.get(b"x-gateway-key")
            seen.append((version.decode() if version else None, key.decode() if key else None))
        await inner(scope, receive, send)

    gateway_key = "gateway-key-never-written-5e0a"
    with serving(recording) as url:
        proc = run_cli(
            "probe", "-p", str(PROFILE_FILE), "--actor", "yot", "--target", url,
            "--auth", "bearer:YOT_TOKEN", "-n", "2", "-f", "json",
            "-H", "Api-Version: 2", "-H", "X-Gateway-Key: env:GATEWAY_KEY",
            env={"YOT_TOKEN": TOKEN, "GATEWAY_KEY": gateway_key},
        )  # fmt: skip
        unset = run_cli(
            "probe", "-p", str(PROFILE_FILE), "--actor", "yot", "--target", url,
            "--auth", "bearer:YOT_TOKEN", "-H", "X-Gateway-Key: env:NOT_SET_ANYWHERE",
            env={"YOT_TOKEN": TOKEN},
        )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    assert seen and set(seen) == {("2", gateway_key)}
    assert gateway_key not in proc.stdout + proc.stderr
    document = json.loads(proc.stdout)
    curl = document["results"][0]["exchange"]["reproduction"]
    assert "-H 'Api-Version: 2'" in curl and "-H 'X-Gateway-Key: '\"$GATEWAY_KEY\"" in curl
    assert "--header 'X-Gateway-Key: env:GATEWAY_KEY'" in document["manifest"]["reproduce"]
    assert unset.returncode == 2 and "$NOT_SET_ANYWHERE is empty or unset" in unset.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\n", "no operation to probe"),
        ("swagger: '2.0'\n", r"api\.yaml:1:1: not valid Swagger 2\.0: .info. is a required"),
        ("swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n", "no operation to probe"),
        ("openapi: 2.5\n", "not an OpenAPI 3.0, 3.1 or Swagger 2.0 document"),
        (
            "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    post:\n"
            "      requestBody: {content: {application/json: {schema: 7}}}\n"
            "      responses: {'200': {description: ok}}\n",
            r"api\.yaml:6:\d+: not valid OpenAPI 3\.1",
        ),
    ],
)
def test_an_unusable_openapi_document_is_a_clear_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(text)
    with pytest.raises(SetupError, match=message):
        load_openapi(path, "yot")


@pytest.mark.parametrize("fault", [None, "bad-receipt"])
def test_the_sandbox_serves_an_openapi_profile_in_its_own_shapes(fault: str | None) -> None:
    """The sandbox for the referrals profile answers with an Acknowledgement and an Error as
    the supplier's OpenAPI declares them (bodies generated from those schemas), not with the
    justice standard's receipt and problem; probe, with the same profile, agrees."""
    from interopcheck.sandbox.app import SandboxConfig, create_app

    faults = frozenset({fault}) if fault else frozenset()
    app = create_app(SandboxConfig(str(PROFILE_FILE), "yot", token=TOKEN, faults=faults))
    code, document, output = _probe(app, examples=3)
    failed = sorted(r["id"] for r in document["requirements"] if r["outcome"] == "failed")
    assert failed == ([] if fault is None else ["REF-105"]), output[-2000:]
    assert code == (0 if fault is None else 1)


def test_the_sandboxs_openapi_document_for_an_api_of_ones_own(tmp_path: Path) -> None:
    from openapi_spec_validator import validate

    out = tmp_path / "yot.json"
    proc = run_cli("profiles", "openapi", str(PROFILE_FILE), "--actor", "yot", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    document = json.loads(out.read_text())
    validate(document)
    operation = document["paths"]["/referrals"]["post"]
    assert operation["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Acknowledgement"
    }
    assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    # the supplier's own document, as written, with the profile's rules on the body they bind
    assert operation["operationId"] == "createReferral"
    referral = document["components"]["schemas"]["Referral"]
    assert referral["properties"]["youngPerson"] == {"$ref": "#/components/schemas/YoungPerson"}
    rules = operation["requestBody"]["content"]["application/json"]["x-interopcheck-rules"]
    assert {r["id"] for r in rules} == {"REF-003"}
    assert document["servers"] == [{"url": "/", "description": "the interopcheck sandbox"}]


def test_a_multi_file_api_document_with_spring_style_codes_is_a_profiles_api(
    tmp_path: Path,
) -> None:
    """The own-api example split as real documents are: a component in another file, reached
    by a relative $ref, and response codes as unquoted integers. Validation follows the $ref
    into the other file: a payload that breaks only what that file says is refused."""
    shutil.copytree(EXAMPLES / "own-api", tmp_path / "api")
    root = tmp_path / "api" / "referrals-openapi.yaml"
    text = root.read_text()
    start = text.index("    YoungPerson:\n")
    end = text.index("    Acknowledgement:\n")
    young_person = textwrap.dedent(text[start:end]).split("\n", 1)[1]
    (tmp_path / "api" / "schemas").mkdir()
    (tmp_path / "api" / "schemas" / "young-person.yaml").write_text(textwrap.dedent(young_person))
    text = text[:start] + text[end:]
    text = text.replace(
        "{$ref: '#/components/schemas/YoungPerson'}", "{$ref: './schemas/young-person.yaml'}"
    )
    text = text.replace("'201':", "201:")
    root.write_text(text)
    assert "201:" in text and "young-person.yaml" in text
    generated = run_cli(
        "generate", "-p", str(tmp_path / "api" / "profile.yaml"), "--type", "Referral",
        "-n", "1", "--seed", "1",
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    referral = json.loads(generated.stdout.splitlines()[0])
    good = tmp_path / "good.json"
    good.write_text(json.dumps(referral))
    del referral["youngPerson"]["familyName"]  # required only by the other file's schema
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(referral))
    profile = str(tmp_path / "api" / "profile.yaml")
    fine = run_cli("validate", "-p", profile, "--type", "Referral", str(good))
    assert fine.returncode == 0, fine.stdout + fine.stderr
    refused = run_cli("validate", "-p", profile, "--type", "Referral", str(bad), "-f", "json")
    assert refused.returncode == 1
    findings = [f for r in json.loads(refused.stdout)["results"] for f in r["findings"]]
    assert any(f["pointer"] == "/youngPerson" and "familyName" in f["message"] for f in findings)


def test_bodies_written_in_place_are_message_types_of_their_operation(tmp_path: Path) -> None:
    """An array request body and an object response written inline (as Spring and many real
    documents write them), with a $ref inside to a component: each is a message type named
    after its operation, and its inner reference still resolves."""
    api = tmp_path / "api.yaml"
    api.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /results:\n    post:\n"
        "      operationId: postResults\n"
        "      requestBody:\n        required: true\n        content:\n"
        "          application/json:\n            schema:\n              type: array\n"
        "              items: {$ref: '#/components/schemas/Result'}\n"
        "      responses:\n        201:\n          description: stored\n          content:\n"
        "            application/json:\n              schema:\n                type: object\n"
        "                properties: {stored: {type: integer}}\n"
        "components:\n  schemas:\n    Result:\n      type: object\n      required: [code]\n"
        "      properties: {code: {type: string, pattern: '^[0-9]{4}$'}}\n"
    )
    source = load_openapi(api, "court")
    [operation] = source.operations
    assert (operation.receives, operation.response, operation.accepted) == (
        "post-results-request",
        "post-results-response",
        201,
    )
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "id: results\nversion: 1.0.0\ntitle: r\nactors:\n  court: {title: Court, "
        "receives: [post-results-request]}\napi: {openapi: api.yaml, actor: court}\n"
        "requirements:\n  - id: R-1\n    level: MUST\n    text: Results conform to the API.\n"
        "    check: {schema: post-results-request}\n"
    )
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text('[{"code": "1002"}]')
    bad.write_text('[{"code": "10"}]')
    spec = ["validate", "-p", str(profile), "--type", "post-results-request"]
    assert run_cli(*spec, str(good)).returncode == 0
    refused = run_cli(*spec, str(bad), "-f", "json")
    assert refused.returncode == 1
    [finding] = json.loads(refused.stdout)["results"][0]["findings"]
    assert finding["pointer"] == "/0/code"


def test_a_change_in_any_file_of_the_api_document_changes_the_profiles_digest(
    tmp_path: Path,
) -> None:
    """A signed report names the profile by digest: a schema widened in a file the API document
    reaches by $ref must not still verify."""
    shutil.copytree(EXAMPLES / "own-api", tmp_path / "api")
    root = tmp_path / "api" / "referrals-openapi.yaml"
    text = root.read_text()
    start, end = text.index("    YoungPerson:\n"), text.index("    Acknowledgement:\n")
    (tmp_path / "api" / "young-person.yaml").write_text(
        textwrap.dedent(text[start:end]).split("\n", 1)[1]
    )
    root.write_text(
        (text[:start] + text[end:]).replace(
            "{$ref: '#/components/schemas/YoungPerson'}", "{$ref: './young-person.yaml'}"
        )
    )
    before = load_profile(str(tmp_path / "api" / "profile.yaml")).digest
    other = tmp_path / "api" / "young-person.yaml"
    other.write_text(other.read_text().replace("maxLength: 35", "maxLength: 350"))
    assert load_profile(str(tmp_path / "api" / "profile.yaml")).digest != before


def test_lint_places_an_api_document_problem_in_both_files(tmp_path: Path) -> None:
    """profiles lint: where the profile names the document, and where in the document."""
    shutil.copytree(EXAMPLES / "own-api", tmp_path / "api")
    document = tmp_path / "api" / "referrals-openapi.yaml"
    document.write_text(
        document.read_text().replace(
            "referralId: {type: string, format: uuid}", "referralId: {type: strin}", 1
        )
    )
    line = next(
        n for n, text in enumerate(document.read_text().splitlines(), 1) if "strin}" in text
    )
    [problem] = lint_profile(tmp_path / "api" / "profile.yaml")
    text = str(problem)
    assert text.startswith(
        f"{tmp_path / 'api' / 'profile.yaml'}:12:12: the API document it names: "
    )
    assert f"{document}:{line}:" in text and "'strin' is not one of" in text
