"""A signed report is checked for sense, not only for bytes. Before: `verify` said VERIFIED and
CONFORMANT for re-signed reports that contradicted themselves, accepted a small-order public
key, ignored the signature file's reportSha256, loaded a profile from a path the report named,
still verified after a code list beside the profile was widened, and could never verify a
report made with an OpenAPI-sourced profile."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interopcheck.report.signing import load_private_key, sign_bytes
from interopcheck.sandbox.app import SandboxConfig, create_app
from tests.conftest import EXAMPLES, run_cli
from tests.servers import serving

JOURNEY = EXAMPLES / "journeys"
OWN_API = EXAMPLES / "own-api" / "profile.yaml"


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("signed")
    key = base / "acme"
    assert run_cli("keys", "generate", str(key)).returncode == 0
    out = base / "out"
    proc = run_cli(
        "journey", "-p", "justice-ew", str(JOURNEY), "--report-dir", str(out), "--sign", str(key)
    )
    assert proc.returncode == 0, proc.stderr
    return key, out / "report.json"


def _resign(report: Path, key: Path, edit: Callable[[dict[str, Any]], None], where: Path) -> Path:
    """The report edited as a forger would, then signed again with the same key."""
    document = json.loads(report.read_text())
    edit(document)
    data = (json.dumps(document, indent=2) + "\n").encode()
    where.mkdir(exist_ok=True)
    (where / "report.json").write_bytes(data)
    (where / "report.json.sig").write_text(sign_bytes(data, load_private_key(key)))
    return where / "report.json"


def _verify(report: Path, key: Path, *args: str) -> tuple[int, str]:
    proc = run_cli("verify", str(report), "--public-key", f"{key}.pub", *args)
    return proc.returncode, proc.stdout + proc.stderr


def _fail_one(document: dict[str, Any]) -> None:
    """CONFORMANT claimed beside a failed journey requirement."""
    requirement = next(r for r in document["requirements"] if r["id"] == "JR-001")
    requirement["outcome"], requirement["failed"] = "failed", 1
    document.update(conformant=True, verdict="conformant")


EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "conformant beside a failure": (_fail_one, "CONFORMANT beside deciding requirements"),
    "no profile in the manifest": (
        lambda d: d["manifest"].update(profile=None),
        "the manifest records no profile",
    ),
    "no schemas": (lambda d: d["manifest"].update(schemas=[]), "records no schemas"),
    "two profiles": (
        lambda d: d["profile"].update(version="9.9.9"),
        "name different profiles",
    ),
    "conformant beside the verdict": (
        lambda d: d.update(conformant=True),
        "conformant True beside incomplete",
    ),
    "not a report": (lambda d: d.pop("summary"), "does not match the report schema"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_a_resigned_report_that_contradicts_itself_is_not_verified(
    signed: tuple[Path, Path], tmp_path: Path, name: str
) -> None:
    key, report = signed
    assert _verify(report, key)[0] == 0  # the untouched one verifies
    edit, words = EDITS[name]
    forged = _resign(report, key, edit, tmp_path / "forged")
    code, out = _verify(forged, key)
    assert code == 1 and words in out, out
    assert out.rstrip().endswith("NOT VERIFIED")


def test_a_report_never_makes_verify_read_a_file_it_names(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    key, report = signed
    secret = tmp_path / "elsewhere.yaml"
    secret.write_text("id: elsewhere\nversion: '1'\ntitle: never read\n")

    def point_elsewhere(document: dict[str, Any]) -> None:
        for holder in (document["profile"], document["manifest"]["profile"]):
            holder["id"] = str(secret)

    forged = _resign(report, key, point_elsewhere, tmp_path / "forged")
    code, out = _verify(forged, key)
    assert code == 1 and "is not a bundled profile" in out and "never read" not in out


def test_a_small_order_public_key_is_refused(signed: tuple[Path, Path], tmp_path: Path) -> None:
    _, report = signed
    identity = bytes([1]) + bytes(31)  # the identity point: every signature "verifies"
    der = bytes.fromhex("302a300506032b6570032100") + identity
    pem = b"-----BEGIN PUBLIC KEY-----\n" + base64.encodebytes(der) + b"-----END PUBLIC KEY-----\n"
    (tmp_path / "weak.pub").write_bytes(pem)
    proc = run_cli("verify", str(report), "--public-key", str(tmp_path / "weak.pub"))
    assert proc.returncode == 2 and "small-order" in proc.stderr


def test_the_signature_files_report_digest_is_checked(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    key, report = signed
    shutil.copy(report, tmp_path / "report.json")
    signature = json.loads(Path(f"{report}.sig").read_text())
    signature["reportSha256"] = hashlib.sha256(b"another report").hexdigest()
    (tmp_path / "report.json.sig").write_text(json.dumps(signature))
    code, out = _verify(tmp_path / "report.json", key)
    assert code == 1 and "reportSha256" in out


def test_a_widened_code_list_beside_the_profile_no_longer_verifies(tmp_path: Path) -> None:
    folder = tmp_path / "profile"
    folder.mkdir()
    (folder / "forces.csv").write_text("code,label\n01,Metropolitan\n")
    profile = folder / "local.yaml"
    profile.write_text(
        "id: local\nversion: '1'\ntitle: Local\nextends: justice-ew\ncodelists:\n"
        "  local-forces: {title: Forces, source: me, file: forces.csv, code: code, label: label}\n"
    )
    key = tmp_path / "k"
    assert run_cli("keys", "generate", str(key)).returncode == 0
    out = tmp_path / "out"
    payload = JOURNEY / "theft-and-knife" / "01-charge-file.json"
    proc = run_cli(
        "validate", "-p", str(profile), str(payload), "--report-dir", str(out), "--sign", str(key)
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert _verify(out / "report.json", key, "--profile", str(profile))[0] == 0
    (folder / "forces.csv").write_text("code,label\n01,Metropolitan\n99,Anything goes\n")
    code, text = _verify(out / "report.json", key, "--profile", str(profile))
    assert code == 1 and "the profile changed" in text


def test_a_report_made_with_an_openapi_sourced_profile_verifies(tmp_path: Path) -> None:
    key = tmp_path / "k"
    assert run_cli("keys", "generate", str(key)).returncode == 0
    app = create_app(SandboxConfig(str(OWN_API), "yot", token="t0ken"))
    with serving(app) as url:
        proc = run_cli(
            "probe",
            "-p",
            str(OWN_API),
            "--actor",
            "yot",
            "--target",
            url,
            "--auth",
            "bearer:YOT_TOKEN",
            "-n",
            "1",
            "--report-dir",
            str(tmp_path / "out"),
            "--sign",
            str(key),
            env={"YOT_TOKEN": "t0ken"},
        )
    assert proc.returncode in (0, 1), proc.stderr
    code, text = _verify(tmp_path / "out" / "report.json", key, "--profile", str(OWN_API))
    assert code == 0 and "schemas have the digests" in text, text
