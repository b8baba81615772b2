"""The run summary of a probe: the profile's http requirements for the actors probed."""

from __future__ import annotations

from interopcheck import __version__
from interopcheck.profile.model import Profile
from interopcheck.results import RunSummary
from interopcheck.validation import describe_profile, now_iso


def probe_summary(profile: Profile, actors: list[str], strict: bool) -> RunSummary:
    """A summary whose requirements are the http ones binding these actors' endpoints (the
    payload and journey requirements are another command's business, not untested here)."""
    summary = RunSummary(tool_version=__version__, started_at=now_iso(), subject="exchange")
    describe_profile(summary, profile, strict, actors[0] if len(actors) == 1 else None)
    summary.requirements = {
        rid: tally
        for rid, tally in summary.requirements.items()
        if tally.kind.startswith("http:") and set(tally.actors) & set(actors)
    }
    return summary
