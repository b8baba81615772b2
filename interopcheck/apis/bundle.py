"""An API document of several files as one: each part another file holds, that a ``$ref``
names, is copied under the root's ``components`` (a schema under ``schemas``, a response
under ``responses``, ... as where it is used says) and referred to there; a path item, which
3.0 has no component for, is written in place. A reader who has only this one document (a
gateway, Power Platform, the sandbox's ``/openapi.json``) then has everything, and each part is
referred to as its author referred to it, so the document is valid where the author's was.
References within the root file stay as written.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

from interopcheck.apis.read import ApiBundle
from interopcheck.sources.positions import escape_pointer_token

#: The last key of where a reference is used -> the components section it belongs in.
SECTION_OF_KEY = {
    "responses": "responses",
    "parameters": "parameters",
    "headers": "headers",
    "examples": "examples",
    "links": "links",
    "callbacks": "callbacks",
    "securitySchemes": "securitySchemes",
    "requestBodies": "requestBodies",
}
Where = tuple[str | int, ...]


def bundled(bundle: ApiBundle) -> dict[str, Any]:
    """The bundle's root document with every other file's parts in its ``components``."""
    root = bundle.root
    document: dict[str, Any] = copy.deepcopy(bundle.document)
    components: dict[str, Any] = document.setdefault("components", {})
    named: dict[tuple[Path, str, str], str] = {}

    def section(where: Where) -> str | None:
        if any(isinstance(k, str) and k.startswith("x-") for k in where):
            return None  # inside an extension a $ref is the extension's: written in place
        if "schema" in where or where[:2] == ("components", "schemas") or "items" in where:
            return "schemas"
        if len(where) == 2 and where[0] == "paths":
            return None  # a path item: written in place
        if where and where[-1] == "requestBody":
            return "requestBodies"
        for key in reversed(where[:-1]):
            if isinstance(key, str):
                return SECTION_OF_KEY.get(key, "schemas")
        return "schemas"

    def name_for(file: Path, fragment: str, kind: str) -> str:
        tokens = [t for t in unquote(fragment).split("/") if t]
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", file.stem)
        base = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{stem}_{tokens[-1]}" if tokens else stem)
        taken = set((components.get(kind) or {}).keys())
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        return name

    def inline(node: Any, file: Path, where: Where) -> Any:
        if isinstance(node, list):
            return [inline(item, file, (*where, i)) for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and (file != root or not ref.startswith("#")):
            found, target = bundle.part(file, ref)
            fragment = urldefrag(ref)[1]
            siblings = {k: inline(v, file, (*where, k)) for k, v in node.items() if k != "$ref"}
            kind = section(where)
            own = re.match(r"/components/([A-Za-z]+)/", unquote(fragment))
            if kind is not None and own is not None:
                kind = own.group(1)  # where its author keeps it, as its author refers to it
            if target == root and kind is not None:  # back into the root file: as written
                return {**siblings, "$ref": "#" + fragment}
            if kind is None or (kind != "schemas" and set(siblings) - {"summary", "description"}):
                # a path item (no component for it), an extension's part, or a reference with
                # more beside it than a reference may have: written in place
                written = inline(copy.deepcopy(found), target, where)
                return {**written, **siblings} if isinstance(written, dict) else written
            key = (target, fragment, kind)
            if key not in named:
                named[key] = name_for(target, fragment, kind)
                place = components.setdefault(kind, {})
                place[named[key]] = {}  # taken before it is filled: a cycle refers to it
                place[named[key]] = inline(
                    copy.deepcopy(found), target, ("components", kind, named[key])
                )
            pointer = f"#/components/{kind}/{escape_pointer_token(named[key])}"
            return {**siblings, "$ref": pointer}
        return {key: inline(value, file, (*where, key)) for key, value in node.items()}

    for key in list(document):
        if key != "components":
            document[key] = inline(document[key], root, (key,))
    for kind in list(components):
        for name in list(components[kind] or {}):
            if (kind, name) not in {(k, n) for (_, _, k), n in named.items()}:
                components[kind][name] = inline(
                    components[kind][name], root, ("components", kind, name)
                )
    if not components:
        del document["components"]
    return document
