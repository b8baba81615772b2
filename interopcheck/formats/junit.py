"""``--format junit``: JUnit XML for GitLab, Jenkins and the GitHub test-report actions.

One testcase per requirement, its classname dotted ``profile.actor.message`` so Jenkins groups
it by profile, then actor, then message; a failed requirement carries its failing subjects
(at most ``MAX_SUBJECTS``, so a large corpus stays within GitLab's limits), a probed exchange with
the curl command that sends it again. A requirement that
nothing tested is skipped, not passed. Without a profile, one testcase per message type seen.
Payloads that could not be read or typed have a testcase of their own.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from interopcheck.formats.text import (
    finding_line,
    findings_by_requirement,
    verdict_words,
    xml_safe,
)

MAX_SUBJECTS = 50
MAX_NAME = 200


def _classname(profile: str, requirement: dict[str, Any]) -> str:
    if requirement["kind"].startswith("journey"):
        return f"{profile}.journey"
    actors, messages = requirement["actors"], requirement["messages"]
    if requirement["kind"].startswith("compat:"):
        return f"{profile}.{messages[0] if len(messages) == 1 else 'profile'}"
    actor = actors[0] if len(actors) == 1 else "several-actors" if actors else "any-actor"
    message = messages[0] if len(messages) == 1 else "several-messages" if messages else "any"
    return f"{profile}.{actor}.{message}"


def _body(lines: list[str]) -> str:
    shown = lines[:MAX_SUBJECTS]
    more = len(lines) - len(shown)
    text = "\n".join(shown)
    if more:
        text += f"\n... and {more} more (the JSON report has every one)"
    return xml_safe(text)


def _case(
    suite: ET.Element,
    classname: str,
    name: str,
    status: str,
    message: str,
    lines: list[str],
    out: str = "",
) -> None:
    case = ET.SubElement(
        suite, "testcase", classname=xml_safe(classname), name=xml_safe(name[:MAX_NAME])
    )
    case.set("time", "0")
    if status in ("failure", "error"):
        element = ET.SubElement(case, status, message=xml_safe(message[:500]), type=status)
        element.text = _body(lines)
    elif status == "skipped":
        ET.SubElement(case, "skipped", message=xml_safe(message))
    if out:
        ET.SubElement(case, "system-out").text = xml_safe(out)


def render(document: dict[str, Any]) -> str:
    profile = document.get("profile")
    suite_name = profile["id"] if profile else "schema"
    grouped = findings_by_requirement(document, reproduce=True)
    root = ET.Element("testsuites", name="interopcheck")
    suite = ET.SubElement(root, "testsuite", name=xml_safe(suite_name))
    suite.set("timestamp", document["startedAt"])
    if profile:
        for requirement in document.get("requirements", []):
            rid = requirement["id"]
            outcome = requirement["outcome"]
            counts = (
                f"{requirement['failed']} failed, {requirement['errored']} could not be "
                f"evaluated, {requirement['passed']} passed, {requirement['notApplicable']} "
                "not applicable"
            )
            status = {"failed": "failure", "error": "error", "untested": "skipped"}.get(outcome, "")
            message = counts if status != "skipped" else "nothing in this run applied"
            out = f"{requirement['level']}: {requirement['text']}\nsource: {requirement['source']}"
            _case(
                suite,
                _classname(profile["id"], requirement),
                f"{rid} {requirement['text']}",
                status,
                f"{rid} ({requirement['level']}): {message}",
                grouped.get(rid, []),
                out + f"\n{counts}",
            )
    else:
        for entry in document["summary"].get("messageTypes", []):
            if entry["messageType"] is None:
                continue
            name = entry["messageType"]
            lines = [
                line
                for result in document.get("results", [])
                if result.get("messageType") == name
                for line in _lines(result)
            ]
            status = "failure" if entry["invalid"] else ""
            message = f"{entry['invalid']} of {entry['payloads']} payloads invalid"
            _case(
                suite, f"schema.{name}", f"{name} payloads match the schema", status, message, lines
            )
    # Findings that no requirement owns: unreadable or untyped payloads, and (journey runs)
    # messages that join no journey. Each kind is a testcase of its own.
    inputs: list[str] = []
    lone: list[str] = []
    for result in document.get("results", []):
        for finding in result.get("findings", []):
            if finding.get("requirement") is not None:
                continue
            if not profile and result.get("messageType") is not None:
                continue  # a schema error: its message type's testcase has it
            line = finding_line(result, finding)
            (lone if finding["check"] == "journey" else inputs).append(line)
    if document.get("command") != "compat":  # compat reads no payloads
        _case(
            suite,
            f"{suite_name}.inputs",
            "every payload can be read and has a known message type",
            "failure" if inputs else "",
            f"{len(inputs)} payloads unreadable or untyped",
            inputs,
        )
    if document.get("journeys") is not None:
        _case(
            suite,
            f"{suite_name}.journey",
            "every message belongs to a journey with others",
            "failure" if lone else "",
            f"{len(lone)} messages match no other by the journey keys",
            lone,
        )
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.set("time", "0")
    properties = ET.Element("properties")
    for name, value in (
        ("verdict", verdict_words(document)),
        ("personalData", document["personalData"]),
        ("profileDigest", profile["digest"] if profile else ""),
    ):
        ET.SubElement(properties, "property", name=name, value=xml_safe(value))
    suite.insert(0, properties)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, suite.get(key, "0"))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _lines(result: dict[str, Any]) -> list[str]:
    return [finding_line(result, finding) for finding in result.get("findings", [])]
