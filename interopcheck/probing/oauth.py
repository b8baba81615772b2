"""OAuth2 client credentials: a token asked for at probe's start, from the token endpoint on
the target's own origin (a client secret is sent to no other host), then presented as a
bearer token. The client id and secret go in HTTP Basic authentication (RFC 6749, 2.3.1)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import httpx

from interopcheck.errors import CredentialError, TargetError
from interopcheck.probing.auth import FETCHED_TOKEN, Credentials, Keyring
from interopcheck.probing.client import SendOptions, describe_transport_error


def fetch_tokens(keyring: Keyring, target: str, options: SendOptions) -> None:
    """A bearer credential for each OAuth2 scheme the keyring holds a client for."""
    for client in keyring.oauth:
        url = urljoin(target.rstrip("/") + "/", client.token_url)
        if _origin(url) != _origin(target):
            raise CredentialError(
                f"{client.scheme}: the token endpoint {url} is not on the target's origin "
                f"({target}); interopcheck sends a client secret only to the target"
            )
        try:
            with httpx.Client(
                timeout=options.timeout, verify=options.ca_bundle or True, trust_env=False
            ) as http:
                response = http.post(
                    url,
                    data={"grant_type": "client_credentials"},
                    auth=(client.client_id, client.secret),
                    headers={"Accept": "application/json"},
                )
        except httpx.HTTPError as exc:
            raise TargetError(
                f"{url}: cannot ask for a token: {describe_transport_error(exc, options.timeout)}"
            ) from None
        token = None
        if response.status_code == 200:
            try:
                token = response.json().get("access_token")
            except (ValueError, AttributeError):
                token = None
        if not isinstance(token, str) or not token or not token.isprintable():
            raise CredentialError(
                f"{url}: the token endpoint answered {response.status_code} without an "
                "access_token; check the client id and secret (--auth oauth2:ID_VAR:SECRET_VAR)"
            )
        keyring.by_scheme[client.scheme] = Credentials(
            "bearer", header="Authorization", secret=token, shown=FETCHED_TOKEN
        )


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    return (
        parts.scheme,
        (parts.hostname or "").lower(),
        parts.port or (443 if parts.scheme == "https" else 80),
    )
