"""Closed, deterministic schema sets (issue 17, part 2): two files naming themselves by one
draft-4 ``id`` with different content are refused, naming both files, on every run (before,
either won at random: exit codes 1 0 1 1 0 ...); the same schema copied twice is one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interopcheck.errors import SchemaError
from interopcheck.standard.schema_sources import RefMap
from tests.conftest import run_cli

DRAFT4 = "http://json-schema.org/draft-04/schema#"
SHARED = "http://justice.gov.uk/core/courts/courtCentre.json"


def _write(folder: Path, name: str, document: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(document))
    return path


def _set(tmp_path: Path, second_requires: str) -> tuple[Path, Path, Path]:
    refs = tmp_path / "refs"
    refs.mkdir()
    _write(refs, "a.json", {"$schema": DRAFT4, "id": SHARED, "type": "object", "required": ["a"]})
    _write(
        refs,
        "b.json",
        {"$schema": DRAFT4, "id": SHARED, "type": "object", "required": [second_requires]},
    )
    main = _write(
        tmp_path,
        "hearing.json",
        {"$schema": DRAFT4, "id": "http://justice.gov.uk/hearing.json", "$ref": SHARED},
    )
    payload = _write(tmp_path, "p.json", {"a": 1})
    return main, refs, payload


def test_two_files_with_one_draft4_id_are_refused_on_every_run(tmp_path: Path) -> None:
    main, refs, payload = _set(tmp_path, "b")
    runs = [
        run_cli("validate", "--schema", str(main), "--ref-schemas", str(refs), str(payload))
        for _ in range(20)
    ]
    assert {r.returncode for r in runs} == {2}
    messages = {r.stderr.strip() for r in runs}
    assert len(messages) == 1  # the same words every time, whatever order the files came in
    (message,) = messages
    assert str(refs / "a.json") in message and str(refs / "b.json") in message
    assert f"$id {SHARED} is already used by" in message and "\n" not in message


def test_the_same_schema_twice_is_one_schema(tmp_path: Path) -> None:
    main, refs, payload = _set(tmp_path, "a")  # b.json is a copy of a.json
    runs = [
        run_cli("validate", "--schema", str(main), "--ref-schemas", str(refs), str(payload))
        for _ in range(5)
    ]
    assert {r.returncode for r in runs} == {0}, runs[0].stderr
    missing = _write(tmp_path, "q.json", {"b": 1})
    refused = run_cli("validate", "--schema", str(main), "--ref-schemas", str(refs), str(missing))
    assert refused.returncode == 1  # the shared schema is read, and requires a


def test_every_unresolved_ref_is_listed_at_once_with_its_place(tmp_path: Path) -> None:
    """Not the first one jsonschema-rs met (a different file each run, before): all of them,
    each at the file:line:col of its ``$ref``, in one line."""
    refs = tmp_path / "refs"
    refs.mkdir()
    (refs / "other.json").write_text(
        '{"$schema": "' + DRAFT4 + '", "id": "http://justice.gov.uk/other.json",\n'
        ' "properties": {"x": {"$ref": "http://justice.gov.uk/core/missing.json"}}}\n'
    )
    main = tmp_path / "hearing.json"
    main.write_text(
        json.dumps(
            {
                "$schema": DRAFT4,
                "id": "http://justice.gov.uk/hearing.json",
                "properties": {
                    "court": {"$ref": SHARED},
                    "person": {"$ref": "http://justice.gov.uk/core/person.json#/definitions/n"},
                },
            },
            indent=1,
        )
    )
    payload = _write(tmp_path, "p.json", {})
    runs = [
        run_cli("validate", "--schema", str(main), "--ref-schemas", str(refs), str(payload))
        for _ in range(5)
    ]
    assert {r.returncode for r in runs} == {2} and len({r.stderr for r in runs}) == 1
    message = runs[0].stderr.strip()
    assert message.count("\n") == 0 and message.startswith("interopcheck: error: 3 $ref(s)")
    assert (
        f"{refs / 'other.json'}:2:" in message
        and "names http://justice.gov.uk/core/missing.json" in message
    )
    assert f"{main}:6:" in message and f"names {SHARED}" in message
    assert f"{main}:9:" in message and "names http://justice.gov.uk/core/person.json" in message


# -- --ref-map: URIs that no file declares ----------------------------------------------------


def _hmcts_like(tmp_path: Path) -> tuple[Path, Path]:
    """As the HMCTS Common Platform schemas are: draft 4, absolute ``http://justice.gov.uk/``
    references that no file declares as its ``id``, files under a folder tree that mirrors the
    URIs, and a mapped file that refers on to another one."""
    glob = tmp_path / "schemas" / "global"
    (glob / "courts").mkdir(parents=True)
    (glob / "core").mkdir()
    _write(
        glob / "courts",
        "courtCentre.json",
        {
            "$schema": DRAFT4,
            "type": "object",
            "required": ["code", "address"],
            "properties": {
                "code": {"type": "string", "pattern": "^[A-Z][0-9]{3}$"},
                "address": {"$ref": "http://justice.gov.uk/core/address.json"},
            },
        },
    )
    _write(
        glob / "core",
        "address.json",
        {
            "$schema": DRAFT4,
            "type": "object",
            "required": ["postcode"],
            "properties": {"postcode": {"type": "string", "minLength": 5}},
        },
    )
    main = tmp_path / "hearing.json"
    main.write_text(
        json.dumps(
            {
                "$schema": DRAFT4,
                "id": "http://justice.gov.uk/hearing.json",
                "type": "object",
                "required": ["court"],
                "properties": {"court": {"$ref": "http://justice.gov.uk/courts/courtCentre.json"}},
            },
            indent=1,
        )
    )
    return main, glob


def test_a_prefix_maps_uris_no_file_declares_to_a_folder_the_same_on_every_run(
    tmp_path: Path,
) -> None:
    main, glob = _hmcts_like(tmp_path)
    good = _write(
        tmp_path, "good.json", {"court": {"code": "B101", "address": {"postcode": "SW1A 2AA"}}}
    )
    # wrong two files down: the mapped courtCentre.json refers on to address.json
    bad = _write(tmp_path, "bad.json", {"court": {"code": "B101", "address": {"postcode": "SW1"}}})
    mapping = f"http://justice.gov.uk/={glob}/"
    runs = [
        run_cli("validate", "--schema", main, "--ref-map", mapping, good, bad, "-f", "json")
        for _ in range(20)
    ]
    assert {r.returncode for r in runs} == {1}
    verdicts = {
        tuple((Path(r["source"]).name, r["valid"]) for r in json.loads(run.stdout)["results"])
        for run in runs
    }
    assert verdicts == {(("good.json", True), ("bad.json", False))}
    report = json.loads(runs[0].stdout)
    schemas = {s["id"] for s in report["manifest"]["schemas"]}
    assert {
        "http://justice.gov.uk/courts/courtCentre.json",
        "http://justice.gov.uk/core/address.json",
    } <= schemas  # the mapped files are in the manifest, by the URI they were named by
    assert f"--ref-map http://justice.gov.uk/={glob}" in report["manifest"]["reproduce"]


def test_without_the_map_every_unresolved_ref_is_named_and_the_map_offered(tmp_path: Path) -> None:
    main, _ = _hmcts_like(tmp_path)
    payload = _write(tmp_path, "p.json", {})
    proc = run_cli("validate", "--schema", main, payload)
    assert proc.returncode == 2
    message = proc.stderr.strip()
    assert "\n" not in message and f"{main}:10:" in message and "--ref-map URI=PATH" in message


def test_a_map_to_a_missing_file_names_the_ref_and_the_file(tmp_path: Path) -> None:
    main, glob = _hmcts_like(tmp_path)
    (glob / "core" / "address.json").unlink()
    payload = _write(tmp_path, "p.json", {})
    proc = run_cli(
        "validate", "--schema", main, "--ref-map", f"http://justice.gov.uk/={glob}/", payload
    )
    assert proc.returncode == 2
    message = proc.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert f"{glob / 'courts' / 'courtCentre.json'}:" in message  # where the $ref stands
    assert str(glob / "core" / "address.json") in message  # where the map looked


def test_an_exact_map_names_one_file(tmp_path: Path) -> None:
    main, glob = _hmcts_like(tmp_path)
    good = _write(
        tmp_path, "good.json", {"court": {"code": "B101", "address": {"postcode": "SW1A 2AA"}}}
    )
    bad = _write(
        tmp_path, "bad.json", {"court": {"code": "b101", "address": {"postcode": "SW1A 2AA"}}}
    )
    maps = [
        "--ref-map",
        f"http://justice.gov.uk/courts/courtCentre.json={glob / 'courts' / 'courtCentre.json'}",
        "--ref-map",
        f"http://justice.gov.uk/core/address.json={glob / 'core' / 'address.json'}",
    ]
    assert run_cli("validate", "--schema", main, *maps, good).returncode == 0
    assert run_cli("validate", "--schema", main, *maps, bad).returncode == 1


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("http://justice.gov.uk/", "give URI=PATH"),
        ("=schemas/", "give URI=PATH"),
        ("http://justice.gov.uk/=nowhere/", "is not a folder"),
        ("http://justice.gov.uk/x.json=nowhere.json", "is not a file"),
    ],
)
def test_a_malformed_map_is_one_line(tmp_path: Path, given: str, says: str) -> None:
    main, _ = _hmcts_like(tmp_path)
    proc = run_cli("validate", "--schema", main, "--ref-map", given, main, cwd=tmp_path)
    assert proc.returncode == 2
    assert says in proc.stderr and proc.stderr.count("\n") == 1


def test_a_prefix_never_reaches_outside_its_folder(tmp_path: Path) -> None:
    ref_map = RefMap("http://justice.gov.uk/", tmp_path)
    assert ref_map.file_for("http://justice.gov.uk/a/b.json") == tmp_path / "a" / "b.json"
    assert ref_map.file_for("http://other.example/a.json") is None
    with pytest.raises(SchemaError, match="not a file path inside the folder"):
        ref_map.file_for("http://justice.gov.uk/a/../../etc/passwd")


def test_generate_and_compat_take_the_map(tmp_path: Path) -> None:
    """Generated cases are accepted by python-jsonschema's draft-4 validator (the oracle,
    given the same files by the same URIs); compat compares through the mapped files."""
    import jsonschema
    import referencing
    import referencing.jsonschema

    main, glob = _hmcts_like(tmp_path)
    mapping = f"http://justice.gov.uk/={glob}/"
    proc = run_cli("generate", "--schema", main, "--ref-map", mapping, "-n", "5", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    cases = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(cases) == 5
    resources = [
        (f"http://justice.gov.uk/{p.relative_to(glob).as_posix()}", json.loads(p.read_text()))
        for p in glob.rglob("*.json")
    ]
    registry = referencing.Registry().with_resources(
        (uri, referencing.jsonschema.DRAFT4.create_resource(doc)) for uri, doc in resources
    )
    oracle = jsonschema.Draft4Validator(json.loads(main.read_text()), registry=registry)
    assert all(oracle.is_valid(case) for case in cases)

    stricter = tmp_path / "v2" / "hearing.json"
    stricter.parent.mkdir()
    document = json.loads(main.read_text())
    document["required"] = ["court", "listedOn"]
    stricter.write_text(json.dumps(document))
    compared = run_cli("compat", main, stricter, "--ref-map", mapping, "-f", "json")
    assert compared.returncode == 1, compared.stderr  # an old message without listedOn
    assert run_cli("compat", main, stricter).returncode == 2  # the refs cannot be resolved


def test_draft_reads_schemas_that_do_not_say(tmp_path: Path) -> None:
    """Draft 4's boolean exclusiveMaximum: valid draft 4, not valid 2020-12 (the default)."""
    schema = _write(tmp_path, "s.json", {"type": "integer", "maximum": 5, "exclusiveMaximum": True})
    five, four = _write(tmp_path, "five.json", 5), _write(tmp_path, "four.json", 4)
    assert run_cli("validate", "--schema", schema, "--draft", "4", four).returncode == 0
    assert run_cli("validate", "--schema", schema, "--draft", "4", five).returncode == 1
    default = run_cli("validate", "--schema", schema, four)
    assert default.returncode == 2 and "not a valid JSON Schema" in default.stderr


def test_the_python_api_takes_maps_and_drafts(tmp_path: Path) -> None:
    import interopcheck

    main, glob = _hmcts_like(tmp_path)
    bad = _write(tmp_path, "bad.json", {"court": {"code": "B101", "address": {}}})
    run = interopcheck.validate(
        [bad], schema=main, ref_maps={"http://justice.gov.uk/": glob}, draft="4"
    )
    assert run.conformant is False
    with pytest.raises(interopcheck.UsageError, match="give one of 4, 6, 7"):
        interopcheck.validate([bad], schema=main, draft="5")
