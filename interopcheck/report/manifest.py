"""The manifest of a run: what was checked, against what, by whom, and how to run it again.

Host-independent (inputs as the user named them, no host names, no absolute paths of ours) and
free of secrets: the reproduction command is built from the options that change the result,
never from the raw command line, so a token or passphrase given any way cannot reach it.
"""

from __future__ import annotations

import hashlib
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from interopcheck.standard.catalog import Catalog


@dataclass(frozen=True)
class Supplier:
    """Who self-certifies: part of what is signed."""

    organisation: str
    product: str | None = None
    version: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"organisation": self.organisation, "product": self.product, "version": self.version}


def schema_digests(catalog: Catalog) -> list[dict[str, str]]:
    """SHA-256 of every schema file the run had, by ``$id``: what a verifier compares."""
    digests = []
    for entry in catalog.entries():
        digests.append(
            {"id": entry.uri, "sha256": hashlib.sha256(entry.path.read_bytes()).hexdigest()}
        )
    return sorted(digests, key=lambda d: d["id"])


def reproduce_command(command: str, inputs: list[str], options: dict[str, Any]) -> str:
    """``interopcheck COMMAND ...`` with the options that decide the result, quoted for a shell."""
    # probe's input is its --target, given as an option like the rest; the demo's inputs are
    # its bundled examples and the sandboxes it starts on free ports, which it finds again
    words = ["interopcheck", command, *(inputs if command not in ("probe", "demo") else [])]
    flags = {
        "target": "--target",
        "actor": "--actor",
        "maxExamples": "--max-examples",
        "maxNegatives": "--max-negatives",
        "maxFailures": "--max-failures",
        "maxTime": "--max-time",
        "seed": "--seed",
        "profile": "--profile",
        "messageType": "--type",
        "schemaFile": "--schema",
        "standardVersion": "--standard-version",
        "direction": "--direction",
        "tries": "--tries",
        "draft": "--draft",
    }
    for key, flag in flags.items():
        if options.get(key) is not None and options.get(key) != "":
            words += [flag, str(options[key])]
    # options given once per value (a string, or a list of them)
    repeated = {
        "auth": "--auth",
        "header": "--header",
        "refSchemas": "--ref-schemas",
        "refMaps": "--ref-map",
        "includeEndpoint": "--include-endpoint",
        "excludeEndpoint": "--exclude-endpoint",
        "includeCheck": "--include-check",
        "excludeCheck": "--exclude-check",
    }
    for key, flag in repeated.items():
        given = options.get(key)
        for value in [given] if isinstance(given, str) else given or ():
            words += [flag, str(value)]
    if options.get("assertFormats") is False:
        words.append("--no-assert-formats")
    if options.get("strict"):
        words.append("--strict")
    if options.get("keepVersionLabel"):
        words.append("--keep-version-label")
    fail_on = options.get("failOn") or []
    for value in [fail_on] if isinstance(fail_on, str) else fail_on:
        if value != "must":
            words += ["--fail-on", str(value)]
    return shlex.join(words)


def build_manifest(
    *,
    command: str,
    inputs: list[str],
    catalog: Catalog | None,
    profile: dict[str, str] | None,
    options: dict[str, Any],
    supplier: Supplier | None,
    signer: dict[str, str] | None,
    schemas: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """``schemas`` stands in for the catalog's digests where a run has no one catalog
    (``compat`` reads two versions)."""
    reproduce = reproduce_command(command, inputs, options)
    flat = {
        k: (", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
        for k, v in options.items()
    }
    return {
        "command": command,
        "inputs": list(inputs),
        "profile": profile,
        "schemas": schemas if schemas is not None else schema_digests(catalog) if catalog else [],
        "options": flat,
        "seed": None,
        "target": None,
        "supplier": supplier.as_dict() if supplier else None,
        "signer": signer,
        "reproduce": reproduce,
    }
