"""Frictions a new user met in their first hour, each removed: YAML on standard input, the
generator's metadata read as a payload, ``report --help`` naming the wrong default."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from interopcheck.sources.payloads import sniff_syntax
from tests.conftest import EXAMPLES, run_cli

CHARGE_FILE = EXAMPLES / "charge-file" / "valid" / "theft-and-knife.json"


def test_yaml_on_standard_input_is_read_as_yaml() -> None:
    as_yaml = yaml.safe_dump(json.loads(CHARGE_FILE.read_text()), allow_unicode=True)
    proc = run_cli("validate", "-", stdin=as_yaml.encode())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 payload, all valid" in proc.stdout


def test_json_and_json_lines_on_standard_input_still_work() -> None:
    text = CHARGE_FILE.read_text()
    assert run_cli("validate", "-", stdin=text.encode()).returncode == 0
    one_line = json.dumps(json.loads(text))
    proc = run_cli("validate", "-", "-f", "json", stdin=f"{one_line}\n{one_line}\n".encode())
    assert proc.returncode == 0 and json.loads(proc.stdout)["summary"]["payloads"] == 2


def test_sniffing_rules() -> None:
    assert sniff_syntax('  {"a": 1}') == "json"
    assert sniff_syntax('{\n  "a": 1\n}\n') == "json"
    assert sniff_syntax('{"a": 1}\n{"a": 2}\n') == "jsonl"
    assert sniff_syntax("header:\n  messageType: charge-file\n") == "yaml"
    assert sniff_syntax("[1, 2]") == "json"


def test_generated_journeys_then_journey_on_the_directory(tmp_path: Path) -> None:
    out = tmp_path / "d"
    proc = run_cli(
        "generate", "--journey", "-p", "justice-ew", "-n", "2", "--seed", "3",
        "--output-dir", str(out),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (out / "interopcheck-manifest.json").is_file()
    check = run_cli("journey", "-p", "justice-ew", str(out), "-f", "json")
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr
    document = json.loads(check.stdout)
    assert document["summary"]["payloads"] == 16  # two journeys of eight, no manifest
    assert not any("manifest" in r["source"] for r in document["results"])


def test_report_help_names_its_real_default() -> None:
    proc = run_cli("report", "--help")
    assert proc.returncode == 0
    assert "html (the default)" in proc.stdout and "default: console" not in proc.stdout
