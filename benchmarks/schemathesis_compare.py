"""Side by side with Schemathesis: which sandbox faults each finds, false alarms, wall time.

    python -m venv /tmp/stv && /tmp/stv/bin/pip install schemathesis -e .  # benchmark env only
    python benchmarks/schemathesis_compare.py --schemathesis /tmp/stv/bin/st [--examples 5]

(interopcheck is installed beside Schemathesis for its hooks: the strategies for the custom
formats and the evaluation of the published x-interopcheck-rules.)

For the clean sandbox and for each ``--fault``, one sandbox (by default justice-ew's court; any
profile and actor with ``--profile``/``--actor``, e.g. the charge-file intake API of
tests/data/intake-api) is started in its own process on a free loopback port; interopcheck
probes it with the profile, Schemathesis runs against the sandbox's own ``/openapi.json`` with
the bearer token, every check, and the profile's response-time limit; both with the same
number of examples. What each reports on the clean sandbox is its false alarms; a tool "finds"
a fault when it reports a failure there that it does not report on the clean sandbox (an exit
code alone says nothing: Schemathesis exits 1 on the clean sandbox too). Prints a Markdown
table, then the totals; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from interopcheck.sandbox.app import DEVELOPMENT_TOKEN
from interopcheck.sandbox.faults import FAULTS

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "INTEROPCHECK_SANDBOX_TOKEN": DEVELOPMENT_TOKEN, "NO_COLOR": "1"}
#: Schemathesis reads the document's custom formats and x-interopcheck-rules through these
#: hooks (benchmarks/schemathesis_hooks.py); without them it cannot know them and sends
#: schema-valid-looking messages the sandbox must refuse.
HOOKS_ENV = {
    **ENV,
    "SCHEMATHESIS_HOOKS": "benchmarks.schemathesis_hooks",
    "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sandbox(profile: str, actor: str, fault: str | None) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-m", "interopcheck", "sandbox", "-p", profile, "--actor", actor]
    command += ["--port", str(port)] + (["--fault", fault] if fault else [])
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/openapi.json", timeout=10)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the sandbox did not start")


def _interopcheck(
    profile: str, actor: str, url: str, examples: int
) -> tuple[int, list[str], float]:
    command = [sys.executable, "-m", "interopcheck", "probe", "--target", url, "--actor", actor]
    command += ["-p", profile]
    command += ["--auth", "bearer:INTEROPCHECK_SANDBOX_TOKEN", "-n", str(examples), "-f", "json"]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=ENV, timeout=1800)
    took = time.perf_counter() - started
    failed: list[str] = []
    if proc.stdout.strip():
        document = json.loads(proc.stdout)
        failed = [
            f"{r['id']} {r['kind'].split(':')[-1]}"
            for r in document["requirements"]
            if r["outcome"] == "failed"
        ]
    return proc.returncode, failed, took


def _schemathesis(st: str, url: str, examples: int, limit_s: float) -> tuple[int, list[str], float]:
    command = [st, "run", f"{url}/openapi.json", "--url", url, "-n", str(examples)]
    command += ["-H", f"Authorization: Bearer {DEVELOPMENT_TOKEN}", "--checks", "all"]
    command += ["--max-response-time", f"{limit_s:g}", "--seed", "1", "--no-color"]
    started = time.perf_counter()
    proc = subprocess.run(
        command, capture_output=True, text=True, env=HOOKS_ENV, cwd=ROOT, timeout=1800
    )
    took = time.perf_counter() - started
    # the failures section only (its warnings section lists operations too)
    text = (proc.stdout + proc.stderr).split("== WARNINGS ==")[0].split("== SUMMARY ==")[0]
    found = sorted(set(re.findall(r"^\s*-\s+([A-Z][^\n]{3,80}?)\s*$", text, re.MULTILINE)))
    return proc.returncode, found, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemathesis", required=True, help="the st executable")
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--profile", default="justice-ew")
    parser.add_argument("--actor", default="court")
    parser.add_argument(
        "--max-response-time", type=float, default=2.0, help="the profile's limit, in seconds"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=["clean", *FAULTS],
        help="run only these sandboxes (repeatable; default: clean and every fault)",
    )
    args = parser.parse_args()
    print(
        "| sandbox | interopcheck: failing requirements (exit) | time (s) | "
        "Schemathesis: failures beyond the clean sandbox's (exit) | time (s) |"
    )
    print("|---|---|---|---|---|")
    chosen = args.only or ["clean", *FAULTS]
    if "clean" in chosen:
        chosen = ["clean", *[c for c in chosen if c != "clean"]]
    clean: tuple[set[str], set[str]] = (set(), set())
    found = {"interopcheck": 0, "Schemathesis": 0}
    faults = 0
    for fault in [None if name == "clean" else name for name in chosen]:
        process, url = _sandbox(args.profile, args.actor, fault)
        try:
            ours = _interopcheck(args.profile, args.actor, url, args.examples)
            theirs = _schemathesis(args.schemathesis, url, args.examples, args.max_response_time)
        finally:
            process.terminate()
            process.wait(timeout=30)
        if fault is None:
            clean = (set(ours[1]), set(theirs[1]))
            new_ours, new_theirs = sorted(ours[1]), sorted(theirs[1])
        else:
            faults += 1
            new_ours = sorted(set(ours[1]) - clean[0])
            new_theirs = sorted(set(theirs[1]) - clean[1])
            found["interopcheck"] += bool(new_ours)
            found["Schemathesis"] += bool(new_theirs)
        print(
            f"| {fault or 'clean (false alarms)'} | {', '.join(new_ours) or '-'} ({ours[0]}) | "
            f"{ours[2]:.1f} | {'; '.join(new_theirs) or '-'} ({theirs[0]}) | {theirs[2]:.1f} |",
            flush=True,
        )
    print(
        f"\nfaults found of {faults}: interopcheck {found['interopcheck']}, "
        f"Schemathesis {found['Schemathesis']}; false alarms on the clean sandbox: "
        f"interopcheck {len(clean[0])}, Schemathesis {len(clean[1])}"
    )


if __name__ == "__main__":
    main()
