"""Code lists: named lists of code -> label, inline or from a CSV file, loaded lazily.

The bundled files (``interopcheck/data/``) hold the complete published CJS lists; reading the
15,352 offence codes costs tens of milliseconds, so a list is read only when a requirement
first asks for it, and never at start-up.
"""

from __future__ import annotations

import csv
import difflib
from pathlib import Path

from interopcheck.errors import SetupError
from interopcheck.profile.model import Codelist

DATA_ROOT = Path(__file__).resolve().parent.parent / "data"


def codelist_path(spec: Codelist) -> Path | None:
    """Where a file-backed list is: bundled data first, then beside the profile."""
    if spec.file is None:
        return None
    bundled = DATA_ROOT / spec.file
    if bundled.is_file():
        return bundled
    if spec.base is not None and (spec.base / spec.file).is_file():
        return spec.base / spec.file
    return None


class CodelistStore:
    """The code lists of one profile, each loaded on first use."""

    def __init__(self, specs: dict[str, Codelist]) -> None:
        self._specs = specs
        self._loaded: dict[str, dict[str, str]] = {}
        for spec in specs.values():
            if spec.file is not None and codelist_path(spec) is None:
                raise SetupError(
                    f"code list {spec.name!r}: file {spec.file} is neither bundled nor beside "
                    f"the profile ({spec.base})"
                )

    def title(self, name: str) -> str:
        return self._specs[name].title

    def codes(self, name: str) -> dict[str, str]:
        loaded = self._loaded.get(name)
        if loaded is None:
            loaded = self._load(self._specs[name])
            self._loaded[name] = loaded
        return loaded

    def _load(self, spec: Codelist) -> dict[str, str]:
        if spec.values is not None:
            return dict(spec.values)
        path = codelist_path(spec)
        assert path is not None and spec.code is not None and spec.label is not None
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            fields = next(reader, [])
            for column in (spec.code, spec.label):
                if column not in fields:
                    raise SetupError(
                        f"code list {spec.name!r}: {path} has no column {column!r} "
                        f"(columns: {', '.join(fields)})"
                    )
            code_at, label_at = fields.index(spec.code), fields.index(spec.label)
            codes: dict[str, str] = {}
            for row in reader:
                code = row[code_at]
                if code and code not in codes:
                    codes[code] = row[label_at]
            return codes

    def contains(self, name: str, code: object) -> bool:
        return _as_code(code) in self.codes(name)

    @staticmethod
    def contains_value(codes: dict[str, str], code: object) -> bool:
        """Membership of a non-string value (result codes and gender are integers)."""
        return _as_code(code) in codes

    def label(self, name: str, code: object) -> str | None:
        return self.codes(name).get(_as_code(code))

    def nearest(self, name: str, code: object, count: int = 3) -> list[str]:
        """Real codes that look like ``code``: same leading characters first, then similar."""
        text = _as_code(code)
        codes = self.codes(name)
        pool: list[str] = []
        for width in (4, 2, 1):  # same act and year first, then same act, then anything
            pool = [c for c in codes if c[:width] == text[:width]]
            if pool:
                break
        return difflib.get_close_matches(text, pool or list(codes)[:2000], n=count, cutoff=0.6)


def _as_code(value: object) -> str:
    """The code a JSON value stands for: ``1015`` and ``1015.0`` are the same JSON number."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
