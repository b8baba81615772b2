"""Files a profile names: only inside its own directory tree, or in the bundled data.

A profile crosses organisations (a buyer or standards body writes it, a supplier runs it), so a
name in it is hostile input: ``/proc/self/environ`` or ``../../.ssh/id_ed25519`` as a code list
would be read and, through the messages that describe a file, shown. A name is resolved (symbolic
links followed) and kept only when it lands inside the directory it is relative to.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

#: At most this many characters of something read from a file appear in a message, escaped.
MAX_QUOTED = 40
MAX_QUOTED_ITEMS = 12


def contained(root: Path, name: str) -> Path | None:
    """``root / name`` when that is inside ``root`` (after following links); else None."""
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or not name:
        return None
    if PureWindowsPath(name).drive:
        return None
    try:
        top = root.resolve()
        candidate = (root / name).resolve()
    except (OSError, RuntimeError):  # a link loop
        return None
    if candidate == top or top in candidate.parents:
        return candidate
    return None


def is_file(path: Path) -> bool:
    """``path.is_file()`` that says no, rather than raising, for a name the system refuses
    (too long, a NUL, a link loop)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def shown_name(name: str) -> str:
    """A name from a profile, for a message: bounded and escaped."""
    return repr(name[: MAX_QUOTED * 2] + ("…" if len(name) > MAX_QUOTED * 2 else ""))


def quoted(items: list[str]) -> str:
    """Names read from a file, for a message: bounded in count and length, escaped."""
    shown = [repr(item[:MAX_QUOTED]) for item in items[:MAX_QUOTED_ITEMS]]
    if len(items) > MAX_QUOTED_ITEMS:
        shown.append(f"and {len(items) - MAX_QUOTED_ITEMS} more")
    return ", ".join(shown)
