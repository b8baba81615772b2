"""``interopcheck replay REPORT.json``: send a probe's failing exchanges again, the way people
re-check a fix, and say which still fail.

A probe's exchanges are decided by its options (profile, actor, seed, ``-n``,
``--max-negatives``, the endpoints chosen), all kept in the report's manifest; planned again
with them, the same exchanges come back with the same numbers. So a replay plans again, checks
that the profile is the one the report was made with (its digest), and sends only the
exchanges the report records as failing (reads after writes excepted: what they read was made
by an earlier exchange of the same run), to the report's target or ``--target``. The result is
a probe run of those exchanges: the same report model, formats and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interopcheck.errors import ReportError, UsageError
from interopcheck.run import Run

#: Exchanges a replay cannot send on their own: they read what an earlier exchange made.
FOLLOW_UPS = frozenset({"read-back", "unknown-read"})


@dataclass(frozen=True)
class ReplayOptions:
    report: Path
    target: str | None = None
    """Where to send them (default: the report's target)."""
    auth: tuple[str, ...] | None = None
    """``--auth`` (default: the report's, which names where each secret is, never it)."""
    timeout: float = 10.0


@dataclass(frozen=True)
class Replayed:
    """What a saved probe report says to send again."""

    options: dict[str, Any]
    numbers: frozenset[int]
    """The failing exchanges' numbers."""
    follow_ups: int
    """Failing reads after writes, not sent again."""
    profile_digest: str | None


def read_failing(report: Path) -> Replayed:
    """The failing exchanges of a saved probe report; ``ReportError`` when it is none."""
    from interopcheck.report.document import load_report

    document = load_report(report)
    manifest = document.get("manifest") or {}
    if document.get("command") != "probe" or manifest.get("command") != "probe":
        raise ReportError(
            f"{report}: a report of {document.get('command')!r}, not of probe: replay sends "
            "a probe's failing exchanges again"
        )
    numbers: set[int] = set()
    follow_ups = 0
    for result in document.get("results", []):
        exchange = result.get("exchange")
        if not exchange or not result.get("findings"):
            continue
        if exchange["kind"] in FOLLOW_UPS:
            follow_ups += 1
            continue
        number = exchange.get("number")
        if not isinstance(number, int):
            raise ReportError(
                f"{report}: exchange {result.get('source')!r} has no number (a report of an "
                "older interopcheck): run the probe again"
            )
        numbers.add(number)
    profile = manifest.get("profile") or {}
    return Replayed(
        manifest.get("options") or {}, frozenset(numbers), follow_ups, profile.get("digest")
    )


def _listed(value: Any) -> tuple[str, ...]:
    """A manifest option given once per value: kept joined by ', ' (none has a comma)."""
    if value is None or value == "":
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return tuple(part for part in str(value).split(", ") if part)


def replay_run(options: ReplayOptions) -> Run:
    """Send the report's failing exchanges again; ``SetupError`` when the report is not a
    probe's, names nothing failing, or was made with another version of the profile."""
    from interopcheck.probing.pipeline import ProbeOptions, probe_run

    replayed = read_failing(options.report)
    if not replayed.numbers:
        said = (
            f" ({replayed.follow_ups} failing read(s) after writes are only sent as part of "
            "a probe)"
            if replayed.follow_ups
            else ""
        )
        raise UsageError(f"{options.report}: no failing exchange to send again{said}")
    saved = replayed.options
    if not saved.get("profile") or not saved.get("actor") or not saved.get("target"):
        raise ReportError(f"{options.report}: the manifest does not say what was probed")
    probe = ProbeOptions(
        target=options.target or str(saved["target"]),
        actor=str(saved["actor"]),
        profile=str(saved["profile"]),
        auth=options.auth if options.auth is not None else _listed(saved.get("auth")) or None,
        max_examples=int(saved.get("maxExamples", 10)),
        max_negatives=int(saved.get("maxNegatives", 500)),
        seed=int(saved.get("seed", 0)),
        timeout=options.timeout,
        shrink_budget=0,
        include_endpoints=_listed(saved.get("includeEndpoint")),
        exclude_endpoints=_listed(saved.get("excludeEndpoint")),
        include_checks=_listed(saved.get("includeCheck")),
        exclude_checks=_listed(saved.get("excludeCheck")),
        headers=_listed(saved.get("header")),
        only=replayed.numbers,
        profile_digest=replayed.profile_digest,
    )
    run = probe_run(probe)
    run.options["replayOf"] = str(options.report)
    return run
