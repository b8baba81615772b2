"""Validate throughput on a draft-04 schema set of 100+ files against the 2020-12 original.

Issue 17's speed check: the bundled standard (2020-12, 15 files) is rewritten as HMCTS Common
Platform's schemas are written: draft 4, one file per definition and per top-level property of
each message (129 files), files that declare no ``id`` and refer to each other by absolute
``http://justice.gov.uk/standard/...`` URIs, read through ``--ref-map`` (``const`` as a
one-value ``enum``, ``if``/``then``/``else`` as the ``anyOf`` it means, what stands beside a
``$ref`` in an ``allOf`` with it, as draft 4 ignores it there). The same payloads
(benchmarks/corpus.py: the eight message types, ~10 % with a defect) are validated against
each, per message type, after checking that both give every payload the same verdict. Timed as
paired rounds (A B A B ...) of whole ``interopcheck validate`` processes, child CPU time; the
ratio draft-04 / 2020-12 is given per round and its median.

    python benchmarks/draft4_bench.py [--count 4000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import corpus  # noqa: E402

STANDARD = ROOT / "schemas" / "justice" / "1.0"
SET = ROOT / "benchmarks" / "_corpus_draft4_set"
PAYLOADS = ROOT / "benchmarks" / "_corpus_draft4_payloads"
BASE = "http://justice.gov.uk/standard/"
DRAFT4 = "http://json-schema.org/draft-04/schema#"
ORIGINAL_BASE = "https://schemas.interopcheck.org/justice/1.0/"


def _uri(stem: str, name: str) -> str:
    return f"{BASE}{stem}/{name}.json"


def _draft4(node: Any, stem: str) -> Any:
    """A 2020-12 schema node as draft 4 says the same thing; references as absolute URIs of
    the split files."""
    if isinstance(node, list):
        return [_draft4(item, stem) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("$schema", "$id", "examples", "$comment"):
            continue
        if key == "$ref":
            target, _, fragment = value.partition("#")
            owner = stem if not target else target.removeprefix(ORIGINAL_BASE).split(".")[0]
            parts = fragment.strip("/").split("/")
            assert parts[0] == "$defs" and len(parts) == 2, value
            out["$ref"] = _uri(owner, parts[1])
        elif key == "const":
            out["enum"] = [value]
        elif key in ("if", "then", "else"):
            continue
        else:
            out[key] = _draft4(value, stem)
    if "if" in node:
        condition = _draft4(node["if"], stem)
        then = _draft4(node.get("then", {}), stem)
        otherwise = _draft4(node.get("else", {}), stem)
        branches = [{"allOf": [condition, then]}, {"allOf": [{"not": condition}, otherwise]}]
        out.setdefault("allOf", []).append({"anyOf": branches})
    if "$ref" in out and len(out) > 1:  # draft 4 ignores what stands beside a $ref
        ref = out.pop("$ref")
        out = {"allOf": [{"$ref": ref}, out]}
    return out


def build_set() -> dict[str, Path]:
    """The draft-04 set under ``SET``; the root file of each message type, by type."""
    import shutil

    if SET.exists():
        shutil.rmtree(SET)
    roots: dict[str, Path] = {}
    for path in sorted(STANDARD.glob("*.schema.json")):
        stem = path.name.split(".")[0]
        document = json.loads(path.read_text())
        folder = SET / stem
        folder.mkdir(parents=True)
        for name, schema in document.get("$defs", {}).items():
            part = {"$schema": DRAFT4, **_draft4(schema, stem)}
            (folder / f"{name}.json").write_text(json.dumps(part, indent=1))
        message_type = (document.get("properties", {}).get("header", {}).get("properties", {})).get(
            "messageType", {}
        )
        if "properties" not in document:
            continue
        root = {k: v for k, v in document.items() if k not in ("$defs", "properties")}
        root = {"$schema": DRAFT4, **_draft4(root, stem), "properties": {}}
        for name, schema in document["properties"].items():
            part = {"$schema": DRAFT4, **_draft4(schema, stem)}
            (folder / f"{name}.json").write_text(json.dumps(part, indent=1))
            root["properties"][name] = {"$ref": _uri(stem, name)}
        root_path = SET / f"{stem}.json"
        root_path.write_text(json.dumps(root, indent=1))
        if isinstance(message_type.get("const"), str):
            roots[message_type["const"]] = root_path
    return roots


def _by_type(paths: list[Path]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in paths:
        header = json.loads(path.read_text()).get("header", {})
        found.setdefault(str(header.get("messageType")), []).append(str(path))
    return found


def _command(schema: Path, files: list[str], draft4: bool, out: Path) -> list[str]:
    tool = str(Path(sys.executable).parent / "interopcheck")
    extra = ["--ref-map", f"{BASE}={SET}/"] if draft4 else []
    return [tool, "validate", "--schema", str(schema), *extra, "-j", "1", "-f", "json", "-o",
            str(out), *files]  # fmt: skip


def _run(commands: list[list[str]]) -> float:
    """Child CPU seconds for running ``commands`` one after another."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for command in commands:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"failed: {' '.join(command[:6])}...: {proc.stderr.strip()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _verdicts(out: Path) -> dict[str, bool]:
    return {r["source"]: r["valid"] for r in json.loads(out.read_text())["results"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    roots = build_set()
    files_in_set = sum(1 for _ in SET.rglob("*.json"))
    paths = corpus.build(PAYLOADS, args.count)
    by_type = _by_type(paths)
    original = {
        json.loads(p.read_text())["properties"]["header"]["properties"]["messageType"]["const"]: p
        for p in STANDARD.glob("*.schema.json")
        if "header" in json.loads(p.read_text()).get("properties", {})
    }
    scratch = ROOT / "benchmarks" / "_corpus_draft4_out"
    scratch.mkdir(exist_ok=True)
    commands: dict[str, list[list[str]]] = {"2020-12": [], "draft-04": []}
    disagreements = 0
    invalid = 0
    for message_type, files in sorted(by_type.items()):
        a, b = scratch / f"{message_type}-2020.json", scratch / f"{message_type}-04.json"
        commands["2020-12"].append(_command(original[message_type], files, False, a))
        commands["draft-04"].append(_command(roots[message_type], files, True, b))
        _run([commands["2020-12"][-1], commands["draft-04"][-1]])
        first, second = _verdicts(a), _verdicts(b)
        disagreements += sum(first[k] != second.get(k) for k in first)
        invalid += sum(not v for v in first.values())
    print(f"draft-04 set: {files_in_set} files; payloads: {len(paths)} ({invalid} invalid), "
          f"8 message types; verdicts that differ: {disagreements}")  # fmt: skip
    if disagreements:
        raise SystemExit("the two sets disagree: no timing")
    ratios = []
    for number in range(1, args.rounds + 1):
        a = _run(commands["2020-12"])
        b = _run(commands["draft-04"])
        ratios.append(b / a)
        print(f"round {number}: 2020-12 {a:.2f} s CPU, draft-04 {b:.2f} s CPU, ratio {b / a:.3f}")
    load, when = os.getloadavg()[0], time.strftime("%Y-%m-%d %H:%M")
    median = statistics.median(ratios)
    print(f"median ratio draft-04 / 2020-12: {median:.3f} (load average {load:.2f}; {when})")


if __name__ == "__main__":
    main()
