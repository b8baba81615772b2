"""Security as an API document declares it (issue 16, part 4): alternatives of schemes that
must all be met (a bearer token AND a gateway key; a query key OR basic), API keys in a header,
the query or a cookie, basic, and OAuth2 client credentials from the target's own token
endpoint. Probed against real servers on loopback: one that enforces it all, one that checks
only the bearer token (as gateways misconfigured do), and the sandbox."""

from __future__ import annotations

import base64
import json
import shlex
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from interopcheck.errors import CredentialError
from interopcheck.probing.auth import parse_auth
from interopcheck.profile.loader import load_profile
from tests.conftest import TEST_DATA, run_cli
from tests.servers import serving

GATEWAY = TEST_DATA / "gateway-api" / "profile.yaml"
TOKEN, KEY, PASSWORD = "tok-3f1a9c", "key-77b2e0", "pw-c0ffee"
CLIENT, CLIENT_SECRET, ISSUED = "probe-client", "cs-5d4e3f", "issued-9a8b7c"
ENV = {
    "GW_TOKEN": TOKEN,
    "GW_KEY": KEY,
    "GW_BASIC": f"maker:{PASSWORD}",
    "GW_CLIENT": CLIENT,
    "GW_SECRET": CLIENT_SECRET,
}
AUTH = [
    "--auth", "bearer=bearer:GW_TOKEN", "--auth", "api-key:GW_KEY",
    "--auth", "basic:GW_BASIC", "--auth", "oauth2:GW_CLIENT:GW_SECRET",
]  # fmt: skip
SECRETS = (TOKEN, KEY, PASSWORD, CLIENT_SECRET, ISSUED)


def gateway_app(check_gateway_key: bool = True) -> Starlette:
    """The gateway as it should be; ``check_gateway_key=False`` checks only the bearer token
    on case reads (the key is declared, and never looked at)."""

    def status_of(request: Request, *checks: tuple[str | None, str]) -> int | None:
        if any(given is None for given, _ in checks):
            return 401
        if any(given != wanted for given, wanted in checks):
            return 403
        return None

    def bearer(request: Request) -> str | None:
        kind, _, value = request.headers.get("authorization", "").partition(" ")
        return value if kind.lower() == "bearer" else None

    async def case(request: Request) -> Response:
        checks = [(bearer(request), TOKEN)]
        if check_gateway_key:
            checks.append((request.headers.get("x-gateway-key"), KEY))
        refused = status_of(request, *checks)
        if refused:
            return Response(status_code=refused)
        return JSONResponse({"message": "no such case"}, 404)

    async def courts(request: Request) -> Response:
        key = request.query_params.get("key")
        kind, _, value = request.headers.get("authorization", "").partition(" ")
        if key == KEY:
            return JSONResponse(["LV001", "MC002"])
        if kind.lower() == "basic":
            user_password = base64.b64decode(value).decode()
            ok = user_password.partition(":")[2] == PASSWORD
            return JSONResponse(["LV001"]) if ok else Response(status_code=403)
        return Response(status_code=403 if key else 401)

    async def session(request: Request) -> Response:
        refused = status_of(request, (request.cookies.get("session"), KEY))
        return Response(status_code=refused) if refused else JSONResponse({"user": "maker"})

    async def token(request: Request) -> Response:
        kind, _, value = request.headers.get("authorization", "").partition(" ")
        given = base64.b64decode(value).decode() if kind.lower() == "basic" else ""
        if given != f"{CLIENT}:{CLIENT_SECRET}":
            return JSONResponse({"error": "invalid_client"}, 401)
        return JSONResponse({"access_token": ISSUED, "token_type": "Bearer"})

    async def notes(request: Request) -> Response:
        refused = status_of(request, (bearer(request), ISSUED))
        if refused:
            return Response(status_code=refused)
        try:
            note = json.loads(await request.body())
        except ValueError:
            note = None
        valid = isinstance(note, dict) and set(note) == {"text"} and isinstance(note["text"], str)
        if not valid or not 1 <= len(note["text"]) <= 200:
            return JSONResponse({"message": "not a note"}, 400)
        return JSONResponse({}, 201)

    async def status(request: Request) -> Response:
        return JSONResponse({"up": True})

    return Starlette(
        routes=[
            Route("/v1/cases/{case_id}", case),
            Route("/v1/courts", courts),
            Route("/v1/session", session),
            Route("/oauth/token", token, methods=["POST"]),
            Route("/v1/notes", notes, methods=["POST"]),
            Route("/v1/status", status),
        ]
    )


def _probe(app: Any, *auth: str, env: dict[str, str] = ENV) -> tuple[int, dict[str, Any], str]:
    with serving(app) as url:
        proc = run_cli(
            "probe", "-p", str(GATEWAY), "--actor", "gateway", "--target", url, *auth,
            "-n", "3", "-f", "json", env=env,
        )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stdout + proc.stderr


def test_the_schemes_and_their_alternatives_are_read() -> None:
    profile = load_profile(str(GATEWAY))
    assert profile.api is not None
    by_id = {e.id: e for e in profile.api.endpoints}
    assert by_id["get-case"].security == (("bearer", "gatewayKey"),)
    assert by_id["list-courts"].security == (("queryKey",), ("basicAuth",))
    assert not by_id["get-status"].secured
    kinds = {name: (s.kind, s.location, s.parameter) for name, s in profile.api.schemes.items()}
    assert kinds == {
        "bearer": ("bearer", None, None),
        "gatewayKey": ("api-key", "header", "X-Gateway-Key"),
        "queryKey": ("api-key", "query", "key"),
        "cookieKey": ("api-key", "cookie", "session"),
        "basicAuth": ("basic", None, None),
        "oauth": ("oauth2-client-credentials", None, None),
    }
    assert profile.api.schemes["oauth"].token_url == "/oauth/token"


def test_a_gateway_that_enforces_every_scheme_passes() -> None:
    code, document, output = _probe(gateway_app(), *AUTH)
    assert code == 0, output[-3000:]
    outcomes = {r["id"]: r["outcome"] for r in document["requirements"]}
    assert set(outcomes.values()) == {"passed"}, outcomes
    kinds = {(r["exchange"]["endpoint"], r["exchange"]["kind"]) for r in document["results"]}
    # each scheme of the AND left out once, and refused
    assert ("get-case", "partial-credentials") in kinds
    assert ("get-status", "no-credentials") not in kinds  # it declares no security
    assert ("add-note", "generated") in kinds  # with the token asked for at the start
    for secret in SECRETS:
        assert secret not in output
    # each secret by reference in the reproduction: in the query, a cookie, a header
    words = {
        r["exchange"]["endpoint"]: shlex.split(r["exchange"]["reproduction"].split(" --data")[0])
        for r in document["results"]
        if r["exchange"]["kind"] == "generated"
    }
    url = document["results"][0]["exchange"]["url"].split("/v1/")[0]
    assert f"{url}/v1/courts?key=$GW_KEY" in words["list-courts"]
    assert words["get-session"][-2:] == ["-b", "session=$GW_KEY"]
    assert "X-Gateway-Key: $GW_KEY" in words["get-case"]
    assert "Authorization: Bearer $INTEROPCHECK_OAUTH_TOKEN" in words["add-note"]


def test_a_gateway_that_checks_only_the_bearer_token_is_caught() -> None:
    code, document, _ = _probe(gateway_app(check_gateway_key=False), *AUTH)
    assert code == 1
    failed = [
        r for r in document["results"] if any(f["requirement"] == "GW-002" for f in r["findings"])
    ]
    assert failed and all(r["exchange"]["kind"] == "partial-credentials" for r in failed)
    assert all("without gatewayKey" in r["source"] for r in failed)


def test_an_operation_without_its_credentials_given_is_probed_for_authentication_only() -> None:
    code, document, output = _probe(gateway_app(), "--auth", "bearer=bearer:GW_TOKEN")
    assert code == 0, output[-2000:]
    notes = {e["id"]: e.get("note", "") for e in document["endpoints"]}
    assert "no --auth for bearer and gatewayKey" in notes["get-case"]
    assert "no --auth for queryKey or basicAuth" in notes["list-courts"]
    kinds = {r["exchange"]["kind"] for r in document["results"] if "courts" in r["source"]}
    assert kinds == {"no-credentials", "wrong-credentials"}


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        ("nosuch=bearer:GW_TOKEN", "no security scheme 'nosuch'"),
        ("bearer=api-key:GW_KEY", "declares no such scheme"),
        ("basic:GW_TOKEN", "must hold user:password"),
        ("oauth2:GW_CLIENT", "give oauth2:CLIENT_ID_VAR:CLIENT_SECRET_VAR"),
        ("oauth2:GW_CLIENT:NO_SUCH_VAR", "is empty or unset"),
    ],
)
def test_bad_auth_for_a_document_is_a_setup_error(auth: str, message: str) -> None:
    profile = load_profile(str(GATEWAY))
    assert profile.api is not None
    with pytest.MonkeyPatch.context() as patch:
        for name, value in ENV.items():
            patch.setenv(name, value)
        with pytest.raises(CredentialError, match=message):
            parse_auth(auth, profile.api)


def test_a_token_endpoint_on_another_origin_gets_no_client_secret(tmp_path: Any) -> None:
    document = (TEST_DATA / "gateway-api" / "openapi.yaml").read_text()
    (tmp_path / "openapi.yaml").write_text(
        document.replace("tokenUrl: /oauth/token", "tokenUrl: https://login.example/token")
    )
    (tmp_path / "profile.yaml").write_text(GATEWAY.read_text())
    with serving(gateway_app()) as url:
        proc = run_cli(
            "probe", "-p", str(tmp_path / "profile.yaml"), "--actor", "gateway",
            "--target", url, *AUTH, "-n", "1", env=ENV,
        )  # fmt: skip
    assert proc.returncode == 2
    assert "is not on the target's origin" in proc.stderr and CLIENT_SECRET not in proc.stderr


def test_the_sandbox_enforces_the_declared_security_and_probe_finds_it_clean() -> None:
    from interopcheck.sandbox.app import SandboxConfig, create_app

    sandbox_token = "sandbox-secret-4e"
    app = create_app(SandboxConfig(str(GATEWAY), "gateway", token=sandbox_token))
    env = {
        "GW_TOKEN": sandbox_token,
        "GW_KEY": sandbox_token,
        "GW_BASIC": f"anyone:{sandbox_token}",
        "GW_CLIENT": "c",
        "GW_SECRET": sandbox_token,
    }
    code, document, output = _probe(app, *AUTH, env=env)
    assert code == 0, output[-3000:]
    statuses = {
        (r["exchange"]["endpoint"], r["exchange"]["kind"]): r["exchange"]["status"]
        for r in document["results"]
    }
    assert statuses[("get-case", "partial-credentials")] == 401
    assert statuses[("get-case", "wrong-credentials")] == 403
    assert statuses[("add-note", "generated")] == 201  # with the token its endpoint issued
    wrong = dict(env, GW_KEY="not-the-key")
    code, document, _ = _probe(app, *AUTH, env=wrong)
    assert code == 1  # a wrong key is refused where the key is needed
