"""Signed self-certification: real Ed25519 keys and signatures; every edited byte of a signed
report is caught with a reason; a changed profile or schema is caught by its digest."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, run_cli

JOURNEY = EXAMPLES / "journeys"


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A key pair and a signed report of the complete journey."""
    base = tmp_path_factory.mktemp("signed")
    key = base / "acme"
    made = run_cli("keys", "generate", str(key))
    assert made.returncode == 0, made.stderr
    out = base / "out"
    proc = run_cli(
        "journey",
        "-p",
        "justice-ew",
        str(JOURNEY),
        "--report-dir",
        str(out),
        "--sign",
        str(key),
        "--supplier",
        "Acme Justice Systems Ltd",
        "--product",
        "CaseFlow",
        "--product-version",
        "4.2.1",
    )
    assert proc.returncode == 0, proc.stderr
    return key, out / "report.json"


def _verify(report: Path, key: Path, *args: str) -> tuple[int, str]:
    proc = run_cli("verify", str(report), "--public-key", f"{key}.pub", *args)
    assert proc.stderr == "", proc.stderr
    return proc.returncode, proc.stdout


def test_keys_are_written_private_and_never_overwritten(tmp_path: Path) -> None:
    key = tmp_path / "k"
    proc = run_cli("keys", "generate", str(key))
    assert proc.returncode == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert Path(f"{key}.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    before = key.read_bytes(), Path(f"{key}.pub").read_bytes()
    again = run_cli("keys", "generate", str(key))
    assert again.returncode == 2 and "refusing to overwrite" in again.stderr
    assert (key.read_bytes(), Path(f"{key}.pub").read_bytes()) == before
    Path(f"{tmp_path}/only.pub").write_text("x")
    assert run_cli("keys", "generate", str(tmp_path / "only")).returncode == 2
    assert not (tmp_path / "only").exists()


def test_a_signed_report_verifies_and_names_its_signer_and_supplier(
    signed: tuple[Path, Path],
) -> None:
    key, report = signed
    code, out = _verify(report, key)
    assert code == 0, out
    assert out.rstrip().endswith("VERIFIED")
    assert "Acme Justice Systems Ltd CaseFlow 4.2.1" in out
    assert "profile justice-ew" in out and "schemas have the digests" in out
    manifest = json.loads(report.read_text())["manifest"]
    fingerprint = manifest["signer"]["keyFingerprint"]
    assert fingerprint.startswith("SHA256:")
    assert manifest["supplier"] == {
        "organisation": "Acme Justice Systems Ltd",
        "product": "CaseFlow",
        "version": "4.2.1",
    }
    html = (report.parent / "report.html").read_text()
    assert fingerprint in html and "interopcheck verify report.json" in html


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text.replace("Acme Justice Systems Ltd", "Acme Justice Systems Plc"),
        lambda text: text.replace('"conformant": true', '"conformant": false'),
        lambda text: text.replace("theft-and-knife", "theft-and-knifE", 1),
        lambda text: text + " ",
        lambda text: text.replace(", ", ",  ", 1),
    ],
    ids=["supplier", "verdict", "a result", "trailing space", "whitespace"],
)
def test_any_edited_byte_fails_verification(
    signed: tuple[Path, Path], tmp_path: Path, edit
) -> None:  # type: ignore[no-untyped-def]
    key, report = signed
    copy = tmp_path / "report.json"
    edited = edit(report.read_text())
    assert edited != report.read_text()
    copy.write_text(edited)
    shutil.copy(f"{report}.sig", f"{copy}.sig")
    code, out = _verify(copy, key)
    assert code == 1
    assert "the report was changed after it was signed" in out
    assert out.rstrip().endswith("NOT VERIFIED")


def test_another_key_a_missing_or_edited_signature_fail(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    key, report = signed
    other = tmp_path / "other"
    run_cli("keys", "generate", str(other))
    code, out = _verify(report, other)
    assert code == 1 and "not by the key given" in out
    copy = tmp_path / "report.json"
    shutil.copy(report, copy)
    code, out = _verify(copy, key)
    assert code == 1 and "no signature" in out
    signature = json.loads(Path(f"{report}.sig").read_text())
    raw = bytearray(signature["signature"].encode())
    raw[5] = ord("A") if raw[5] != ord("A") else ord("B")
    signature["signature"] = raw.decode()
    Path(f"{copy}.sig").write_text(json.dumps(signature))
    code, out = _verify(copy, key)
    assert code == 1 and "NOT VERIFIED" in out


def test_a_changed_profile_or_schema_is_caught_by_its_digest(tmp_path: Path) -> None:
    key = tmp_path / "k"
    run_cli("keys", "generate", str(key))
    profile = tmp_path / "my-profile.yaml"
    shutil.copy(ROOT / "profiles" / "justice-ew.yaml", profile)
    schema = tmp_path / "note.schema.json"
    schema.write_text(
        json.dumps({"$id": "urn:test:note", "type": "object", "required": ["header"]})
    )
    out = tmp_path / "out"
    proc = run_cli(
        "validate",
        str(JOURNEY),
        "--schema",
        str(schema),
        "--report-dir",
        str(out),
        "--sign",
        str(key),
    )
    assert proc.returncode == 0, proc.stderr
    report = out / "report.json"
    assert _verify(report, key, "--schema", str(schema))[0] == 0
    code, text = _verify(report, key)
    assert code == 1 and "urn:test:note is not available here" in text
    schema.write_text(json.dumps({"$id": "urn:test:note", "type": "object"}))
    code, text = _verify(report, key, "--schema", str(schema))
    assert code == 1 and "has changed since the run" in text

    out = tmp_path / "out2"
    proc = run_cli(
        "validate", "-p", str(profile), str(JOURNEY), "--report-dir", str(out), "--sign", str(key)
    )
    assert proc.returncode == 0, proc.stderr
    report = out / "report.json"
    assert _verify(report, key, "--profile", str(profile))[0] == 0
    profile.write_text(profile.read_text() + "\n# an edit\n")
    code, text = _verify(report, key, "--profile", str(profile))
    assert code == 1 and "the profile changed" in text


def test_verify_setup_problems_are_one_line(tmp_path: Path) -> None:
    proc = run_cli(
        "verify", str(tmp_path / "none.json"), "--public-key", str(tmp_path / "none.pub")
    )
    assert (
        proc.returncode == 2
        and proc.stderr.count("\n") == 1
        and "cannot read public key" in proc.stderr
    )


def test_sign_a_single_json_report_written_with_output(tmp_path: Path) -> None:
    key = tmp_path / "k"
    run_cli("keys", "generate", str(key))
    report = tmp_path / "conformance.json"
    proc = run_cli(
        "validate",
        str(JOURNEY),
        "-f",
        "json",
        "-o",
        str(report),
        "--sign",
        str(key),
        "--supplier",
        "Acme",
    )
    assert proc.returncode == 0, proc.stderr
    assert Path(f"{report}.sig").is_file()
    code, out = _verify(report, key)
    assert code == 0 and "self-certification by Acme" in out
