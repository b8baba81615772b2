"""The project documents its own domain: every requirement's ``source:`` in the bundled and
example profiles is something a reader can open — a file of this repository (and, after ``#``,
a heading of a Markdown file or a JSON pointer into a document) or a public web address."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from interopcheck.sources.positions import MISSING, value_at
from tests.conftest import ROOT

PROFILES = sorted(
    [
        *(ROOT / "profiles").glob("*.yaml"),
        *(ROOT / "examples").rglob("profile*.yaml"),
        *(ROOT / "examples" / "compat" / "profiles").glob("*.yaml"),
    ]
)


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub and most Markdown renderers make it."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def _anchors(markdown: Path) -> set[str]:
    headings = re.findall(r"^#{1,6} (.+)$", markdown.read_text(encoding="utf-8"), flags=re.M)
    return {_slug(h) for h in headings}


def unopenable(source: str, profile: Path) -> str | None:
    """Why ``source`` cannot be opened by a reader, or None when it can."""
    reference = source.split()[0]
    if reference.startswith("https://"):
        return None
    path, _, anchor = reference.partition("#")
    candidates = [profile.parent / path, ROOT / path]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        return f"no file {path}"
    if not anchor:
        return None
    if found.suffix == ".md":
        return None if anchor in _anchors(found) else f"no heading #{anchor} in {path}"
    document = yaml.safe_load(found.read_text(encoding="utf-8"))
    return None if value_at(document, anchor) is not MISSING else f"no {anchor} in {path}"


def test_the_domain_page_exists_and_is_ours() -> None:
    anchors = _anchors(ROOT / "docs" / "domain.md")
    assert {"the-journey", "asn", "pnc-id", "cro-number", "code-lists", "the-check-alphabet"} <= (
        anchors
    )


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_requirement_source_can_be_opened(profile: Path) -> None:
    data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    sources = [r["source"] for r in data.get("requirements", []) if "source" in r]
    sources += [c["source"] for c in (data.get("codelists") or {}).values() if "source" in c]
    problems = {s: unopenable(s, profile) for s in sources}
    assert {s: why for s, why in problems.items() if why} == {}


def test_a_source_that_names_nothing_is_caught(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    assert unopenable("DOMAIN.md, Identifiers, ASN", profile) == "no file DOMAIN.md,"
    assert unopenable("docs/domain.md#no-such-heading", profile) is not None
    assert unopenable("docs/domain.md#asn", profile) is None
