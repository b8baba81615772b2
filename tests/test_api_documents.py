"""API documents as people write them (issue 16, part 1), on the real corpus in tests/data:
every document openapi-spec-validator accepts loads, every one it refuses is a located error,
every operation is read (the counts by method are the corpus manifest's own), multi-file
documents are followed, and nothing is ever fetched."""

from __future__ import annotations

import collections
import json
import re
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from interopcheck.apis.operations import load_api
from interopcheck.errors import ApiDocumentError
from tests.conftest import TEST_DATA, run_cli

CORPUS = TEST_DATA / "api-corpus"
MANIFEST = [
    e for e in json.loads((CORPUS / "manifest.json").read_text()) if e["kind"] != "jsonschema"
]
REPORT = json.loads((CORPUS / "validation-report.json").read_text())
DOCUMENTS = [e for e in MANIFEST if e["kind"] in ("openapi", "swagger2")]
#: Absolute $refs name these local copies by their $id (the corpus maps them the same way).
REF_SCHEMAS = {"openapi/moj-opg-data-lpa-store": ("schemas",)}


def _main(entry: dict[str, Any]) -> Path:
    return CORPUS / entry["dir"] / entry["main"]


def _refs(entry: dict[str, Any]) -> tuple[Path, ...]:
    return tuple(CORPUS / entry["dir"] / d for d in REF_SCHEMAS.get(entry["dir"], ()))


def _accepted(entry: dict[str, Any]) -> bool:
    section = "openapi" if entry["kind"] == "openapi" else "swagger2"
    return bool(REPORT[section][entry["dir"]]["ok"])


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading is offline: any attempt to connect anywhere fails the test."""

    def refuse(self: socket.socket, address: Any) -> None:
        raise AssertionError(f"an API document load tried to connect to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_the_corpus_is_here() -> None:
    assert len(DOCUMENTS) == 72
    assert sum(1 for e in DOCUMENTS if e["kind"] == "openapi") == 32
    assert len(COUNTED) >= 60


@pytest.mark.parametrize("entry", DOCUMENTS, ids=lambda e: e["dir"])
def test_each_document_loads_or_is_refused_as_its_validator_says(entry: dict[str, Any]) -> None:
    try:
        api = load_api(_main(entry), _refs(entry))
    except ApiDocumentError as refused:
        assert not _accepted(entry), str(refused)
        message = str(refused)
        assert message.startswith(f"{_main(entry)}:")
        assert re.match(r".+:\d+:\d+: not valid (OpenAPI 3\.\d\.\d|Swagger 2\.0)", message)
        assert "\n" not in message and len(message) < 400
        return
    if not _accepted(entry):
        # the corpus's check refused it for a format only: here that is a note
        assert api.notes and all("is not a" in note for note in api.notes), entry["dir"]
        return
    assert api.operations, entry["dir"]


def _counted(entry: dict[str, Any]) -> str | None:
    return next((f for f in entry["features"] if f.startswith("ops ")), None)


COUNTED = [e for e in DOCUMENTS if _counted(e) and _accepted(e)]


@pytest.mark.parametrize("entry", COUNTED, ids=lambda e: e["dir"])
def test_every_operation_is_read(entry: dict[str, Any]) -> None:
    """The corpus manifest counts each document's operations by method ("ops GET9/PUT1/POST2").
    Webhooks are operations the API calls, not ones it serves, so they are not endpoints here;
    the manifest counts them for one document and not for another, and either is accepted."""
    counted = _counted(entry)
    assert counted is not None
    api = load_api(_main(entry), _refs(entry))
    expected = collections.Counter(
        {method.lower(): int(n) for method, n in re.findall(r"([A-Z]+)(\d+)", counted[4:])}
    )
    read = collections.Counter(o.method for o in api.operations)
    assert read in (expected, expected - api_webhooks(_main(entry)))
    assert len({o.id for o in api.operations}) == len(api.operations)


def api_webhooks(path: Path) -> collections.Counter[str]:
    """Operations under a 3.1 document's ``webhooks`` (read straight from the file)."""
    import yaml

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: collections.Counter[str] = collections.Counter()
    for item in (document.get("webhooks") or {}).values():
        target = item
        if "$ref" in item:
            target = yaml.safe_load((path.parent / item["$ref"]).read_text(encoding="utf-8"))
        found.update(m for m in target if m in ("get", "put", "post", "delete", "patch"))
    return found


def test_the_refused_openapi_documents_are_located_where_they_go_wrong() -> None:
    refused = {}
    for entry in DOCUMENTS:
        if entry["kind"] == "openapi" and not _accepted(entry):
            with pytest.raises(ApiDocumentError) as raised:
                load_api(_main(entry), _refs(entry))
            refused[entry["dir"]] = str(raised.value)
    assert set(refused) == {"openapi/redoc-demo-openapi-3.0", "openapi/redoc-demo-openapi-3.1"}
    # located where the nearest allowed form fails (an array where 3.0 wants one schema)
    assert refused["openapi/redoc-demo-openapi-3.0"].endswith(
        "openapi.yaml:1160:13: not valid OpenAPI 3.0.0 (at /components/schemas/User): "
        "matches none of the forms the specification allows here (the nearest fails at "
        "/components/schemas/User/properties/addresses/items: matches none of the forms the "
        "specification allows here)"
    )
    assert (
        "openapi-3-1.yaml:55:5: not valid OpenAPI 3.1.0 (at /info/license)"
        in refused["openapi/redoc-demo-openapi-3.1"]
    )


def test_a_multi_file_document_is_followed_through_its_files() -> None:
    api = load_api(CORPUS / "openapi/hmrc-business-details-api-v2/application.yaml")
    assert api.files == 35 and api.version == "3.0"
    listed = next(o for o in api.operations if o.method == "get" and "{nino}" in o.path)
    names = {(p.location, p.name) for p in listed.parameters}
    assert ("path", "nino") in names and ("header", "Gov-Test-Scenario") in names
    # an Accept header parameter (common/headers.yaml) is ignored, as OpenAPI says
    assert ("header", "Accept") not in names
    assert all(o.security for o in api.operations)


def test_an_absolute_ref_is_never_fetched_and_says_how_to_map_it() -> None:
    entry = next(e for e in DOCUMENTS if e["dir"] == "openapi/moj-opg-data-lpa-store")
    with pytest.raises(ApiDocumentError, match=r"openapi\.yaml:\d+:\d+: \$ref 'https://") as raised:
        load_api(_main(entry))
    assert "--ref-schemas" in str(raised.value)
    api = load_api(_main(entry), _refs(entry))
    assert api.version == "3.1" and api.files == 4


def test_unquoted_integer_response_codes_are_read_as_codes() -> None:
    path = CORPUS / "openapi/moj-opg-data-lpa-uid/openapi.yaml"
    assert re.search(r"^\s+[0-9]{3}:\s*$", path.read_text(), re.M)
    api = load_api(path)
    assert all(
        r.status.isdigit() or r.status == "default" for o in api.operations for r in o.responses
    )
    assert any(r.status == "201" for o in api.operations for r in o.responses)


def test_swagger_2_bodies_media_types_and_security_are_read() -> None:
    api = load_api(CORPUS / "swagger2/other/alphagov-pay-publicapi-swagger" / _swagger_main())
    posted = [o for o in api.operations if o.method == "post"]
    assert posted and any(
        b.media_type == "application/json" for o in posted for b in o.request_bodies
    )
    assert api.security_schemes


def _swagger_main() -> str:
    entry = next(
        e for e in DOCUMENTS if e["dir"] == "swagger2/other/alphagov-pay-publicapi-swagger"
    )
    return str(entry["main"])


def test_a_missing_referenced_file_is_an_error_at_the_ref(tmp_path: Path) -> None:
    root = tmp_path / "api.yaml"
    root.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /a:\n    $ref: './paths/a.yaml'\n"
    )
    with pytest.raises(ApiDocumentError, match=r"api\.yaml:5:\d+: cannot read .*a\.yaml"):
        load_api(root)


def test_the_cli_lists_every_operation_and_refuses_with_one_line() -> None:
    shown = run_cli(
        "apis", "show", str(CORPUS / "openapi/hmrc-obligations-api-v3/application.yaml")
    )
    assert shown.returncode == 0, shown.stderr
    assert "OpenAPI 3.0, 14 files, 2 operations" in shown.stdout
    assert "GET /obligations/details/{nino}/crystallisation" in shown.stdout
    as_json = run_cli(
        "apis",
        "show",
        "--json",
        str(CORPUS / "openapi/hmcts-api-cp-crime-results-pcr/openapi-spec.yml"),
    )
    document = json.loads(as_json.stdout)
    assert [o["method"] for o in document["operations"]].count("GET") == 1
    [posted] = [o for o in document["operations"] if o["method"] == "POST"]
    [read] = [o for o in document["operations"] if o["method"] == "GET"]
    # the document's default: a bearer token AND an API key header; the POST opts out
    assert read["security"] == [["bearerAuth", "subscriptionKey"]]
    assert posted["security"] == []
    assert document["securitySchemes"]["subscriptionKey"]["in"] == "header"
    refused = run_cli(
        "apis", "show", str(CORPUS / "openapi/redoc-demo-openapi-3.1/openapi-3-1.yaml")
    )
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert ":55:5: not valid OpenAPI 3.1.0" in refused.stderr


def test_a_schema_mistake_deep_in_a_component_is_located_where_it_is(tmp_path: Path) -> None:
    """A misspelt type deep inside a component: the validator only says the component matches
    no allowed form; the message and place are those of the misspelling."""
    api = tmp_path / "api.yaml"
    api.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n"
        "  schemas:\n    Referral:\n      type: object\n      properties:\n"
        "        referralId: {type: strin}\n"
    )
    with pytest.raises(ApiDocumentError) as raised:
        load_api(api)
    message = str(raised.value)
    assert message.startswith(f"{api}:9:28: not valid OpenAPI 3.0.3 (at /components/schemas/")
    assert "/properties/referralId/type: 'strin' is not one of" in message


def test_a_profile_uses_a_document_whose_refs_are_absolute_through_local_copies(
    tmp_path: Path,
) -> None:
    """MoJ OPG's LPA store names its schemas by https URL (their $id): the profile's
    api.refSchemas gives the local copies, and validation reads them, never the network."""
    import shutil

    shutil.copytree(CORPUS / "openapi/moj-opg-data-lpa-store", tmp_path / "lpa")
    profile = tmp_path / "lpa" / "profile.yaml"
    profile.write_text(
        "id: lpa-store\nversion: 1.0.0\ntitle: LPA store\nactors:\n  store: {title: The store}\n"
        "api:\n  openapi: openapi/openapi.yaml\n  actor: store\n  refSchemas: [schemas]\n"
        "requirements: []\n"
    )
    payload = tmp_path / "empty.json"
    payload.write_text("{}")
    checked = run_cli(
        "validate", "-p", str(profile), "--type", "DonorDetails", str(payload), "-f", "json"
    )
    assert checked.returncode == 1, checked.stderr
    messages = [f["message"] for f in json.loads(checked.stdout)["results"][0]["findings"]]
    assert 'required property "lpaType" is missing' in messages  # said by donor-details.json
    profile.write_text(profile.read_text().replace("  refSchemas: [schemas]\n", ""))
    refused = run_cli("validate", "-p", str(profile), "--type", "DonorDetails", str(payload))
    assert refused.returncode == 2 and "--ref-schemas" in refused.stderr


def test_a_swagger_2_document_is_a_profiles_api(tmp_path: Path) -> None:
    """GOV.UK Pay's public API in Swagger 2.0: its operations become endpoints and its
    definitions message types (through apis/convert.py); a request as its definition says
    (with a $ref to another definition inside) validates, and one that breaks it does not."""
    import shutil

    shutil.copytree(CORPUS / "swagger2/other/alphagov-pay-publicapi-swagger", tmp_path / "pay")
    profile = tmp_path / "pay" / "profile.yaml"
    profile.write_text(
        "id: pay\nversion: 1.0.0\ntitle: GOV.UK Pay\nactors:\n  pay: {title: GOV.UK Pay}\n"
        "api: {openapi: swagger.json, actor: pay}\nrequirements:\n  - id: PAY-001\n"
        "    level: MUST\n    text: A payment request is as the API defines it.\n"
        "    check: {schema: CreateCardPaymentRequest}\n"
    )
    shown = json.loads(run_cli("profiles", "show", str(profile), "--json").stdout)
    endpoints = {e["id"]: e for e in shown["api"]["endpoints"]}
    assert endpoints["create-a-payment"]["receives"] == "CreateCardPaymentRequest"
    assert endpoints["create-a-payment"]["accepted"] == 201
    spec = ["validate", "-p", str(profile), "--type", "CreateCardPaymentRequest"]
    case = {
        "amount": 1250,
        "reference": "court-fine-0001",
        "description": "Court fine",
        "return_url": "https://example.org/paid",
        "prefilled_cardholder_details": {"cardholder_name": "A Person"},
    }
    good = tmp_path / "good.json"
    good.write_text(json.dumps(case))
    fine = run_cli(*spec, str(good))
    assert fine.returncode == 0, fine.stdout + fine.stderr
    case["amount"] = "a lot"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(case))
    refused = run_cli(*spec, str(broken), "-f", "json")
    assert refused.returncode == 1
    assert any(
        f["pointer"] == "/amount" for f in json.loads(refused.stdout)["results"][0]["findings"]
    )


SWAGGER_VALID = [e for e in DOCUMENTS if e["kind"] == "swagger2" and _accepted(e)]


@pytest.mark.parametrize("entry", SWAGGER_VALID, ids=lambda e: e["dir"])
def test_a_valid_swagger_document_converts_to_valid_openapi_30(entry: dict[str, Any]) -> None:
    """apis/convert.py against openapi-spec-validator: what a valid 2.0 document becomes is
    valid 3.0 (a format the validator only notes aside, as everywhere)."""
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator

    from interopcheck.apis.convert import to_openapi30
    from interopcheck.apis.read import read_bundle

    converted = to_openapi30(read_bundle(_main(entry)).document)
    errors = [
        error
        for error in OpenAPIV30SpecValidator(converted).iter_errors()
        if list(error.relative_schema_path)[-1:] != ["format"]
    ]
    assert errors == [], [str(e.message)[:200] for e in errors[:2]]


def test_a_mistake_in_another_file_is_located_in_that_file(tmp_path: Path) -> None:
    """A misspelt type in a path item kept in another file: refused, one line, at that file's
    line and column (the validator names only the path within the part it reached)."""
    (tmp_path / "paths").mkdir()
    root = tmp_path / "api.yaml"
    root.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n"
        "    $ref: './paths/a.yaml'\n"
    )
    (tmp_path / "paths" / "a.yaml").write_text(
        "get:\n  parameters:\n    - {name: id, in: path, required: true, schema: {type: strin}}\n"
        "  responses:\n    '200': {description: ok}\n"
    )
    with pytest.raises(ApiDocumentError) as raised:
        load_api(root)
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'paths' / 'a.yaml'}:3:")
    assert "(at /get/parameters/0/schema/type, in a part reached by $ref)" in message
    assert "'strin' is not one of" in message and "\n" not in message


#: Every http check, each a MUST: a probe of the sandbox fails if any one is broken.
HTTP_CHECKS = (
    "accepts-valid", "rejects-invalid", "no-server-error", "content-type", "response-schema",
    "correlation-id", "authentication", "no-internals", "response-time",
)  # fmt: skip


@pytest.mark.parametrize("entry", DOCUMENTS, ids=lambda e: e["dir"])
def test_each_document_is_sandboxed_and_probed_clean(
    entry: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16's corpus test: for each document that loads, its sandbox starts, probe against
    it exits 0 with no false alarm, and every operation is exercised, or the report says why
    not (probed for authentication only; no case could be made)."""
    import shutil

    from interopcheck.sandbox.app import DEVELOPMENT_TOKEN, SandboxConfig, create_app
    from tests.servers import serving

    monkeypatch.undo()  # the sandbox is a real server on loopback: connecting is allowed
    try:
        api = load_api(_main(entry), _refs(entry))
    except ApiDocumentError:
        assert not _accepted(entry)  # refused, as its validator says (tested above)
        return
    shutil.copytree(CORPUS / entry["dir"], tmp_path / "api")
    refs = "".join(f"\n  refSchemas: [api/{d}]" for d in REF_SCHEMAS.get(entry["dir"], ()))
    requirements = "".join(
        f"\n  - {{id: API-{i}, level: MUST, text: The {check} check passes., check: "
        f"{{http: {check}}}}}"
        for i, check in enumerate(HTTP_CHECKS, 1)
    )
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "id: corpus\nversion: 1.0.0\ntitle: A corpus document\nactors:\n  agency: {title: It}\n"
        f"api:\n  openapi: api/{entry['main']}\n  actor: agency{refs}\n"
        f"requirements:{requirements}\n"
    )
    auth, env = auth_for(profile, DEVELOPMENT_TOKEN)
    with serving(create_app(SandboxConfig(str(profile), "agency"))) as url:
        proc = run_cli(
            "probe", "-p", str(profile), "--actor", "agency", "--target", url, *auth,
            "-n", "2", "-f", "json", env=env,
        )  # fmt: skip
        published = httpx.get(f"{url}/openapi.json", timeout=30).json()
    _assert_valid_as_the_source(published, entry, api.notes)
    assert proc.returncode == 0, (proc.stderr + proc.stdout)[-3000:]
    report = json.loads(proc.stdout)
    endpoints = report["endpoints"]
    probed = [o for o in api.operations if o.method != "trace"]
    assert len(endpoints) == len(probed)
    for endpoint in endpoints:
        assert endpoint["exchanges"] > 0 or endpoint.get("note"), endpoint


#: The ``--auth`` that presents each kind of scheme (the sandbox takes one secret for all).
AUTH_OF_KIND = {
    "bearer": "bearer:SANDBOX_TOKEN",
    "api-key": "api-key:SANDBOX_TOKEN",
    "basic": "basic:SANDBOX_BASIC",
    # (a token in hand: the corpus's token endpoints are on other hosts, where probe sends no
    # client secret; tests/test_api_security.py asks the sandbox's own for one)
    "oauth2-client-credentials": "bearer:SANDBOX_TOKEN",
}


def auth_for(profile: Path, token: str) -> tuple[list[str], dict[str, str]]:
    """``--auth`` options for every kind of scheme the profile's api declares, and the
    environment that holds their secrets."""
    from interopcheck.profile.loader import load_profile

    loaded = load_profile(str(profile))
    assert loaded.api is not None
    kinds = sorted({s.kind for s in loaded.api.schemes.values()} & AUTH_OF_KIND.keys())
    words = [w for kind in kinds for w in ("--auth", AUTH_OF_KIND[kind])]
    env = {"SANDBOX_TOKEN": token, "SANDBOX_BASIC": f"maker:{token}", "SANDBOX_CLIENT": "probe"}
    return words, env


#: Documents whose parts, once in one file, are invalid where they are used: their common
#: headers.yaml holds a Parameter Object without a name (and with 2.0's ``type``) that
#: responses use as a Header Object. openapi-spec-validator accepts the source only because it
#: does not look inside what another file holds; the one-file form shows it.
INVALID_ONCE_BUNDLED = {"openapi/hmrc-business-details-api-v2", "openapi/hmrc-obligations-api-v3"}


def _assert_valid_as_the_source(
    published: dict[str, Any], entry: dict[str, Any], notes: tuple[str, ...]
) -> None:
    """The sandbox's /openapi.json is valid OpenAPI (openapi-spec-validator) where its source
    was: a format-only note on the source stays one."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    assert "servers" in published and published["paths"]
    try:
        validate(published)
    except OpenAPIValidationError as error:
        if entry["dir"] in INVALID_ONCE_BUNDLED:
            assert "headers" in str(error.path) or "parameters" in str(error.path)
            return
        assert notes and "is not a" in error.message, (entry["dir"], error.message[:300])
        return
    assert entry["dir"] not in INVALID_ONCE_BUNDLED  # (when it is fixed, say so here)
