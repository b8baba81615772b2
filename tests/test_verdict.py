"""Verdicts that say what was tested: CONFORMANT only when every deciding requirement in scope
was tested and passed, INCOMPLETE (with the untested ids) when nothing failed but something
deciding was never tested, levels reached only when all their deciding requirements passed, and
``--actor`` to decide for one actor's role. In every format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from interopcheck.results import RequirementTally, RunSummary, Verdict
from tests.conftest import EXAMPLES, run_cli

CHARGE_FILE = EXAMPLES / "charge-file" / "valid" / "theft-and-knife.json"
BAD_ASN = EXAMPLES / "charge-file" / "invalid" / "asn-wrong-check-letter.json"


def _json(*args: str) -> tuple[int, dict[str, object]]:
    proc = run_cli("validate", *args, "-f", "json")
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_one_valid_charge_file_is_incomplete_not_conformant() -> None:
    proc = run_cli("validate", str(CHARGE_FILE), "-p", "justice-ew")
    assert proc.returncode == 0, proc.stderr
    assert "INCOMPLETE to justice-ew 1.0.0" in proc.stdout
    assert "CONFORMANT to" not in proc.stdout.replace("NOT CONFORMANT", "")
    untested_line = next(line for line in proc.stdout.splitlines() if "untested:" in line)
    assert "deciding requirements untested" in untested_line
    assert "CW-003" in untested_line and "CF-001" not in untested_line
    code, document = _json(str(CHARGE_FILE), "-p", "justice-ew")
    assert code == 0
    assert document["verdict"] == "incomplete" and document["conformant"] is False
    untested = document["untestedDeciding"]
    assert isinstance(untested, list) and "CW-003" in untested and "JR-001" in untested
    assert "HDR-002" not in untested  # a SHOULD does not decide
    assert document["levelsAchieved"] == []  # Level 1 needs every message schema tested


def test_fail_on_untested_makes_incomplete_exit_1() -> None:
    proc = run_cli("validate", str(CHARGE_FILE), "-p", "justice-ew", "--fail-on", "untested")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    proc = run_cli(
        "validate", str(CHARGE_FILE), "-p", "justice-ew", "--fail-on", "never", "--fail-on", "must"
    )
    assert proc.returncode == 2 and "never" in proc.stderr


def test_a_schema_failure_of_any_kind_means_level_1_is_not_reached() -> None:
    code, document = _json(str(BAD_ASN), "-p", "justice-ew", "--actor", "police")
    assert code == 1 and document["verdict"] == "not-conformant"
    assert "Level 1: schema" not in document["levelsAchieved"]
    # The same file with its ASN corrected reaches Level 1 and 2 as police.
    _, good = _json(str(CHARGE_FILE), "-p", "justice-ew", "--actor", "police")
    assert good["levelsAchieved"] == ["Level 1: schema", "Level 2: rules"]


def test_actor_scope_decides_for_one_role_and_is_recorded(tmp_path: Path) -> None:
    code, document = _json(str(CHARGE_FILE), "-p", "justice-ew", "--actor", "police")
    assert code == 0 and document["scope"] == "police"
    untested = document["untestedDeciding"]
    assert isinstance(untested, list)
    # A court's hearing-result rules do not bind police; journeys and police endpoints do.
    assert not any(str(r).startswith(("HR-", "CW-", "LR-")) for r in untested)
    assert "JR-001" in untested and "API-001" in untested
    manifest = document["manifest"]
    assert isinstance(manifest, dict)
    assert manifest["options"]["actor"] == "police" and "--actor police" in manifest["reproduce"]
    proc = run_cli("validate", str(CHARGE_FILE), "-p", "justice-ew", "--actor", "judge")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "police" in proc.stderr and "Traceback" not in proc.stderr


def test_incomplete_in_every_format(tmp_path: Path) -> None:
    out = tmp_path / "r"
    proc = run_cli("validate", str(CHARGE_FILE), "-p", "justice-ew", "--report-dir", str(out))
    assert proc.returncode == 0, proc.stderr
    html = (out / "report.html").read_text()
    assert 'class="verdict incomplete"' in html and "INCOMPLETE to justice-ew" in html
    assert "deciding requirements untested" in html and "CW-003" in html
    markdown = (out / "report.md").read_text()
    assert markdown.startswith("## ⏸️ interopcheck: INCOMPLETE") and "CW-003" in markdown
    sarif = json.loads((out / "report.sarif").read_text())
    properties = sarif["runs"][0]["properties"]
    assert (
        properties["verdict"].startswith("INCOMPLETE")
        and "CW-003" in properties["untestedDeciding"]
    )
    junit = ET.parse(out / "report.junit.xml").getroot()
    verdict = junit.find(".//property[@name='verdict']")
    assert verdict is not None and verdict.get("value", "").startswith("INCOMPLETE")
    rendered = run_cli("report", str(out / "report.json"), "-f", "markdown")
    assert rendered.returncode == 0 and "INCOMPLETE" in rendered.stdout


# -- the rule itself, on any tallies -----------------------------------------------------------

_tally = st.builds(
    lambda i, level, group, actors, passed, failed: RequirementTally(
        f"R-{i}", level, "text", "cel", group, None, (), actors, passed, failed
    ),
    st.integers(0, 10**6),
    st.sampled_from(["MUST", "SHOULD", "MAY"]),
    st.sampled_from(["schema", "rules", "journeys"]),
    st.lists(st.sampled_from(["police", "court", "prison"]), max_size=2, unique=True).map(tuple),
    st.integers(0, 2),
    st.integers(0, 1),
)


@given(
    tallies=st.lists(_tally, min_size=1, max_size=12, unique_by=lambda t: t.id),
    scope=st.sampled_from([None, "police", "court"]),
)
def test_the_verdict_is_conformant_only_when_everything_deciding_was_tested_and_passed(
    tallies: list[RequirementTally], scope: str | None
) -> None:
    summary = RunSummary(tool_version="test", profile={"id": "p", "version": "1"}, scope=scope)
    summary.requirements = {t.id: t for t in tallies}
    summary.levels = [("L1", ("schema",)), ("L2", ("schema", "rules"))]
    deciding = [t for t in tallies if t.level == "MUST" and (scope is None or scope in t.actors)]
    verdict = summary.verdict
    if any(t.failed for t in deciding):
        assert verdict is Verdict.not_conformant
    elif any(t.applicable == 0 for t in deciding) or not any(t.applicable for t in tallies):
        assert verdict is Verdict.incomplete
        assert {t.id for t in summary.untested_deciding()} == {
            t.id for t in deciding if t.applicable == 0
        }
    else:
        assert verdict is Verdict.conformant
    for name, groups in summary.levels:
        in_level = [t for t in deciding if t.group in groups]
        reached = name in summary.achieved_levels()
        assert reached == (bool(in_level) and all(t.passed and not t.failed for t in in_level))
