"""The ``generate`` pipeline: choose the schema, generate, write the cases and their manifest."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from interopcheck import __version__
from interopcheck.errors import OutputError, UsageError
from interopcheck.generation.cases import Case, CaseGenerator, Generation
from interopcheck.standard.schema_sources import SchemaSources
from interopcheck.validation import ValidationSpec, build_checker


@dataclass(frozen=True)
class GenerateRequest:
    message_type: str | None
    schema_file: Path | None
    profile: str | None
    count: int
    invalid: bool
    target: str | None
    seed: int
    version: str | None = None
    journey: bool = False
    sources: SchemaSources = field(default_factory=SchemaSources)
    """Where what the schema's ``$ref``s reach is found (never fetched), its draft."""


def generate(request: GenerateRequest) -> tuple[Generation, dict[str, Any]]:
    """The cases and the manifest that describes them; ``SetupError`` if it cannot start."""
    if request.journey:
        return _journeys(request)
    if (request.message_type is None) == (request.schema_file is None):
        raise UsageError("give --type or --schema (what to generate)")
    if request.target is not None and request.profile is None:
        raise UsageError("--break needs --profile (requirements are a profile's)")
    checker = build_checker(
        ValidationSpec(
            schema_file=request.schema_file,
            message_type=request.message_type,
            version=request.version,
            profile=request.profile,
            sources=request.sources,
        )
    )
    entry = checker.selection.fixed
    assert entry is not None
    message_type = entry.message_type or entry.name
    if request.target is not None:
        assert checker.rules is not None
        requirement = checker.rules.profile.requirement(request.target)
        if requirement is None:
            raise UsageError(f"--break {request.target}: no such requirement in the profile")
        if requirement.is_journey or message_type not in requirement.message_types():
            applies = ", ".join(sorted(requirement.message_types())) or "journeys"
            raise UsageError(
                f"--break {request.target}: it applies to {applies}, not to {message_type}"
            )
    generator = CaseGenerator(checker, entry, request.seed)
    invalid = request.invalid or request.target is not None
    generation = (
        generator.invalid(request.count, request.target)
        if invalid
        else generator.valid(request.count)
    )
    manifest = {
        "tool": {"name": "interopcheck", "version": __version__},
        "seed": request.seed,
        "messageType": message_type,
        "schema": entry.uri,
        "profile": checker.rules.profile.id if checker.rules is not None else None,
        "requested": request.count,
        "generated": len(generation.cases),
        "kind": "invalid" if invalid else "valid",
        "break": request.target,
        "tried": generation.tried,
        "rejected": generation.rejected,
        "limitations": [str(limitation) for limitation in generation.limitations],
        "stopped": generation.stopped,
        "cases": [],
    }
    return generation, manifest


def _journeys(request: GenerateRequest) -> tuple[Generation, dict[str, Any]]:
    from interopcheck.generation.journey import JourneyGenerator

    if request.message_type is not None or request.schema_file is not None:
        raise UsageError("--journey makes every message type of the profile: drop --type/--schema")
    if request.invalid or request.target is not None:
        raise UsageError("--journey makes conforming journeys: drop --invalid/--break")
    if request.profile is None:
        raise UsageError("--journey needs --profile (journeys are defined by a profile)")
    checker = build_checker(ValidationSpec(profile=request.profile, version=request.version))
    generator = JourneyGenerator(checker, request.seed)
    generation = generator.journeys(request.count)
    manifest = {
        "tool": {"name": "interopcheck", "version": __version__},
        "seed": request.seed,
        "messageType": None,
        "messageTypes": list(generator.generators),
        "schema": None,
        "profile": generator.profile.id,
        "requested": request.count,
        "generated": len(generation.cases),
        "kind": "journey",
        "break": None,
        "tried": generation.tried,
        "rejected": generation.rejected,
        "limitations": sorted(
            {str(x) for g in generator.generators.values() for x in g.builder.limitations}
        ),
        "stopped": generation.stopped,
        "cases": [],
    }
    return generation, manifest


def case_name(message_type: str, number: int, case: Case) -> str:
    if case.valid:
        return f"{message_type}-valid-{number:04d}.json"
    breaks = case.breaks or {}
    parts = [breaks.get("requirement"), breaks.get("mutation")]
    what = "-".join(p for p in parts if p) or "invalid"
    return f"{message_type}-invalid-{number:04d}-{what}.json"


def write_cases(directory: Path, generation: Generation, manifest: dict[str, Any]) -> None:
    """One file per case and the manifest (``interopcheck-manifest.json``, which a directory
    walk skips), each written whole or not at all."""
    from interopcheck.output import open_output
    from interopcheck.sources.payloads import GENERATOR_MANIFEST

    if directory.exists() and not directory.is_dir():
        raise OutputError(f"{directory}: --output-dir is not a directory")
    if manifest["kind"] == "journey":
        for number, case in enumerate(generation.cases, start=1):
            files = []
            for position, (message_type, message) in enumerate(
                zip(manifest["messageTypes"], case.value, strict=True), start=1
            ):
                name = f"journey-{number:04d}/{position:02d}-{message_type}.json"
                with open_output(directory / name) as out:
                    out.write(json.dumps(message, ensure_ascii=False, indent=2) + "\n")
                files.append(name)
            manifest["cases"].append({"files": files, "valid": True, "breaks": None})
        with open_output(directory / GENERATOR_MANIFEST) as out:
            out.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        return
    for number, case in enumerate(generation.cases, start=1):
        name = case_name(manifest["messageType"], number, case)
        with open_output(directory / name) as out:
            out.write(case.text())
        manifest["cases"].append({"file": name, "valid": case.valid, "breaks": case.breaks})
    with open_output(directory / GENERATOR_MANIFEST) as out:
        out.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def write_lines(out: TextIO, generation: Generation, manifest: dict[str, Any]) -> None:
    """Every message as one line of JSON (a journey's messages one after another)."""
    journeys = manifest["kind"] == "journey"
    for case in generation.cases:
        for message in case.value if journeys else [case.value]:
            out.write(json.dumps(message, ensure_ascii=False) + "\n")


def random_seed() -> int:
    return int.from_bytes(os.urandom(4), "big")
