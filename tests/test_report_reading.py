"""Reports people read and act on: a probe that finds faults in a real sandbox on loopback, its
report in every format read back by a real parser. The HTML has a contents list whose links
land, failures before passes, API requirements once per endpoint; every format carries the
curl command that sends a failing exchange again (the secret only as its variable); SARIF names
files relative to a base, never by the absolute path of the machine that ran the check; every
``Reproduce`` command parses as printed."""

from __future__ import annotations

import html
import json
import re
import shlex
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import typer.main

from interopcheck.cli import app
from interopcheck.formats import markdown
from interopcheck.formats.text import OUTCOME_ORDER
from interopcheck.sandbox.app import SandboxConfig, create_app
from tests.conftest import EXAMPLES, TEST_DATA, run_cli
from tests.servers import serving

SARIF_SCHEMA = json.loads((TEST_DATA / "sarif" / "sarif-schema-2.1.0.json").read_text())

TOKEN_ENV = "INTEROPCHECK_TEST_TOKEN"
SECRET = "s3cret-for-the-report-tests-91ab"


@pytest.fixture(scope="module")
def faulty_court() -> Iterator[str]:
    """A court sandbox on loopback that answers 200 instead of 202 and leaks stack traces."""
    faults = frozenset({"wrong-status", "stack-trace"})
    config = SandboxConfig("justice-ew", "court", token=SECRET, faults=faults)
    with serving(create_app(config)) as url:
        yield url


def _probe_court(url: str, *options: str) -> subprocess.CompletedProcess[str]:
    auth = ("--actor", "court", "--auth", f"bearer:{TOKEN_ENV}")
    return run_cli("probe", "--target", url, *auth, *options, env={TOKEN_ENV: SECRET})


@pytest.fixture(scope="module")
def probed(faulty_court: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One probe of the faulty court, its report in every format."""
    out = tmp_path_factory.mktemp("probe") / "r"
    proc = _probe_court(faulty_court, "-n", "1", "--report-dir", str(out))
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr
    for path in out.iterdir():
        assert SECRET not in path.read_text(encoding="utf-8"), path.name
    return out


class _Page(HTMLParser):
    """The parts of the HTML report a reader navigates by: ids, links, headings, rows."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.headings: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.pres: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag == "table":
            self.tables.append([])
        if tag == "tr":
            self._row = []
        if tag in ("td", "th"):
            self._cell = []
        if tag in ("h2", "pre"):
            self._text = []
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None
        if tag == "h2":
            self.headings.append("".join(self._text).strip())
        if tag == "pre":
            self.pres.append("".join(self._text))
        if self._in:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        self._text.append(data)


def _page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_the_html_contents_links_land_and_failures_come_first(probed: Path) -> None:
    page = _page(probed / "report.html")
    contents = [link for link in page.links if link.startswith("#")]
    assert len(contents) >= 4
    assert all(link[1:] in page.ids for link in contents), (contents, page.ids)
    assert page.headings.index("Failures") < page.headings.index(
        "Requirements by actor and message"
    )
    # Every requirements table lists failures before errors, untested and passes.
    outcome_tables = [
        t for t in page.tables if len(t) > 2 and t[1][:3] == ["Id", "Level", "Outcome"]
    ]
    assert outcome_tables
    for table in outcome_tables:
        order = [OUTCOME_ORDER[row[2]] for row in table[2:]]
        assert order == sorted(order), table


def test_api_requirements_are_listed_once_and_once_per_endpoint(probed: Path) -> None:
    document = json.loads((probed / "report.json").read_text())
    page = _page(probed / "report.html")
    rows = [row for table in page.tables for row in table if row and row[0] == "API-001"]
    assert len(rows) == 1, rows  # not once per message
    matrix = next(t for t in page.tables if t and t[0][:2] == ["Endpoint", "Exchanges"])
    api = [r["id"] for r in document["requirements"] if r["kind"].startswith("http:")]
    assert matrix[0][2:] == api
    endpoints = document["endpoints"]
    assert len(matrix) - 1 == len(endpoints) == 2  # the court's two endpoints
    for endpoint in endpoints:
        row = next(r for r in matrix[1:] if r[0].startswith(endpoint["id"]))
        assert int(row[1]) == endpoint["exchanges"]
        # the wrong status fails API-001 at every endpoint, and the cell says how often
        counts = endpoint["requirements"]["API-001"]
        assert counts["failed"] > 0
        assert row[2] == f"failed {counts['failed']}/{sum(counts.values())}"
    # the per-endpoint counts add up to the run's
    for requirement in document["requirements"]:
        if requirement["id"] in api:
            failed = sum(
                e["requirements"].get(requirement["id"], {}).get("failed", 0) for e in endpoints
            )
            assert failed == requirement["failed"], requirement["id"]


def _reproduction_ok(text: str) -> None:
    assert text.startswith("curl -g -i -X POST http://127.0.0.1:"), text[:200]
    assert f"'Authorization: Bearer '\"${TOKEN_ENV}\"" in text
    assert SECRET not in text


def test_every_format_carries_the_curl_reproduction(probed: Path) -> None:
    document = json.loads((probed / "report.json").read_text())
    failing = [r for r in document["results"] if r["findings"]]
    reproduction = failing[0]["exchange"]["reproduction"]
    _reproduction_ok(reproduction)

    page = _page(probed / "report.html")
    assert reproduction in page.pres

    sarif = json.loads((probed / "report.sarif").read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert results and all(r["properties"]["reproduction"] for r in results)
    assert reproduction in {r["properties"]["reproduction"] for r in results}

    root = ET.parse(probed / "report.junit.xml").getroot()
    failures = [f.text or "" for f in root.iter("failure")]
    assert any(reproduction in text for text in failures)

    md = (probed / "report.md").read_text(encoding="utf-8")
    assert len(md.encode()) <= markdown.MAX_BYTES
    assert md.index("### Failures") < md.index("### Requirements")
    pres = re.findall(r"<pre>(.*?)</pre>", md, re.S)
    assert reproduction in {html.unescape(p.replace("&#10;", "\n")) for p in pres}


def test_sarif_names_files_relative_to_a_base_never_absolute(tmp_path: Path) -> None:
    broken = EXAMPLES / "charge-file" / "invalid"
    out = tmp_path / "r"
    proc = run_cli("validate", str(broken.resolve()), "-f", "sarif", "-o", str(out), cwd=EXAMPLES)
    assert proc.returncode == 1, proc.stderr
    sarif = json.loads(out.read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    run = sarif["runs"][0]
    assert "SRCROOT" in run["originalUriBaseIds"]
    uris = [
        loc["physicalLocation"]["artifactLocation"]
        for r in run["results"]
        for loc in r["locations"]
    ]
    assert uris
    for artifact in uris:
        assert artifact["uriBaseId"] == "SRCROOT"
        assert not artifact["uri"].startswith(("/", "file:")), artifact
        assert (EXAMPLES / artifact["uri"]).is_file(), artifact  # resolves from the base
    assert str(EXAMPLES) not in out.read_text()


def _parses(command_line: str) -> dict[str, Any]:
    """The options a printed ``interopcheck ...`` command line gives its command (click's own
    parser: what a shell would hand the installed script)."""
    words = shlex.split(command_line)
    assert words[0] == "interopcheck"
    group = typer.main.get_command(app)
    command = group.commands[words[1]]  # type: ignore[attr-defined]
    with command.make_context(words[1], words[2:]) as context:
        return dict(context.params)


def test_every_reproduce_command_parses_as_printed(probed: Path) -> None:
    probe = json.loads((probed / "report.json").read_text())["manifest"]["reproduce"]
    assert _parses(probe)["actor"] == "court"
    from interopcheck.report.manifest import reproduce_command

    demo = reproduce_command(
        "demo",
        ["/abs/examples", "http://127.0.0.1:1"],
        {"maxExamples": 1, "seed": 0, "profile": "justice-ew"},
    )
    assert "http" not in demo and "/abs" not in demo
    params = _parses(demo)
    assert (params["max_examples"], params["seed"], params["profile"]) == (1, 0, "justice-ew")


def test_quiet_prints_failures_and_the_verdict_a_line_each() -> None:
    invalid = EXAMPLES / "charge-file" / "invalid"
    proc = run_cli("validate", "-p", "justice-ew", "--quiet", str(invalid))
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert not any(char in proc.stdout for char in "┃━│"), "no tables when quiet"
    assert any(line.startswith("✗ ") for line in lines)
    assert any(line.startswith("failed CL-001 MUST: ") for line in lines)
    assert not any(line.startswith(("✓", "passed")) for line in lines)
    assert "NOT CONFORMANT to justice-ew" in proc.stdout
    # every finding on a line of its own: where, which requirement, what
    assert any(
        line.startswith("  ") and "/defendants/" in line and "CL-001 MUST:" in line
        for line in lines
    ), proc.stdout
    both = run_cli("validate", "-q", "-v", str(invalid))
    assert both.returncode == 2 and "--quiet or --verbose" in both.stderr


def test_verbose_prints_each_failing_exchange_with_its_curl_command(faulty_court: str) -> None:
    proc = _probe_court(faulty_court, "-n", "0", "--verbose")
    assert proc.returncode == 1, proc.stderr
    assert "send it again with:" in proc.stdout
    assert f"curl -g -i -X POST {faulty_court}/v1/" in proc.stdout
    assert f"'Authorization: Bearer '\"${TOKEN_ENV}\"" in proc.stdout
    assert SECRET not in proc.stdout + proc.stderr
    assert "(source: docs/profiles.md#" in proc.stdout  # each requirement's source, whole
