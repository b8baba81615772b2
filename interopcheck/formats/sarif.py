"""``--format sarif``: SARIF 2.1.0 for code-scanning views (GitHub, GitLab, IDEs).

A ``rules`` entry per requirement (MUST → error, SHOULD → warning, MAY → note); without a profile
the tool's own checks (parse, type, schema, journey) are the rules. Every result is located in
the payload file with line and column where known. At most ``MAX_RESULTS`` results (GitHub
accepts 25,000 per run); the run's properties say how many were left out.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from interopcheck.formats.text import verdict_words

MAX_RESULTS = 10_000
SRCROOT = "SRCROOT"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/interopcheck/interopcheck"
LEVELS = {"MUST": "error", "SHOULD": "warning", "MAY": "note"}
TOOL_RULES = {
    "parse": "The payload can be read: UTF-8 JSON or YAML, within the size limit.",
    "type": "The payload has a message type and standard version the standard knows.",
    "schema": "The payload matches its message schema.",
    "journey": "The message can be checked with the other messages of its case.",
    "internal": "interopcheck could check the payload (a failure of ours on it is a bug).",
}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:(?![\\/])")
_JSONL_LINE = re.compile(r"^(.*\.(?:jsonl|ndjson)):(\d+)$", re.IGNORECASE)


def _artifact(source: str) -> tuple[dict[str, str], int | None]:
    """The file a result is in, as a URI relative to ``SRCROOT`` (the working directory, the
    repository root in CI: never an absolute path of the machine that ran the check), and the
    line a JSON Lines source names."""
    line = None
    match = _JSONL_LINE.match(source)
    if match:
        source, line = match.group(1), int(match.group(2))
    if source == "-":
        return {"uri": "stdin"}, line
    if _SCHEME.match(source):  # bundled:profiles/x.yaml names no file of the user's
        return {"uri": quote(source, safe="/:@!$&'()*+,;=-._~")}, line
    path = source.replace("\\", "/")
    if os.path.isabs(source):
        try:
            path = Path(os.path.relpath(source, Path.cwd())).as_posix()
        except ValueError:  # another drive (Windows): no relative path exists
            path = PurePath(source).name
    path = posixpath.normpath(path)
    return {"uri": quote(path, safe="/@!$&'()*+,;=-._~"), "uriBaseId": SRCROOT}, line


def render(document: dict[str, Any]) -> str:
    profile = document.get("profile")
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    if profile:
        for requirement in document.get("requirements", []):
            index[requirement["id"]] = len(rules)
            rules.append(
                {
                    "id": requirement["id"],
                    "shortDescription": {"text": requirement["text"]},
                    "fullDescription": {
                        "text": f"{requirement['level']}: {requirement['text']} "
                        f"(source: {requirement['source']})"
                    },
                    "defaultConfiguration": {"level": LEVELS.get(requirement["level"], "error")},
                    "properties": {
                        "level": requirement["level"],
                        "group": requirement["group"],
                        "messages": requirement["messages"],
                        "actors": requirement["actors"],
                        "outcome": requirement["outcome"],
                    },
                }
            )
    for check, text in TOOL_RULES.items():
        rule_id = f"interopcheck/{check}"
        index[rule_id] = len(rules)
        rules.append(
            {
                "id": rule_id,
                "shortDescription": {"text": text},
                "defaultConfiguration": {"level": "error"},
            }
        )
    results: list[dict[str, Any]] = []
    omitted = 0
    for result in document.get("results", []):
        artifact, jsonl_line = _artifact(str(result["source"]))
        for finding in result.get("findings", []):
            if len(results) >= MAX_RESULTS:
                omitted += 1
                continue
            rule_id = finding.get("requirement") or f"interopcheck/{_tool_check(finding['check'])}"
            text = finding["message"]
            if finding.get("expected"):
                text += f" (expected {finding['expected']})"
            if finding.get("value") is not None:
                text += f"; value: {finding['value']}"
            location: dict[str, Any] = {"artifactLocation": artifact}
            line = finding.get("line") if jsonl_line is None else jsonl_line
            if line:
                region: dict[str, Any] = {"startLine": line}
                if finding.get("column") and jsonl_line is None:
                    region["startColumn"] = finding["column"]
                location["region"] = region
            entry: dict[str, Any] = {
                "ruleId": rule_id,
                "ruleIndex": index[rule_id],
                "level": LEVELS.get(finding.get("level") or "MUST", "error"),
                "message": {"text": text},
                "locations": [{"physicalLocation": location}],
                "properties": {"pointer": finding.get("pointer", "")},
            }
            exchange = result.get("exchange")
            if exchange is not None:
                # An HTTP exchange is no file: located by its endpoint, as a logical location.
                entry["locations"] = [
                    {
                        "logicalLocations": [
                            {
                                "name": exchange["endpoint"],
                                "fullyQualifiedName": f"{exchange['method']} {exchange['url']}",
                                "kind": "resource",
                            }
                        ]
                    }
                ]
                entry["properties"] = {
                    "status": exchange["status"],
                    "case": exchange["kind"],
                    "reproduction": exchange.get("reproduction"),
                }
                entry["message"]["text"] += " (properties.reproduction sends it again with curl)"
            elif result.get("comparison") is not None:
                # located in the schema file at the change; the pointer is the counterexample's
                comparison = result["comparison"]
                entry["properties"] = {
                    "pointer": finding.get("pointer", ""),
                    "direction": comparison["direction"],
                    "verdict": comparison["verdict"],
                    "schemaLocation": finding.get("schemaLocation"),
                }
            elif finding.get("pointer"):
                entry["locations"][0]["logicalLocations"] = [
                    {"fullyQualifiedName": finding["pointer"], "kind": "element"}
                ]
            results.append(entry)
    run = {
        "tool": {
            "driver": {
                "name": "interopcheck",
                "version": document["tool"]["version"],
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The working directory the check ran in (in CI, the repository root)."
                }
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "startTimeUtc": document["startedAt"],
                "endTimeUtc": document["finishedAt"],
            }
        ],
        "results": results,
        "properties": {
            "verdict": verdict_words(document),
            "conformant": document["conformant"],
            "untestedDeciding": document.get("untestedDeciding", []),
            "personalData": document["personalData"],
            "profile": profile,
            "resultsOmitted": omitted + document.get("resultsOmitted", 0),
        },
    }
    sarif = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _tool_check(check: str) -> str:
    return check if check in TOOL_RULES else "schema"
