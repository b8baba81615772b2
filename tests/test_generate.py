"""``generate``: every valid case is valid for jsonschema-rs and python-jsonschema (the oracle)
and passes the profile's rules; every invalid case fails on the constraint it claims; the edge
cases of real names and dates are reached; the same seed gives the same bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings

from interopcheck.generation.cases import CaseGenerator
from interopcheck.standard.formats import JUSTICE_FORMATS
from interopcheck.validation import ValidationSpec, build_checker
from tests.conftest import run_cli
from tests.generation_checks import (
    BASE,
    CATALOG,
    MESSAGE_TYPES,
    OWN_SCHEMA,
    check_invalid_cases,
    check_valid_cases,
    strategy_for,
)
from tests.oracle import format_checker


@pytest.fixture(scope="module")
def profiled() -> Any:
    return build_checker(ValidationSpec(profile="justice-ew"))


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_valid_cases_are_valid_for_both_validators_and_the_profile(
    message_type: str, profiled: Any
) -> None:
    check_valid_cases(profiled, message_type, seed=11, count=8)


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_invalid_cases_fail_on_the_constraint_they_claim(message_type: str) -> None:
    check_invalid_cases(message_type, seed=5, count=8)


def test_break_targets_one_requirement_and_the_finding_says_so(profiled: Any) -> None:
    entry = profiled.catalog.for_message("charge-file", "1.0")
    generator = CaseGenerator(profiled, entry, seed=2)
    generation = generator.invalid(4, target="CF-004")
    assert len(generation.cases) == 4
    for case in generation.cases:
        assert case.breaks is not None and case.breaks["requirement"] == "CF-004"
        assert "CF-004" in {f.requirement for f in generator.findings(case.value)}


# -- the edge cases ----------------------------------------------------------------------------


def _reaches(strategy: Any, wanted: Any, examples: int = 300) -> bool:
    seen = []

    @settings(max_examples=examples, database=None)
    @given(strategy)
    def draw(value: Any) -> None:
        seen.append(value)

    draw()
    return any(wanted(value) for value in seen)


def test_the_generator_reaches_the_edges_of_real_data() -> None:
    name = strategy_for(BASE + "person.schema.json#/$defs/name")
    assert _reaches(name, lambda n: "'" in n["familyName"])
    assert _reaches(name, lambda n: len(n["familyName"]) == 35)
    date = strategy_for(BASE + "common.schema.json#/$defs/date")
    assert _reaches(date, lambda d: d.endswith("-02-29"))
    asn = strategy_for(BASE + "identifiers.schema.json#/$defs/asn")
    assert _reaches(asn, lambda a: not a[2:4].isdigit())  # a force code with letters
    assert _reaches(asn, lambda a: JUSTICE_FORMATS["asn"](a) and a[2:4].isdigit())


# -- a user's own schema -----------------------------------------------------------------------


def test_a_users_own_schema(tmp_path: Path) -> None:
    schema = tmp_path / "referral.schema.json"
    schema.write_text(json.dumps(OWN_SCHEMA))
    out = tmp_path / "valid"
    proc = run_cli(
        "generate", "--schema", str(schema), "-n", "25", "--seed", "4", "--output-dir", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    oracle = jsonschema.Draft202012Validator(OWN_SCHEMA, format_checker=format_checker())
    cases = sorted(out.glob("*-valid-*.json"))
    assert len(cases) == 25
    values = [json.loads(p.read_text()) for p in cases]
    for value in values:
        assert not list(oracle.iter_errors(value)), value
    assert any(v["kind"] == "custody" for v in values) and any("score" in v for v in values)
    bad = tmp_path / "invalid"
    proc = run_cli(
        "generate",
        "--schema",
        str(schema),
        "-n",
        "10",
        "--invalid",
        "--seed",
        "4",
        "--output-dir",
        str(bad),
    )
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((bad / "interopcheck-manifest.json").read_text())
    assert manifest["generated"] == 10 and manifest["kind"] == "invalid"
    for entry in manifest["cases"]:
        assert list(oracle.iter_errors(json.loads((bad / entry["file"]).read_text()))), entry
        assert entry["breaks"]["keyword"] and entry["breaks"]["schemaLocation"]


def test_what_cannot_be_modelled_is_said_with_its_place(tmp_path: Path) -> None:
    schema = tmp_path / "odd.schema.json"
    schema.write_text(
        json.dumps(
            {
                "type": "object",
                "required": ["host"],
                "properties": {"host": {"type": "string", "format": "hostname"}},
            }
        )
    )
    proc = run_cli("generate", "--schema", str(schema), "-n", "3", "--seed", "1")
    assert "not modelled exactly: /host: format 'hostname' has no generator" in proc.stderr


# -- the command ------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    runs = []
    for name, seed in (("a", "42"), ("b", "42"), ("c", "43")):
        out = tmp_path / name
        proc = run_cli(
            "generate",
            "--type",
            "hearing-result",
            "-p",
            "justice-ew",
            "-n",
            "4",
            "--seed",
            seed,
            "--output-dir",
            str(out),
        )
        assert proc.returncode == 0, proc.stderr
        runs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    stdout = [
        run_cli("generate", "--type", "case-listing", "-n", "3", "--seed", "8").stdout
        for _ in range(2)
    ]
    assert stdout[0] == stdout[1] and len(stdout[0].splitlines()) == 3
    manifest = json.loads(runs[0]["interopcheck-manifest.json"])
    assert manifest["seed"] == 42 and manifest["profile"] == "justice-ew"


def test_generated_files_validate_with_the_validate_command(tmp_path: Path) -> None:
    out = tmp_path / "cases"
    assert (
        run_cli(
            "generate",
            "--type",
            "prison-reception",
            "-p",
            "justice-ew",
            "-n",
            "5",
            "--seed",
            "3",
            "--output-dir",
            str(out),
        ).returncode
        == 0
    )
    files = [str(p) for p in out.glob("*-valid-*.json")]
    assert run_cli("validate", "-p", "justice-ew", *files).returncode == 0
    bad = tmp_path / "bad"
    assert (
        run_cli(
            "generate",
            "--type",
            "prison-reception",
            "-n",
            "5",
            "--invalid",
            "--seed",
            "3",
            "--output-dir",
            str(bad),
        ).returncode
        == 0
    )
    for path in bad.glob("*-invalid-*.json"):
        assert run_cli("validate", str(path)).returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "charge-file", "--schema", "x.json"], "give --type or --schema"),
        (["-n", "2"], "give --type or --schema"),
        (["--type", "parole-decision"], "unknown message type"),
        (["--type", "charge-file", "--break", "CF-004"], "--break needs --profile"),
        (["--type", "charge-file", "-p", "justice-ew", "--break", "XX-999"], "no such requirement"),
        (
            ["--type", "hearing-result", "-p", "justice-ew", "--break", "CF-004"],
            "applies to charge-file",
        ),
    ],
)
def test_generate_mistakes_are_one_line_errors(args: list[str], message: str) -> None:
    proc = run_cli("generate", *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert message in proc.stderr and proc.stderr.count("\n") == 1


# -- journeys ---------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["justice-ew", "justice-scotland"])
def test_generated_journeys_pass_the_journey_command(tmp_path: Path, profile: str) -> None:
    out = tmp_path / "journeys"
    proc = run_cli(
        "generate", "--journey", "-p", profile, "-n", "3", "--seed", "5", "--output-dir", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    folders = sorted(out.glob("journey-*"))
    assert len(folders) == 3
    assert all(len(list(f.glob("*.json"))) == 8 for f in folders)
    check = run_cli("journey", "-p", profile, *map(str, folders), "-f", "json")
    assert check.returncode == 0, check.stdout[-2000:]
    report = json.loads(check.stdout)
    assert len(report["journeys"]) == 3  # three separate cases, not merged by a shared key
    # Nothing failed and every journey rule was tested; the verdict is INCOMPLETE only for
    # what a journey run cannot test (endpoints) and what the cases happen not to carry.
    assert report["verdict"] in ("conformant", "incomplete")
    assert all(j["conformant"] for j in report["journeys"])
    assert not [r for r in report["untestedDeciding"] if r.startswith("JR-")]
    assert "Level 1: schema" in report["levelsAchieved"]
    again = tmp_path / "again"
    run_cli(
        "generate", "--journey", "-p", profile, "-n", "3", "--seed", "5", "--output-dir", str(again)
    )
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.json")} == {
        p.relative_to(again): p.read_bytes() for p in again.rglob("*.json")
    }


def test_journey_options_that_do_not_fit_are_one_line_errors() -> None:
    for args, message in (
        (["--journey"], "--journey needs --profile"),
        (["--journey", "-p", "justice-ew", "--type", "charge-file"], "drop --type/--schema"),
        (["--journey", "-p", "justice-ew", "--invalid"], "drop --invalid/--break"),
    ):
        proc = run_cli("generate", *args)
        assert proc.returncode == 2 and message in proc.stderr and proc.stderr.count("\n") == 1


def test_the_schemas_own_examples_are_offered(profiled: Any) -> None:
    """identifiers.schema.json gives an example ASN; the generator uses it (and others)."""
    example = CATALOG.documents()[BASE + "identifiers.schema.json"]["$defs"]["asn"]["examples"][0]
    entry = profiled.catalog.for_message("charge-file", "1.0")
    generation = CaseGenerator(build_checker(ValidationSpec()), entry, seed=1).valid(12)
    asns = [d["asn"] for case in generation.cases for d in case.value["defendants"]]
    assert example in asns
    assert len(set(asns)) > 3


@pytest.mark.parametrize(
    ("schema", "count"),
    [
        # a map (additionalProperties: a schema): crashed at -n 3 (CanonicalKind has no name)
        ({"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 1}, 3),
        # a plain number: 32-bit floats made Hypothesis reject() outside a test past ~25 cases
        ({"type": "number"}, 100),
        ({"type": "array", "items": {"type": "number"}, "minItems": 3}, 40),
    ],
)
def test_maps_and_plain_numbers_are_generated(
    tmp_path: Path, schema: dict[str, Any], count: int
) -> None:
    path = tmp_path / "schema.json"
    path.write_text(
        json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", **schema})
    )
    proc = run_cli("generate", "--schema", str(path), "-n", str(count), "--seed", "5")
    assert proc.returncode == 0, proc.stderr
    cases = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(cases) == count
    oracle = jsonschema.Draft202012Validator(schema)
    assert all(oracle.is_valid(case) for case in cases)


DRAFTS = {
    "http://json-schema.org/draft-04/schema#": jsonschema.Draft4Validator,
    "http://json-schema.org/draft-06/schema#": jsonschema.Draft6Validator,
    "http://json-schema.org/draft-07/schema#": jsonschema.Draft7Validator,
    "https://json-schema.org/draft/2019-09/schema": jsonschema.Draft201909Validator,
}


@pytest.mark.parametrize("draft", DRAFTS)
def test_older_drafts_generate_through_refs_to_other_files(tmp_path: Path, draft: str) -> None:
    """A schema of draft 4, 6, 7 or 2019-09 whose ``$ref`` names a schema in another file
    (``--ref-schemas``), as HMCTS's draft-4 schemas are written: valid cases the right draft's
    validator (python-jsonschema) accepts, invalid ones it refuses. Before: no --ref-schemas
    for generate, and Hypothesis "Unsatisfiable" on the draft-4 reference."""
    key = "id" if "draft-04" in draft else "$id"
    shared = {
        "$schema": draft,
        key: "http://justice.gov.uk/core/courts/courtCentre.json",
        "type": "object",
        "required": ["code"],
        "properties": {"code": {"type": "string", "pattern": "^[A-Z][0-9]{4}$"}},
    }
    main = {
        "$schema": draft,
        key: "http://justice.gov.uk/hearing.json",
        "type": "object",
        "required": ["courtCentre", "day"],
        "properties": {
            "courtCentre": {"$ref": "http://justice.gov.uk/core/courts/courtCentre.json"},
            "day": {"type": "integer", "minimum": 1, "maximum": 31},
        },
    }
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "courtCentre.json").write_text(json.dumps(shared))
    (tmp_path / "hearing.json").write_text(json.dumps(main))
    oracle_class = DRAFTS[draft]
    from referencing import Registry, Resource
    from referencing.jsonschema import specification_with

    spec = specification_with(draft)
    registry = Registry().with_resource(shared[key], Resource(contents=shared, specification=spec))  # type: ignore[call-arg]
    oracle = oracle_class(main, registry=registry)
    for kind in ("valid", "invalid"):
        proc = run_cli(
            "generate", "--schema", str(tmp_path / "hearing.json"),
            "--ref-schemas", str(tmp_path / "refs"), "-n", "8", "--seed", "3",
            *(["--invalid"] if kind == "invalid" else []),
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        cases = [json.loads(line) for line in proc.stdout.splitlines()]
        assert len(cases) == 8
        assert all(oracle.is_valid(c) == (kind == "valid") for c in cases), (kind, cases)


def test_an_unexpected_error_keeps_the_cases_made_and_says_how_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug of ours or of a library met on some schema cannot be made real on demand: here
    the draw fails on purpose (monkeypatched) once Hypothesis's 20 cases are made and the fast
    sampler has drawn two more. The cases made are written, each whole, and the one-line error
    says how many (exit 2), instead of a traceback and nothing."""
    from interopcheck.generation import cases
    from interopcheck.generation.sampler import FastData

    real = cases.CaseGenerator.draw_valid
    sampled = {"n": 0}

    def failing(self: Any, data: Any) -> Any:
        if isinstance(data, FastData):
            sampled["n"] += 1
            if sampled["n"] > 2:
                raise RuntimeError("a bug met on this schema")
        return real(self, data)

    monkeypatch.setattr(cases.CaseGenerator, "draw_valid", failing)
    schema = tmp_path / "s.json"
    schema.write_text(
        json.dumps({"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}})
    )
    out = tmp_path / "cases"
    proc = run_cli("generate", "--schema", schema, "-n", "30", "--seed", "2", "--output-dir", out)
    assert proc.returncode == 2
    written = sorted(p.name for p in out.glob("s-valid-*.json"))
    assert 20 <= len(written) <= 22  # Hypothesis's 20, and the sampler's (duplicates are one)
    assert all(isinstance(json.loads((out / name).read_text())["n"], int) for name in written)
    manifest = json.loads((out / "interopcheck-manifest.json").read_text())
    assert len(manifest["cases"]) == len(written)
    assert "RuntimeError: a bug met on this schema" in manifest["stopped"]
    message = proc.stderr.strip().splitlines()[-1]
    assert message.startswith(
        f"interopcheck: error: generation stopped after {len(written)} case(s), all of them written"
    )
    assert "Traceback" not in proc.stderr


def test_array_bounds_are_broken_one_over_and_one_under(tmp_path: Path) -> None:
    """Issue 18, part 3 (negatives at the bounds): an array one item over maxItems, one under
    minItems, and an item twice where uniqueItems forbids it; each case is rejected by
    python-jsonschema for that keyword."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["offences"],
        "properties": {
            "offences": {
                "type": "array",
                "minItems": 2,
                "maxItems": 4,
                "uniqueItems": True,
                "items": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{5}$"},
            }
        },
        "additionalProperties": False,
    }
    path = tmp_path / "s.json"
    path.write_text(json.dumps(schema))
    out = tmp_path / "cases"
    proc = run_cli(
        "generate", "--schema", path, "--invalid", "-n", "60", "--seed", "4", "--output-dir", out
    )
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "interopcheck-manifest.json").read_text())
    oracle = jsonschema.Draft202012Validator(schema)
    seen = {}
    for case in manifest["cases"]:
        seen[case["breaks"]["mutation"]] = json.loads((out / case["file"]).read_text())
    for mutation, keyword, size in (
        ("too-many-items", "maxItems", 5),
        ("too-few-items", "minItems", 1),
        ("repeated-item", "uniqueItems", None),
    ):
        value = seen[mutation]
        assert size is None or len(value["offences"]) == size
        assert keyword in {e.validator for e in oracle.iter_errors(value)}, (mutation, value)
