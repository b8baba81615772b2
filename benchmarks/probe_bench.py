"""Benchmark ``probe``: requests per second against the sandbox, next to a bare httpx loop.

    python benchmarks/probe_bench.py [--requests 2000] [--concurrency 8] [--rounds 3]

The sandbox (court, justice-ew) runs in its own process on 127.0.0.1 (a free port), so that
the server does not share the prober's interpreter. The exchanges probe plans (examples, hard
names, generated valid and invalid cases, auth cases) are repeated to REQUESTS, then sent twice
per round, alternating: once by probe's sender and judge (bounded concurrency, size cap,
redirect policy, correlation check, schema check of every body, ...), once by a bare httpx async
loop sending the same requests with the same concurrency and reading each body. Best of ROUNDS
each. Planning (generation) is timed apart: it happens once per run, not per request.
Prints a Markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from interopcheck.probing.auth import Credentials
from interopcheck.probing.client import SendOptions
from interopcheck.probing.judge import Judge
from interopcheck.probing.plan import Exchange, Planner, PlanOptions
from interopcheck.probing.run import ProbeRequest, _probe_all, endpoints_of
from interopcheck.sandbox.app import DEVELOPMENT_TOKEN
from interopcheck.validation import ValidationSpec, build_checker

ACTOR = "court"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_sandbox(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "interopcheck", "sandbox", "--actor", ACTOR]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "INTEROPCHECK_SANDBOX_TOKEN": DEVELOPMENT_TOKEN},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the sandbox did not start")


async def _bare(url: str, exchanges: list[Exchange], concurrency: int) -> int:
    """The same requests, as a developer would send them with nothing but httpx."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    auth = {"Authorization": f"Bearer {DEVELOPMENT_TOKEN}"}
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def one(exchange: Exchange) -> int:
            headers = {
                "Content-Type": "application/json",
                "X-Correlation-Id": exchange.correlation_id,
                **(auth if exchange.credentials == "given" else {}),
            }
            async with semaphore:
                response = await client.post(
                    url + exchange.endpoint.path, content=exchange.body, headers=headers
                )
                return len(response.content)

        await asyncio.gather(*(one(e) for e in exchanges))
    return len(exchanges)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-examples", type=int, default=10)
    args = parser.parse_args()

    checker = build_checker(ValidationSpec(profile="justice-ew"))
    assert checker.rules is not None
    profile = checker.rules.profile
    started = time.perf_counter()
    planner = Planner(checker, PlanOptions(max_examples=args.max_examples, seed=1))
    planned = planner.plan(endpoints_of(profile, ACTOR))
    planning = time.perf_counter() - started
    exchanges = (planned * (args.requests // len(planned) + 1))[: args.requests]
    credentials = Credentials(
        "bearer", header="Authorization", secret=DEVELOPMENT_TOKEN, shown="$TOKEN"
    )
    judge = Judge(profile, checker.catalog)
    port = _free_port()
    sandbox = _start_sandbox(port)
    url = f"http://127.0.0.1:{port}"
    request = ProbeRequest(
        url, ACTOR, credentials, send=SendOptions(concurrency=args.concurrency), shrink_budget=0
    )
    probe_times, bare_times = [], []
    try:
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            asyncio.run(_probe_all(request, "X-Correlation-Id", exchanges, judge, planner, None))
            probe_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            asyncio.run(_bare(url, exchanges, args.concurrency))
            bare_times.append(time.perf_counter() - t0)
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    probe_rate = len(exchanges) / min(probe_times)
    bare_rate = len(exchanges) / min(bare_times)
    print(
        f"{len(planned)} planned exchanges for {ACTOR} in {planning:.2f} s; "
        f"sending {len(exchanges)}"
    )
    print("| sender | best of rounds (s) | requests/s |")
    print("|---|---|---|")
    print(f"| interopcheck probe (send + judge) | {min(probe_times):.2f} | {probe_rate:.0f} |")
    print(f"| bare httpx async loop | {min(bare_times):.2f} | {bare_rate:.0f} |")
    print(f"\nprobe reaches {100 * probe_rate / bare_rate:.0f} % of the bare loop's rate")


if __name__ == "__main__":
    main()
