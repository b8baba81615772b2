"""A mutation fuzzer for the whole CLI path: hostile payloads and hostile profiles.

    python benchmarks/fuzz.py [--payloads 3000] [--profiles 500] [--seed 1]

Seeds are the bundled examples and justice-ew itself. Payload mutations: a key deleted, a value
replaced by one of another type (huge numbers, lone-surrogate and control-character strings,
objects where identifiers belong), deep nesting, duplicate keys, truncation, a flipped byte, a
BOM, NUL bytes, YAML with aliases, JSON Lines. Profile mutations: a key deleted or retyped, CEL
scrambled, pointers and levels changed, unknown keys, paths out of the tree. Every payload goes
through ``validate --profile justice-ew --report-dir`` and ``journey``; every profile through
``profiles lint`` and ``validate -p``. Asserted: no internal error, no traceback, exit codes
0/1 (2 only for a profile that cannot be used), every input listed, every format valid.
Prints the counts; ``tests/test_fuzz.py`` runs a slice of it in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jsonschema  # noqa: E402
import yaml  # noqa: E402

from interopcheck.report.document import REPORT_SCHEMA_PATH  # noqa: E402

EXAMPLES = ROOT / "examples"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"
PROFILE = ROOT / "profiles" / "justice-ew.yaml"
ODD_STRINGS = [
    "\ud800",
    "a\udfffb",
    "\x1b[2J\x1b[32m✓ valid\x1b[0m",
    "\u0000",
    "\u202e" + "gnp.exe",
    "O'Brien",
    "$(touch /tmp/pwned)`id`",
    "x" * 70_000,
    "Siân Llŷr",
    "<script>alert(1)</script>",
]
ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    10**40,
    1.5e308,
    [],
    {},
    ["nested", ["list"]],
    {"an": "object"},
    *ODD_STRINGS,
]


@dataclass
class Tally:
    inputs: int = 0
    runs: int = 0
    internal_errors: list[str] = field(default_factory=list)
    """What broke, and on what: the figure that must be 0."""

    def fail(self, what: str) -> None:
        self.internal_errors.append(what)


def seeds() -> list[Any]:
    files = sorted(EXAMPLES.glob("*/valid/*.json")) + sorted(EXAMPLES.glob("journeys/*/*.json"))
    return [json.loads(p.read_text()) for p in files]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _set(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return value


def mutate_payload(rng: random.Random, seed: Any) -> tuple[str, str]:
    """One hostile payload: (file suffix, text)."""
    value = json.loads(json.dumps(seed))
    kind = rng.randrange(12)
    paths = _paths(value)
    target = rng.choice(paths)
    if kind == 0 and len(target) > 0:  # delete a key or item
        parent = value
        for step in target[:-1]:
            parent = parent[step]
        del parent[target[-1]]
    elif kind in (1, 2, 3):  # retype a value
        value = _set(value, target, rng.choice(ODD_VALUES))
    elif kind == 4:  # an odd key
        node = rng.choice([p for p in paths if isinstance(_get(value, p), dict)])
        _get(value, node)[rng.choice(ODD_STRINGS)[:50]] = rng.choice(ODD_VALUES)
    elif kind == 5:  # deep nesting
        depth = rng.choice([100, 127, 128, 129, 300, 1500])
        text = json.dumps(value)
        return ".json", text[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}"
    text = json.dumps(value, ensure_ascii=rng.random() < 0.5)
    if kind == 6:  # truncated
        return ".json", text[: rng.randrange(1, len(text))]
    if kind == 7:  # a flipped byte
        data = bytearray(text.encode("utf-8", "surrogatepass"))
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return ".json", data.decode("utf-8", "replace")
    if kind == 8:  # a duplicate key
        return ".json", text.replace("{", '{"dup": 1, "dup": 2, ', 1)
    if kind == 9:  # YAML, with an alias now and then
        body = yaml.safe_dump(json.loads(text) if "\\ud" not in text else value)
        if rng.random() < 0.3:
            body = "a: &x [1, 2]\nb: *x\n" + body
        return ".yaml", body
    if kind == 10:  # JSON Lines
        return ".jsonl", "\n".join([text, "{", json.dumps(seed), ""])
    if kind == 11:  # a BOM, or NUL bytes
        return ".json", ("\ufeff" + text) if rng.random() < 0.5 else text + "\x00"
    return ".json", text


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def mutate_profile(rng: random.Random, profile: dict[str, Any]) -> dict[str, Any]:
    """One hostile profile derived from justice-ew."""
    value = json.loads(json.dumps(profile))
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _paths(value) if p]
        target = rng.choice(paths)
        kind = rng.randrange(8)
        if kind == 0:
            parent = _get(value, target[:-1])
            del parent[target[-1]]
        elif kind == 1:
            _set(value, target, rng.choice(ODD_VALUES[:12]))
        elif kind == 2:  # scrambled CEL
            rules = [p for p in paths if p[-1] == "cel"]
            if rules:
                text = str(_get(value, rules[0]))
                cut = rng.randrange(len(text) + 1)
                _set(value, rng.choice(rules), text[:cut] + rng.choice(["(", ".all(", "'", "))"]))
        elif kind == 3:  # a pointer changed
            _set(value, target, rng.choice(["/", "/~2", "/defendants/*/*/x", "//", "/a/-1"]))
        elif kind == 4 and isinstance(value, dict):
            value[rng.choice(["surprise", "Requirements", "api "])] = {"x": 1}
        elif kind == 5:  # a file out of the tree
            if not isinstance(value.get("codelists"), dict):
                value["codelists"] = {}
            value["codelists"]["evil"] = {
                "title": "e",
                "source": "s",
                "file": rng.choice(["/etc/passwd", "../../x.csv", "/proc/self/environ"]),
                "code": "root",
                "label": "x",
            }
        elif kind == 6:
            requirements = value.get("requirements")
            if isinstance(requirements, list) and requirements:
                requirements.append(json.loads(json.dumps(rng.choice(requirements))))
        else:
            _set(value, target, "MUSTY" if target[-1] == "level" else "x" * 5000)
    return value


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """The CLI's own entry point, in-process (as a subprocess would run it, minus start-up)."""
    from interopcheck.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    argv = sys.argv
    sys.argv = ["interopcheck", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def check_formats(folder: Path, names: list[str], tally: Tally, where: str) -> None:
    report = json.loads((folder / "report.json").read_text())
    schema = json.loads(REPORT_SCHEMA_PATH.read_text())
    try:
        jsonschema.Draft202012Validator(schema).validate(report)
    except jsonschema.ValidationError as exc:
        tally.fail(f"{where}: report.json breaks its schema: {exc.message[:200]}")
    sources = {
        str(r["source"]).rsplit(":", 1)[0] if ".jsonl:" in str(r["source"]) else str(r["source"])
        for r in report["results"]
    }
    for name in names:
        if not any(s.endswith(name) for s in sources):
            tally.fail(f"{where}: {name} is not listed in the report")
    for result in report["results"]:
        for finding in result["findings"]:
            if finding["check"] == "internal":
                tally.fail(
                    f"{where}: internal finding on {result['source']}: {finding['message'][:200]}"
                )
    sarif = json.loads((folder / "report.sarif").read_text())
    try:
        jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    except jsonschema.ValidationError as exc:
        tally.fail(f"{where}: SARIF breaks its schema: {exc.message[:200]}")
    try:
        ET.parse(folder / "report.junit.xml")
    except ET.ParseError as exc:
        tally.fail(f"{where}: JUnit is not XML: {exc}")
    HTMLParser().feed((folder / "report.html").read_text())


def fuzz_payloads(count: int, seed: int, work: Path, tally: Tally, batch: int = 500) -> None:
    rng = random.Random(seed)
    sources = seeds()
    made = 0
    while made < count:
        folder = work / f"payloads-{made}"
        folder.mkdir()
        names = []
        for index in range(min(batch, count - made)):
            suffix, text = mutate_payload(rng, rng.choice(sources))
            name = f"case {made + index:05d} ñ{suffix}"
            (folder / name).write_bytes(text.encode("utf-8", "surrogatepass"))
            names.append(name)
        made += len(names)
        tally.inputs += len(names)
        out = work / f"report-{made}"
        for args in (
            ["validate", "-p", "justice-ew", str(folder), "--report-dir", str(out)],
            ["journey", "-p", "justice-ew", str(folder), "-f", "json", "-o", str(out / "j.json")],
        ):
            code, _, err = run_cli(args)
            tally.runs += 1
            if code not in (0, 1) or "internal error" in err or "Traceback" in err:
                tally.fail(f"{args[0]} on {folder.name}: exit {code}: {err[-300:]}")
        if (out / "report.json").exists():
            check_formats(out, names, tally, folder.name)
        else:
            tally.fail(f"validate on {folder.name} wrote no report")


def fuzz_profiles(count: int, seed: int, work: Path, tally: Tally) -> None:
    rng = random.Random(seed + 1)
    base = yaml.safe_load(PROFILE.read_text())
    payload = str(EXAMPLES / "journeys" / "theft-and-knife" / "01-charge-file.json")
    for index in range(count):
        folder = work / f"profile-{index}"
        folder.mkdir()
        path = folder / "mutated.yaml"
        try:
            path.write_text(yaml.safe_dump(mutate_profile(rng, base), allow_unicode=True))
        except (UnicodeEncodeError, yaml.YAMLError):
            continue
        tally.inputs += 1
        for args, allowed in (
            (["profiles", "lint", str(path)], (0, 1, 2)),
            (["validate", "-p", str(path), payload, "-f", "json"], (0, 1, 2)),
        ):
            code, _, err = run_cli(args)
            tally.runs += 1
            if code not in allowed or "internal error" in err or "Traceback" in err:
                tally.fail(f"{' '.join(args[:2])} on profile {index}: exit {code}: {err[-300:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payloads", type=int, default=3000)
    parser.add_argument("--profiles", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tally = Tally()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        fuzz_payloads(args.payloads, args.seed, Path(folder), tally)
        fuzz_profiles(args.profiles, args.seed, Path(folder), tally)
    took = time.perf_counter() - started
    print(f"inputs: {tally.inputs} ({args.payloads} payloads, {args.profiles} profiles asked)")
    print(f"CLI runs: {tally.runs}; internal errors: {len(tally.internal_errors)}; {took:.0f} s")
    for line in tally.internal_errors[:20]:
        print("  " + line)
    raise SystemExit(1 if tally.internal_errors else 0)


if __name__ == "__main__":
    main()
