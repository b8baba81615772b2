"""``interopcheck keys``: Ed25519 key pairs for signed self-certification."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Key pairs for signing reports.", no_args_is_help=True, rich_markup_mode=None
)


@app.command("generate", no_args_is_help=True)
def generate(
    name: Annotated[
        Path,
        typer.Argument(
            help="Where to write the private key; the public key goes to NAME.pub.",
            show_default=False,
        ),
    ],
) -> None:
    """Write a new Ed25519 key pair: NAME (private, mode 0600) and NAME.pub. Never overwrites.
    Set INTEROPCHECK_KEY_PASSPHRASE to encrypt the private key."""
    from interopcheck.report.signing import PASSPHRASE_ENV, _passphrase, generate_keys

    public, fingerprint = generate_keys(name)
    typer.echo(f"private key: {name} (mode 0600{', encrypted' if _passphrase() else ''})")
    typer.echo(f"public key:  {public}")
    typer.echo(f"fingerprint: {fingerprint}")
    if not _passphrase():
        typer.echo(f"(not encrypted: set {PASSPHRASE_ENV} to encrypt a key)")
