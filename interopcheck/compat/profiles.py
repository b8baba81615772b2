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

from interopcheck.profile.loader import PROFILE_SUFFIXES, bundled_profiles
from interopcheck.profile.model import Profile, Requirement


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
    return json.dumps(requirement.check, sort_keys=True)


def verdicts(
    changes: list[RequirementChange], deciding: tuple[str, ...]
) -> dict[str, ProfileVerdict]:
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

    def judge(broken: list[str]) -> ProfileVerdict:
        if broken:
            return ProfileVerdict("no", tuple(broken))
        if unsure:
            return ProfileVerdict("unknown", tuple(unsure))
        return ProfileVerdict("yes", ())

    return {"backward": judge(backward), "forward": judge(forward)}


def to_document(
    old: Profile, new: Profile, changes: list[RequirementChange], judged: dict[str, ProfileVerdict]
) -> dict[str, Any]:
    return {
        "command": "compat",
        "profiles": {
            "old": {"id": old.id, "version": old.version, "digest": old.digest},
            "new": {"id": new.id, "version": new.version, "digest": new.digest},
            "requirements": [
                {
                    "id": c.id,
                    "change": c.change,
                    "oldLevel": c.old_level,
                    "newLevel": c.new_level,
                    "text": c.text,
                }
                for c in changes
            ],
            **{
                name: {"verdict": v.verdict, "reasons": list(v.reasons)}
                for name, v in judged.items()
            },
        },
    }


def write_console(
    out: Any,
    old: Profile,
    new: Profile,
    changes: list[RequirementChange],
    judged: dict[str, ProfileVerdict],
) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out, highlight=False, soft_wrap=False)
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
