"""Write examples/compat/versions/: 1.0 (the bundled standard, as released) and 1.1 (a proposed
next version with one realistic change of each kind in its own message type), for
``interopcheck compat`` and ``interopcheck compat --matrix`` to judge.

    python examples/compat/build_justice_1_1.py

| message type       | change                                            | backward | forward |
|--------------------|---------------------------------------------------|----------|---------|
| charge-file        | new optional field interpreterNeeded              | yes      | no      |
| charging-decision  | new required field reviewedAt                     | no       | no      |
| case-listing       | narrowed pattern hearing.hearingType (no digits)  | no       | yes     |
| custody-warrant    | widened enum warrantType (+ RECALL)               | yes      | no      |
| prison-reception   | raised maxLength prison.name (80 to 120)          | yes      | no      |
| licence-release    | removed optional field probationPractitioner      | no       | yes     |
| hearing-result     | renamed property nextHearing to followingHearing  | no       | no      |
| prosecution-case   | unchanged                                         | yes      | yes     |

(backward: 1.1 accepts every 1.0 payload, so receivers may upgrade first; forward: 1.0 accepts
every 1.1 payload, so senders may upgrade first. Every object is additionalProperties: false.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "schemas" / "justice" / "1.0"
VERSIONS = Path(__file__).resolve().parent / "versions"
TARGET = VERSIONS / "1.1"


def main() -> None:
    if VERSIONS.exists():
        shutil.rmtree(VERSIONS)
    shutil.copytree(SOURCE, VERSIONS / "1.0")
    TARGET.mkdir()
    documents = {}
    for path in sorted(SOURCE.glob("*.schema.json")):
        text = path.read_text(encoding="utf-8").replace("/justice/1.0/", "/justice/1.1/")
        documents[path.name] = json.loads(text)
    documents["common.schema.json"]["$defs"]["header"]["properties"]["standardVersion"] = {
        "const": "1.1"
    }

    def props(name: str) -> dict:  # type: ignore[type-arg]
        return documents[f"{name}.schema.json"]["properties"]

    props("charge-file")["interpreterNeeded"] = {"type": "boolean"}
    decision = documents["charging-decision.schema.json"]
    decision["properties"]["reviewedAt"] = {"$ref": "common.schema.json#/$defs/dateTime"}
    decision["required"].append("reviewedAt")
    props("case-listing")["hearing"]["properties"]["hearingType"]["pattern"] = "^[A-Z]{2,6}$"
    props("custody-warrant")["warrantType"] = {
        "title": "Custody warrant type",
        "enum": ["REMAND", "SENTENCE", "RECALL"],
    }
    props("prison-reception")["prison"]["properties"]["name"]["maxLength"] = 120
    del props("licence-release")["probationPractitioner"]
    result = props("hearing-result")
    result["followingHearing"] = result.pop("nextHearing")
    for name, document in documents.items():
        (TARGET / name).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
