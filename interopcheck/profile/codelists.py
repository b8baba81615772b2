"""Code lists: named lists of code -> label, inline or from a CSV file, loaded lazily.

The bundled files (``interopcheck/data/``) hold the complete published CJS lists; reading the
15,352 offence codes from CSV costs tens of milliseconds, so a list is read only when a
requirement first asks for it, and a bundled list is read from its prepared form
(``data/prepared/``: code -> label as JSON, with the SHA-256 of the CSV it was made from). A
prepared file whose digest no longer matches its CSV is ignored, so the CSV stays the source.
Regenerate with ``python -m interopcheck.profile.prepare``; a test checks they are in step.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from interopcheck.errors import ProfileError
from interopcheck.profile.model import Codelist
from interopcheck.profile.paths import contained, is_file, quoted, shown_name

#: Wrong codes whose nearest real codes are remembered (per store; the oldest goes first).
NEAREST_KEPT = 4096

DATA_ROOT = Path(__file__).resolve().parent.parent / "data"
PREPARED_ROOT = DATA_ROOT / "prepared"


def prepared_path(path: Path, code: str, label: str, root: Path = PREPARED_ROOT) -> Path | None:
    """Where the prepared form of a bundled CSV list is (None for files not bundled)."""
    try:
        relative = path.resolve().relative_to(DATA_ROOT)
    except ValueError:
        return None
    return root / f"{'__'.join(relative.parts)}.{code}.{label}.json"


def read_prepared(path: Path, data: bytes) -> dict[str, str] | None:
    """The prepared codes when the file exists and was made from exactly ``data``."""
    try:
        prepared = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(prepared, dict) or prepared.get("sha256") != hashlib.sha256(data).hexdigest():
        return None
    codes = prepared.get("codes")
    return codes if isinstance(codes, dict) else None


def parse_csv(path: Path, text: str, code: str, label: str, name: str) -> dict[str, str]:
    reader = csv.reader(text.splitlines())
    fields = next(reader, [])
    for column in (code, label):
        if column not in fields:
            raise ProfileError(
                f"code list {name!r}: {path} has no column {column!r} (columns: {quoted(fields)})"
            )
    code_at, label_at = fields.index(code), fields.index(label)
    codes: dict[str, str] = {}
    for row in reader:
        if len(row) > max(code_at, label_at) and row[code_at] and row[code_at] not in codes:
            codes[row[code_at]] = row[label_at]
    return codes


def codelist_path(spec: Codelist) -> Path | None:
    """Where a file-backed list is: bundled data first, then in the profile's directory tree;
    never anywhere else (an absolute name, ``..`` or a link out of the tree finds nothing)."""
    if spec.file is None:
        return None
    for root in (DATA_ROOT, spec.base):
        found = contained(root, spec.file) if root is not None else None
        if found is not None and is_file(found):
            return found
    return None


class CodelistStore:
    """The code lists of one profile, each loaded on first use."""

    def __init__(self, specs: dict[str, Codelist]) -> None:
        self._specs = specs
        self._loaded: dict[str, dict[str, str]] = {}
        self._prefixes: dict[str, dict[str, list[str]]] = {}
        self._nearest: dict[tuple[str, str, int], tuple[str, ...]] = {}
        for spec in specs.values():
            if spec.file is not None and codelist_path(spec) is None:
                raise ProfileError(
                    f"code list {spec.name!r}: file {shown_name(spec.file)} is neither bundled "
                    f"nor in the profile's directory tree ({spec.base}); a profile may name only "
                    "files there"
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
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ProfileError(f"code list {spec.name!r}: cannot read {path}: {exc}") from None
        prepared = prepared_path(path, spec.code, spec.label)
        if prepared is not None:
            codes = read_prepared(prepared, data)
            if codes is not None:
                return codes
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProfileError(f"code list {spec.name!r}: {path} is not UTF-8 text") from None
        return parse_csv(path, text, spec.code, spec.label, spec.name)

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
        prefixes = self._prefixes.get(name)
        if prefixes is None:  # once per list: codes by their first 4, 2 and 1 characters
            prefixes = self._prefixes[name] = {}
            for known in codes:
                for width in (4, 2, 1):
                    prefixes.setdefault(known[:width], []).append(known)
        key = (name, text, count)
        said = self._nearest.get(key)
        if said is not None:
            return list(said)
        pool: list[str] = []
        for width in (4, 2, 1):  # same act and year first, then same act, then anything
            if len(text) >= width:
                pool = prefixes.get(text[:width], [])
            if pool:
                break
        from rapidfuzz import fuzz, process  # only once a code is wrong: not at start-up

        # rapidfuzz's normalised Indel similarity (2 x longest common subsequence / total
        # length), in C++: difflib's get_close_matches took about 5 ms a wrong code over a
        # pool of 2,000 and was four fifths of an audit of wrong codes (issue 19)
        found = process.extract(
            text, pool or list(codes), scorer=fuzz.ratio, limit=count, score_cutoff=60
        )
        said = tuple(str(choice) for choice, _score, _index in found)
        if len(self._nearest) >= NEAREST_KEPT:
            del self._nearest[next(iter(self._nearest))]
        self._nearest[key] = said
        return list(said)


def _as_code(value: object) -> str:
    """The code a JSON value stands for: ``1015`` and ``1015.0`` are the same JSON number."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
