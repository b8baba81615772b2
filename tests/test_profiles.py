"""Profiles: the bundled justice-ew against every example, broken journeys, and bad profiles."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest

from interopcheck.errors import SetupError
from interopcheck.formats.json_format import RESULT_SCHEMA_PATH
from interopcheck.profile.loader import load_profile
from tests.conftest import EXAMPLES, run_cli

MANIFEST = json.loads((EXAMPLES / "invalid-manifest.json").read_text(encoding="utf-8"))
BROKEN = json.loads((EXAMPLES / "journeys-broken-manifest.json").read_text(encoding="utf-8"))


RESULT_VALIDATOR = jsonschema_rs.validator_for(json.loads(RESULT_SCHEMA_PATH.read_text()))


def _run(command: str, *args: str, cwd: Path | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    proc = run_cli(command, "--format", "json", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    document = json.loads(proc.stdout)
    RESULT_VALIDATOR.validate(document)  # every document written has the documented shape
    return proc.returncode, document


def _failed(document: dict) -> list[str]:  # type: ignore[type-arg]
    return sorted(r["id"] for r in document["requirements"] if r["outcome"] in ("failed", "error"))


def test_justice_ew_has_at_least_40_requirements_each_with_text_and_source() -> None:
    profile = load_profile("justice-ew")
    assert len(profile.requirements) >= 40
    assert all(r.text and r.source for r in profile.requirements)
    assert {r.group for r in profile.requirements} == {
        "schema",
        "identifiers",
        "codelists",
        "rules",
        "journeys",
        "api",
    }
    assert set(profile.actors) == {
        "police",
        "prosecution",
        "court",
        "defence",
        "prison",
        "probation",
    }


def test_the_complete_journey_conforms_at_every_level() -> None:
    code, document = _run(
        "journey", "-p", "justice-ew", str(EXAMPLES / "journeys" / "theft-and-knife")
    )
    assert code == 0
    assert _failed(document) == []
    # The one case carries a sentence warrant, not a remand warrant, and a journey run probes
    # no endpoint: nothing failed, but those deciding requirements were never tested, so the
    # verdict is INCOMPLETE and Level 2 (which includes CW-003) is not claimed.
    assert document["verdict"] == "incomplete"
    assert document["untestedDeciding"] == ["CW-003", *(f"API-00{n}" for n in range(1, 9))]
    assert document["levelsAchieved"] == ["Level 1: schema"]
    [journey] = document["journeys"]
    assert len(journey["messages"]) == 8 and journey["conformant"]


@pytest.mark.parametrize("case", MANIFEST, ids=lambda m: m["file"])
def test_each_invalid_example_fails_exactly_its_requirement(case: dict[str, str]) -> None:
    code, document = _run("validate", "-p", "justice-ew", str(EXAMPLES / case["file"]))
    assert code == 1
    assert _failed(document) == [case["requirement"]]
    [result] = document["results"]
    assert {f["pointer"] for f in result["findings"]} == {case["pointer"]}
    assert {f["requirement"] for f in result["findings"]} == {case["requirement"]}


@pytest.mark.parametrize("case", BROKEN, ids=lambda m: m["journey"])
def test_each_broken_journey_fails_exactly_its_requirement(case: dict[str, str]) -> None:
    code, document = _run("journey", "-p", "justice-ew", str(EXAMPLES / case["journey"]))
    assert _failed(document) == [case["requirement"]]
    level = next(r["level"] for r in document["requirements"] if r["id"] == case["requirement"])
    assert code == (1 if level == "MUST" else 0)
    findings = [f for r in document["results"] for f in r["findings"]]
    assert findings and all(f["requirement"] == case["requirement"] for f in findings)
    assert all(f["line"] is not None for f in findings)


def test_strict_makes_should_decide() -> None:
    broken = str(EXAMPLES / "journeys-broken" / "prosecution-case-before-decision")
    assert _run("journey", "-p", "justice-ew", broken)[0] == 0
    code, document = _run("journey", "-p", "justice-ew", "--strict", broken)
    assert code == 1 and document["deciding"] == ["MUST", "SHOULD"]


def test_offence_code_not_in_the_list_names_the_nearest_real_codes() -> None:
    path = EXAMPLES / "charge-file" / "invalid" / "offence-code-not-published.json"
    _, document = _run("validate", "-p", "justice-ew", str(path))
    [finding] = document["results"][0]["findings"]
    assert "not in the code list CJS offence codes" in finding["message"]
    assert "TH68" in finding["message"].split("nearest real codes:")[1]


def test_journey_messages_with_no_partner_are_reported(tmp_path: Path) -> None:
    source = EXAMPLES / "journeys" / "theft-and-knife" / "08-licence-release.json"
    document = json.loads(source.read_text())
    document["bookingNumber"] = "99999Z"
    document.pop("pncId")
    (tmp_path / "lonely.json").write_text(json.dumps(document))
    code, out = _run("journey", "-p", "justice-ew", str(tmp_path))
    assert code == 1
    messages = [f["message"] for f in out["results"][0]["findings"]]
    assert any("matches no other message" in m for m in messages)


def test_validate_without_journeys_does_not_claim_journey_levels() -> None:
    code, document = _run("validate", "-p", "justice-ew", str(EXAMPLES / "journeys"))
    assert code == 0 and document["verdict"] == "incomplete"
    assert document["levelsAchieved"] == ["Level 1: schema"]
    assert "JR-001" in document["untested"] and "JR-001" in document["untestedDeciding"]


# -- profiles that are wrong ------------------------------------------------------------------

GOOD_HEAD = "id: my-profile\nversion: '1'\ntitle: Mine\n"


def _profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    return path


def _setup_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(SetupError) as raised:
        load_profile(str(_profile(tmp_path, text)))
    return str(raised.value)


def test_unknown_key_names_file_line_and_column(tmp_path: Path) -> None:
    message = _setup_error(tmp_path, GOOD_HEAD + "colour: blue\n")
    assert message.startswith(f"{tmp_path / 'mine.yaml'}:4:1:")
    assert 'unknown key "colour"' in message and "allowed here:" in message


def test_bad_requirement_is_located(tmp_path: Path) -> None:
    text = GOOD_HEAD + (
        "requirements:\n"
        "  - id: X-1\n"
        "    level: MUSTN'T\n"
        "    text: Something must hold here.\n"
        "    check: {schema: charge-file}\n"
    )
    message = _setup_error(tmp_path, text)
    assert ":6:12:" in message and "allowed codes" in message


def test_check_kinds_are_explained(tmp_path: Path) -> None:
    text = GOOD_HEAD + (
        "requirements:\n"
        "  - id: X-1\n"
        "    level: MUST\n"
        "    text: Something must hold here.\n"
        "    check: {}\n"
    )
    assert "a check needs exactly one of" in _setup_error(tmp_path, text)


def test_malformed_yaml(tmp_path: Path) -> None:
    message = _setup_error(tmp_path, "id: [\nversion: 1\n")
    assert ":3:1: malformed YAML" in message  # where PyYAML notices the list never closes


def test_cel_syntax_error_names_requirement_file_and_expression(tmp_path: Path) -> None:
    text = GOOD_HEAD + (
        "requirements:\n"
        "  - id: X-1\n"
        "    level: MUST\n"
        "    text: Something must hold here.\n"
        "    check: {cel: 'self.a +', at: {charge-file: [/case]}}\n"
    )
    path = _profile(tmp_path, text)
    proc = run_cli("validate", "-p", str(path), str(EXAMPLES / "journeys"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "X-1" in proc.stderr and str(path) in proc.stderr and "self.a +" in proc.stderr


def test_unknown_cel_function_is_caught_before_the_run(tmp_path: Path) -> None:
    text = GOOD_HEAD + (
        "requirements:\n"
        "  - id: X-1\n"
        "    level: MUST\n"
        "    text: Something must hold here.\n"
        "    check: {cel: 'isAsnn(self.ptiUrn)', at: {charge-file: [/case]}}\n"
    )
    proc = run_cli("validate", "-p", str(_profile(tmp_path, text)), str(EXAMPLES / "journeys"))
    assert proc.returncode == 2 and "unknown function isAsnn" in proc.stderr


def test_cel_type_error_at_run_time_is_a_finding(tmp_path: Path) -> None:
    text = GOOD_HEAD + (
        "requirements:\n"
        "  - id: X-1\n"
        "    level: MUST\n"
        "    text: Something must hold here.\n"
        "    check: {cel: 'self.ptiUrn + 1 == 2', at: {charge-file: [/case]}}\n"
    )
    path = _profile(tmp_path, text)
    code, document = _run("validate", "-p", str(path), str(EXAMPLES / "charge-file" / "valid"))
    assert code == 1
    [finding] = document["results"][0]["findings"]
    assert finding["check"] == "rule-error" and finding["requirement"] == "X-1"
    assert "could not be evaluated" in finding["message"]
    assert document["requirements"][0]["outcome"] == "error"


def test_missing_codelist_file_and_unknown_codelist(tmp_path: Path) -> None:
    text = GOOD_HEAD + (
        "codelists:\n  mine: {title: Mine, source: here, file: nowhere.csv, code: a, label: b}\n"
    )
    proc = run_cli("validate", "-p", str(_profile(tmp_path, text)), str(EXAMPLES / "journeys"))
    assert proc.returncode == 2 and "nowhere.csv" in proc.stderr
    text = GOOD_HEAD + (
        "requirements:\n"
        "  - id: X-1\n"
        "    level: MUST\n"
        "    text: Something must hold here.\n"
        "    check: {codelist: nope, at: {charge-file: [/case/policeForceCode]}}\n"
    )
    proc = run_cli("validate", "-p", str(_profile(tmp_path, text)), str(EXAMPLES / "journeys"))
    assert proc.returncode == 2 and "no code list 'nope'" in proc.stderr


def test_extends_itself_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(GOOD_HEAD.replace("my-profile", "loop") + "extends: loop.yaml\n")
    with pytest.raises(SetupError, match="extends itself"):
        load_profile(str(path))


def test_overrides_change_levels_drop_and_replace(tmp_path: Path) -> None:
    text = (
        "id: child\nversion: '1'\ntitle: Child\nextends: justice-ew\n"
        "overrides:\n  levels: {CF-002: SHOULD}\n  drop: [CF-005]\n"
        "requirements:\n"
        "  - id: CF-006\n    level: MAY\n    text: Replaced by the child profile.\n"
        "    check: {cel: 'true', at: {charge-file: [/case]}}\n"
    )
    profile = load_profile(str(_profile(tmp_path, text)))
    assert profile.extends == ("justice-ew",)
    assert profile.requirement("CF-002").level == "SHOULD"  # type: ignore[union-attr]
    assert profile.requirement("CF-005") is None
    assert profile.requirement("CF-006").text == "Replaced by the child profile."  # type: ignore[union-attr]
    with pytest.raises(SetupError, match="CF-999"):
        load_profile(str(_profile(tmp_path, text.replace("drop: [CF-005]", "drop: [CF-999]"))))


# -- Scotland: inheritance at work --------------------------------------------------------------


def test_scotland_extends_england_and_wales_with_its_own_changes() -> None:
    scotland = load_profile("justice-scotland")
    ew = load_profile("justice-ew")
    assert scotland.extends == ("justice-ew",)
    assert scotland.requirement("ID-004") is None and ew.requirement("ID-004") is not None
    assert scotland.requirement("SC-001") is not None
    assert "twelfth" in scotland.requirement("CF-005").text  # type: ignore[union-attr]
    assert scotland.requirement("CL-007").level == "SHOULD"  # type: ignore[union-attr]
    assert scotland.actors["prosecution"].title.startswith("Crown Office and Procurator Fiscal")
    assert scotland.digest != ew.digest


def test_the_case_reference_decides_between_the_jurisdictions() -> None:
    scottish = str(EXAMPLES / "journeys-scotland" / "theft-and-knife")
    english = str(EXAMPLES / "journeys" / "theft-and-knife")
    code, document = _run("journey", "-p", "justice-scotland", scottish)
    assert code == 0 and _failed(document) == []
    code, document = _run("journey", "-p", "justice-ew", scottish)
    assert code == 1 and _failed(document) == ["ID-004"]
    code, document = _run("journey", "-p", "justice-scotland", english)
    assert code == 1 and _failed(document) == ["SC-001"]


def test_age_of_criminal_responsibility_differs(tmp_path: Path) -> None:
    document = json.loads(
        (EXAMPLES / "journeys-scotland" / "theft-and-knife" / "01-charge-file.json").read_text()
    )
    document["defendants"][0]["person"]["birthDate"] = "2012-06-01"  # 11 on the offence date
    path = tmp_path / "eleven.json"
    path.write_text(json.dumps(document))
    assert _failed(_run("validate", "-p", "justice-scotland", str(path))[1]) == ["CF-005"]
    assert _failed(_run("validate", "-p", "justice-ew", str(path))[1]) == ["ID-004"]


# -- the profiles commands ---------------------------------------------------------------------


def test_profiles_list_and_show(tmp_path: Path) -> None:
    proc = run_cli("profiles", "list", "--json", cwd=tmp_path)
    rows = {row["id"]: row for row in json.loads(proc.stdout)}
    assert set(rows) == {"justice-ew", "justice-scotland"}
    assert rows["justice-scotland"]["extends"] == ["justice-ew"]
    shown = json.loads(run_cli("profiles", "show", "justice-ew", "--json", cwd=tmp_path).stdout)
    assert len(shown["requirements"]) == rows["justice-ew"]["requirements"]
    table = run_cli("profiles", "show", "justice-scotland", cwd=tmp_path).stdout
    assert "Police Scotland sends charge-file" in table and "SC-001" in table


def test_profiles_show_gives_every_requirement_and_the_endpoints_of_an_own_api() -> None:
    """A profile on an API of one's own: its requirements bind what its actor receives and
    its exchanges, and its endpoints come from the OpenAPI document; all of it is shown."""
    own = str(EXAMPLES / "own-api" / "profile.yaml")
    shown = json.loads(run_cli("profiles", "show", own, "--json").stdout)
    [endpoint] = shown["api"]["endpoints"]
    assert (endpoint["id"], endpoint["method"], endpoint["path"]) == (
        "create-referral",
        "POST",
        "/referrals",
    )
    assert shown["api"]["openapi"].endswith("referrals-openapi.yaml")
    table = run_cli("profiles", "show", own, env={"COLUMNS": "240"}).stdout
    assert all(r["id"] in table for r in shown["requirements"])
    assert "create-referral" in table and "X-Request-Id" in table


@pytest.mark.parametrize("name", ["justice-ew", "justice-scotland"])
def test_bundled_profiles_lint_clean(name: str) -> None:
    from interopcheck.profile.loader import bundled_profiles

    proc = run_cli("profiles", "lint", str(bundled_profiles()[name]))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip().endswith("clean")


LINT_MISTAKES = """id: bad-profile
version: '1'
title: Everything wrong
extends: justice-ew
actors:
  parole:
    title: Parole board
    receives: [parole-decision]
codelists:
  colours: {title: Colours, source: me, file: colours.csv, code: code, label: label}
requirements:
  - id: BAD-001
    level: MUST
    text: A schema that does not exist.
    check: {schema: parole-decision}
  - id: BAD-002
    level: MUST
    text: An identifier nobody defined.
    check: {identifier: passport, at: {charge-file: [/defendants/*/asn]}}
  - id: BAD-003
    level: MUST
    text: A code list the profile lacks.
    check: {codelist: planets, at: {charge-file: [/case/policeForceCode]}}
  - id: BAD-004
    level: MUST
    text: CEL that does not compile.
    check: {cel: "self.a +", at: {charge-file: [/case]}}
  - id: BAD-005
    level: MUST
    text: CEL with an unknown function.
    check: {cel: "isPassport(self.a)", at: {charge-file: [/case]}}
  - id: BAD-006
    level: MUST
    text: A pointer no message has.
    check: {identifier: asn, at: {charge-file: [/defendants/*/asnn]}}
"""


def _assert_exactly(lines: list[str], expected: dict[str, str]) -> None:
    """One line per expected problem (file:line:col: and words), and no other."""
    for place, words in expected.items():
        assert any(place in line and words in line for line in lines), (place, lines)
    assert len(lines) == len(expected), lines


def test_lint_catches_each_kind_of_mistake(tmp_path: Path) -> None:
    path = _profile(tmp_path, LINT_MISTAKES)
    proc = run_cli("profiles", "lint", str(path))
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    expected = {
        ":8:16:": "no message type 'parole-decision'",
        ":10:47:": "'colours.csv' not found",
        ":15:21:": "no message schema 'parole-decision'",
        ":19:25:": "unknown identifier 'passport'",
        ":23:23:": "no code list 'planets'",
        ":27:18:": "CEL does not compile",
        ":31:18:": "unknown function isPassport",
        ":35:48:": "/defendants/*/asnn is not a place in a charge-file message",
    }
    _assert_exactly(lines, expected)


def test_lint_reports_duplicate_ids_and_schema_errors_with_lines(tmp_path: Path) -> None:
    duplicate = LINT_MISTAKES + (
        "  - id: BAD-006\n    level: MUST\n    text: The same id twice.\n"
        "    check: {identifier: asn, at: {charge-file: [/defendants/*/asn]}}\n"
    )
    proc = run_cli("profiles", "lint", str(_profile(tmp_path, duplicate)))
    assert ":36:9: duplicate requirement id BAD-006" in proc.stdout
    proc = run_cli("profiles", "lint", str(_profile(tmp_path, GOOD_HEAD + "versoin: 2\n")))
    assert proc.returncode == 1 and ':4:1: unknown key "versoin"' in proc.stdout


def test_profile_rules_in_parallel_give_the_same_results(tmp_path: Path) -> None:
    import shutil

    files = sorted(EXAMPLES.glob("*/*/*.json"))
    for i in range(230):
        shutil.copy(files[i % len(files)], tmp_path / f"p{i:04d}.json")
    one = _run("validate", "-p", "justice-ew", "-j", "1", str(tmp_path))[1]
    two = _run("validate", "-p", "justice-ew", "-j", "2", str(tmp_path))[1]
    assert one["results"] == two["results"] and one["requirements"] == two["requirements"]


def test_compiled_requirements_agree_with_the_python_path() -> None:
    """Differential: the overlay validator and the rule checker alone give the same outcomes
    and findings on every example, valid or not."""
    from interopcheck.sources.payloads import read_payloads
    from interopcheck.validation import ValidationSpec, build_checker

    fast = build_checker(ValidationSpec(profile="justice-ew"))
    slow = build_checker(ValidationSpec(profile="justice-ew"))
    slow.compiled = None
    files = sorted(p for p in EXAMPLES.rglob("*.json") if "manifest" not in p.name)
    assert len(files) > 150
    for path in files:
        [payload] = read_payloads(str(path))
        a, b = fast.check(payload, 0), slow.check(payload, 0)
        assert a.outcomes == b.outcomes, path
        assert a.findings == b.findings, path


def test_a_profile_that_tested_nothing_does_not_certify_anything(tmp_path: Path) -> None:
    schema = tmp_path / "any.schema.json"
    schema.write_text('{"type": "object"}')
    payload = EXAMPLES / "journeys" / "theft-and-knife" / "01-charge-file.json"
    code, document = _run("validate", "--schema", str(schema), "-p", "justice-ew", str(payload))
    assert code == 1 and not document["conformant"]
    assert document["levelsAchieved"] == []
    assert len(document["untested"]) == len(document["requirements"])
    console = run_cli("validate", "--schema", str(schema), "-p", "justice-ew", str(payload))
    assert "No requirement of the profile applied" in console.stdout


def test_journey_findings_redact_the_identifier_unless_asked() -> None:
    broken = str(EXAMPLES / "journeys-broken" / "asn-changed-at-court")
    values = lambda doc: [f["value"] for r in doc["results"] for f in r["findings"]]  # noqa: E731
    assert values(_run("journey", "-p", "justice-ew", broken)[1]) == [
        "<redacted: string, 20 chars>"
    ]
    shown = _run("journey", "-p", "justice-ew", "--show-personal-data", broken)[1]
    assert values(shown) == ['"2401ZD0100000448755X"']


API_MISTAKES = """id: bad-api
version: '1'
title: Endpoints that do not fit
extends: justice-ew
api:
  endpoints:
    - {id: ep-a, actor: judge, method: POST, path: /v1/x, receives: hearing-result}
    - {id: ep-b, actor: court, method: POST, path: /v1/y, receives: charge-file}
    - {id: ep-c, actor: prison, method: PUT, path: /z, receives: custody-warrant, response: tkt}
    - {id: ep-c, actor: prison, method: PUT, path: /z, receives: custody-warrant}
"""


def test_lint_catches_endpoints_that_do_not_fit(tmp_path: Path) -> None:
    proc = run_cli("profiles", "lint", str(_profile(tmp_path, API_MISTAKES)))
    assert proc.returncode == 1
    out = proc.stdout
    assert ":7:" in out and "no actor 'judge'" in out
    assert ":8:" in out and "court does not receive charge-file" in out
    assert ":9:" in out and "no schema 'tkt'" in out
    assert ":10:" in out and "duplicate endpoint id ep-c" in out
    assert "prison already has PUT /z" in out


def test_prepared_code_lists_are_in_step_with_their_csv(tmp_path: Path) -> None:
    """The shipped prepared forms equal a fresh preparation from the CSVs (regenerate with
    ``python -m interopcheck.profile.prepare``), and a stale one is ignored, not trusted."""
    from interopcheck.profile.codelists import (
        PREPARED_ROOT,
        parse_csv,
        prepared_path,
        read_prepared,
    )
    from interopcheck.profile.prepare import prepare

    fresh = tmp_path / "prepared"
    written = prepare(fresh)
    assert len(written) >= 8
    for path in written:
        shipped = PREPARED_ROOT / path.name
        assert shipped.is_file(), (
            f"{path.name} is not shipped: run python -m interopcheck.profile.prepare"
        )
        assert shipped.read_bytes() == path.read_bytes(), f"{path.name} is stale"
    offences = load_profile("justice-ew").codelists["offences"]
    from interopcheck.profile.codelists import codelist_path

    csv_path = codelist_path(offences)
    assert csv_path is not None and offences.code and offences.label
    prepared = prepared_path(csv_path, offences.code, offences.label)
    assert prepared is not None
    data = csv_path.read_bytes()
    from_csv = parse_csv(csv_path, data.decode("utf-8-sig"), offences.code, offences.label, "o")
    assert read_prepared(prepared, data) == from_csv
    assert read_prepared(prepared, data + b"ZZ99999,An edit,X,False\n") is None  # stale: ignored


EVERY_ROUND = """id: all-at-once
version: '1'
title: Every kind of mistake in one file
extends: justice-ew
versoin: 2
overrides:
  drop: [CF-01]
  levels: {NOPE-001: SHOULD, CF-002: SHOULD}
requirements:
  - id: BAD-001
    level: MUSTY
    text: A level the schema does not know.
    check: {schema: charge-file}
  - id: BAD-002
    level: MUST
    text: CEL that does not compile.
    check: {cel: "self.a +", at: {charge-file: [/case]}}
  - id: BAD-002
    level: MUST
    text: The same id twice, and a code list the profile lacks.
    check: {codelist: planets, at: {charge-file: [/case/policeForceCode]}}
  - id: BAD-004
    level: MUST
    text: An endpoint nobody declared.
    check: {http: accepts-valid, endpoints: [court-hearing-result]}
"""


def test_lint_reports_every_problem_in_one_run(tmp_path: Path) -> None:
    """Schema problems, duplicate ids, overrides, references, CEL and endpoint ids together:
    a part the schema rejects is set aside and the rest is still checked."""
    proc = run_cli("profiles", "lint", str(_profile(tmp_path, EVERY_ROUND)))
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    expected = {
        ":5:1:": 'unknown key "versoin"',
        ":7:10:": "no requirement 'CF-01' in justice-ew; did you mean CF-001",
        ":8:22:": "no requirement 'NOPE-001' in justice-ew",
        ":11:12:": "not one of the allowed codes",
        ":17:18:": "CEL does not compile",
        ":18:9:": "duplicate requirement id BAD-002",
        ":21:23:": "no code list 'planets'",
        ":25:46:": "no endpoint 'court-hearing-result'; did you mean",
    }
    _assert_exactly(lines, expected)
    # an unknown id comes with the ids there are
    endpoint = next(line for line in lines if "no endpoint" in line)
    assert "known: prosecution-charge-files," in endpoint and "court-prosecution-cases" in endpoint
    codelist = next(line for line in lines if "no code list" in line)
    assert "known: custodial-results, ethnicity, forces" in codelist
    requirement = next(line for line in lines if "'CF-01'" in line)
    assert "'interopcheck profiles show justice-ew'" in requirement
    assert f"{len(lines)} problems" in proc.stderr
