"""The demo pipeline: the bundled journey and every bundled valid example checked, then every
actor's sandbox probed, as one run.

Each actor's sandbox is served on a free loopback port only while it is probed, and stopped
however the block ends (Ctrl-C included). The results of both halves go into one summary, so
that one report says whether the bundled case conforms at every level and whether the reference
API does.
"""

from __future__ import annotations

from collections.abc import Callable

from interopcheck.journeys import run_journeys
from interopcheck.probing.auth import Credentials
from interopcheck.probing.client import SendOptions
from interopcheck.probing.plan import PlanOptions
from interopcheck.probing.run import ProbeRequest, run_probe
from interopcheck.results import FailOn
from interopcheck.run import Run
from interopcheck.sandbox.app import DEVELOPMENT_TOKEN, TOKEN_ENV, SandboxConfig, create_app
from interopcheck.sandbox.serve import serving
from interopcheck.standard.catalog import bundled_root
from interopcheck.validation import (
    ValidationOptions,
    ValidationSpec,
    ValidationStream,
    build_checker,
    now_iso,
)


def run_demo(profile: str, max_examples: int, seed: int, say: Callable[[str], None]) -> Run:
    journeys = bundled_root("examples") / "journeys"
    say(f"checking the bundled journey ({journeys}) against {profile}")
    options = ValidationOptions(spec=ValidationSpec(profile=profile), workers=1)
    run = run_journeys([str(journeys)], options)
    summary = run.summary
    summary.subject = "result"
    results = list(run.results)
    # Every bundled valid example of each message type too (a remand warrant among them), so
    # that each message requirement is tested, not only those the one case reaches.
    examples = sorted(str(p) for p in bundled_root("examples").glob("*/valid"))
    say(f"checking the bundled valid example of each message type against {profile}")
    for result in ValidationStream(examples, options):
        result.index = len(results)
        summary.add(result)
        results.append(result)
    checker = build_checker(ValidationSpec(profile=profile))
    assert checker.rules is not None
    api = checker.rules.profile.api
    actors = sorted({e.actor for e in api.endpoints}) if api is not None else []
    # The documented development token: the sandboxes live only for this run, on loopback.
    credentials = Credentials(
        "bearer", header="Authorization", secret=DEVELOPMENT_TOKEN, shown=f"${TOKEN_ENV}"
    )
    targets = []
    for actor in actors:
        with serving(create_app(SandboxConfig(profile, actor, DEVELOPMENT_TOKEN))) as url:
            say(f"probing the {actor} sandbox at {url}")
            request = ProbeRequest(
                target=url,
                actor=actor,
                credentials=credentials,
                plan=PlanOptions(max_examples=max_examples, seed=seed),
                send=SendOptions(concurrency=8),
            )
            for result in run_probe(request, checker):
                result.index = len(results)
                summary.add(result)
                results.append(result)
            targets.append(url)
    summary.finished_at = now_iso()
    return Run(
        command="demo",
        summary=summary,
        inputs=[str(journeys), *examples, *targets],
        options={"profile": profile, "maxExamples": max_examples, "seed": seed},
        results=results,
        catalog=run.catalog,
        fail_on=(FailOn.must,),
    )
