"""A deterministic corpus of realistic payloads of all eight message types, ~10 % invalid.

Each payload is a message of the bundled journey with its own people and identifiers (ASNs
with correct check letters, names from docs/domain.md's hard cases, fresh UUIDs); one in ten
carries one of the single defects the invalid examples use. Same size and seed, same bytes.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import random
import re
import sys
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interopcheck.domain.identifiers import (  # noqa: E402
    asn_check_letter,
    cro_check_letter,
    pnc_check_letter,
)

_spec = importlib.util.spec_from_file_location(
    "build_examples", ROOT / "examples" / "build_examples.py"
)
assert _spec is not None and _spec.loader is not None
build_examples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_examples)

FAMILY_NAMES = [
    "O'Brien",
    "D'Souza",
    "Smith-Patel",
    "Ó Súilleabháin",
    "MacGill-Eain",
    "Llŷr",
    "Nguyen",
    "Kowalczyk",
    "Okonkwo",
    "Abdullahi",
    "Jones",
    "X" * 35,
]
GIVEN_NAMES = ["Siân", "Llŷr", "Aoife", "Mohammed", "Zoë", "Jean-Luc", "Ngozi", "Bartłomiej"]


def _templates() -> list[dict[str, Any]]:
    journey = sorted((ROOT / "examples" / "journeys" / "theft-and-knife").glob("*.json"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in journey]


def _walk_replace(node: Any, old: str, new: str) -> Any:
    if isinstance(node, dict):
        return {k: _walk_replace(v, old, new) for k, v in node.items()}
    if isinstance(node, list):
        return [_walk_replace(v, old, new) for v in node]
    return new if node == old else node


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _shift_dates(node: Any, days: int) -> Any:
    """Every date and date-time moved by the same number of days: each case its own dates,
    in the same order (a corpus of identical dates would flatter any cache)."""
    if isinstance(node, dict):
        return {k: _shift_dates(v, days) for k, v in node.items()}
    if isinstance(node, list):
        return [_shift_dates(v, days) for v in node]
    if isinstance(node, str) and _DATE.match(node):
        try:
            day = dt.date.fromisoformat(node[:10]) + dt.timedelta(days=days)
        except ValueError:
            return node
        return day.isoformat() + node[10:]
    return node


def _case_identifiers(case: int, rng: random.Random) -> dict[str, str]:
    """Fresh identifiers for one case, with correct check letters: the journey's values -> new."""
    sequence = f"{rng.randrange(10**11):011d}"
    serial = f"{rng.randrange(10**7):07d}"
    cro = str(rng.randrange(1, 10**6))
    return {
        "2401ZD0100000448754W": "2401ZD01"
        + sequence
        + asn_check_letter("24", "01", "01", sequence),
        "01ZD0300124": f"01ZD{case % 100_000:05d}24",
        "2019/0073319H": f"2019/{serial}" + pnc_check_letter("2019", serial),
        "482703/19A": f"{cro}/19" + cro_check_letter(cro, "19"),
        "24/2713/004521K": f"24/2713/{case % 1_000_000:06d}K",
        "A1234BC": "A" + f"{case % 10_000:04d}" + "BC",
        "38412A": f"{case % 100_000:05d}A",
        "X123456": f"X{case % 1_000_000:06d}",
    }


def _personalise(doc: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    for old, new in case["identifiers"].items():
        doc = _walk_replace(doc, old, new)
    doc = _walk_replace(doc, "O'Brien-Patel", case["family"])
    doc = _walk_replace(doc, "Siobhán", case["given"])
    doc["header"]["messageId"] = case["message_ids"].pop()
    return _shift_dates(doc, case["shift"])


def build(
    directory: Path, count: int, seed: int = 20261127, invalid_ratio: float = 0.1
) -> list[Path]:
    """Write ``count`` payloads under ``directory`` (reused when already complete)."""
    import hashlib

    inputs = b"".join(
        p.read_bytes() for p in sorted((ROOT / "examples" / "journeys").rglob("*.json"))
    )
    inputs += (ROOT / "examples" / "build_examples.py").read_bytes() + Path(__file__).read_bytes()
    marker = directory / f".complete-{count}-{seed}-{hashlib.sha256(inputs).hexdigest()[:12]}"
    paths = [directory / f"{i % 8}" / f"payload-{i:06d}.json" for i in range(count)]
    if marker.exists():
        return paths
    if directory.exists():
        import shutil

        shutil.rmtree(directory)
    rng = random.Random(seed)
    templates = _templates()
    defects = {
        t: build_examples.COMMON + build_examples.SPECIFIC.get(t, [])
        for t in build_examples.SPECIFIC
    }
    case: dict[str, Any] = {}
    for i, path in enumerate(paths):
        if i % 8 == 0:  # eight messages, one case: its own people, identifiers and dates
            case = {
                "identifiers": _case_identifiers(i // 8, rng),
                "family": rng.choice(FAMILY_NAMES),
                "given": rng.choice(GIVEN_NAMES),
                "shift": -rng.randrange(0, 3000),
                "message_ids": [
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(8)
                ],
            }
        template = templates[i % 8]
        doc = _personalise(copy.deepcopy(template), case)
        if rng.random() < invalid_ratio:
            _, change, _, _ = rng.choice(defects[doc["header"]["messageType"]])
            change(doc)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    marker.write_text("")
    return paths
