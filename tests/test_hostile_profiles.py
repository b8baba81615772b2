"""A profile is hostile input: it may name files, and nothing it names outside its own directory
tree (or the bundled data) is read, nor is any of it shown. Each attack here ran the real CLI
and, before the fix, printed what it read: the environment (with the tokens users export for
``probe``) from ``/proc/self/environ``, or a file beside the profile's directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_cli

MARKER = "TOPSECRET-7b1f-not-for-any-report"
PAYLOAD = EXAMPLES / "journeys" / "theft-and-knife" / "01-charge-file.json"

PROFILE = """id: hostile
version: '1'
title: Reads what it should not
extends: justice-ew
codelists:
  stolen: {{title: Stolen, source: me, file: {file!r}, code: code, label: label}}
requirements:
  - id: EVIL-001
    level: SHOULD
    text: Quotes the file through a failing rule.
    check:
      cel: "inCodelist('stolen', self.ptiUrn)"
      at: {{charge-file: [/case]}}
"""


def _outside(tmp_path: Path) -> Path:
    """A secret file next to (not inside) the profile's directory."""
    secret = tmp_path / "secret.csv"
    secret.write_text(f"{MARKER},label\n{MARKER},x\n")
    return secret


def _hostile(tmp_path: Path, file: str) -> Path:
    folder = tmp_path / "profile"
    folder.mkdir(exist_ok=True)
    path = folder / "hostile.yaml"
    path.write_text(PROFILE.format(file=file))
    return path


def _everything(tmp_path: Path, profile: Path) -> str:
    """What a user sees from every command that reads the profile."""
    env = {"PROBE_TOKEN": MARKER}
    seen = ""
    for args in (
        ("validate", "-p", str(profile), str(PAYLOAD)),
        ("journey", "-p", str(profile), str(PAYLOAD)),
        ("profiles", "lint", str(profile)),
        ("profiles", "show", str(profile)),
    ):
        proc = run_cli(*args, env=env, cwd=tmp_path)
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
        seen += proc.stdout + proc.stderr
        if args[0] != "profiles":
            assert proc.returncode == 2, (args, proc.stdout[-500:])
    return seen


@pytest.mark.parametrize(
    "name",
    ["/proc/self/environ", "../secret.csv", "sub/../../secret.csv", "link.csv"],
)
def test_a_code_list_outside_the_profile_tree_is_refused_and_never_quoted(
    tmp_path: Path, name: str
) -> None:
    secret = _outside(tmp_path)
    profile = _hostile(tmp_path, name)
    if name == "link.csv":  # inside the tree by name, outside by where it leads
        os.symlink(secret, profile.parent / "link.csv")
    seen = _everything(tmp_path, profile)
    assert MARKER not in seen
    assert "a profile may name only files there" in seen
    lint = run_cli("profiles", "lint", str(profile), cwd=tmp_path)
    assert lint.returncode == 1
    assert f"{profile}:6:" in lint.stdout  # located at the code list's line


def test_a_code_list_inside_the_tree_still_works(tmp_path: Path) -> None:
    profile = _hostile(tmp_path, "lists/stolen.csv")
    (profile.parent / "lists").mkdir()
    (profile.parent / "lists" / "stolen.csv").write_text("code,label\n01ZD0100123,x\n")
    proc = run_cli("validate", "-p", str(profile), str(PAYLOAD), cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert "EVIL-001" in proc.stdout


def test_columns_read_from_a_file_are_quoted_bounded_and_escaped(tmp_path: Path) -> None:
    profile = _hostile(tmp_path, "wide.csv")
    header = ",".join([f"\x1b[2Jcol{i}" + "x" * 500 for i in range(100)])
    (profile.parent / "wide.csv").write_text(header + "\n")
    for args in (
        ("profiles", "lint", str(profile)),
        ("validate", "-p", str(profile), str(PAYLOAD), "-f", "json"),
    ):
        proc = run_cli(*args, cwd=tmp_path)
        line = next(li for li in (proc.stdout + proc.stderr).splitlines() if "columns:" in li)
        assert "\x1b" not in line and "\\u001b" not in line  # escaped as text, never sent raw
        assert len(line) < 3000, len(line)
        assert "and 88 more" in line or args[0] == "validate"  # a rule error is cut shorter


@pytest.mark.parametrize(
    ("section", "value"),
    [
        ("extends", "../elsewhere.yaml"),
        ("extends", "/etc/hostname.yaml"),
    ],
)
def test_extends_outside_the_profile_tree_is_refused(
    tmp_path: Path, section: str, value: str
) -> None:
    (tmp_path / "elsewhere.yaml").write_text(f"id: elsewhere\nversion: '1'\ntitle: {MARKER}\n")
    folder = tmp_path / "profile"
    folder.mkdir()
    path = folder / "child.yaml"
    path.write_text(f"id: child\nversion: '1'\ntitle: Child\n{section}: {value!r}\n")
    proc = run_cli("validate", "-p", str(path), str(PAYLOAD), cwd=tmp_path)
    assert proc.returncode == 2
    assert "a profile may name only files there" in proc.stderr and MARKER not in proc.stderr
    lint = run_cli("profiles", "lint", str(path), cwd=tmp_path)
    assert lint.returncode == 1 and ":4:" in lint.stdout and MARKER not in lint.stdout


def test_an_api_document_outside_the_profile_tree_is_refused(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(f"openapi: 3.1.0\ninfo: {{title: {MARKER}}}\n")
    folder = tmp_path / "profile"
    folder.mkdir()
    path = folder / "api.yaml"
    path.write_text(
        "id: api\nversion: '1'\ntitle: API\nextends: justice-ew\n"
        "api:\n  openapi: ../api.yaml\n  actor: court\n"
    )
    proc = run_cli("validate", "-p", str(path), str(PAYLOAD), cwd=tmp_path)
    assert proc.returncode == 2
    assert "outside the profile's directory tree" in proc.stderr and MARKER not in proc.stderr


def test_a_name_the_system_refuses_is_a_clear_error(tmp_path: Path) -> None:
    """Found by the fuzzer: a 5,000-character code list name ended lint with an internal
    error (OSError: file name too long); the name is shown cut short."""
    profile = _hostile(tmp_path, "x" * 5000)
    lint = run_cli("profiles", "lint", str(profile), cwd=tmp_path)
    assert lint.returncode == 1 and "internal error" not in lint.stderr
    assert "a profile may name only files there" in lint.stdout and len(lint.stdout) < 1000
    proc = run_cli("validate", "-p", str(profile), str(PAYLOAD), cwd=tmp_path)
    assert proc.returncode == 2 and "internal error" not in proc.stderr
