"""``-H/--header NAME:VALUE``: headers a deployment needs on every request (a gateway's
subscription key, an API version), sent beside what probe sets itself.

A value is written as it is (``-H 'Api-Version: 2'``), or read from an environment variable or
a file for a secret (``-H 'Ocp-Apim-Subscription-Key: env:APIM_KEY'``, ``...: file:key.txt``):
then the secret is sent, and only the variable or file is ever written (reproductions, the
manifest), as ``--auth`` does.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from interopcheck.domain.http import is_token
from interopcheck.errors import CredentialError, UsageError
from interopcheck.probing.auth import ENV_NAME, secret_file
from interopcheck.probing.plan import HEADER_VALUE

#: Headers probe sets itself (or HTTP does): never given with -H.
OWN = frozenset({"content-type", "content-length", "host", "authorization", "cookie"})


@dataclass(frozen=True)
class ExtraHeader:
    name: str
    value: str
    shown: str
    """How a reproduction writes the value: itself, ``$VAR`` or ``$(cat FILE)``."""

    def curl_words(self) -> list[str]:
        """``-H`` and the header for a shell: a secret only as its expansion, in double
        quotes; everything else single-quoted."""
        if self.shown == self.value:
            return ["-H", shlex.quote(f"{self.name}: {self.value}")]
        return ["-H", shlex.quote(f"{self.name}: ") + f'"{self.shown}"']


def parse_headers(specs: Sequence[str], correlation_header: str) -> tuple[ExtraHeader, ...]:
    """``NAME:VALUE`` each (``env:VAR`` and ``file:PATH`` read a secret); ``UsageError``
    naming the option when one cannot be sent."""
    found = []
    for spec in specs:
        name, colon, value = spec.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not is_token(name):
            raise UsageError(f"-H {spec[:60]!r}: give NAME:VALUE, NAME a header name")
        if name.lower() in OWN or name.lower() == correlation_header.lower():
            raise UsageError(
                f"-H {name}: probe sets this header itself (credentials go with --auth)"
            )
        shown = value
        if value.startswith("env:") and ENV_NAME.fullmatch(value[4:]):
            shown = f"${value[4:]}"
            value = os.environ.get(value[4:], "")
            if not value:
                raise CredentialError(f"-H {name}: {shown} is empty or unset")
        elif value.startswith("file:"):
            value, shown = secret_file(Path(value[5:]), f"-H {name} value")
        if HEADER_VALUE.fullmatch(value) is None:
            raise UsageError(
                f"-H {name}: the value must be visible ASCII (no control characters, no "
                "leading or trailing space)"
            )
        found.append(ExtraHeader(name, value, shown))
    return tuple(found)
