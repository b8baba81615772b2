"""Microsoft's published JSON Schemas for a custom connector's two files, bundled in
``interopcheck/data/powerplatform`` (MIT; see SOURCE.md there), and the check against them.

python-jsonschema, not jsonschema-rs: Microsoft's schema names definitions such as
``x-ms-api-annotation<info>``, which jsonschema-rs refuses as a URI reference.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Literal

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "powerplatform"
ConnectorFile = Literal["apiDefinition.swagger.json", "apiProperties.json"]
SCHEMA_OF: dict[ConnectorFile, str] = {
    "apiDefinition.swagger.json": "apiDefinition.swagger.schema.json",
    "apiProperties.json": "paconn-apiProperties.schema.json",
}


@functools.cache
def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return loaded


def known_formats() -> frozenset[str]:
    """The string formats a connector's schemas may name."""
    return frozenset(
        _schema(SCHEMA_OF["apiDefinition.swagger.json"])["definitions"]["format"]["enum"]
    )


def problems(document: Any, file: ConnectorFile) -> list[str]:
    """Where ``document`` breaks Microsoft's schema for ``file``: one line each, at most ten."""
    import jsonschema

    schema = _schema(SCHEMA_OF[file])
    validator = jsonschema.validators.validator_for(schema)(schema)
    found = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))[:10]:
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        found.append(f"{file} at {where}: {error.message[:200]}")
    return found


def schema_path(file: ConnectorFile) -> Path:
    return SCHEMAS / SCHEMA_OF[file]
