"""A Power Platform custom connector for one actor of a profile: ``apiDefinition.swagger.json``
(the actor's endpoints as ``profiles openapi`` gives them, in Swagger 2.0) and
``apiProperties.json`` (how a maker connects: the API key or bearer token as a secure
connection parameter). Both are checked against Microsoft's schemas before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from interopcheck import __version__
from interopcheck.connector.microsoft import known_formats, problems
from interopcheck.connector.swagger import Loss, to_swagger
from interopcheck.errors import ProfileError, UsageError
from interopcheck.profile.model import Profile
from interopcheck.standard.catalog import Catalog

#: What Microsoft's schema takes as ``host``: a name (or address) and a port, nothing else.
HOST = re.compile(r"[^{}/ :\\]+(?::\d+)?")
#: Where the agency's API is, until the maker says (apiDefinition's ``host`` must be a name).
PLACEHOLDER_HOST = "agency-api.example.org"


@dataclass(frozen=True)
class Connector:
    definition: dict[str, Any]
    properties: dict[str, Any]
    losses: tuple[Loss, ...]
    notes: tuple[str, ...]


def build_connector(
    profile: Profile,
    actor: str,
    catalog: Catalog,
    host: str = PLACEHOLDER_HOST,
    base_path: str = "/",
) -> Connector:
    """The two files of ``actor``'s connector; ``SetupError`` when it cannot be one."""
    from interopcheck.sandbox.openapi import openapi_document

    if profile.api is None:
        raise ProfileError(f"profile {profile.id} declares no api: no connector to make")
    if any(e.documented for e in profile.api.endpoints):
        raise ProfileError(
            f"profile {profile.id} takes its api from {profile.api.openapi}: a connector is made "
            "from a profile's own endpoints (the document itself can be imported into Power "
            "Platform, as Swagger 2.0)"
        )
    if not HOST.fullmatch(host):
        raise UsageError(f"--host {host!r}: give a host name (and :port), without a scheme or path")
    if not base_path.startswith("/"):
        raise UsageError(f"--base-path {base_path!r}: start it with /")
    document = openapi_document(profile, actor, catalog)
    definition, losses = to_swagger(document, host, base_path, known_formats())
    info = definition["info"]
    info["description"] = (
        f"{profile.title}: what {profile.actors[actor].title} receives. Made by interopcheck "
        f"{__version__} from profile {profile.id} {profile.version}."
    )
    notes: list[str] = []
    auth = profile.api.auth
    if auth == "mtls":
        notes.append("the api uses mutual TLS, which a custom connector cannot present: no auth")
    definition["securityDefinitions"] = {}
    definition.pop("security", None)
    connection: dict[str, Any] = {}
    if auth in ("bearer", "api-key"):
        header = "Authorization" if auth == "bearer" else profile.api.api_key_header
        definition["securityDefinitions"] = {
            "API Key": {"type": "apiKey", "in": "header", "name": header}
        }
        definition["security"] = [{"API Key": []}]
        said = "a bearer token, written as: Bearer TOKEN" if auth == "bearer" else "an API key"
        connection["api_key"] = {
            "type": "securestring",
            "uiDefinition": {
                "displayName": "Bearer token" if auth == "bearer" else "API key",
                "description": f"The agency's {said} ({header} header)",
                "tooltip": f"Provide {said}",
                "constraints": {"tabIndex": 2, "clearText": False, "required": "true"},
            },
        }
        if auth == "bearer":
            notes.append(
                "the bearer token is asked for as an API key: a maker types 'Bearer TOKEN'"
            )
    for operation in (op for item in definition["paths"].values() for op in item.values()):
        operation.pop("security", None)
    properties = {
        "properties": {
            "connectionParameters": connection,
            "iconBrandColor": "#007ee5",
            "capabilities": [],
            "publisher": profile.title[:60],
            "stackOwner": profile.title[:60],
        }
    }
    found = problems(definition, "apiDefinition.swagger.json")
    found += problems(properties, "apiProperties.json")
    if found:  # ours to get right: never hand a maker files the platform refuses
        raise ProfileError("the connector breaks Microsoft's schema: " + "; ".join(found[:3]))
    return Connector(definition, properties, tuple(losses), tuple(notes))
