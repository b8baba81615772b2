"""``interopcheck demo``, the README's first command: run as a user runs it (the installed
script, in a fresh directory), and interrupted with Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema_rs

from interopcheck.report.document import REPORT_SCHEMA_PATH
from tests.conftest import interopcheck_command, run_cli

REPORT = jsonschema_rs.validator_for(json.loads(REPORT_SCHEMA_PATH.read_text()))


def _listening(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((parts.hostname or "", parts.port or 80)) == 0


def test_demo_checks_the_journey_probes_every_actor_and_writes_every_format(
    tmp_path: Path,
) -> None:
    proc = run_cli("demo", "-n", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    folder = tmp_path / "interopcheck-report"
    assert sorted(p.name for p in folder.iterdir()) == [
        "report.html",
        "report.json",
        "report.junit.xml",
        "report.md",
        "report.sarif",
    ]
    assert "interopcheck-report/report.html" in proc.stderr
    document = json.loads((folder / "report.json").read_text())
    REPORT.validate(document)
    assert document["conformant"] and document["command"] == "demo"
    assert {"Level 3: journeys", "API: endpoints"} <= set(document["levelsAchieved"])
    probed = {r["exchange"]["url"].split("/v1/")[0] for r in document["results"] if "exchange" in r}
    actors = {r["source"].split(" ")[0] for r in document["results"] if "exchange" in r}
    assert actors == {"police", "prosecution", "court", "defence", "prison", "probation"}
    for url in probed:  # every sandbox was stopped
        assert not _listening(url), url


def test_ctrl_c_stops_the_sandboxes_and_leaves_no_report(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*interopcheck_command(), "demo", "-n", "2"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
        text=True,
    )
    assert process.stderr is not None
    url = None
    deadline = time.monotonic() + 60
    for line in process.stderr:
        if "probing the" in line:
            url = line.rsplit(" at ", 1)[1].strip()
            break
        assert time.monotonic() < deadline
    assert url is not None
    process.send_signal(signal.SIGINT)
    rest = process.stderr.read()
    assert process.wait(timeout=30) == 130
    assert "interrupted" in rest and "Traceback" not in rest
    assert not (tmp_path / "interopcheck-report").exists()
    assert not _listening(url)
