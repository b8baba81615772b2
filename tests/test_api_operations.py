"""Every operation of an API document is an endpoint (issue 16, part 2): a GET-only API with
path, query and header parameters is probed end to end against real servers on loopback, one
right and some wrong as servers are (an unauthenticated read, parameters never checked, a
read of nothing answered 200); parameters are written and read back as OpenAPI's styles say
(a Hypothesis property); the sandbox serves such an API and probe finds it clean."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from interopcheck.domain.bodies import decode, encode
from interopcheck.domain.endpoints import EndpointParameter
from interopcheck.domain.parameters import Written, read, received, write
from interopcheck.probing.plan import HEADER_VALUE
from interopcheck.profile.loader import load_profile
from tests.conftest import TEST_DATA, run_cli
from tests.servers import serving

LISTINGS = TEST_DATA / "listings-api" / "profile.yaml"
TOKEN = "listings-test-token-5c1"
COURT = re.compile(r"^[A-Z]{2}[0-9]{3}$")
STATUSES = ("LISTED", "ADJOURNED", "VACATED")


def listings_app(
    check_auth: bool = True, check_parameters: bool = True, not_found: bool = True
) -> Starlette:
    """The listing service; each flag off is a fault real services have."""
    held = {1: {"hearingId": 1, "court": "LV001", "day": "2026-11-30", "status": "LISTED"}}

    def problem(status: int, title: str, echo: dict[str, str]) -> Response:
        body = {"title": title, "status": status}
        return JSONResponse(body, status, headers=echo, media_type="application/problem+json")

    def refused(request: Request) -> Response | None:
        echo = {"X-Request-Id": request.headers.get("x-request-id", "")}
        if check_auth and request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Response(status_code=401, headers=echo)
        if check_parameters:
            try:
                uuid.UUID(request.headers.get("x-request-id", ""))
            except ValueError:
                return problem(400, "X-Request-Id is not a UUID", echo)
        return None

    async def listing(request: Request) -> Response:
        echo = {"X-Request-Id": request.headers.get("x-request-id", "")}
        refusal = refused(request)
        if refusal is not None:
            return refusal
        query = request.query_params
        if check_parameters:
            try:
                if not COURT.fullmatch(query.get("court", "")):
                    raise ValueError("court")
                dt.date.fromisoformat(query["day"])
                if "limit" in query and not 1 <= int(query["limit"]) <= 100:
                    raise ValueError("limit")
                wanted = query.get("status")
                if wanted is not None and not set(wanted.split(",")) <= set(STATUSES):
                    raise ValueError("status")
            except (KeyError, ValueError) as exc:
                return problem(400, f"bad parameter {exc}", echo)
        return JSONResponse(list(held.values()), headers=echo)

    async def hearing(request: Request) -> Response:
        echo = {"X-Request-Id": request.headers.get("x-request-id", "")}
        refusal = refused(request)
        if refusal is not None:
            return refusal
        text = request.path_params["hearing_id"]
        if check_parameters and not (text.isdigit() and int(text) >= 1):
            return problem(400, "not a hearing id", echo)
        found = held.get(int(text)) if text.isdigit() else None
        if found is None:
            if not_found:
                return problem(404, "no such hearing", echo)
            return JSONResponse({}, headers=echo)  # 200 with nothing: not a Hearing
        return JSONResponse(found, headers=echo)

    return Starlette(
        routes=[
            Route("/v1/hearings", listing, methods=["GET"]),
            Route("/v1/hearings/{hearing_id}", hearing, methods=["GET"]),
        ]
    )


def _probe(app: Any, examples: int = 5) -> tuple[int, dict[str, Any], str]:
    with serving(app) as url:
        proc = run_cli(
            "probe", "-p", str(LISTINGS), "--actor", "listings", "--target", url,
            "--auth", "bearer:LISTINGS_TOKEN", "-n", str(examples), "-f", "json",
            env={"LISTINGS_TOKEN": TOKEN},
        )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stdout + proc.stderr


def _failed(document: dict[str, Any]) -> dict[str, list[str]]:
    """Requirement id -> the sources of the exchanges that failed it."""
    found: dict[str, list[str]] = {}
    for result in document["results"]:
        for finding in result["findings"]:
            found.setdefault(finding["requirement"], []).append(result["source"])
    return found


def test_every_operation_of_the_document_is_an_endpoint() -> None:
    profile = load_profile(str(LISTINGS))
    assert profile.api is not None
    by_id = {e.id: e for e in profile.api.endpoints}
    assert set(by_id) == {"list-hearings", "get-hearing"}
    listing = by_id["list-hearings"]
    assert (listing.method, listing.receives) == ("GET", None)
    assert [(p.name, p.location, p.required) for p in listing.parameters] == [
        ("court", "query", True),
        ("day", "query", True),
        ("limit", "query", False),
        ("status", "query", False),
        ("X-Request-Id", "header", True),
    ]
    assert [(p.style, p.explode) for p in listing.parameters][3] == ("form", False)
    assert by_id["get-hearing"].reads and not listing.reads
    assert profile.api.correlation_header == "X-Request-Id"


def test_a_get_only_api_that_does_it_right_passes() -> None:
    code, document, output = _probe(listings_app())
    assert code == 0, output[-3000:]
    outcomes = {r["id"]: r["outcome"] for r in document["requirements"]}
    assert set(outcomes.values()) == {"passed"}, outcomes
    sent = {e["id"]: e["exchanges"] for e in document["endpoints"]}
    assert sent["list-hearings"] >= 5 and sent["get-hearing"] >= 5
    urls = [r["exchange"]["url"] for r in document["results"]]
    assert any("?court=" in u and "&day=" in u for u in urls)  # required query parameters
    assert all("{" not in u for u in urls)  # every path parameter filled in
    assert TOKEN not in output


def test_an_unauthenticated_read_is_caught() -> None:
    code, document, _ = _probe(listings_app(check_auth=False))
    assert code == 1
    failed = _failed(document)
    assert set(failed) == {"LST-007"}, failed
    assert any(
        "GET /v1/hearings/{hearingId}" in s and "no-credentials" in s for s in failed["LST-007"]
    )
    assert any("GET /v1/hearings " in s and "no-credentials" in s for s in failed["LST-007"])


def test_parameters_never_checked_are_caught_and_said() -> None:
    code, document, _ = _probe(listings_app(check_parameters=False))
    assert code == 1
    failed = _failed(document)
    assert "LST-002" in failed
    records = [
        r["exchange"]
        for r in document["results"]
        if any(f["requirement"] == "LST-002" for f in r["findings"])
    ]
    # each says which parameter it broke, and how to send it again (curl -g: [] are literal)
    assert all(r["breaks"]["pointer"].startswith(("/query", "/header", "/path")) for r in records)
    assert all(r["reproduction"].startswith("curl -g") for r in records)


def test_a_read_of_nothing_answered_200_is_caught() -> None:
    code, document, _ = _probe(listings_app(not_found=False))
    assert code == 1
    failed = _failed(document)
    assert set(failed) == {"LST-005"}, failed
    messages = [
        f["message"]
        for r in document["results"]
        for f in r["findings"]
        if f["requirement"] == "LST-005"
    ]
    assert all("is not a get-hearing-response" in m or "Hearing" in m for m in messages), messages


def test_the_sandbox_serves_the_get_only_api_and_probe_finds_it_clean() -> None:
    from interopcheck.sandbox.app import DEVELOPMENT_TOKEN, SandboxConfig, create_app

    app = create_app(SandboxConfig(str(LISTINGS), "listings"))
    with serving(app) as url:
        proc = run_cli(
            "probe", "-p", str(LISTINGS), "--actor", "listings", "--target", url,
            "--auth", "bearer:T", "-n", "5", "-f", "json", env={"T": DEVELOPMENT_TOKEN},
        )  # fmt: skip
        wrong = run_cli(
            "probe", "-p", str(LISTINGS), "--actor", "listings", "--target", url,
            "--auth", "bearer:T", "-n", "3", "-f", "json", env={"T": "not-the-token"},
        )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    statuses = {r["exchange"]["status"] for r in json.loads(proc.stdout)["results"]}
    assert {200, 400, 401, 404} <= statuses
    assert wrong.returncode == 1  # the sandbox refuses what the document secures


# -- writing and reading parameters -----------------------------------------------------------

PRIMITIVES = st.one_of(
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.text(st.characters(codec="utf-8", exclude_characters=",;=.|[] "), min_size=1, max_size=8),
)
STYLES = [
    ("path", "simple", False), ("path", "simple", True), ("path", "label", False),
    ("path", "label", True), ("path", "matrix", False), ("path", "matrix", True),
    ("query", "form", True), ("query", "form", False), ("query", "spaceDelimited", False),
    ("query", "pipeDelimited", False), ("query", "deepObject", True),
    ("header", "simple", False), ("header", "simple", True), ("cookie", "form", True),
]  # fmt: skip


def _schema_of(value: Any) -> dict[str, Any]:
    def kind(v: Any) -> str:
        return "boolean" if isinstance(v, bool) else "integer" if isinstance(v, int) else "string"

    if isinstance(value, list):
        return {"type": "array", "items": {"type": kind(value[0])}}
    if isinstance(value, dict):
        return {"type": "object", "properties": {k: {"type": kind(v)} for k, v in value.items()}}
    return {"type": kind(value)}


@st.composite
def _placed(draw: st.DrawFn) -> tuple[str, str, bool, Any]:
    location, style, explode = draw(st.sampled_from(STYLES))
    shapes = [PRIMITIVES]
    same = PRIMITIVES.flatmap(lambda v: st.just(type(v)))
    if style != "deepObject" and location != "cookie":
        shapes.append(
            same.flatmap(
                lambda t: st.lists(
                    PRIMITIVES.filter(lambda v: type(v) is t), min_size=1, max_size=3
                )
            )
        )
    if location != "cookie" and not (
        location == "query" and style in ("spaceDelimited", "pipeDelimited")
    ):
        keys = st.text("abcdefgh", min_size=1, max_size=4)
        shapes.append(st.dictionaries(keys, PRIMITIVES, min_size=1, max_size=3))
    if style == "deepObject":
        shapes = [
            st.dictionaries(
                st.text("abcdefgh", min_size=1, max_size=4), PRIMITIVES, min_size=1, max_size=3
            )
        ]
    value = draw(st.one_of(shapes))
    return location, style, explode, value


@settings(max_examples=300, deadline=None)
@given(_placed())
def test_a_parameter_written_in_any_style_reads_back_as_drawn(
    placed: tuple[str, str, bool, Any],
) -> None:
    location, style, explode, value = placed
    name = "p" if location != "header" else "X-P"
    parameter = EndpointParameter(name, location, True, style, explode)  # type: ignore[arg-type]
    template = "/things/{p}" if location == "path" else "/things"
    written = write(template, (parameter,), {location: {name: value}})
    # a header probe would not send (a CR, a leading space) is never drawn: probe drops it
    assume(all(HEADER_VALUE.fullmatch(v) for v in written.headers.values()))
    got = received(template, written)
    assert got is not None, written
    schemas = {location: {name: _schema_of(value)}}
    plain, _ = read((parameter,), got, schemas)
    assert plain == {location: {name: value}}, (written, plain)


def test_writing_follows_the_specification_examples() -> None:
    """The OpenAPI 3.1 specification's "Style Examples" table, for color = [blue, black, brown]
    and R=100, G=200, B=150."""

    def one(location: str, style: str, explode: bool, value: Any) -> Written:
        parameter = EndpointParameter("color", location, True, style, explode)  # type: ignore[arg-type]
        template = "/{color}" if location == "path" else "/"
        return write(template, (parameter,), {location: {"color": value}})

    colours = ["blue", "black", "brown"]
    rgb = {"R": 100, "G": 200, "B": 150}
    assert one("path", "matrix", False, colours).path == "/;color=blue,black,brown"
    assert one("path", "matrix", True, colours).path == "/;color=blue;color=black;color=brown"
    assert one("path", "matrix", True, rgb).path == "/;R=100;G=200;B=150"
    assert one("path", "label", False, colours).path == "/.blue,black,brown"
    assert one("path", "label", True, rgb).path == "/.R=100.G=200.B=150"
    assert one("path", "simple", False, rgb).path == "/R,100,G,200,B,150"
    assert one("query", "form", True, colours).query == "color=blue&color=black&color=brown"
    assert one("query", "form", False, rgb).query == "color=R,100,G,200,B,150"
    assert one("query", "form", True, rgb).query == "R=100&G=200&B=150"
    assert one("query", "spaceDelimited", False, colours).query == "color=blue%20black%20brown"
    assert one("query", "pipeDelimited", False, colours).query == "color=blue%7Cblack%7Cbrown"
    assert one("query", "deepObject", True, rgb).query == (
        "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"
    )
    assert one("header", "simple", True, rgb).headers == {"color": "R=100,G=200,B=150"}
    # a value's own reserved characters are escaped; the style's separators are not
    assert one("query", "form", False, ["a,b", "c&d"]).query == "color=a%2Cb,c%26d"


@pytest.mark.parametrize("encoding", ["form", "multipart"])
def test_a_form_body_reads_back_as_written(encoding: str) -> None:
    value = {"name": "O'Brien", "age": 7, "tags": ["a", "b"], "address": {"line": "1 High St"}}
    media = "application/x-www-form-urlencoded" if encoding == "form" else "multipart/form-data"
    body, content_type = encode(value, encoding, media, "ic-boundary")  # type: ignore[arg-type]
    readings, problem = decode(encoding, media, content_type, body)  # type: ignore[arg-type]
    assert problem is None
    assert readings[1] == value  # numbers read as numbers
    assert readings[0]["age"] == "7"  # and, first, a form's text as text


def test_a_written_path_that_is_not_the_templates_is_not_read() -> None:
    assert received("/a/{x}/b", Written("/a/1/c")) is None
    # an escaped slash is part of one value, not a segment of its own
    got = received("/a/{x}/b", Written("/a/%2F/b"))
    assert got is not None and got.path == {"x": "/"}


def test_the_parameters_schema_is_in_the_catalog() -> None:
    """What the sandbox checks a request's parameters against: one object per location, the
    required ones required (a path parameter always)."""
    from interopcheck.validation import ValidationSpec, build_checker

    checker = build_checker(ValidationSpec(profile=str(LISTINGS)))
    entry = checker.catalog.find("get-hearing-parameters")
    assert entry is not None
    schema = entry.document
    assert schema["required"] == ["header", "path"]
    assert schema["properties"]["path"]["required"] == ["hearingId"]


def test_profiles_show_lists_each_operation_with_its_parameters_and_answers() -> None:
    shown = run_cli("profiles", "show", str(LISTINGS), "--json")
    assert shown.returncode == 0, shown.stderr
    endpoints = {e["id"]: e for e in json.loads(shown.stdout)["api"]["endpoints"]}
    hearing = endpoints["get-hearing"]
    assert hearing["parameters"][0] == {
        "name": "hearingId", "in": "path", "required": True, "style": "simple", "explode": False,
    }  # fmt: skip
    assert [r["status"] for r in hearing["responses"]] == ["200", "400", "401", "404"]
    assert hearing["responses"][3]["mediaTypes"] == ["application/problem+json"]
    assert (hearing["secured"], hearing["probed"], hearing["receives"]) == (True, "full", None)
    assert hearing["security"] == [["bearer"]]
    table = run_cli("profiles", "show", str(LISTINGS), env={"COLUMNS": "200"})
    assert "hearingId* (path)" in table.stdout and "404 Problem" in table.stdout


def test_lint_names_the_endpoint_ids_of_the_document_when_one_is_wrong(tmp_path: Path) -> None:
    (tmp_path / "openapi.yaml").write_text((LISTINGS.parent / "openapi.yaml").read_text())
    text = LISTINGS.read_text().replace(
        "check: {http: rejects-invalid}}",
        "check: {http: rejects-invalid, endpoints: [get-hearings]}}",
    )
    (tmp_path / "profile.yaml").write_text(text)
    proc = run_cli("profiles", "lint", str(tmp_path / "profile.yaml"))
    assert proc.returncode == 1
    assert "no endpoint 'get-hearings'; did you mean get-hearing or list-hearings?" in proc.stdout
    assert "known: list-hearings, get-hearing" in proc.stdout


def test_parameters_that_share_a_segment_are_split_every_way() -> None:
    """``/{pageName}{mediaTypeExtension}`` (healthcare.gov's document): only the schemas can
    say where one ends, so every split is offered, the longest first part first."""
    from interopcheck.domain.parameters import path_splits

    splits = path_splits("/api/{pageName}{ext}", "/api/about.json")
    assert splits[0] == {"pageName": "about.json", "ext": ""}
    assert {"pageName": "about", "ext": ".json"} in splits
    assert len(splits) == len("about.json") + 1
    assert path_splits("/v1/hearings/{id}", "/v1/hearings/17") == [{"id": "17"}]
    assert path_splits("/v1/hearings/{id}", "/v1/cases/17") == []
    assert path_splits("/v1/{a}/x/{b}", "/v1/1/x/2") == [{"a": "1", "b": "2"}]
