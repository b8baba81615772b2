"""The typed check records (profile/checks.py): parsing a profile's ``check`` mapping loses
nothing (``as_mapping`` gives it back, for every real profile and for any mapping the profile
schema accepts), and the message types a check reads agree with a plain walk of the mapping."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import yaml
from hypothesis import given
from hypothesis import strategies as st

from interopcheck.profile.checks import (
    HTTP_CHECKS,
    CelCheck,
    HttpCheck,
    RequiresCheck,
    as_mapping,
    kind_of,
    messages_read,
    parse_check,
)
from interopcheck.profile.loader import load_profile
from tests.conftest import ROOT

PROFILE_SCHEMA = json.loads((ROOT / "interopcheck/profile/profile.schema.json").read_text())
CHECK_VALIDATOR = jsonschema.validators.validator_for(PROFILE_SCHEMA)(
    {
        "$schema": PROFILE_SCHEMA["$schema"],
        "$defs": PROFILE_SCHEMA["$defs"],
        "$ref": "#/$defs/check",
    }
)
PROFILE_FILES = sorted(
    {
        *(ROOT / "profiles").glob("*.yaml"),
        *(ROOT / "examples").rglob("*profile*.yaml"),
        *(ROOT / "examples/compat/profiles").glob("*.yaml"),
    }
)

MESSAGES = st.sampled_from(["charge-file", "hearing-result", "custody-warrant", "case-listing"])
POINTERS = st.lists(
    st.sampled_from(["/defendants/*/asn", "/header/sentAt", "/offences/*", "/court/code"]),
    min_size=1,
    max_size=3,
)
LOCATIONS = st.dictionaries(MESSAGES, POINTERS, min_size=1, max_size=3)
NAMES = st.text("abcdefghij-", min_size=1, max_size=12)


def _located(key: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({key: NAMES, "at": LOCATIONS})


CHECKS = st.one_of(
    st.fixed_dictionaries({"schema": MESSAGES}),
    _located("identifier"),
    _located("codelist"),
    st.fixed_dictionaries(
        {"cel": st.sampled_from(["self != ''", "size(self) > 0"]), "at": LOCATIONS},
        optional={"explain": NAMES},
    ),
    st.fixed_dictionaries(
        {"http": st.sampled_from(HTTP_CHECKS)},
        optional={"endpoints": st.lists(NAMES, min_size=1, max_size=3, unique=True)},
    ),
    st.fixed_dictionaries(
        {"journey": st.just("same-identifier"), "origin": LOCATIONS, "reuse": LOCATIONS}
    ),
    st.fixed_dictionaries(
        {
            "journey": st.just("dates-in-order"),
            "steps": st.lists(
                st.fixed_dictionaries({"name": NAMES, "at": LOCATIONS}), min_size=2, max_size=4
            ),
        }
    ),
    st.fixed_dictionaries(
        {
            "journey": st.just("subset"),
            "items": LOCATIONS,
            "within": LOCATIONS,
            "match": st.lists(NAMES, min_size=1, max_size=3),
        }
    ),
    st.fixed_dictionaries(
        {
            "journey": st.just("requires"),
            "message": MESSAGES,
            "after": st.fixed_dictionaries(
                {"message": MESSAGES}, optional={"cel": st.just("self.ok")}
            ),
        }
    ),
)


def _walked(check: Any, known: set[str]) -> set[str]:
    """Every key or whole string value of the mapping that names a known message type: how
    the message types a journey rule reads were found before the checks were typed."""
    found: set[str] = set()
    if isinstance(check, str) and check in known:
        found.add(check)
    elif isinstance(check, dict):
        for key, value in check.items():
            if key in known:
                found.add(key)
            found |= _walked(value, known)
    elif isinstance(check, list):
        for item in check:
            found |= _walked(item, known)
    return found


@given(CHECKS)
def test_any_check_the_schema_accepts_parses_without_loss(raw: dict[str, Any]) -> None:
    CHECK_VALIDATOR.validate(raw)  # the generator makes only what profiles may say
    check = parse_check(raw)
    assert as_mapping(check) == raw
    kind = kind_of(check)
    kinds = ("schema", "identifier", "codelist", "cel", "http", "journey")
    [head] = [key for key in kinds if key in raw]
    assert kind.split(":")[0] == head
    known = {"charge-file", "hearing-result", "custody-warrant", "case-listing"}
    if not isinstance(check, HttpCheck):
        assert messages_read(check) == _walked(raw, known)


def test_every_real_profile_parses_without_loss() -> None:
    assert len(PROFILE_FILES) >= 5, PROFILE_FILES
    seen: set[str] = set()
    for path in PROFILE_FILES:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in document.get("requirements") or []:
            check = parse_check(item["check"])
            assert as_mapping(check) == item["check"], (path, item["id"])
            seen.add(kind_of(check))
    # every kind of check appears in the real profiles
    assert {"schema", "identifier", "codelist", "cel"} <= seen
    assert {k for k in seen if k.startswith("journey:")} == {
        "journey:same-identifier",
        "journey:dates-in-order",
        "journey:subset",
        "journey:requires",
    }
    assert any(k.startswith("http:") for k in seen)


def test_a_loaded_requirement_carries_the_typed_check() -> None:
    profile = load_profile("justice-ew")
    cel = [r for r in profile.requirements if isinstance(r.check, CelCheck)]
    requires = [r for r in profile.requirements if isinstance(r.check, RequiresCheck)]
    assert cel and requires
    assert all(r.kind == "cel" and r.message_types() == set(r.check.at) for r in cel)
    assert all(r.is_journey and not r.message_types() for r in requires)
    http = [r for r in profile.requirements if r.is_http]
    assert profile.api is not None
    assert all(profile.api.bound_by(r) for r in http)
