"""``interopcheck probe``: test an agency's HTTP endpoints against a profile's api."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from interopcheck.cli.options import (
    FailOnOption,
    FormatsOption,
    OutputOption,
    ProductOption,
    ProductVersionOption,
    QuietOption,
    ReportDirOption,
    SignOption,
    StrictOption,
    SupplierOption,
    VerboseOption,
    profile_option,
    seed_option,
)
from interopcheck.cli.progress import ProgressBar

AuthOption = Annotated[
    list[str] | None,
    typer.Option(
        "--auth",
        help="bearer:ENV_VAR, api-key:ENV_VAR, basic:ENV_VAR (user:password), each also "
        "KIND:file:PATH; oauth2:CLIENT_ID_VAR:CLIENT_SECRET_VAR; mtls:CERT.pem[:KEY.pem]. "
        "Repeat it for an API that requires several schemes; SCHEME=KIND:... names one of "
        "its document's schemes. The secret is read from there, never given here, and never "
        "written to any output.",
    ),
]


def _repeatable(flag: str, what: str) -> Any:
    """A repeatable option whose values choose what the probe covers."""
    return typer.Option(flag, help=what, show_default=False)


def probe(
    context: typer.Context,
    target: Annotated[str, typer.Option("--target", help="Base URL of the system under test.")],
    actor: Annotated[str, typer.Option("--actor", help="The actor the target plays (e.g. court).")],
    profile: Annotated[str, profile_option("it declares the endpoints.")] = "justice-ew",
    auth: AuthOption = None,
    ca_bundle: Annotated[
        str | None,
        typer.Option("--ca-bundle", help="CA certificates to trust for an https target."),
    ] = None,
    max_examples: Annotated[
        int,
        typer.Option(
            "--max-examples",
            "-n",
            help="Generated valid cases per endpoint, and as many invalid ones.",
            min=0,
            max=10000,
        ),
    ] = 10,
    max_negatives: Annotated[
        int,
        typer.Option(
            "--max-negatives",
            help="Systematic negatives per message type: each (place, way to break it) the "
            "schema offers sent once, at most this many (0: none); the report gives the "
            "coverage.",
            min=0,
            max=100000,
        ),
    ] = 500,
    max_failures: Annotated[
        int | None,
        typer.Option(
            "--max-failures",
            help="Stop sending after this many failing exchanges (the rest are counted in "
            "the report as not sent).",
            min=1,
        ),
    ] = None,
    max_time: Annotated[
        float | None,
        typer.Option(
            "--max-time",
            help="Stop sending after this many seconds (the rest are counted as not sent).",
            min=0.1,
        ),
    ] = None,
    seed: Annotated[int, seed_option("it sends the same cases.")] = 0,
    rate_limit: Annotated[
        float | None,
        typer.Option("--rate-limit", help="At most this many requests per second.", min=0.01),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for an answer.", min=0.1)
    ] = 10.0,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", help="Requests in flight at once.", min=1, max=256)
    ] = 8,
    max_response_bytes: Annotated[
        int,
        typer.Option("--max-response-bytes", help="Read at most this much of an answer.", min=1),
    ] = 1024 * 1024,
    shrink_budget: Annotated[
        int,
        typer.Option(
            "--shrink-budget",
            help="Requests each failing case may spend on being shrunk to a smaller one that "
            "fails the same way (0: reproduce cases as sent).",
            min=0,
            max=10000,
        ),
    ] = 50,
    include_endpoint: Annotated[
        list[str] | None,
        _repeatable(
            "--include-endpoint",
            "Probe only endpoints with this id (as profiles show lists them; shell-style "
            "patterns such as 'get-*'); repeatable.",
        ),
    ] = None,
    exclude_endpoint: Annotated[
        list[str] | None,
        _repeatable(
            "--exclude-endpoint",
            "Do not probe endpoints with this id (or pattern); repeatable. The report says "
            "which were left out; their requirements go untested.",
        ),
    ] = None,
    include_check: Annotated[
        list[str] | None,
        _repeatable(
            "--include-check",
            "Judge only this http check (rejects-invalid, response-time, ...); repeatable.",
        ),
    ] = None,
    exclude_check: Annotated[
        list[str] | None,
        _repeatable(
            "--exclude-check",
            "Do not judge this http check; repeatable. Its requirements go untested.",
        ),
    ] = None,
    header: Annotated[
        list[str] | None,
        typer.Option(
            "--header",
            "-H",
            help="NAME:VALUE sent on every request (a gateway key, an API version); "
            "NAME:env:VAR or NAME:file:PATH for a secret, which is then never written "
            "anywhere; repeatable.",
            show_default=False,
        ),
    ] = None,
    output_format: FormatsOption = None,
    output: OutputOption = None,
    report_dir: ReportDirOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    strict: StrictOption = False,
    fail_on: FailOnOption = None,
    sign: SignOption = None,
    supplier: SupplierOption = None,
    product: ProductOption = None,
    product_version: ProductVersionOption = None,
) -> None:
    """Probe an actor's endpoints: valid messages accepted, invalid ones rejected with a
    problem, never a 5xx, credentials enforced, correlation id echoed, answers in the
    standard's shapes and in time. Exit 0 conformant, 1 findings, 2 could not run."""
    from interopcheck.api import probe as run_probe
    from interopcheck.cli.reporting import plan_from_options
    from interopcheck.publish import publish

    plan = plan_from_options(context)
    with ProgressBar("probing") as progress:
        run = run_probe(
            target,
            actor=actor,
            profile=profile,
            auth=tuple(auth) if auth else None,
            max_examples=max_examples,
            max_negatives=max_negatives,
            max_failures=max_failures,
            max_time=max_time,
            seed=seed,
            strict=strict,
            timeout=timeout,
            concurrency=concurrency,
            rate_limit=rate_limit,
            ca_bundle=ca_bundle,
            max_response_bytes=max_response_bytes,
            shrink_budget=shrink_budget,
            include_endpoints=include_endpoint or (),
            exclude_endpoints=exclude_endpoint or (),
            include_checks=include_check or (),
            exclude_checks=exclude_check or (),
            headers=header or (),
            on_planned=progress.planned,
            on_answer=progress.advance,
        )
    raise typer.Exit(publish(run, plan, fail_on))
