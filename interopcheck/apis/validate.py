"""Is the API document valid OpenAPI 3.0, 3.1 or Swagger 2.0? openapi-spec-validator decides.

We do not write our own: openapi-spec-validator (python-openapi) checks the document against the
specification's schema and its rules beyond the schema (path parameters declared, unique
operation ids...). What is ours: it reads only the files we read (``apis/read.py``: the
validator's reference handlers are given the bundle, and nothing else, so it never touches the
network or a file outside the document), and its first error is located at file:line:col and
worded in one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from interopcheck.apis.read import ApiBundle
from interopcheck.errors import ApiDocumentError
from interopcheck.sources.positions import pointer_of

Version = Literal["2.0", "3.0", "3.1"]

#: Longest stretch of a validator's message kept (its messages can hold a whole schema).
MESSAGE_CHARS = 160


def version_of(bundle: ApiBundle) -> Version:
    """``2.0``, ``3.0`` or ``3.1`` from the root's ``swagger``/``openapi`` field."""
    document = bundle.document
    root = bundle.files[bundle.root]
    if not isinstance(document, dict):
        raise ApiDocumentError(
            f"{root.where('')}: an API document is an object, not a list or text"
        )
    if str(document.get("swagger", "")) == "2.0":
        return "2.0"
    declared = str(document.get("openapi", ""))
    if declared.startswith("3.0"):
        return "3.0"
    if declared.startswith("3.1"):
        return "3.1"
    shown = declared or document.get("swagger")
    raise ApiDocumentError(
        f"{root.where('')}: not an OpenAPI 3.0, 3.1 or Swagger 2.0 document "
        f"({'openapi: ' + repr(shown) if shown else 'no openapi or swagger field'})"
    )


def validate_bundle(bundle: ApiBundle) -> tuple[Version, list[str]]:
    """The document's version and what is only worth a note; ``ApiDocumentError`` at the
    first place the validator refuses. A ``format`` the validator does not recognise in a
    value (a contact ``email`` holding two addresses) is a note, not a refusal: formats are
    annotations, and such a document is still a usable description of the API."""
    from jsonschema_path import SchemaPath
    from openapi_spec_validator.validation import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
    )

    version = version_of(bundle)
    validator_class = {
        "2.0": OpenAPIV2SpecValidator,
        "3.0": OpenAPIV30SpecValidator,
        "3.1": OpenAPIV31SpecValidator,
    }[version]
    handler = _BundleHandler(bundle)
    handlers = {"file": handler, "http": handler, "https": handler, "<all_urls>": handler}
    schema_path = SchemaPath.from_dict(
        bundle.document, base_uri=bundle.root.as_uri(), handlers=handlers
    )
    notes: list[str] = []
    try:
        for error in validator_class(schema_path).iter_errors():
            if _keyword(error) == "format":
                notes.append(_located(bundle, error))
                continue
            raise ApiDocumentError(_located(bundle, error))
    except ApiDocumentError:
        raise
    except Exception as exc:  # the validator fails on what it cannot resolve: say where
        raise ApiDocumentError(
            f"{bundle.files[bundle.root].where('')}: the document could not be checked: "
            f"{_one_line(str(exc))}"
        ) from None
    return version, notes


class _BundleHandler:
    """The validator's reference handler: a file of the bundle, or an error (never a fetch)."""

    def __init__(self, bundle: ApiBundle) -> None:
        self.bundle = bundle

    def __call__(self, uri: str) -> Any:
        found = self.bundle.file_of(uri)
        if found is None:
            raise ApiDocumentError(
                f"{self.bundle.root}: a $ref names {uri}, which is not a file of this document "
                "(interopcheck never fetches)"
            )
        return found.value


def _located(bundle: ApiBundle, error: Any) -> str:
    """``file:line:col: what is wrong`` for a validator's error."""
    path = list(getattr(error, "absolute_path", []) or [])
    pointer = pointer_of(path)
    root = bundle.files[bundle.root]
    in_root = bool(path) and _exists(bundle.document, path)
    where = root.where(pointer) if in_root else root.where("")
    if in_root:
        at = f" (at {pointer})"
    elif path:
        # the validator checked a part it reached by $ref (another file, a component) or an
        # example against its schema: the path is within that part, which it does not name;
        # the part is found where that path leads to the very value it judged
        found = _part_holding(bundle, path, getattr(error, "instance", None))
        if found is not None:
            file, inner = found
            where = bundle.files[file].where(inner)
            at = f" (at {inner}, in a part reached by $ref)"
        else:
            at = f" (in a part reached by $ref, or an example or default value, at {pointer})"
    else:
        at = ""
    wording = _wording(_best(error))
    if _keyword(error) in ("oneOf", "anyOf") and in_root:
        nearest = _nearest(bundle, path)
        if nearest is not None:
            deeper, said = nearest
            where = root.where(pointer_of(deeper))
            wording += f" (the nearest fails at {pointer_of(deeper)}: {said})"
    return f"{where}: not valid {_name(bundle)}{at}: {wording}"


def _part_holding(bundle: ApiBundle, path: list[Any], instance: Any) -> tuple[Path, str] | None:
    """The file and pointer of the first place (other files first, in order) where ``path``
    leads to ``instance``: where a part the validator reached by ``$ref`` went wrong."""
    from interopcheck.sources.walk import walk

    files = sorted(bundle.files.values(), key=lambda f: (f.path == bundle.root, str(f.path)))
    for file in files:
        for at, node in walk(file.value):
            if isinstance(node, (dict, list)) and _exists(node, path):
                value = node
                for step in path:
                    value = value[step]
                if value == instance:
                    return file.path, pointer_of([*at, *path])
    return None


def _nearest(bundle: ApiBundle, path: list[Any]) -> tuple[list[Any], str] | None:
    """Below a place that matches none of the allowed forms, the deepest failure of the form
    it comes nearest to (python-jsonschema's ``best_match`` over the specification's own
    schema): where a person should look. Only the wording and place; the verdict stays
    openapi-spec-validator's."""
    import jsonschema
    import openapi_spec_validator.schemas as specification
    from jsonschema.exceptions import best_match

    schema = {
        "2.0": specification.schema_v2,
        "3.0": specification.schema_v30,
        "3.1": specification.schema_v31,
    }[version_of(bundle)]
    checker = jsonschema.validators.validator_for(schema)(schema)
    here = [
        e
        for e in checker.iter_errors(bundle.document)
        if list(e.absolute_path)[: len(path)] == path
    ]
    best = best_match(here)
    if best is None or len(best.absolute_path) <= len(path):
        return None
    return list(best.absolute_path), _wording(best)


def _best(error: Any) -> Any:
    """The most specific cause of an ``anyOf``/``oneOf`` failure, as jsonschema judges it:
    errors on a part reached by ``$ref`` carry their causes (those on the root document do
    not, and ``_nearest`` finds theirs)."""
    context = list(getattr(error, "context", None) or [])
    if not context:
        return error
    from jsonschema.exceptions import best_match

    return best_match(context) or error


def _keyword(error: Any) -> str | None:
    """The schema keyword that failed (openapi-spec-validator's errors keep only its path)."""
    schema_path = list(getattr(error, "relative_schema_path", None) or [])
    return str(schema_path[-1]) if schema_path else None


def _exists(document: Any, path: list[Any]) -> bool:
    node = document
    for step in path:
        if (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        ):
            node = node[step]
        else:
            return False
    return True


def _wording(error: Any) -> str:
    """One line: what is wrong, without quoting back the whole value that is wrong."""
    kind = _keyword(error)
    if kind in ("oneOf", "anyOf"):
        return "matches none of the forms the specification allows here"
    message = str(error.message).split("\n\n")[0]
    instance = getattr(error, "instance", None)
    if isinstance(instance, (dict, list)):
        rendered = json.dumps(instance, ensure_ascii=False, default=str)
        message = message.replace(rendered, "the value")
    return _one_line(message)


def _name(bundle: ApiBundle) -> str:
    document = bundle.document
    return "Swagger 2.0" if "swagger" in document else f"OpenAPI {document.get('openapi')}"


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > MESSAGE_CHARS:
        flat = flat[: MESSAGE_CHARS - 1] + "…"
    return flat
