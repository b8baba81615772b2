"""Regenerate the prepared forms of the bundled code lists (``data/prepared/``):

    python -m interopcheck.profile.prepare

A build step, not a run step: it loads the bundled profiles to find the lists they use, so it
lives apart from ``codelists`` (which the loader uses).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from interopcheck.profile.codelists import (
    DATA_ROOT,
    PREPARED_ROOT,
    codelist_path,
    parse_csv,
    prepared_path,
)


def prepare(root: Path = PREPARED_ROOT) -> list[Path]:
    """Write the prepared form of every bundled CSV list the bundled profiles use."""
    from interopcheck.profile.loader import bundled_profiles, load_profile

    written: list[Path] = []
    root.mkdir(parents=True, exist_ok=True)
    for name in bundled_profiles():
        for spec in load_profile(name).codelists.values():
            path = codelist_path(spec)
            if path is None or spec.code is None or spec.label is None:
                continue
            target = prepared_path(path, spec.code, spec.label, root)
            if target is None or target in written:
                continue
            data = path.read_bytes()
            codes = parse_csv(path, data.decode("utf-8-sig"), spec.code, spec.label, spec.name)
            document = {
                "source": "/".join(path.resolve().relative_to(DATA_ROOT).parts),
                "sha256": hashlib.sha256(data).hexdigest(),
                "codes": codes,
            }
            target.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")))
            written.append(target)
    return written


if __name__ == "__main__":
    for written_path in prepare():
        print(written_path)
