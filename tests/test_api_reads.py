"""Reads after writes (issue 16, part 3): a charge probe created is read back by the id its
answer gives (the document's OpenAPI link, and the Location header), its case by the URN it
was sent with (the profile's ``api.reads``), and a read of what nothing made must answer 404.
Real servers on loopback: one that does it right, one that forgets what it accepted, one that
answers 200 to any read; and the sandbox."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from interopcheck.errors import SetupError
from interopcheck.profile.loader import load_profile
from tests.conftest import TEST_DATA, run_cli
from tests.servers import serving

CHARGES = TEST_DATA / "charges-api" / "profile.yaml"
TOKEN = "charges-token-6b"
URN = re.compile(r"^[0-9]{2}[A-Z]{2}[0-9]{7}$")
OFFENCE = re.compile(r"^[A-Z]{2}[0-9]{5}$")


def charges_app(remembers: bool = True, finds_anything: bool = False) -> Starlette:
    """The intake; ``remembers=False`` forgets what it accepted (a read of it is 404),
    ``finds_anything=True`` answers 200 to a read of any well-formed id."""
    charges: dict[str, dict[str, Any]] = {}
    cases: set[str] = set()

    def refused(request: Request) -> Response | None:
        given = request.headers.get("authorization")
        if given is None:
            return Response(status_code=401)
        return None if given == f"Bearer {TOKEN}" else Response(status_code=403)

    async def create(request: Request) -> Response:
        refusal = refused(request)
        if refusal is not None:
            return refusal
        try:
            charge = json.loads(await request.body())
        except ValueError:
            charge = None
        valid = (
            isinstance(charge, dict)
            and set(charge) == {"urn", "offence"}
            and isinstance(charge["urn"], str)
            and URN.fullmatch(charge["urn"])
            and isinstance(charge["offence"], str)
            and OFFENCE.fullmatch(charge["offence"])
        )
        if not valid:
            return JSONResponse({"message": "not a charge"}, 400)
        charge_id = f"CH{uuid.uuid4().int % 1_000_000:06d}"
        if remembers:
            charges[charge_id] = charge
            cases.add(charge["urn"])
        location = {"Location": f"/v1/charges/{charge_id}"}
        return JSONResponse({"chargeId": charge_id}, 201, headers=location)

    async def charge(request: Request) -> Response:
        refusal = refused(request)
        if refusal is not None:
            return refusal
        found = charges.get(request.path_params["charge_id"])
        if found is None and finds_anything:
            found = {"urn": "01AB1234567", "offence": "TH68001"}
        if found is None:
            return JSONResponse({"message": "no such charge"}, 404)
        return JSONResponse(found)

    async def case(request: Request) -> Response:
        refusal = refused(request)
        if refusal is not None:
            return refusal
        urn = request.path_params["urn"]
        if urn in cases or finds_anything:
            return JSONResponse({"urn": urn})
        return JSONResponse({"message": "no such case"}, 404)

    return Starlette(
        routes=[
            Route("/v1/charges", create, methods=["POST"]),
            Route("/v1/charges/{charge_id}", charge),
            Route("/v1/cases/{urn}", case),
        ]
    )


def _probe(app: Any, token: str = TOKEN) -> tuple[int, dict[str, Any], str]:
    with serving(app) as url:
        proc = run_cli(
            "probe", "-p", str(CHARGES), "--actor", "prosecution", "--target", url,
            "--auth", "bearer:CHARGES_TOKEN", "-n", "3", "-f", "json",
            env={"CHARGES_TOKEN": token},
        )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stdout + proc.stderr


def _reads(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        r for r in document["results"] if r["exchange"]["kind"] in ("read-back", "unknown-read")
    ]


def test_the_link_and_the_profiles_reads_are_read() -> None:
    profile = load_profile(str(CHARGES))
    assert profile.api is not None
    create = next(e for e in profile.api.endpoints if e.id == "create-charge")
    assert [(link.read, link.parameters, link.via) for link in create.links] == [
        ("get-charge", (("chargeId", "$response.body#/chargeId"),), "readCharge"),
        ("get-case", (("urn", "$request.body#/urn"),), "profile"),
    ]


def test_a_service_that_reads_back_what_it_accepted_passes() -> None:
    code, document, output = _probe(charges_app())
    assert code == 0, output[-3000:]
    reads = _reads(document)
    by_via = {r["source"].split("(")[-1].rstrip(")") for r in reads if "read back" in r["source"]}
    assert {"readCharge", "profile", "Location"} <= by_via
    assert all(
        r["exchange"]["status"] == 200 for r in reads if r["exchange"]["kind"] == "read-back"
    )
    unknown = [r for r in reads if r["exchange"]["kind"] == "unknown-read"]
    assert {r["exchange"]["endpoint"] for r in unknown} == {"get-charge", "get-case"}
    assert all(r["exchange"]["status"] == 404 for r in unknown)
    outcome = {r["id"]: r["outcome"] for r in document["requirements"]}
    assert outcome["CH-003"] == "passed"


def test_a_service_that_forgets_what_it_accepted_is_caught() -> None:
    code, document, _ = _probe(charges_app(remembers=False))
    assert code == 1
    failed = [
        r for r in _reads(document) if any(f["requirement"] == "CH-003" for f in r["findings"])
    ]
    assert failed and all(r["exchange"]["kind"] == "read-back" for r in failed)
    message = failed[0]["findings"][0]["message"]
    assert message.startswith("answered 404 to a read of what #") and "made" in message


def test_a_service_that_finds_what_nothing_made_is_caught() -> None:
    code, document, _ = _probe(charges_app(finds_anything=True))
    assert code == 1
    failed = [
        r for r in _reads(document) if any(f["requirement"] == "CH-003" for f in r["findings"])
    ]
    assert failed and {r["exchange"]["kind"] for r in failed} == {"unknown-read"}
    assert "which nothing made" in failed[0]["findings"][0]["message"]


def test_the_sandbox_reads_back_what_it_accepted() -> None:
    from interopcheck.sandbox.app import DEVELOPMENT_TOKEN, SandboxConfig, create_app

    code, document, output = _probe(
        create_app(SandboxConfig(str(CHARGES), "prosecution")), token=DEVELOPMENT_TOKEN
    )
    assert code == 0, output[-3000:]
    statuses = {(r["exchange"]["kind"], r["exchange"]["status"]) for r in _reads(document)}
    assert ("read-back", 200) in statuses and ("unknown-read", 404) in statuses


@pytest.mark.parametrize(
    ("reads", "message"),
    [
        (
            "{after: create-charges, read: get-case, parameters: {urn: x}}",
            "no endpoint 'create-charges'; the endpoints are: create-charge, get-case, get-charge",
        ),
        (
            "{after: create-charge, read: get-case, parameters: {case: x}}",
            "get-case has no parameter 'case' (it has: urn)",
        ),
    ],
)
def test_a_read_that_names_nothing_is_a_clear_error(
    tmp_path: Any, reads: str, message: str
) -> None:
    (tmp_path / "openapi.yaml").write_text((TEST_DATA / "charges-api" / "openapi.yaml").read_text())
    text = CHARGES.read_text()
    start = text.index("  reads:")
    end = text.index("requirements:")
    (tmp_path / "profile.yaml").write_text(text[:start] + f"  reads: [{reads}]\n" + text[end:])
    with pytest.raises(SetupError, match=re.escape(message)):
        load_profile(str(tmp_path / "profile.yaml"))


def test_runtime_expressions_read_what_the_specification_says() -> None:
    """The OpenAPI specification's "Runtime Expressions" examples, over one exchange."""
    from interopcheck.apis.expressions import MISSING, Exchanged, evaluate

    exchanged = Exchanged(
        method="POST",
        url="https://court.example/v1/charges?queryUrl=x",
        status=201,
        request_body={"user": {"uuid": "u-1"}, "a.b": {"c/d": 7}},
        path={"eventType": "hearing"},
        query={"queryUrl": "https://callback.example"},
        request_headers={"Accept": "application/json"},
        response_body={"status": "ACCEPTED", "items": [{"id": "CH000001"}]},
        response_headers={"server": "nginx", "location": "/v1/charges/CH000001"},
    )
    expected = {
        "$method": "POST",
        "$statusCode": 201,
        "$url": "https://court.example/v1/charges?queryUrl=x",
        "$request.path.eventType": "hearing",
        "$request.query.queryUrl": "https://callback.example",
        "$request.header.accept": "application/json",  # names in any case
        "$request.body#/user/uuid": "u-1",
        "$request.body#/a.b/c~1d": 7,  # a dot in a pointer; ~1 for /
        "$response.body#/status": "ACCEPTED",
        "$response.body#/items/0/id": "CH000001",
        "$response.header.Location": "/v1/charges/CH000001",
        "a value, not an expression": "a value, not an expression",
        "$response.body#/items/9/id": MISSING,
        "$request.path.nothing": MISSING,
        "$elsewhere.x": MISSING,
    }
    for expression, value in expected.items():
        assert evaluate(expression, exchanged) == value, expression
