"""Credentials for probing: read from an environment variable or a file, never from argv.

A credential keeps where it came from, so that a reproduction can say ``$TOKEN_VAR`` (or
``$(cat token.txt)``) instead of the secret, and so that every output can be checked for the
secret's absence.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import shlex
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from interopcheck.domain.endpoints import ParameterLocation, SchemeKind
from interopcheck.errors import CredentialError
from interopcheck.profile.model import Api, Endpoint

SCHEMES = ("bearer", "api-key", "basic", "oauth2", "mtls")
#: What ``$NAME`` may expand in a reproduction: a portable environment variable name.
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
USAGE = (
    "--auth takes [SCHEME=]KIND:SOURCE, KIND one of bearer:ENV_VAR, api-key:ENV_VAR, "
    "basic:ENV_VAR (holding user:password), each also KIND:file:PATH; oauth2:ID_VAR:SECRET_VAR "
    "(client credentials); mtls:CERT.pem[:KEY.pem]. SCHEME= names one of the API document's "
    "security schemes. Secrets come from the environment or files, never the command line"
)
#: Which document schemes a kind of ``--auth`` serves.
SERVES: dict[str, tuple[SchemeKind, ...]] = {
    "bearer": ("bearer", "oauth2-client-credentials"),  # a token in hand serves OAuth2 too
    "api-key": ("api-key",),
    "basic": ("basic",),
    "oauth2": ("oauth2-client-credentials",),
    "mtls": ("mutual-tls",),
}
#: How a reproduction writes a token probe fetched itself (OAuth2 client credentials).
FETCHED_TOKEN = "$INTEROPCHECK_OAUTH_TOKEN"


@dataclass(frozen=True)
class Credentials:
    """One credential. ``secret`` is never printed; ``shown`` stands in for it."""

    scheme: str
    """``bearer``, ``api-key``, ``basic``, ``mtls`` or ``none``."""
    header: str | None = None
    secret: str | None = None
    shown: str | None = None
    """How a reproduction writes the secret, a shell expansion meant to stand inside double
    quotes: ``$ENV_VAR`` (a checked name) or ``$(cat 'PATH')`` (the path shell-quoted)."""
    cert: Path | None = None
    key: Path | None = None
    location: ParameterLocation = "header"
    """Where an API key goes: in ``header``, or as a ``query`` parameter, or a ``cookie``."""
    parameter: str | None = None
    """The query parameter's or cookie's name."""

    def _value(self, wrong: bool) -> str | None:
        if self.secret is None:
            return None
        if not wrong:
            return self.secret
        made = "wrong-" + secrets.token_hex(8)
        return f"wrong:{made}" if self.scheme == "basic" else made

    def headers(self, wrong: bool = False) -> dict[str, str]:
        """The headers carrying the credential (a random wrong one when ``wrong``)."""
        value = self._value(wrong)
        if value is None:
            return {}
        if self.scheme == "basic":
            return {"Authorization": "Basic " + base64.b64encode(value.encode()).decode()}
        if self.header is None or self.location != "header":
            return {}
        if self.scheme == "bearer":
            return {self.header: f"Bearer {value}"}
        return {self.header: value}

    def query(self, wrong: bool = False) -> list[tuple[str, str]]:
        """The query parameter carrying an API key, when that is where it goes."""
        value = self._value(wrong)
        if value is None or self.location != "query" or self.parameter is None:
            return []
        return [(self.parameter, value)]

    def cookie(self, wrong: bool = False) -> str | None:
        value = self._value(wrong)
        if value is None or self.location != "cookie" or self.parameter is None:
            return None
        return f"{self.parameter}={value}"

    def shown_headers(self) -> dict[str, str]:
        """The same headers as a reproduction prints them: the secret by reference."""
        if self.header is None or self.shown is None or self.location != "header":
            return {}
        if self.scheme == "bearer":
            return {self.header: f"Bearer {self.shown}"}
        return {self.header: self.shown}

    def shell_header_words(self) -> list[str]:
        """The credential as curl words: ``-H`` and the header (the name and the fixed part
        single-quoted, the secret's expansion alone in double quotes: nothing else of it can
        expand, whatever characters a hostile profile put in its name), ``-u`` for basic,
        ``-b`` for a cookie. A query parameter goes into the URL (``url_suffix``)."""
        if self.shown is None:
            return []
        if self.scheme == "basic":
            return ["-u", f'"{self.shown}"']
        if self.location == "cookie" and self.parameter is not None:
            return ["-b", shlex.quote(f"{self.parameter}=") + f'"{self.shown}"']
        if self.header is None or self.location != "header":
            return []
        fixed = f"{self.header}: " + ("Bearer " if self.scheme == "bearer" else "")
        return ["-H", shlex.quote(fixed) + f'"{self.shown}"']

    def url_suffix(self) -> tuple[str, str] | None:
        """A query parameter's name and its shown secret, for a reproduction's URL."""
        if self.location == "query" and self.parameter is not None and self.shown is not None:
            return self.parameter, self.shown
        return None

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


@dataclass(frozen=True)
class OAuthClient:
    """OAuth2 client credentials, exchanged for a token at probe's start."""

    scheme: str
    token_url: str
    client_id: str
    secret: str


@dataclass
class Keyring:
    """The credentials given, by the security scheme each serves. ``everywhere``: one
    credential for every endpoint (a profile's own api, or the Python API's ``Credentials``)."""

    by_scheme: dict[str, Credentials] = field(default_factory=dict)
    tls: Credentials | None = None
    """The client certificate, when one is given."""
    everywhere: Credentials | None = None
    oauth: list[OAuthClient] = field(default_factory=list)

    @classmethod
    def of(cls, credentials: Credentials | Keyring) -> Keyring:
        if isinstance(credentials, Keyring):
            return credentials
        if credentials.scheme == "none":
            return cls()
        tls = credentials if credentials.cert is not None else None
        return cls(tls=tls, everywhere=credentials)

    def chosen(self, endpoint: Endpoint) -> tuple[Credentials, ...] | None:
        """What to present to ``endpoint``: the first of its security alternatives whose
        every scheme has a credential (None: none has; ``()``: it needs none)."""
        if self.everywhere is not None:
            return (self.everywhere,)
        if not endpoint.secured:
            return ()
        for alternative in endpoint.security:
            found = [self.by_scheme.get(name) for name in alternative]
            if all(c is not None for c in found):
                return tuple(c for c in found if c is not None)
        return None

    def alternative(self, endpoint: Endpoint) -> tuple[str, ...]:
        """The scheme names of the alternative ``chosen`` presents."""
        if self.everywhere is not None:
            return ()
        for alternative in endpoint.security:
            if all(name in self.by_scheme for name in alternative):
                return alternative
        return ()

    def presented(
        self, endpoint: Endpoint, how: str, omitted: str | None = None
    ) -> tuple[Credentials, ...]:
        """What a request carries: nothing (``none``), the endpoint's credentials (``given``,
        or ``wrong`` ones in their places), or all but ``omitted`` (``partial``)."""
        if how == "none":
            return ()
        chosen = self.chosen(endpoint) or ()
        if how == "partial":
            names = self.alternative(endpoint)
            return tuple(c for n, c in zip(names, chosen, strict=False) if n != omitted)
        return chosen

    @property
    def cert(self) -> Path | None:
        return self.tls.cert if self.tls is not None else None

    @property
    def key(self) -> Path | None:
        return self.tls.key if self.tls is not None else None


def parse_auth(spec: str | Sequence[str] | None, api: Api) -> Keyring:
    """The credentials ``--auth`` names (one or more), matched to the api's schemes."""
    specs = [spec] if isinstance(spec, str) else list(spec or ())
    keyring = Keyring()
    for given in specs:
        _add(keyring, given, api)
    if not specs:
        needed = sorted({k.kind for k in api.schemes.values() if k.presentable})
        secured = [e for e in api.endpoints if e.secured]
        if secured and needed:
            kind = {"bearer": "bearer", "api-key": "api-key", "basic": "basic"}.get(needed[0])
            example = f"{kind}:ENV_VAR" if kind else "mtls:CERT.pem:KEY.pem"
            if needed[0] == "oauth2-client-credentials":
                example = "oauth2:CLIENT_ID_VAR:CLIENT_SECRET_VAR"
            said = api.auth if api.openapi is None else " or ".join(needed)
            raise CredentialError(
                f"the profile's api requires {said} authentication: give --auth {example}"
            )
    return keyring


def _add(keyring: Keyring, given: str, api: Api) -> None:
    named, _, spec = given.partition("=") if "=" in given.split(":", 1)[0] else ("", "", given)
    kind, _, rest = spec.partition(":")
    if kind not in SCHEMES or not rest:
        raise CredentialError(USAGE)
    if named and named not in api.schemes:
        known = ", ".join(api.schemes) or "none"
        raise CredentialError(
            f"--auth {named}=...: the api has no security scheme {named!r} (it has: {known})"
        )
    targets = [
        s for s in api.schemes.values()
        if (s.name == named if named else True) and s.kind in SERVES[kind]
    ]  # fmt: skip
    if not targets:
        if not api.schemes and not named and kind in ("bearer", "api-key"):
            # the api asks for nothing: what is given is sent to every endpoint all the same
            keyring.everywhere = _secret(
                kind, rest, "Authorization" if kind == "bearer" else api.api_key_header
            )
            return
        declared = ", ".join(f"{s.kind} ({s.name})" for s in api.schemes.values()) or "none"
        if api.openapi is None:
            raise CredentialError(
                f"--auth {kind}: the profile's api uses {api.auth} authentication"
            )
        raise CredentialError(
            f"--auth {kind}: the api declares no such scheme (it has: {declared})"
        )
    if kind == "mtls":
        cert_text, _, key_text = rest.partition(":")
        cert = Path(cert_text)
        key = Path(key_text) if key_text else None
        for path in (cert, key):
            if path is not None and not path.is_file():
                raise CredentialError(f"{path}: no such certificate or key file (--auth mtls:...)")
        keyring.tls = Credentials("mtls", cert=cert, key=key)
        for scheme in targets:
            keyring.by_scheme[scheme.name] = keyring.tls
        return
    if kind == "oauth2":
        id_name, _, secret_name = rest.partition(":")
        if not id_name or not secret_name:
            raise CredentialError(
                "--auth oauth2: give oauth2:CLIENT_ID_VAR:CLIENT_SECRET_VAR (each the name of "
                "an environment variable, or file:PATH for the secret)"
            )
        client_id = _secret("oauth2", id_name, None).secret or ""
        secret = _secret("oauth2", secret_name, None).secret or ""
        for scheme in targets:
            assert scheme.token_url is not None
            keyring.oauth.append(OAuthClient(scheme.name, scheme.token_url, client_id, secret))
        return
    for scheme in targets:
        header = "Authorization" if kind in ("bearer", "basic") else scheme.parameter
        credential = _secret(kind, rest, header)
        if kind == "api-key":
            location = scheme.location or "header"
            credential = Credentials(
                "api-key", header=scheme.parameter if location == "header" else None,
                secret=credential.secret, shown=credential.shown, location=location,
                parameter=scheme.parameter,
            )  # fmt: skip
        keyring.by_scheme[scheme.name] = credential
    if api.openapi is None and len(targets) == 1 and len(api.schemes) == 1:
        keyring.everywhere = keyring.by_scheme[targets[0].name]  # a profile's own api


def secret_file(path: Path, what: str) -> tuple[str, str]:
    """A secret held in a file (stripped), and how a reproduction writes it: the file's
    contents as the shell reads them, never the secret."""
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialError(f"{path}: cannot read the {what}: {exc}") from None
    return secret, f"$(cat {shlex.quote(str(path))})"


def _secret(kind: str, rest: str, header: str | None) -> Credentials:
    """A secret read from the environment variable or file ``rest`` names."""
    if rest.startswith("file:"):
        secret, shown = secret_file(Path(rest[5:]), f"{kind} secret")
    else:
        if not ENV_NAME.fullmatch(rest):
            raise CredentialError(
                f"--auth {kind}:{rest[:20]}…: after '{kind}:' comes the NAME of an "
                "environment variable (or file:PATH), not the secret itself"
            )
        secret = os.environ.get(rest, "")
        shown = f"${rest}"
    if not secret:
        where = f"the file {rest[5:]}" if rest.startswith("file:") else f"${rest}"
        raise CredentialError(f"--auth {kind}: {where} is empty or unset")
    if any(ord(c) < 32 or ord(c) == 127 for c in secret):
        raise CredentialError(f"--auth {kind}: the secret holds control characters (a newline?)")
    if kind == "basic" and ":" not in secret:
        raise CredentialError(f"--auth basic: {shown} must hold user:password")
    return Credentials(kind, header=header, secret=secret, shown=shown)


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
