"""Benchmark ``probe``: requests per second against the sandbox, next to a bare httpx loop.

    python benchmarks/probe_bench.py [--profile justice-ew --actor court] [--requests 2000]
        [--concurrency 8] [--rounds 5]

The sandbox runs in its own process on 127.0.0.1 (a free port), so that the server does not
share the prober's interpreter. The exchanges probe plans (examples, hard names, generated
valid and invalid cases and parameters, auth cases) are repeated to REQUESTS, then sent twice
per round: once by probe's sender and judge (bounded concurrency, size cap, redirect policy,
credentials per operation, every answer judged: status, media type, schema, correlation id,
...), once by a bare httpx async loop sending the very same requests (method, URL, headers,
body, as probe's sender writes them) with the same concurrency and reading each body. The two
alternate, probe first in odd rounds and the bare loop first in even ones; each round gives
one ratio (probe's rate / the bare loop's), and the table gives every round's and their median:
a paired measure on a shared machine whose speed drifts, not a best-of of each side.
Planning (generation) is timed apart: it happens once per run, not per request. Reads after
writes are left out (they depend on answers, and the bare loop has none to read).
Prints a Markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from interopcheck.probing.auth import parse_auth
from interopcheck.probing.client import Sender, SendOptions
from interopcheck.probing.judge import Judge
from interopcheck.probing.plan import Planner, PlanOptions
from interopcheck.probing.run import ProbeRequest, _probe_all, endpoints_of
from interopcheck.sandbox.app import DEVELOPMENT_TOKEN
from interopcheck.validation import ValidationSpec, build_checker

ACTOR = "court"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_sandbox(port: int, profile: str, actor: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "interopcheck", "sandbox", "-p", profile, "--actor", actor]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "INTEROPCHECK_SANDBOX_TOKEN": DEVELOPMENT_TOKEN},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the sandbox did not start")


async def _bare(requests: list[tuple[str, str, dict[str, str], bytes]], concurrency: int) -> int:
    """The same requests, as a developer would send them with nothing but httpx."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=10, trust_env=False) as client:

        async def one(method: str, url: str, headers: dict[str, str], body: bytes) -> int:
            async with semaphore:
                response = await client.request(method, url, content=body, headers=headers)
                return len(response.content)

        await asyncio.gather(*(one(*r) for r in requests))
    return len(requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="justice-ew")
    parser.add_argument("--actor", default=ACTOR)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--max-examples", type=int, default=10)
    args = parser.parse_args()

    checker = build_checker(ValidationSpec(profile=args.profile))
    assert checker.rules is not None and checker.rules.profile.api is not None
    profile = checker.rules.profile
    api = profile.api
    port = _free_port()
    sandbox = _start_sandbox(port, args.profile, args.actor)
    url = f"http://127.0.0.1:{port}"
    auth = [
        f"{kind}:BENCH_TOKEN"
        for kind in sorted(
            {"bearer", "api-key"}
            & {
                {
                    "bearer": "bearer",
                    "api-key": "api-key",
                    "oauth2-client-credentials": "bearer",
                }.get(s.kind, "")
                for s in api.schemes.values()
            }
        )
    ]
    os.environ["BENCH_TOKEN"] = DEVELOPMENT_TOKEN
    keyring = parse_auth(tuple(auth), api)
    started = time.perf_counter()
    planner = Planner(checker, PlanOptions(max_examples=args.max_examples, seed=1), keyring)
    planned = planner.plan(endpoints_of(profile, args.actor))
    planning = time.perf_counter() - started
    exchanges = (planned * (args.requests // len(planned) + 1))[: args.requests]
    judge = Judge(profile, checker.catalog)
    request = ProbeRequest(
        url, args.actor, keyring, send=SendOptions(concurrency=args.concurrency), shrink_budget=0
    )
    sender = Sender(url, keyring, api.correlation_header, request.send)
    requests = []
    for exchange in exchanges:
        body, content_type = exchange.encoded()
        headers = {**sender.headers(exchange, content_type), "User-Agent": "bench"}
        requests.append((exchange.endpoint.method, sender.url(exchange), headers, body))
    asyncio.run(sender.close())
    ratios: list[float] = []
    rows = []
    try:
        for round_number in range(args.rounds):
            times: dict[str, float] = {}
            order = ("probe", "bare") if round_number % 2 == 0 else ("bare", "probe")
            for side in order:
                sent = list(exchanges)
                t0 = time.perf_counter()
                if side == "probe":
                    asyncio.run(
                        _probe_all(request, api.correlation_header, [], sent, judge, planner, None)
                    )
                else:
                    asyncio.run(_bare(requests, args.concurrency))
                times[side] = time.perf_counter() - t0
            ratio = times["bare"] / times["probe"]
            ratios.append(ratio)
            rows.append((round_number + 1, "".join(s[0].upper() for s in order), times, ratio))
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    print(
        f"{args.profile} / {args.actor}: {len(planned)} planned exchanges in {planning:.2f} s; "
        f"sending {len(exchanges)}, concurrency {args.concurrency}"
    )
    print("| round | order | probe (s) | probe req/s | bare (s) | bare req/s | probe / bare rate |")
    print("|---|---|---|---|---|---|---|")
    for number, order_said, times, ratio in rows:
        print(
            f"| {number} | {order_said} | {times['probe']:.2f} | "
            f"{len(exchanges) / times['probe']:.0f} | {times['bare']:.2f} | "
            f"{len(exchanges) / times['bare']:.0f} | {ratio:.2f} |"
        )
    print(
        f"\nprobe reaches {100 * statistics.median(ratios):.0f} % of the bare loop's rate "
        f"(median of {len(ratios)} paired rounds; range {100 * min(ratios):.0f}-"
        f"{100 * max(ratios):.0f} %)"
    )


if __name__ == "__main__":
    main()
