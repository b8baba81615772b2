"""What ``interopcheck apis show`` prints: every operation of an API document, as text or JSON."""

from __future__ import annotations

from typing import Any

from interopcheck.apis.operations import ApiDocument, Operation


def description(api: ApiDocument) -> dict[str, Any]:
    """The document's operations as JSON: what a profile's endpoints may name."""
    return {
        "path": str(api.path),
        "version": api.version,
        "title": api.title,
        "apiVersion": api.api_version,
        "files": api.files,
        "securitySchemes": {
            name: {"kind": s.kind, "in": s.location, "name": s.parameter}
            for name, s in api.security_schemes.items()
        },
        "operations": [_operation(o) for o in api.operations],
        "notes": list(api.notes),
    }


def _operation(operation: Operation) -> dict[str, Any]:
    return {
        "id": operation.id,
        "method": operation.method.upper(),
        "path": operation.path,
        "operationId": operation.operation_id,
        "parameters": [
            {"name": p.name, "in": p.location, "required": p.required} for p in operation.parameters
        ],
        "requestBody": {
            "required": operation.body_required,
            "mediaTypes": [b.media_type for b in operation.request_bodies],
        }
        if operation.request_bodies
        else None,
        "responses": {r.status: [b.media_type for b in r.bodies] for r in operation.responses},
        "security": [list(alternative) for alternative in operation.security],
        "deprecated": operation.deprecated,
    }


def lines(api: ApiDocument) -> list[str]:
    """The same, as lines for a person: one block per operation."""
    version = "Swagger 2.0" if api.version == "2.0" else f"OpenAPI {api.version}"
    count = len(api.operations)
    files = f", {api.files} files" if api.files > 1 else ""
    out = [
        f"{api.title} {api.api_version} — {version}{files}, {count} operation"
        f"{'s' if count != 1 else ''}"
    ]
    for o in api.operations:
        out.append(
            f"{o.method.upper()} {o.path}  id: {o.id}{'  (deprecated)' if o.deprecated else ''}"
        )
        if o.parameters:
            shown = ", ".join(
                f"{p.location} {p.name}{'' if p.required else '?'}" for p in o.parameters
            )
            out.append(f"  parameters: {shown}")
        if o.request_bodies:
            media = ", ".join(b.media_type for b in o.request_bodies)
            out.append(f"  body{'' if o.body_required else '?'}: {media}")
        responses = ", ".join(
            r.status + (f" {'/'.join(b.media_type for b in r.bodies)}" if r.bodies else "")
            for r in o.responses
        )
        out.append(f"  responses: {responses}")
        if o.security:
            alternatives = " or ".join(" and ".join(a) if a else "none" for a in o.security)
            out.append(f"  security: {alternatives}")
    return out
