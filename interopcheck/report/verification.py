"""Verifying a signed report: the signature over its bytes, the signer it names, and the
digests of the profile and schemas it records against the ones available here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from interopcheck.errors import SetupError
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
    ref_schemas: list[Path],
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
    _check_profile(outcome, manifest.get("profile"), profile)
    _check_schemas(outcome, manifest.get("schemas") or [], ref_schemas, schema_file)
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
) -> None:
    if recorded is None:
        return
    from interopcheck.profile.loader import load_profile

    name = given or recorded["id"]
    try:
        profile = load_profile(name)
    except SetupError as exc:
        outcome.fail(
            f"profile {recorded['id']} {recorded['version']} is not available here "
            f"({exc.message}); give it with --profile FILE"
        )
        return
    if profile.digest != recorded["digest"]:
        outcome.fail(
            f"profile {profile.id} {profile.version} here has digest {profile.digest[:16]}…, "
            f"the report was made with {recorded['digest'][:16]}… (the profile changed)"
        )
    else:
        outcome.ok(f"profile {profile.id} {profile.version} has the digest the report records")


def _check_schemas(
    outcome: Verification,
    recorded: list[dict[str, str]],
    ref_schemas: list[Path],
    schema_file: Path | None,
) -> None:
    from interopcheck.standard.catalog import Catalog

    catalog = Catalog.bundled(ref_schemas)
    if schema_file is not None:
        catalog.add_user_schema(schema_file)
    here = {e.uri: e.path for e in catalog.entries()}
    changed = 0
    for entry in recorded:
        path = here.get(entry["id"])
        if path is None:
            outcome.fail(f"schema {entry['id']} is not available here (give it with --ref-schemas)")
            changed += 1
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != entry["sha256"]:
            outcome.fail(f"schema {entry['id']} ({path}) has changed since the run")
            changed += 1
    if recorded and not changed:
        outcome.ok(f"all {len(recorded)} schemas have the digests the report records")
