"""Closed, deterministic schema sets (issue 17, part 2): two files naming themselves by one
draft-4 ``id`` with different content are refused, naming both files, on every run (before,
either won at random: exit codes 1 0 1 1 0 ...); the same schema copied twice is one."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

DRAFT4 = "http://json-schema.org/draft-04/schema#"
SHARED = "http://justice.gov.uk/core/courts/courtCentre.json"


def _write(folder: Path, name: str, document: dict[str, object]) -> Path:
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
