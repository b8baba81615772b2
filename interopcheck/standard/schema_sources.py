"""How a run's own schemas are read: which draft a schema without ``$schema`` is in, whether
``format`` is asserted, and where a ``$ref`` to a URI that no file declares is found.

Plain, picklable values (a worker process rebuilds its catalog from them). Imports nothing of
ours but the errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from interopcheck.errors import SchemaError, UsageError


class Draft(str, Enum):
    """The JSON Schema drafts interopcheck reads, by the name people give them."""

    DRAFT4 = "4"
    DRAFT6 = "6"
    DRAFT7 = "7"
    DRAFT2019_09 = "2019-09"
    DRAFT2020_12 = "2020-12"

    @property
    def meta_schema(self) -> str:
        """The ``$schema`` value that names this draft."""
        return {
            Draft.DRAFT4: "http://json-schema.org/draft-04/schema#",
            Draft.DRAFT6: "http://json-schema.org/draft-06/schema#",
            Draft.DRAFT7: "http://json-schema.org/draft-07/schema#",
            Draft.DRAFT2019_09: "https://json-schema.org/draft/2019-09/schema",
            Draft.DRAFT2020_12: "https://json-schema.org/draft/2020-12/schema",
        }[self]


@dataclass(frozen=True)
class RefMap:
    """``--ref-map URI=PATH``: a ``$ref`` to ``uri`` is the file at ``path``; a ``uri`` that
    ends in ``/`` is a prefix, and the rest of the reference is a path under the folder."""

    uri: str
    path: Path

    @property
    def is_prefix(self) -> bool:
        return self.uri.endswith("/")

    def file_for(self, target: str) -> Path | None:
        """The file ``target`` (a URI without fragment) maps to, or None if it is not this
        map's. A prefix never reaches outside its folder (``..`` is refused)."""
        if not self.is_prefix:
            return self.path if target == self.uri else None
        if not target.startswith(self.uri):
            return None
        rest = target[len(self.uri) :]
        if not rest or any(part in {"", ".", ".."} for part in rest.split("/")):
            raise SchemaError(
                f"$ref {target}: maps (--ref-map {self.uri}={self.path}) to {rest or 'nothing'!r}, "
                "which is not a file path inside the folder"
            )
        return self.path.joinpath(*rest.split("/"))


def parse_ref_map(text: str) -> RefMap:
    """``URI=PATH`` as typed on the command line or in the configuration file."""
    uri, sep, path = text.partition("=")
    uri, path = uri.strip(), path.strip()
    if not sep or not uri or not path or ":" not in uri:
        raise UsageError(
            f"--ref-map {text!r}: give URI=PATH, e.g. "
            "http://justice.gov.uk/=schemas/global/ (a URI ending in / maps a prefix to a folder)"
        )
    folder = Path(path)
    if uri.endswith("/") and not folder.is_dir():
        raise UsageError(f"--ref-map {text}: {path} is not a folder (a prefix maps to one)")
    if not uri.endswith("/") and not folder.is_file():
        raise UsageError(f"--ref-map {text}: {path} is not a file")
    return RefMap(uri, folder)


@dataclass(frozen=True)
class SchemaSources:
    """Where a run's schemas beyond the bundled standard's come from, and how they are read."""

    ref_schemas: tuple[Path, ...] = ()
    """Files or folders whose schemas ``$ref`` may name (by ``$id``, or by file)."""
    ref_maps: tuple[RefMap, ...] = ()
    draft: Draft | None = None
    """The draft of a schema that has no ``$schema`` (None: 2020-12, as jsonschema-rs reads it)."""
    assert_formats: bool = True
    """``format`` is an assertion (the default: an exchange's identifiers and dates are
    formats); False reads it as an annotation, as the drafts since 2019-09 do by default."""

    def record(self) -> dict[str, Any]:
        """As a run's options record them (and its reproduction command reads them back)."""
        return {
            "refSchemas": [str(p) for p in self.ref_schemas],
            "refMaps": [f"{m.uri}={m.path}" for m in self.ref_maps],
            "draft": None if self.draft is None else self.draft.value,
            "assertFormats": self.assert_formats,
        }
