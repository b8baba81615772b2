"""HTTP vocabulary a hostile profile or API document could abuse: field names must be tokens."""

from __future__ import annotations

import re

#: RFC 9110 section 5.1: a field name is a token (tchar: ALPHA DIGIT and !#$%&'*+-.^_`|~).
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
TOKEN_PATTERN = "^" + TOKEN.pattern + "$"


def is_token(name: str) -> bool:
    return TOKEN.fullmatch(name) is not None


def media_kind(media_type: str) -> str:
    """A media type without its parameters, in lower case (``application/json``)."""
    return media_type.split(";")[0].strip().lower()


def is_json_media(media_type: str) -> bool:
    """JSON by its media type: ``application/json`` or any ``+json`` suffix (RFC 6839)."""
    kind = media_kind(media_type)
    return kind == "application/json" or kind.endswith("+json")
