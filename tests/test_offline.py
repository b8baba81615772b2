"""Never the network (issue 17, part 3): a schema whose ``$schema`` names a meta-schema on a
server (here a real one on loopback, counting what it is asked) is read as JSON Schema 2020-12,
said once as a note, and nothing is fetched by validate, generate or compat."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.fixture
def meta_server() -> Iterator[tuple[str, list[str]]]:
    """A server that would hand out a meta-schema, and the paths it was asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            body = json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema"})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/meta", asked
    finally:
        server.shutdown()
        server.server_close()


def test_a_custom_meta_schema_is_never_fetched(
    tmp_path: Path, meta_server: tuple[str, list[str]]
) -> None:
    url, asked = meta_server
    schema = tmp_path / "case.schema.json"
    schema.write_text(
        json.dumps(
            {
                "$schema": url,
                "$id": "urn:example:case",
                "type": "object",
                "required": ["urn"],
                "properties": {"urn": {"type": "string", "minLength": 3}},
            }
        )
    )
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text('{"urn": "01AB"}')
    bad.write_text('{"urn": 7}')
    runs = {
        "validate good": run_cli("validate", "--schema", str(schema), str(good)),
        "validate bad": run_cli("validate", "--schema", str(schema), str(bad)),
        "generate": run_cli("generate", "--schema", str(schema), "-n", "3", "--seed", "1"),
        "compat": run_cli("compat", str(schema), str(schema)),
    }
    assert asked == []  # not one request, whatever the command
    assert runs["validate good"].returncode == 0 and runs["validate bad"].returncode == 1
    assert runs["generate"].returncode == 0 and len(runs["generate"].stdout.splitlines()) == 3
    assert runs["compat"].returncode == 0
    for name, proc in runs.items():
        notes = [line for line in proc.stderr.splitlines() if "is never fetched" in line]
        assert len(notes) == 1, (name, proc.stderr)  # said once, in one line
        assert (
            notes[0].startswith("interopcheck: note: ")
            and "read as JSON Schema 2020-12" in notes[0]
        )


def test_probe_and_its_sandbox_never_fetch_a_meta_schema_either(
    tmp_path: Path, meta_server: tuple[str, list[str]]
) -> None:
    """An API document's body schema (a local copy by its $id, as api.refSchemas gives it)
    names a meta-schema on a server: the sandbox serves the API and probe checks it, both on
    loopback, and the meta-schema's server is asked nothing."""
    from interopcheck.sandbox.app import SandboxConfig, create_app
    from tests.servers import serving

    url, asked = meta_server
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "thing.json").write_text(
        json.dumps(
            {
                "$schema": url,
                "$id": "https://schemas.example.org/thing.json",
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 20}},
                "additionalProperties": False,
            }
        )
    )
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: Things, version: '1'}\npaths:\n  /things:\n    post:\n"
        "      operationId: addThing\n      requestBody:\n        required: true\n"
        "        content:\n          application/json:\n            schema:\n"
        "              $ref: https://schemas.example.org/thing.json\n"
        "      responses:\n        '201': {description: Made}\n        '400': {description: No}\n"
    )
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "id: things\nversion: 1.0.0\ntitle: Things\nactors:\n  agency: {title: It}\n"
        "api:\n  openapi: api.yaml\n  actor: agency\n  refSchemas: [schemas]\n"
        "requirements:\n  - {id: T-1, level: MUST, text: Bad bodies are refused., "
        "check: {http: rejects-invalid}}\n"
    )
    with serving(create_app(SandboxConfig(str(profile), "agency"))) as target:
        proc = run_cli(
            "probe", "-p", profile, "--actor", "agency", "--target", target, "-n", "3",
            "-f", "json",
        )  # fmt: skip
    assert asked == []
    assert proc.returncode == 0, proc.stderr + proc.stdout[-2000:]
    report = json.loads(proc.stdout)
    assert report["endpoints"][0]["exchanges"] > 0  # the body schema was used, offline
    notes = [line for line in proc.stderr.splitlines() if "is never fetched" in line]
    assert len(notes) == 1
