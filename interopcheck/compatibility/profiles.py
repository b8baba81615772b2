"""Two versions of a profile: requirements added, removed, re-levelled or re-checked, and what
that means for a system certified against the old one (backward) or the new one (forward).

Backward: does conforming to OLD still mean conforming to NEW? Not when a deciding (MUST)
requirement was added or a requirement raised to a deciding level. Forward: does conforming to
NEW mean conforming to OLD? Not when a deciding requirement was removed or lowered. A changed
check on a deciding requirement may be tighter or looser: "unknown", never "yes".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interopcheck.compatibility.api_messages import MessageVerdicts
from interopcheck.profile.checks import as_mapping
from interopcheck.profile.loader import PROFILE_SUFFIXES, bundled_profiles
from interopcheck.profile.model import Profile, Requirement
from interopcheck.results import ComparisonRecord


@dataclass(frozen=True)
class RequirementChange:
    id: str
    change: str
    """``added``, ``removed``, ``level`` or ``check``."""
    old_level: str | None
    new_level: str | None
    text: str


@dataclass(frozen=True)
class ProfileVerdict:
    verdict: str
    reasons: tuple[str, ...]


def is_profile(given: str) -> bool:
    return Path(given).suffix in PROFILE_SUFFIXES or given in bundled_profiles()


def requirement_changes(old: Profile, new: Profile) -> list[RequirementChange]:
    before = {r.id: r for r in old.requirements}
    after = {r.id: r for r in new.requirements}
    changes = []
    for rid in sorted(set(before) | set(after)):
        a, b = before.get(rid), after.get(rid)
        if a is None and b is not None:
            changes.append(RequirementChange(rid, "added", None, b.level, b.text))
        elif b is None and a is not None:
            changes.append(RequirementChange(rid, "removed", a.level, None, a.text))
        elif a is not None and b is not None:
            if a.level != b.level:
                changes.append(RequirementChange(rid, "level", a.level, b.level, b.text))
            if _check(a) != _check(b):
                changes.append(RequirementChange(rid, "check", a.level, b.level, b.text))
    return changes


def _check(requirement: Requirement) -> str:
    return json.dumps(as_mapping(requirement.check), sort_keys=True)


def verdicts(
    changes: list[RequirementChange],
    deciding: tuple[str, ...],
    messages: MessageVerdicts | None = None,
) -> dict[str, ProfileVerdict]:
    """Each direction's verdict from the requirement changes and, for profiles sourced from
    API documents, from their message schemas (``messages``): "yes" only when neither the
    requirements nor any message schema breaks it, and every message schema is proved."""

    def decides(level: str | None) -> bool:
        return level in deciding

    backward: list[str] = []
    forward: list[str] = []
    unsure: list[str] = []
    for c in changes:
        if c.change == "added" and decides(c.new_level):
            backward.append(f"{c.id} added at {c.new_level}")
        elif c.change == "removed" and decides(c.old_level):
            forward.append(f"{c.id} removed (was {c.old_level})")
        elif c.change == "level" and decides(c.new_level) and not decides(c.old_level):
            backward.append(f"{c.id} raised {c.old_level} → {c.new_level}")
        elif c.change == "level" and decides(c.old_level) and not decides(c.new_level):
            forward.append(f"{c.id} lowered {c.old_level} → {c.new_level}")
        elif c.change == "check" and (decides(c.old_level) or decides(c.new_level)):
            unsure.append(f"{c.id} checks something else now")

    messages = messages or MessageVerdicts()

    def judge(name: str, broken: list[str]) -> ProfileVerdict:
        broken = broken + messages.broken.get(name, [])
        if broken:
            return ProfileVerdict("no", tuple(broken))
        undecided = unsure + messages.unsure.get(name, [])
        if undecided:
            return ProfileVerdict("unknown", tuple(undecided))
        return ProfileVerdict("yes", ())

    return {"backward": judge("backward", backward), "forward": judge("forward", forward)}


def write_console(
    out: Any,
    old: Profile,
    new: Profile,
    changes: list[RequirementChange],
    judged: dict[str, ProfileVerdict],
) -> None:
    from rich.markup import escape
    from rich.table import Table

    from interopcheck.compatibility.report import console_for

    console = console_for(out)
    title = f"{old.id} {old.version} → {new.id} {new.version}: requirements"
    table = Table(title=escape(title), show_edge=False, header_style="bold")
    for column, width in (("id", 7), ("change", 7), ("old", 6), ("new", 6)):
        table.add_column(column, no_wrap=True, min_width=width)
    table.add_column("requirement", overflow="ellipsis", no_wrap=True)
    for c in changes:
        table.add_row(
            escape(c.id), c.change, c.old_level or "-", c.new_level or "-", escape(c.text)
        )
    console.print(table if changes else "No requirement added, removed or changed.")
    for name, verdict in judged.items():
        reasons = "; ".join(verdict.reasons)
        console.print(f"{name}: {verdict.verdict}" + (f" ({escape(reasons)})" if reasons else ""))


PROFILE_MEANING = {
    "backward": "a system conforming to OLD still conforms to NEW",
    "forward": "a system conforming to NEW also conforms to OLD",
}


def profile_files(profile: Profile) -> list[Path]:
    """The profile's own file, then each file it extends, nearest first."""
    from interopcheck.errors import SetupError
    from interopcheck.profile.loader import resolve_profile_path

    files = [profile.path]
    for parent in profile.extends:
        try:
            files.append(resolve_profile_path(parent, relative_to=files[-1].parent))
        except SetupError:
            break
    return files


def display_path(path: Path) -> str:
    """A profile file as a report names it: relative to here, or ``bundled:profiles/…``
    (never a path of this machine's)."""
    from interopcheck.standard.catalog import bundled_root

    resolved = path.resolve()
    bundled = bundled_root("profiles").resolve()
    if resolved.is_relative_to(bundled):
        return f"bundled:profiles/{resolved.relative_to(bundled).as_posix()}"
    cwd = Path.cwd().resolve()
    return resolved.relative_to(cwd).as_posix() if resolved.is_relative_to(cwd) else str(path)


def where_declared(requirement_id: str, files: list[Path]) -> tuple[Path, int] | None:
    """The first file and line that names the requirement (``- id: X``, an override, a drop)."""
    import re

    token = re.compile(rf"(^|[\s\[,'\"]){re.escape(requirement_id)}($|[\s\],:'\"])")
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if token.search(line.split("#", 1)[0]):
                return path, number
    return None


def profile_report(
    old: Profile,
    new: Profile,
    changes: list[RequirementChange],
    judged: dict[str, ProfileVerdict],
    started_at: str,
) -> tuple[Any, list[Any]]:
    """The comparison in the shared report model: a MUST requirement per direction; each reason
    a direction fails is a finding located where the file that made the change names the
    requirement (the new profile where it adds, re-levels or drops; else the old one)."""
    import hashlib

    from interopcheck import __version__
    from interopcheck.results import Finding, PayloadResult, RequirementTally, RunSummary

    summary = RunSummary(tool_version=__version__, started_at=started_at, subject="comparison")
    digest = hashlib.sha256(f"{old.digest}:{new.digest}".encode()).hexdigest()
    version = f"{old.id} {old.version} → {new.id} {new.version}"
    summary.profile = {
        "id": "compat",
        "version": version,
        "title": f"Conformance to {new.id} {new.version} against {old.id} {old.version}",
        "digest": digest,
    }
    summary.changes = [_change_dict(c) for c in changes]
    old_files, new_files = profile_files(old), profile_files(new)
    results: list[PayloadResult] = []
    for name, verdict in judged.items():
        rid = f"profile/{name}"
        summary.requirements[rid] = RequirementTally(
            id=rid,
            level="MUST",
            text=f"{PROFILE_MEANING[name]} ({version})",
            kind=f"compat:{name}",
            group=name,
            source=PROFILE_MEANING[name],
        )
        from interopcheck.compatibility.results import OUTCOME_OF

        outcome = OUTCOME_OF.get(verdict.verdict, "error")
        by_source: dict[str, list[Finding]] = {}
        for reason in verdict.reasons:
            requirement_id = reason.split(" ", 1)[0]
            # the new profile's files first (an addition, a level, a drop are made there),
            # then the old one's (a requirement simply absent from the new one)
            found = where_declared(requirement_id, list(dict.fromkeys(new_files + old_files)))
            source = display_path(found[0]) if found else display_path(new.path)
            message = (
                f"{reason}: {'breaks' if verdict.verdict == 'no' else 'may break'} "
                f"'{PROFILE_MEANING[name]}'"
            )
            by_source.setdefault(source, []).append(
                Finding(
                    check="compat",
                    message=message,
                    line=found[1] if found else None,
                    personal=False,
                    requirement=rid,
                    level="MUST",
                )
            )
        record: ComparisonRecord = {
            "direction": name,
            "old": f"{old.id} {old.version}",
            "new": f"{new.id} {new.version}",
            "verdict": verdict.verdict,
            "how": "proved" if verdict.verdict != "unknown" else "searched",
            "tries": 0,
            "differences": list(verdict.reasons),
        }
        for source, findings in by_source.items() or [(display_path(new.path), [])]:
            results.append(
                PayloadResult(
                    source=source,
                    index=len(results),
                    findings=findings,
                    outcomes={rid: outcome},
                    comparison=record,
                )
            )
    summary.levels = [(f"{name} compatible", (name,)) for name in judged]
    for result in results:
        summary.add(result)
    return summary, results


def _change_dict(c: RequirementChange) -> dict[str, Any]:
    return {
        "id": c.id,
        "change": c.change,
        "oldLevel": c.old_level,
        "newLevel": c.new_level,
        "text": c.text,
    }
