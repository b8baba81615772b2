"""A request body in the media type an endpoint takes (JSON, a URL-encoded form, multipart
form data): written by probe, read by the sandbox, and read back by probe to confirm that an
invalid case is still invalid as sent (a form holds only text).

A form's fields are the top-level properties of the value drawn from the body's schema; an
array repeats its field (OpenAPI's default ``explode`` for forms), and an object or array
inside a field is written as JSON text (the default ``contentType`` of such a part).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, quote

from interopcheck.domain.endpoints import BodyEncoding
from interopcheck.domain.http import is_json_media, media_kind
from interopcheck.domain.parameters import text_of, typed

FORM = "application/x-www-form-urlencoded"


def encode(value: Any, encoding: BodyEncoding, media_type: str, boundary: str) -> tuple[bytes, str]:
    """The body bytes and the Content-Type that says how they are written."""
    if encoding == "json":
        return json.dumps(value, ensure_ascii=False).encode("utf-8"), media_type
    fields = list(_fields(value))
    if encoding == "form":
        text = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in fields)
        return text.encode("utf-8"), FORM
    parts = []
    for name, text in fields:
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{escaped}"\r\n\r\n{text}\r\n'
        )
    body = "".join(parts) + f"--{boundary}--\r\n"
    return body.encode("utf-8"), f"multipart/form-data; boundary={boundary}"


def _fields(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):  # a form of something not an object: one field, as JSON
        return [("value", json.dumps(value, ensure_ascii=False))]
    out = []
    for name, item in value.items():
        items = item if isinstance(item, list) else [item]
        for one in items:
            text = (
                json.dumps(one, ensure_ascii=False)
                if isinstance(one, dict | list)
                else text_of(one)
            )
            out.append((str(name), text))
    return out


def decode(
    encoding: BodyEncoding, expected: str, content_type: str, body: bytes
) -> tuple[list[Any], str | None]:
    """The ways to read a body as a JSON value (a form's two: its text as text, then numbers
    and booleans as such), or what is wrong with it."""
    media = media_kind(content_type)
    if encoding == "json":
        if not is_json_media(media):
            return [], f"send {expected}, not {media or 'no type'}"
        try:
            return [json.loads(body.decode("utf-8"))], None
        except (UnicodeDecodeError, ValueError) as exc:
            return [], f"not JSON: {exc}"
    if encoding == "form":
        if media != "application/x-www-form-urlencoded":
            return [], f"send a form, not {media or 'no type'}"
        try:
            fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return [], "the form is not UTF-8"
        return [_form_value(fields, False), _form_value(fields, True)], None
    if media != "multipart/form-data":
        return [], f"send multipart/form-data, not {media or 'no type'}"
    import email.parser
    import email.policy

    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not parsed.is_multipart():
        return [], "not multipart form data"
    fields = []
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields.append((name, payload.decode("utf-8", "replace")))
    return [_form_value(fields, False), _form_value(fields, True)], None


def _form_value(fields: list[tuple[str, str]], loose: bool) -> dict[str, Any]:
    """A form's fields as an object: a repeated field an array; JSON text read as JSON, and
    (``loose``) numbers and booleans as such (a form has only text)."""
    value: dict[str, Any] = {}
    for name, text in fields:
        try:
            item = json.loads(text) if text[:1] in ("[", "{") else typed(text, {}, loose)
        except ValueError:
            item = text
        if name in value:
            kept = value[name]
            value[name] = [*kept, item] if isinstance(kept, list) else [kept, item]
        else:
            value[name] = item
    return value
