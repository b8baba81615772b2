"""``--format html``: a self-contained, printable conformance report for people.

Verdict first (with the untested deciding requirements beside it), a table of contents, then the
failures (each probed exchange with the curl command that sends it again), the requirements by
actor and message with failures first, the API requirements once per endpoint, the journeys,
the manifest, and how to reproduce and verify the run. Jinja2 with autoescape renders it, and a
Content-Security-Policy forbids every script, so a payload or server response carrying
``<script>`` or markup shows as text and cannot run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interopcheck.formats.text import (
    OUTCOME_ORDER,
    counterexample_json,
    counts_words,
    endpoint_matrix,
    finding_line,
    is_api_requirement,
    omitted_words,
    printable,
    redaction_of,
    reproduction_of,
    sorted_requirements,
    untested_words,
    verdict_of,
    verdict_words,
)
from interopcheck.results import Verdict

TEMPLATES = Path(__file__).parent / "templates"


def _by_actor(document: dict[str, Any]) -> list[tuple[str, list[tuple[str, list[dict[str, Any]]]]]]:
    """Requirements grouped by actor, then message (a requirement on several messages appears
    under each); API requirements once, in a group of their own (the endpoint table has them
    per endpoint). Failures first: in each table, and the tables holding failures first."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for requirement in sorted_requirements(document):
        if requirement["kind"].startswith("journey"):
            grouped.setdefault("journeys (across agencies)", {}).setdefault(
                "all messages of a case", []
            ).append(requirement)
            continue
        if is_api_requirement(requirement):
            grouped.setdefault("API (every endpoint)", {}).setdefault(
                "every exchange, whole run", []
            ).append(requirement)
            continue
        actors = requirement["actors"] or ["any actor"]
        for message in requirement["messages"] or ["any message"]:
            actor = next((a for a in actors if len(actors) == 1), None) or _sender(
                document, message, actors
            )
            grouped.setdefault(actor, {}).setdefault(message, []).append(requirement)

    def worst(requirements: list[dict[str, Any]]) -> int:
        return min(OUTCOME_ORDER.get(r["outcome"], 9) for r in requirements)

    ordered = []
    for actor, messages in grouped.items():
        tables = sorted(messages.items(), key=lambda item: worst(item[1]))
        ordered.append((actor, tables))
    ordered.sort(key=lambda group: min(worst(table) for _, table in group[1]))
    return ordered


def _sender(document: dict[str, Any], message: str, actors: list[str]) -> str:
    """Which of several actors sends ``message``: the one whose messages include it."""
    for requirement in document.get("requirements", []):
        if requirement["messages"] == [message] and len(requirement["actors"]) == 1:
            return str(requirement["actors"][0])
    return ", ".join(actors)


def render(document: dict[str, Any]) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["printable"] = printable
    template = environment.get_template("report.html.j2")
    failing = [
        (result, [finding_line(result, f) for f in result.get("findings", [])])
        for result in document.get("results", [])
    ]
    manifest = document.get("manifest") or {}
    api, endpoints = endpoint_matrix(document)
    verify = None
    if manifest.get("signer"):
        verify = "interopcheck verify report.json --public-key SIGNER.pub"
        if manifest.get("profile"):
            verify += f" --profile {manifest['profile']['id']}"
    return template.render(
        doc=document,
        manifest=manifest,
        verdict=verdict_words(document),
        verdict_class={Verdict.conformant: "pass", Verdict.incomplete: "incomplete"}.get(
            verdict_of(document), "fail"
        ),
        untested=untested_words(document),
        counts=counts_words(document),
        omitted=omitted_words(document),
        by_actor=_by_actor(document),
        compat=document.get("command") == "compat",
        failing=failing,
        examples=[counterexample_json(result) for result, _ in failing],
        reproductions=[reproduction_of(result) for result, _ in failing],
        redaction=redaction_of(document),
        api=api,
        endpoints=endpoints,
        verify=verify,
    )
