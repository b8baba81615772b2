"""A Power Platform custom connector out (issue 16, part 6): ``profiles connector`` writes
apiDefinition.swagger.json and apiProperties.json that Microsoft's own schemas accept; the
check against those schemas agrees with the corpus's record for 30 real connectors; and the
connector's Swagger loads back into interopcheck as an API whose sandbox probes clean."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from interopcheck.connector.microsoft import problems, schema_path
from interopcheck.profile.loader import load_profile
from tests.conftest import TEST_DATA, run_cli
from tests.servers import serving

CORPUS = TEST_DATA / "api-corpus" / "swagger2" / "powerplatform"
ACTORS = ("police", "prosecution", "court", "defence", "prison", "probation")


def _microsoft(file: str) -> jsonschema.protocols.Validator:
    """Microsoft's schema, read here, not through the code under test."""
    name = "apiDefinition.swagger.json" if file == "definition" else "apiProperties.json"
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))  # type: ignore[arg-type]
    validator: jsonschema.protocols.Validator = jsonschema.validators.validator_for(schema)(schema)
    return validator


def _connector(tmp_path: Path, actor: str, *extra: str) -> tuple[dict[str, Any], dict[str, Any]]:
    proc = run_cli(
        "profiles", "connector", "justice-ew", "--actor", actor, "--output-dir", str(tmp_path),
        *extra,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "constraints Swagger 2.0 cannot say" in proc.stderr  # said, not silently lost
    definition = json.loads((tmp_path / "apiDefinition.swagger.json").read_text())
    properties = json.loads((tmp_path / "apiProperties.json").read_text())
    return definition, properties


@pytest.mark.parametrize("actor", ACTORS)
def test_each_actors_connector_passes_microsofts_schemas(tmp_path: Path, actor: str) -> None:
    definition, properties = _connector(tmp_path, actor, "--host", "api.court.example:8443")
    assert list(_microsoft("definition").iter_errors(definition)) == []
    assert list(_microsoft("properties").iter_errors(properties)) == []
    assert definition["swagger"] == "2.0" and definition["host"] == "api.court.example:8443"
    profile = load_profile("justice-ew")
    assert profile.api is not None
    for endpoint in profile.api.for_actor(actor):
        operation = definition["paths"][endpoint.path][endpoint.method.lower()]
        assert operation["summary"] and re.fullmatch(r"[A-Za-z0-9]+", operation["operationId"])
        body = next(p for p in operation["parameters"] if p["in"] == "body")
        assert body["x-ms-summary"] and body["required"] is True
        assert all(p.get("x-ms-summary") for p in operation["parameters"])
        assert str(endpoint.accepted) in operation["responses"]
    assert definition["securityDefinitions"] == {
        "API Key": {"type": "apiKey", "in": "header", "name": "Authorization"}
    }
    parameter = properties["properties"]["connectionParameters"]["api_key"]
    assert parameter["type"] == "securestring"  # a secret: never shown in clear


def test_the_schemas_check_agrees_with_the_corpus_record() -> None:
    """The corpus README records, for each of its 30 connectors, whether Microsoft's schemas
    accept its two files (checked there with another tool); ours says the same of each."""
    record = (TEST_DATA / "api-corpus" / "CORPUS-README.md").read_text(encoding="utf-8")
    rows = []
    for line in record.splitlines():
        folder = re.match(r"\| `swagger2/powerplatform/([^/`]+)/`", line)
        if folder:  # the last cell: "ok / ok", "FAIL: why / ok", ...
            definition_cell, properties_cell = line.rstrip(" |").rsplit("|", 1)[1].rsplit(" / ", 1)
            said = (
                definition_cell.strip()[:4].rstrip(":"),
                properties_cell.strip()[:4].rstrip(":"),
            )
            rows.append((folder.group(1), *said))
    assert len(rows) == 30
    for folder, definition_said, properties_said in rows:
        definition = json.loads((CORPUS / folder / "apiDefinition.swagger.json").read_text())
        properties = json.loads((CORPUS / folder / "apiProperties.json").read_text())
        ours = (
            "FAIL" if problems(definition, "apiDefinition.swagger.json") else "ok",
            "FAIL" if problems(properties, "apiProperties.json") else "ok",
        )
        assert ours == (definition_said, properties_said), folder


def test_the_connector_loads_back_and_its_sandbox_probes_clean(tmp_path: Path) -> None:
    from interopcheck.sandbox.app import DEVELOPMENT_TOKEN, SandboxConfig, create_app

    _connector(tmp_path / "connector", "court")
    profile = tmp_path / "profile.yaml"
    checks = ("accepts-valid", "rejects-invalid", "no-server-error", "content-type",
              "response-schema", "authentication")  # fmt: skip
    profile.write_text(
        "id: court-connector\nversion: 1.0.0\ntitle: The court's connector read back\n"
        "actors:\n  court: {title: HMCTS}\n"
        "api:\n  openapi: connector/apiDefinition.swagger.json\n  actor: court\nrequirements:\n"
        + "".join(
            f"  - {{id: RT-00{i}, level: MUST, text: The {c} check passes., "
            f"check: {{http: {c}}}}}\n"
            for i, c in enumerate(checks, 1)
        )
    )
    loaded = load_profile(str(profile))
    assert loaded.api is not None and loaded.api.auth == "api-key"
    assert {e.path for e in loaded.api.endpoints} >= {
        "/v1/prosecution-cases",
        "/v1/prison-receptions",
    }
    with serving(create_app(SandboxConfig(str(profile), "court"))) as url:
        proc = run_cli(
            "probe", "-p", str(profile), "--actor", "court", "--target", url,
            "--auth", "api-key:T", "-n", "3", "-f", "json", env={"T": DEVELOPMENT_TOKEN},
        )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    report = json.loads(proc.stdout)
    assert {r["outcome"] for r in report["requirements"]} == {"passed"}


def test_what_cannot_be_a_connector_is_a_clear_error(tmp_path: Path) -> None:
    listings = TEST_DATA / "listings-api" / "profile.yaml"
    from_document = run_cli(
        "profiles", "connector", str(listings), "--actor", "listings", "--output-dir", str(tmp_path)
    )
    assert from_document.returncode == 2 and "takes its api from" in from_document.stderr
    for host in ("https://api.example", "api.example/v1", ""):
        bad = run_cli(
            "profiles", "connector", "justice-ew", "--actor", "court",
            "--output-dir", str(tmp_path), "--host", host,
        )  # fmt: skip
        assert bad.returncode == 2 and "--host" in bad.stderr
    unknown = run_cli(
        "profiles", "connector", "justice-ew", "--actor", "judge", "--output-dir", str(tmp_path)
    )
    assert unknown.returncode == 2 and "no actor 'judge'" in unknown.stderr
    assert not list(tmp_path.iterdir())  # nothing half-written
    blocked = tmp_path / "file"
    blocked.write_text("x")
    unwritable = run_cli(
        "profiles", "connector", "justice-ew", "--actor", "court", "--output-dir", str(blocked)
    )
    assert unwritable.returncode == 2 and "Traceback" not in unwritable.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)
