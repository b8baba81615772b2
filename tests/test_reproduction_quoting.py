"""A curl reproduction is pasted into a shell by someone who did not write the profile, the API
document or the payload. Whatever a hostile header name, path, body or secret reference holds,
the command must parse (``bash -n``) and hand curl exactly the intended words: run here with
``curl`` replaced by a shell function that prints its arguments (nothing is sent anywhere), the
secret expanded from its variable or file, and no canary command executed."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interopcheck.domain.http import TOKEN
from interopcheck.probing.auth import Credentials
from interopcheck.probing.plan import Exchange
from interopcheck.probing.run import ProbeRequest, curl
from interopcheck.profile.model import Endpoint
from tests.conftest import run_cli

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")

#: Every character RFC 9110 allows in a field name, the shell-active ones ($ ` ! & | ') among them.
TOKENS = st.from_regex(TOKEN, fullmatch=True).map(lambda t: t[:40])
SECRET = "s3cr3t value with $HOME and `backticks`"
#: printf '%s\0' for each argument, then the body from the here-document.
FAKE_CURL = "curl() { printf '%s\\0' \"$@\"; printf 'BODY\\0'; cat; }\n"


def _run(script: str, canary: Path, env: dict[str, str]) -> list[str]:
    syntax = subprocess.run(["bash", "-n", "-c", script], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
    ran = subprocess.run(
        ["bash", "-c", FAKE_CURL + script],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
        timeout=20,
    )
    assert ran.returncode == 0, ran.stderr
    assert not canary.exists(), "the reproduction ran a command of the input's making"
    return ran.stdout.split("\0")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=TOKENS,
    path=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    scheme=st.sampled_from(["bearer", "api-key"]),
    from_file=st.booleans(),
)
def test_a_reproduction_hands_curl_exactly_its_words(
    tmp_path: Path, header: str, path: str, text: str, scheme: str, from_file: bool
) -> None:
    canary = tmp_path / "canary"
    hostile = f"$(touch {canary})`touch {canary}`"
    secret_file = tmp_path / "tok '$x`y.txt"
    secret_file.write_text(SECRET)
    shown = f"$(cat {shlex.quote(str(secret_file))})" if from_file else "$PROBE_TOKEN"
    credentials = Credentials(scheme, header=header, secret="x", shown=shown)
    endpoint = Endpoint("e", "court", "POST", "/v1/" + path + hostile, "charge-file")
    body = {"text": text + hostile, "lines": "a\nJSON\nINTEROPCHECK_BODY"}
    exchange = Exchange(1, endpoint, "generated", "g", body, "cid-" + hostile)
    request = ProbeRequest("http://127.0.0.1:9", "court", credentials)
    words = _run(curl(exchange, request, "X-Corr" + "`id`"), canary, {"PROBE_TOKEN": SECRET})
    body_at = words.index("BODY")
    arguments, sent = words[:body_at], words[body_at + 1]
    assert arguments[arguments.index("-X") + 1] == "POST"
    assert "http://127.0.0.1:9/v1/" + path + hostile in arguments
    assert "X-Corr`id`: cid-" + hostile in arguments
    prefix = "Bearer " if scheme == "bearer" else ""
    assert f"{header}: {prefix}{SECRET}" in arguments  # the secret expanded, nothing else
    assert sent.rstrip("\n") == exchange.body.decode("utf-8")


def test_a_header_name_that_is_not_a_token_is_refused_where_it_is_written(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "id: p\nversion: '1'\ntitle: P\nextends: justice-ew\n"
        "api:\n  auth: api-key\n  apiKeyHeader: 'X-Key: $(touch /tmp/x)'\n  endpoints: []\n"
    )
    proc = run_cli("profiles", "lint", str(profile))
    assert proc.returncode == 1 and ":7:" in proc.stdout and "apiKeyHeader" in proc.stdout
    document = tmp_path / "api.yaml"
    document.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
        "paths:\n  /x:\n    post:\n      operationId: x\n"
        "      requestBody:\n        content:\n          application/json:\n"
        "            schema: {$ref: '#/components/schemas/m'}\n"
        "      responses: {'202': {description: ok}}\n"
        "components:\n  schemas:\n    m: {type: object}\n"
        "  securitySchemes:\n    key: {type: apiKey, in: header, name: 'a b'}\n"
    )
    from interopcheck.errors import SetupError
    from interopcheck.standard.openapi_source import load_openapi

    with pytest.raises(SetupError, match="not an HTTP field name"):
        load_openapi(document, "court")
