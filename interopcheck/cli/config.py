"""Defaults for the options people repeat, from a file and the environment.

A project keeps them in ``interopcheck.toml`` or in ``[tool.interopcheck]`` of its
``pyproject.toml`` (the nearest of either, found upward from the working directory); a CI job
or a shell overrides them with ``INTEROPCHECK_*`` variables; an option on the command line
overrides both. The layers become click's ``default_map`` for the checking commands, so the
command line wins by construction, and each value keeps where it came from for
``interopcheck config``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from interopcheck.errors import ConfigError
from interopcheck.formats.registry import OutputFormat
from interopcheck.results import FailOn

CONFIG_FILE = "interopcheck.toml"
PYPROJECT = "pyproject.toml"
TABLE = "tool.interopcheck"
#: The commands whose options the configuration gives defaults to.
COMMANDS = ("validate", "journey", "probe", "compat")

Kind = Literal["text", "path", "formats", "fail-on", "count"]


@dataclass(frozen=True)
class Setting:
    """One configurable option: its key in the file, the option it stands for, its variable."""

    key: str
    param: str
    """The click parameter name the value becomes the default of."""
    option: str
    kind: Kind
    help: str

    @property
    def env(self) -> str:
        return "INTEROPCHECK_" + self.key.upper().replace("-", "_")


SETTINGS = (
    Setting("profile", "profile", "--profile", "text", "the conformance profile (id or file)"),
    Setting("actor", "actor", "--actor", "text", "the actor whose conformance is decided"),
    Setting("format", "output_format", "--format", "formats", "output formats (a list)"),
    Setting("report-dir", "report_dir", "--report-dir", "path", "where every format goes"),
    Setting("fail-on", "fail_on", "--fail-on", "fail-on", "what exits 1 (a list)"),
    Setting("workers", "workers", "--workers", "count", "worker processes"),
)
BY_KEY = {s.key: s for s in SETTINGS}


@dataclass(frozen=True)
class Value:
    """A setting's effective value (before the command line) and where it came from."""

    setting: Setting
    value: Any
    origin: str
    """``INTEROPCHECK_PROFILE``, ``pyproject.toml:12:1``, or ``default``."""


@dataclass(frozen=True)
class Configuration:
    file: Path | None
    values: dict[str, Value]

    def default_map(self, params_of: Callable[[str], set[str]]) -> dict[str, dict[str, Any]]:
        """click's ``default_map``: each checking command gets the values of its options."""
        return {
            command: {
                value.setting.param: value.value
                for value in self.values.values()
                if value.setting.param in params_of(command)
            }
            for command in COMMANDS
        }


def find_file(start: Path) -> tuple[Path, dict[str, Any], str] | None:
    """The nearest configuration upward from ``start``: ``interopcheck.toml`` (the whole file),
    or a ``pyproject.toml`` with a ``[tool.interopcheck]`` table (one without is passed by)."""
    for directory in (start, *start.parents):
        own = directory / CONFIG_FILE
        if own.is_file():
            text = _read(own)
            return own, _parse(own, text), text
        pyproject = directory / PYPROJECT
        if pyproject.is_file():
            text = _read(pyproject)
            if re.search(r"^\s*\[\s*tool\.interopcheck\s*\]", text, re.M):
                table = _parse(pyproject, text).get("tool", {}).get("interopcheck", {})
                return pyproject, table, text
    return None


def load_configuration(
    start: Path | None = None, environ: Mapping[str, str] | None = None
) -> Configuration:
    """The file's values, then the environment's over them; a mistake is a located error."""
    environ = os.environ if environ is None else environ
    values: dict[str, Value] = {}
    found = find_file(start or Path.cwd())
    file = None
    if found is not None:
        file, table, text = found
        in_pyproject = file.name == PYPROJECT
        for key, raw in table.items():
            line, column = _position(text, key, in_pyproject)
            place = f"{file}:{line}:{column}"
            setting = BY_KEY.get(key)
            if setting is None:
                known = ", ".join(BY_KEY)
                where = f"[{TABLE}]" if in_pyproject else CONFIG_FILE
                raise ConfigError(f"{place}: unknown key {key!r} in {where} (known: {known})")
            value = _typed(setting, raw, place)
            if setting.kind == "path" or (setting.key == "profile" and _is_file(value)):
                value = str((file.parent / value).resolve())  # relative to the file
            values[key] = Value(setting, value, f"{file.name}:{line}:{column}")
    for setting in SETTINGS:
        text_value = environ.get(setting.env)
        if text_value is None or text_value.strip() == "":
            continue
        raw_value: Any = text_value
        if setting.kind in ("formats", "fail-on"):
            raw_value = [v for v in re.split(r"[\s,]+", text_value) if v]
        values[setting.key] = Value(setting, _typed(setting, raw_value, setting.env), setting.env)
    return Configuration(file, values)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        parsed: dict[str, Any] = tomllib.loads(text)
        return parsed
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)", message)
        place = f"{path}:{found.group(1)}:{found.group(2)}" if found else str(path)
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise ConfigError(f"{place}: not valid TOML: {reason}") from None


def _position(text: str, key: str, in_pyproject: bool) -> tuple[int, int]:
    """Line and column of ``key =`` in the configuration's table (tomllib keeps none)."""
    lines = text.splitlines()
    inside = not in_pyproject
    pattern = re.compile(r'^(\s*)(?:"' + re.escape(key) + r'"|' + re.escape(key) + r")\s*=")
    for number, line in enumerate(lines, start=1):
        header = re.match(r"^\s*\[([^\[\]]+)\]", line)
        if header:  # interopcheck.toml's keys come before any table; pyproject's in its own
            inside = in_pyproject and header.group(1).strip() == TABLE
            continue
        if inside:
            match = pattern.match(line)
            if match:
                return number, len(match.group(1)) + 1
    return 1, 1


def _typed(setting: Setting, raw: Any, place: str) -> Any:
    """The value as the option takes it, or an error naming the place and what is allowed."""
    if setting.kind in ("formats", "fail-on"):
        items = [raw] if isinstance(raw, str) else raw
        allowed = [f.value for f in (OutputFormat if setting.kind == "formats" else FailOn)]
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ConfigError(f"{place}: {setting.key} is a list of names ({', '.join(allowed)})")
        for item in items:
            if item not in allowed:
                raise ConfigError(
                    f"{place}: {setting.key} {item!r} is not one of: {', '.join(allowed)}"
                )
        return list(items)
    if setting.kind == "count":
        try:
            count = int(raw) if not isinstance(raw, bool) else 0
        except (TypeError, ValueError):
            count = 0
        if count < 1:
            raise ConfigError(f"{place}: {setting.key} is a whole number of at least 1")
        return count
    if not isinstance(raw, str) or not raw:
        raise ConfigError(f"{place}: {setting.key} is a text value ({setting.help})")
    return raw


def _is_file(value: str) -> bool:
    return value.endswith((".yaml", ".yml")) or "/" in value


def apply(context: Any) -> None:
    """Give the checking command about to run its defaults from the file and environment
    (``context``: the root click context, whose ``default_map`` sub-commands inherit)."""
    if context.invoked_subcommand not in COMMANDS:
        return
    commands = context.command.commands
    configuration = load_configuration()
    context.default_map = configuration.default_map(
        lambda name: {str(p.name) for p in commands[name].params} if name in commands else set()
    )


def configured(context: Any, param: str) -> bool:
    """Whether the running command's ``param`` came from the configuration or environment
    (so that an option on the command line that conflicts with it wins, not errs)."""
    source = context.get_parameter_source(param)
    return source is not None and source.name == "DEFAULT_MAP"
