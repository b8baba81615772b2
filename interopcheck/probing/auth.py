"""Credentials for probing: read from an environment variable or a file, never from argv.

A credential keeps where it came from, so that a reproduction can say ``$TOKEN_VAR`` (or
``$(cat token.txt)``) instead of the secret, and so that every output can be checked for the
secret's absence.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import ssl
from dataclasses import dataclass
from pathlib import Path

from interopcheck.errors import CredentialError
from interopcheck.profile.model import Api

SCHEMES = ("bearer", "api-key", "mtls")
#: What ``$NAME`` may expand in a reproduction: a portable environment variable name.
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
USAGE = (
    "--auth takes bearer:ENV_VAR, bearer:file:PATH, api-key:ENV_VAR, api-key:file:PATH or "
    "mtls:CERT.pem[:KEY.pem] (secrets come from the environment or files, never the command line)"
)


@dataclass(frozen=True)
class Credentials:
    """How requests authenticate. ``secret`` is never printed; ``shown`` stands in for it."""

    scheme: str
    header: str | None = None
    secret: str | None = None
    shown: str | None = None
    """How a reproduction writes the secret, a shell expansion meant to stand inside double
    quotes: ``$ENV_VAR`` (a checked name) or ``$(cat 'PATH')`` (the path shell-quoted)."""
    cert: Path | None = None
    key: Path | None = None

    def headers(self, wrong: bool = False) -> dict[str, str]:
        """The headers carrying the credential (a random wrong one when ``wrong``)."""
        if self.header is None or self.secret is None:
            return {}
        value = "wrong-" + secrets.token_hex(8) if wrong else self.secret
        if self.scheme == "bearer":
            return {self.header: f"Bearer {value}"}
        return {self.header: value}

    def shown_headers(self) -> dict[str, str]:
        """The same headers as a reproduction prints them: the secret by reference."""
        if self.header is None or self.shown is None:
            return {}
        if self.scheme == "bearer":
            return {self.header: f"Bearer {self.shown}"}
        return {self.header: self.shown}

    def shell_header_words(self) -> list[str]:
        """``-H`` and the credential header as shell words: the name and the fixed part
        single-quoted, the secret's expansion alone in double quotes (nothing else of the
        header can expand, whatever characters a hostile profile put in its name)."""
        if self.header is None or self.shown is None:
            return []
        fixed = f"{self.header}: " + ("Bearer " if self.scheme == "bearer" else "")
        return ["-H", shlex.quote(fixed) + f'"{self.shown}"']

    def ssl_context(self, ca_bundle: Path | None) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(ca_bundle) if ca_bundle else None)
        if self.cert is not None:
            try:
                context.load_cert_chain(str(self.cert), str(self.key) if self.key else None)
            except (OSError, ssl.SSLError) as exc:
                raise CredentialError(
                    f"{self.cert}: cannot load the client certificate: {exc}"
                ) from None
        return context


NO_CREDENTIALS = Credentials("none")


def parse_auth(spec: str | None, api: Api) -> Credentials:
    """The credentials ``--auth`` names, checked against what the profile's api requires."""
    if spec is None:
        if api.auth == "none":
            return NO_CREDENTIALS
        example = {"bearer": "bearer:ENV_VAR", "api-key": "api-key:ENV_VAR"}.get(
            api.auth, "mtls:CERT.pem:KEY.pem"
        )
        raise CredentialError(
            f"the profile's api requires {api.auth} authentication: give --auth {example}"
        )
    scheme, _, rest = spec.partition(":")
    if scheme not in SCHEMES or not rest:
        raise CredentialError(USAGE)
    if scheme == "mtls":
        cert_text, _, key_text = rest.partition(":")
        cert = Path(cert_text)
        key = Path(key_text) if key_text else None
        for path in (cert, key):
            if path is not None and not path.is_file():
                raise CredentialError(f"{path}: no such certificate or key file (--auth mtls:...)")
        return Credentials("mtls", cert=cert, key=key)
    if scheme != api.auth and api.auth != "none":
        raise CredentialError(f"--auth {scheme}: the profile's api uses {api.auth} authentication")
    header = "Authorization" if scheme == "bearer" else api.api_key_header
    if rest.startswith("file:"):
        path = Path(rest[5:])
        try:
            secret = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise CredentialError(f"{path}: cannot read the {scheme} secret: {exc}") from None
        shown = f"$(cat {shlex.quote(str(path))})"
    else:
        if not ENV_NAME.fullmatch(rest):
            raise CredentialError(
                f"--auth {scheme}:{rest[:20]}…: after '{scheme}:' comes the NAME of an "
                "environment variable (or file:PATH), not the secret itself"
            )
        secret = os.environ.get(rest, "")
        shown = f"${rest}"
    if not secret:
        where = f"the file {rest[5:]}" if rest.startswith("file:") else f"${rest}"
        raise CredentialError(f"--auth {scheme}: {where} is empty or unset")
    if any(ord(c) < 32 or ord(c) == 127 for c in secret):
        raise CredentialError(f"--auth {scheme}: the secret holds control characters (a newline?)")
    return Credentials(scheme, header=header, secret=secret, shown=shown)


def throwaway_certificate_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """A TLS context presenting a self-signed client certificate made just now: the "wrong
    credentials" of mTLS (a server must refuse a certificate no CA it trusts issued)."""
    import datetime as dt
    import tempfile

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "interopcheck wrong client")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .sign(key, hashes.SHA256())
    )
    context = NO_CREDENTIALS.ssl_context(ca_bundle)
    with tempfile.TemporaryDirectory() as folder:  # ssl reads certificates from files only
        cert_file, key_file = Path(folder) / "c.pem", Path(folder) / "k.pem"
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context.load_cert_chain(str(cert_file), str(key_file))
    return context
