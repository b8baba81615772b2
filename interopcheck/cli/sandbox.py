"""``interopcheck sandbox``: serve a reference agency's endpoints on this machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from interopcheck.cli.options import profile_option
from interopcheck.errors import UsageError


def sandbox(
    actor: Annotated[
        str, typer.Option("--actor", help="The actor whose endpoints to serve (e.g. court).")
    ],
    profile: Annotated[str, profile_option("it declares the endpoints.")] = "justice-ew",
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (loopback unless you say otherwise).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (0: any free one).", min=0)] = 8080,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="Bearer token callers must send (default: $INTEROPCHECK_SANDBOX_TOKEN, else "
            "the documented development token). On a shared machine prefer --token-file or "
            "the variable: a command line is visible to other users.",
        ),
    ] = None,
    token_file: Annotated[
        Path | None,
        typer.Option("--token-file", help="Read the bearer token from this file."),
    ] = None,
    fault: Annotated[
        list[str] | None,
        typer.Option("--fault", help="Misbehave on purpose (repeatable); see --list-faults."),
    ] = None,
    list_faults: Annotated[
        bool, typer.Option("--list-faults", help="List the faults and exit.")
    ] = False,
    tls_cert: Annotated[
        Path | None, typer.Option("--tls-cert", help="Serve https with this certificate (PEM).")
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option("--tls-key", help="The private key of --tls-cert (PEM).")
    ] = None,
    client_ca: Annotated[
        Path | None,
        typer.Option(
            "--client-ca",
            help="Require client certificates this CA issued (mutual TLS; with --tls-cert).",
        ),
    ] = None,
) -> None:
    """Serve one actor's endpoints of a profile: validate what arrives, answer receipt or
    problem, require authentication, echo the correlation id. Stops on Ctrl-C."""
    from interopcheck.sandbox.app import (
        DEVELOPMENT_TOKEN,
        TOKEN_ENV,
        SandboxConfig,
        create_app,
        describe,
    )
    from interopcheck.sandbox.faults import FAULTS, parse_faults

    if list_faults:
        for name, what in FAULTS.items():
            typer.echo(f"{name:22} {what}")
        raise typer.Exit(0)
    import ssl

    from interopcheck.sandbox.serve import serve_forever

    if (tls_key or client_ca) and tls_cert is None:
        raise UsageError("--tls-key and --client-ca need --tls-cert (https)")
    tls: dict[str, Any] = {}
    if tls_cert is not None:
        for given in (tls_cert, tls_key, client_ca):
            if given is not None and not given.is_file():
                raise UsageError(f"{given}: no such file")
        tls = {"ssl_certfile": str(tls_cert), "ssl_keyfile": str(tls_key) if tls_key else None}
        if client_ca is not None:
            tls.update(ssl_ca_certs=str(client_ca), ssl_cert_reqs=ssl.CERT_REQUIRED)
    if token is not None and token_file is not None:
        raise UsageError("give --token or --token-file, not both")
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{token_file}: cannot read the token: {exc}") from None
        if not token:
            raise UsageError(f"{token_file}: the token file is empty")
    chosen = token or os.environ.get(TOKEN_ENV) or DEVELOPMENT_TOKEN
    app = create_app(SandboxConfig(profile, actor, chosen, parse_faults(fault or ())))
    source = (
        ("--token-file" if token_file else "--token")
        if token
        else f"${TOKEN_ENV}"
        if os.environ.get(TOKEN_ENV)
        else f"the development token {DEVELOPMENT_TOKEN}"
    )
    sys.stderr.write(
        f"interopcheck sandbox: {actor} of {profile} on {'https' if tls else 'http'}://"
        f"{host}:{port} "
        f"(bearer token: {source}; faults: {', '.join(sorted(fault or ())) or 'none'})\n"
    )
    for line in describe(app.state.endpoints):
        sys.stderr.write(f"  {line}\n")
    serve_forever(app, host, port, **tls)
