"""Schemas in the wild (issue 17): the 39 real JSON Schemas of ``tests/data/schema-corpus/``
(SchemaStore, OAI, HMRC, Adaptive Cards; drafts 4, 6, 7, 2019-09 and 2020-12) with the 210 valid
and 210 invalid instances their sources label.

Every labelled instance gets its label's verdict through ``interopcheck validate --schema``,
except the ones listed below, each with its reason; and where python-jsonschema (the right
draft's validator, the oracle) can judge an instance, interopcheck with ``--no-assert-formats``
agrees with it. Schemas that refer to other SchemaStore files get them as their sources serve
them: ``--ref-map https://json.schemastore.org/=<the schema's folder>/``, never fetched.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
import referencing.jsonschema

from interopcheck.sources.yaml_text import parse_yaml
from tests.conftest import TEST_DATA, run_cli

CORPUS = TEST_DATA / "schema-corpus"
MANIFEST: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))

#: Instances whose label interopcheck does not give, and why (the corpus README lists them).
KNOWN_MISMATCHES = {
    # Four official Adaptive Cards 1.5 samples fail the official 1.5 schema: python-jsonschema
    # rejects them too (the corpus README: "MISMATCH"); the samples use 1.6 features.
    "adaptive-card-1.5/valid/ExpenseReport.json": "the sample breaks its own schema",
    "adaptive-card-1.5/valid/FlightUpdateTable.json": "the sample breaks its own schema",
    "adaptive-card-1.5/valid/InputsWithValidation.json": "the sample breaks its own schema",
    "adaptive-card-1.5/valid/RestaurantOrder.json": "the sample breaks its own schema",
}
#: Instances python-jsonschema cannot judge: the schema's pattern uses ECMA-262 named groups
#: ``(?<major>...)``, which Python's ``re`` refuses (jsonschema-rs reads them).
ORACLE_CANNOT = {"global"}
#: Characters Python's ``re`` reads as ``\s`` and ECMA-262 (the patterns' language, which
#: jsonschema-rs follows) does not: a generated value with one of them may differ, by the spec.
PYTHON_ONLY_SPACES = frozenset("\x1c\x1d\x1e\x1f\x85")


def _python_re_differs(value: Any) -> bool:
    r"""Whether a string or name in ``value`` holds a character whose ``\s`` differs."""
    if isinstance(value, str):
        return not PYTHON_ONLY_SPACES.isdisjoint(value)
    if isinstance(value, list):
        return any(_python_re_differs(item) for item in value)
    if isinstance(value, dict):
        return any(_python_re_differs(k) or _python_re_differs(v) for k, v in value.items())
    return False


#: Not JSON or YAML: a TOML fixture (SchemaStore's own).
NOT_READ = {".toml"}


def _instances() -> list[tuple[str, str, bool]]:
    found = []
    for entry in MANIFEST:
        for label in ("valid", "invalid"):
            for instance in entry[label]:
                if Path(instance["file"]).suffix not in NOT_READ:
                    found.append((entry["dir"], instance["file"], label == "valid"))
    return found


INSTANCES = _instances()


def _entry(folder: str) -> dict[str, Any]:
    return next(e for e in MANIFEST if e["dir"] == folder)


def _read(path: Path) -> Any:
    text = path.read_text("utf-8-sig")
    if path.suffix in {".yaml", ".yml"}:
        if not text.strip() or all(line.startswith("#") for line in text.splitlines() if line):
            return None  # an empty YAML document is null to a YAML loader
        return parse_yaml(text)[0]
    return json.loads(text)


def ref_map_args(folder: str) -> list[str]:
    """The ``--ref-map`` a schema that refers to other SchemaStore files needs."""
    if not _entry(folder)["referenced_schema_files"]:
        return []
    return ["--ref-map", f"https://json.schemastore.org/={CORPUS / folder}/"]


def schema_path(folder: str) -> Path:
    return CORPUS / folder / _entry(folder)["main"]


@cache
def oracle(folder: str) -> jsonschema.protocols.Validator:
    """python-jsonschema's validator for the schema's own draft, with the files it refers to."""
    entry = _entry(folder)
    schema = _read(schema_path(folder))
    resources = []
    for referenced in entry["referenced_schema_files"]:
        document = _read(CORPUS / folder / referenced["file"])
        draft = document.get("$schema", "https://json-schema.org/draft/2020-12/schema")
        resource = referencing.jsonschema.specification_with(draft).create_resource(document)
        resources.append((f"https://json.schemastore.org/{referenced['file']}", resource))
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(resources)
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema, registry=registry)  # type: ignore[call-arg]


def test_the_corpus_is_all_here() -> None:
    """39 schemas in five drafts, 210 + 210 labelled instances, as the corpus README counts."""
    assert len(MANIFEST) == 39
    drafts = [e["schema_draft"] for e in MANIFEST]
    assert sum("draft-04" in d for d in drafts) == 11
    assert sum("draft-06" in d for d in drafts) == 1
    assert sum("draft-07" in d for d in drafts) == 14
    assert sum("2019-09" in d for d in drafts) == 5
    assert sum("2020-12" in d for d in drafts) == 8
    assert sum(len(e["valid"]) for e in MANIFEST) == 210
    assert sum(len(e["invalid"]) for e in MANIFEST) == 210
    assert len(INSTANCES) == 419  # the one TOML fixture is not read
    for entry in MANIFEST:
        assert (CORPUS / entry["licence_file"]).is_file()  # each source's licence, copied


def _validate(folder: str, instance: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """``interopcheck validate --schema`` on one labelled instance, quietly."""
    schema = schema_path(folder)
    return run_cli(
        "validate",
        "--schema",
        schema,
        CORPUS / folder / instance,
        "-q",
        *extra,
        *ref_map_args(folder),
    )


@pytest.mark.parametrize(("folder", "instance", "valid"), INSTANCES, ids=lambda v: str(v))
def test_every_labelled_instance_gets_its_label(folder: str, instance: str, valid: bool) -> None:
    proc = _validate(folder, instance)
    key = f"{folder}/{instance}"
    assert proc.returncode in (0, 1), proc.stderr  # never a setup error on a real schema
    if key in KNOWN_MISMATCHES:
        assert proc.returncode == 1, f"{key} now passes: drop it from KNOWN_MISMATCHES"
        return
    assert proc.returncode == (0 if valid else 1), proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("folder", "instance", "valid"),
    [i for i in INSTANCES if i[0] not in ORACLE_CANNOT],
    ids=lambda v: str(v),
)
def test_interopcheck_agrees_with_python_jsonschema(
    folder: str, instance: str, valid: bool
) -> None:
    """The differential: the verdict of ``validate --no-assert-formats`` is python-jsonschema's
    (which reads ``format`` as an annotation too)."""
    expected = oracle(folder).is_valid(_read(CORPUS / folder / instance))
    proc = _validate(folder, instance, "--no-assert-formats")
    assert proc.returncode == (0 if expected else 1), proc.stdout + proc.stderr


def _format_oracle(folder: str) -> jsonschema.protocols.Validator:
    """The oracle with python-jsonschema's format checker (for invalid cases that break a
    format: it checks those whose libraries are installed)."""
    base = oracle(folder)
    return type(base)(
        base.schema, registry=base._registry, format_checker=type(base).FORMAT_CHECKER
    )  # type: ignore[attr-defined,call-arg]


@pytest.mark.parametrize("kind", ["valid", "invalid"])
@pytest.mark.parametrize("folder", [e["dir"] for e in MANIFEST])
def test_every_schema_generates_cases_the_oracle_agrees_with(
    folder: str, kind: str, tmp_path: Path
) -> None:
    """Issue 17, part 4: never a crash, never exit 2, on a real schema; each valid case is
    accepted and each invalid one rejected by python-jsonschema; fewer cases than asked only
    with a note that says where the schema could not be modelled exactly."""
    out = tmp_path / "cases"
    proc = run_cli(
        "generate",
        "--schema",
        schema_path(folder),
        "-n",
        "3",
        "--seed",
        "1",
        "--output-dir",
        out,
        *ref_map_args(folder),
        *(["--invalid"] if kind == "invalid" else []),
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr and "Warning" not in proc.stderr
    manifest = json.loads((out / "interopcheck-manifest.json").read_text("utf-8"))
    if proc.returncode == 1:
        assert manifest["limitations"], proc.stderr  # fewer cases, and it says why, where
        assert "interopcheck: note: not modelled exactly: " in proc.stderr
    else:
        assert len(manifest["cases"]) == 3
    judge = oracle(folder) if kind == "valid" else _format_oracle(folder)
    for case in manifest["cases"]:
        value = json.loads((out / case["file"]).read_text("utf-8"))
        if kind == "valid":
            assert judge.is_valid(value) or _python_re_differs(value), case["file"]
        elif case["breaks"]["keyword"] == "format" and judge.is_valid(value):
            continue  # a format python-jsonschema does not check without more libraries
        else:
            assert not judge.is_valid(value), (case["file"], case["breaks"])
