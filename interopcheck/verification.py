"""Verifying a signed report: the signature over its bytes, the signer it names, and the
digests of the profile and schemas it records against the ones available here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interopcheck.errors import SetupError
from interopcheck.standard.schema_sources import SchemaSources

if TYPE_CHECKING:
    from interopcheck.profile.model import Profile
from interopcheck.report.signing import (
    _read,
    check_signature,
    fingerprint,
    load_public_key,
    signature_path,
)


@dataclass
class Verification:
    verified: bool = True
    lines: list[str] = field(default_factory=list)

    def fail(self, reason: str) -> None:
        self.verified = False
        self.lines.append(f"FAILED: {reason}")

    def ok(self, what: str) -> None:
        self.lines.append(f"ok: {what}")


def verify_report(
    report: Path,
    public_key_path: Path,
    signature: Path | None,
    profile: str | None,
    ref_schemas: list[Path] | SchemaSources,
    schema_file: Path | None,
) -> Verification:
    """Every check a verifier needs, each with its reason; setup problems raise ``SetupError``."""
    key = load_public_key(public_key_path)
    data = _read(report, "report")
    outcome = Verification()
    sig_path = signature or signature_path(report)
    if not sig_path.exists():
        outcome.fail(f"no signature: {sig_path} does not exist")
        return _close(outcome)
    check = check_signature(data, _read(sig_path, "signature"), key)
    if not check.ok:
        outcome.fail(check.reason)
        return _close(outcome)
    outcome.ok(f"every byte of {report} is as {check.reason.removeprefix('signed by ')} signed it")
    try:
        document = json.loads(data)
        manifest = document["manifest"]
    except (ValueError, KeyError, TypeError):
        outcome.fail("the signed file is not an interopcheck report with a manifest")
        return _close(outcome)
    # A signature says who vouches for the bytes, not that they make sense: a report re-signed
    # after editing must still be a report, and agree with itself, before it is VERIFIED.
    for problem in consistency_problems(document):
        outcome.fail(problem)
    signer = (manifest.get("signer") or {}).get("keyFingerprint")
    if signer != fingerprint(key):
        outcome.fail(f"the report names signer {signer!r}, not the key given")
    supplier = manifest.get("supplier")
    if supplier:
        who = " ".join(
            v
            for v in (supplier["organisation"], supplier.get("product"), supplier.get("version"))
            if v
        )
        outcome.ok(f"self-certification by {who}")
    loaded = _check_profile(outcome, manifest.get("profile"), profile)
    _check_schemas(outcome, manifest.get("schemas") or [], ref_schemas, schema_file, loaded)
    from interopcheck.formats.text import untested_words, verdict_of

    verdict = verdict_of(document).words
    untested = untested_words(document)
    outcome.lines.append(
        f"the report's verdict: {verdict}" + (f" ({untested})" if untested else "")
    )
    return _close(outcome)


def _close(outcome: Verification) -> Verification:
    outcome.lines.append("VERIFIED" if outcome.verified else "NOT VERIFIED")
    return outcome


def _check_profile(
    outcome: Verification, recorded: dict[str, str] | None, given: str | None
) -> Profile | None:
    """The profile here, when its digest is the one recorded. Without ``--profile`` only a
    bundled profile is looked up by the id the report records: a report never names a file
    that is then read."""
    if recorded is None:
        return None
    from interopcheck.profile.loader import bundled_profiles, load_profile

    name = given or recorded["id"]
    if given is None and name not in bundled_profiles():
        outcome.fail(
            f"profile {str(recorded['id'])[:60]!r} is not a bundled profile: give the profile "
            "the run used with --profile FILE"
        )
        return None
    try:
        profile = load_profile(name)
    except SetupError as exc:
        outcome.fail(
            f"profile {recorded['id']} {recorded['version']} is not available here "
            f"({exc.message}); give it with --profile FILE"
        )
        return None
    if profile.digest != recorded["digest"]:
        outcome.fail(
            f"profile {profile.id} {profile.version} here has digest {profile.digest[:16]}…, "
            f"the report was made with {recorded['digest'][:16]}… (the profile changed)"
        )
        return None
    outcome.ok(f"profile {profile.id} {profile.version} has the digest the report records")
    return profile


def _check_schemas(
    outcome: Verification,
    recorded: list[dict[str, str]],
    ref_schemas: list[Path] | SchemaSources,
    schema_file: Path | None,
    profile: Profile | None,
) -> None:
    from interopcheck.standard.catalog import Catalog

    catalog = Catalog.bundled(
        ref_schemas if isinstance(ref_schemas, SchemaSources) else tuple(ref_schemas)
    )
    if schema_file is not None:
        catalog.add_user_schema(schema_file)
    if profile is not None and profile.api is not None and profile.api.schemas:
        catalog.add_entries(profile.api.schemas)  # an OpenAPI-sourced profile's own schemas
    here = {e.uri: e.path for e in catalog.entries()}
    changed = 0
    for entry in recorded:
        path = here.get(entry["id"])
        if path is None:
            outcome.fail(
                f"schema {entry['id']} is not available here "
                "(give it with --ref-schemas or --ref-map)"
            )
            changed += 1
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != entry["sha256"]:
            outcome.fail(f"schema {entry['id']} ({path}) has changed since the run")
            changed += 1
    if recorded and not changed:
        outcome.ok(f"all {len(recorded)} schemas have the digests the report records")


def consistency_problems(document: dict[str, Any]) -> list[str]:
    """Ways a report contradicts its schema or itself (empty: none). Checked before a report
    is called VERIFIED: a re-signed, edited report must still agree with itself."""
    import jsonschema_rs

    from interopcheck.report.document import REPORT_SCHEMA_PATH

    validator = jsonschema_rs.validator_for(json.loads(REPORT_SCHEMA_PATH.read_text()))
    errors = list(validator.iter_errors(document))
    if errors:
        first = errors[0]
        where = "/" + "/".join(str(step) for step in first.instance_path)
        return [f"the report does not match the report schema at {where}: {first.message[:200]}"]
    problems = []
    manifest = document["manifest"]
    verdict = document.get("verdict")
    if verdict is not None and document["conformant"] != (verdict == "conformant"):
        problems.append(f"the report says conformant {document['conformant']} beside {verdict}")
    if not manifest.get("schemas"):
        problems.append("the manifest records no schemas: nothing to check the standard against")
    body_profile = document.get("profile")
    recorded = manifest.get("profile")
    if body_profile is not None and document.get("command") != "compat":
        if recorded is None:
            problems.append("the manifest records no profile, though the report was made with one")
        elif any(recorded.get(k) != body_profile.get(k) for k in ("id", "version", "digest")):
            problems.append("the manifest and the report name different profiles")
    requirements = document.get("requirements") or []
    if body_profile is not None and document.get("command") != "compat":
        deciding = set(document.get("deciding") or [])
        scope = document.get("scope")
        in_scope = [
            r
            for r in requirements
            if r["level"] in deciding and (not scope or scope in r["actors"])
        ]
        failing = [r["id"] for r in in_scope if r["outcome"] in ("failed", "error")]
        untested = [r["id"] for r in in_scope if r["outcome"] == "untested"]
        if verdict == "conformant" and (failing or untested):
            how = "failed" if failing else "were not tested"
            problems.append(
                f"the report says CONFORMANT beside deciding requirements that {how}: "
                f"{', '.join((failing or untested)[:8])}"
            )
        if verdict == "incomplete" and failing:
            problems.append(f"the report says INCOMPLETE beside failed {', '.join(failing[:8])}")
        if sorted(document.get("untestedDeciding") or []) != sorted(untested):
            problems.append("untestedDeciding does not list the untested deciding requirements")
    results = document.get("results") or []
    invalid = sum(1 for r in results if r.get("findings"))
    if document.get("resultsShown", "all") == "all" and invalid != document["summary"]["invalid"]:
        problems.append(
            f"the summary counts {document['summary']['invalid']} results with findings, "
            f"the report holds {invalid}"
        )
    if document["conformant"] and any(
        f.get("requirement") is None and f.get("check") != "compat"
        for r in results
        for f in r.get("findings", [])
    ):
        problems.append("the report says conformant beside findings no requirement owns")
    return problems
