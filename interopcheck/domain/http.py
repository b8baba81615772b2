"""HTTP vocabulary a hostile profile or API document could abuse: field names must be tokens."""

from __future__ import annotations

import re

#: RFC 9110 section 5.1: a field name is a token (tchar: ALPHA DIGIT and !#$%&'*+-.^_`|~).
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
TOKEN_PATTERN = "^" + TOKEN.pattern + "$"


def is_token(name: str) -> bool:
    return TOKEN.fullmatch(name) is not None
