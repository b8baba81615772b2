"""Build the per-message-type examples from the complete journey.

Each message of ``journeys/theft-and-knife`` is copied to ``<type>/valid/``; a few hand-made
variants are added; then each invalid example is the valid message with exactly one defect,
named after it, and recorded in ``invalid-manifest.json`` with the JSON pointer and the schema
keyword that must report it (the tests hold every file to that).

Run from the repository root: ``python examples/build_examples.py``.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
JOURNEY = HERE / "journeys" / "theft-and-knife"

Json = Any


def _parts(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def _parent(doc: Json, pointer: str) -> tuple[Json, str | int]:
    parts = _parts(pointer)
    node = doc
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last: str | int = int(parts[-1]) if isinstance(node, list) else parts[-1]
    return node, last


def set_(pointer: str, value: Json) -> Callable[[Json], None]:
    def apply(doc: Json) -> None:
        node, key = _parent(doc, pointer)
        node[key] = value

    return apply


def drop(pointer: str) -> Callable[[Json], None]:
    def apply(doc: Json) -> None:
        node, key = _parent(doc, pointer)
        del node[key]

    return apply


def both(*changes: Callable[[Json], None]) -> Callable[[Json], None]:
    def apply(doc: Json) -> None:
        for change in changes:
            change(doc)

    return apply


#: The justice-ew requirement that each message type's schema errors belong to.
SCHEMA_REQUIREMENT = {
    "charge-file": "CF-001",
    "charging-decision": "CD-001",
    "prosecution-case": "PC-001",
    "case-listing": "LS-001",
    "hearing-result": "HR-001",
    "custody-warrant": "CW-001",
    "prison-reception": "RC-001",
    "licence-release": "LR-001",
}

#: Defects that the schema check catches, and the justice-ew requirement each breaks when it
#: is not the message's schema requirement (an identifier or code-list requirement owns them).
OWNER = {
    "asn-wrong-check-letter": "ID-001",
    "postcode-not-bs7666": "ID-009",
    "offence-code-malformed": "CL-001",
    "pnc-id-wrong-check-letter": "ID-002",
    "remand-status-unknown": "CL-005",
    "pti-urn-lowercase": "ID-004",
    "court-case-ref-no-check-letter": "ID-005",
    "plea-code-unknown": "CL-003",
    "verdict-code-unknown": "CL-004",
    "result-code-below-1000": "CL-002",
    "cro-number-wrong-check-letter": "ID-003",
    "noms-number-malformed": "ID-006",
    "crn-malformed": "ID-007",
    "nino-unused-prefix": "ID-008",
}

# (file name, mutation, pointer that must be reported, keyword)
COMMON = [
    ("missing-message-id", drop("/header/messageId"), "/header", "required"),
    (
        "sent-at-without-utc-offset",
        set_("/header/sentAt", "2024-03-10T10:00:00"),
        "/header/sentAt",
        "format",
    ),
    (
        "correlation-id-not-a-uuid",
        set_("/header/correlationId", "case-01ZD0300124"),
        "/header/correlationId",
        "format",
    ),
    ("unknown-top-level-property", set_("/notes", "sent late"), "/notes", "additionalProperties"),
]

SPECIFIC: dict[str, list[tuple[str, Callable[[Json], None], str, str]]] = {
    "charge-file": [
        (
            "asn-wrong-check-letter",
            set_("/defendants/0/asn", "2401ZD0100000448754X"),
            "/defendants/0/asn",
            "format",
        ),
        (
            "family-name-36-characters",
            set_(
                "/defendants/0/person/name/familyName",
                "O'Brien-Patel-Llewellyn-Ó Súilleabháin"[:36],
            ),
            "/defendants/0/person/name/familyName",
            "maxLength",
        ),
        (
            "birth-date-30-february",
            set_("/defendants/0/person/birthDate", "1988-02-30"),
            "/defendants/0/person/birthDate",
            "format",
        ),
        (
            "gender-code-unknown",
            set_("/defendants/0/person/gender", 3),
            "/defendants/0/person/gender",
            "enum",
        ),
        (
            "postcode-not-bs7666",
            set_("/defendants/0/person/address/postcode", "CR01AA"),
            "/defendants/0/person/address/postcode",
            "format",
        ),
        ("no-offences", set_("/defendants/0/offences", []), "/defendants/0/offences", "minItems"),
        (
            "offence-code-malformed",
            set_("/defendants/0/offences/0/cjsOffenceCode", "TH6801"),
            "/defendants/0/offences/0/cjsOffenceCode",
            "format",
        ),
        (
            "sender-is-not-police",
            set_("/header/sender/actor", "court"),
            "/header/sender/actor",
            "const",
        ),
    ],
    "charging-decision": [
        (
            "decision-code-unknown",
            set_("/decisions/0/decision", "CHARGED"),
            "/decisions/0/decision",
            "enum",
        ),
        (
            "asn-wrong-check-letter",
            set_("/decisions/0/asn", "2401ZD0100000448754A"),
            "/decisions/0/asn",
            "format",
        ),
        (
            "offence-sequence-zero",
            set_("/decisions/0/offences/0/sequence", 0),
            "/decisions/0/offences/0/sequence",
            "minimum",
        ),
    ],
    "prosecution-case": [
        (
            "pnc-id-wrong-check-letter",
            set_("/defendants/0/pncId", "2019/0073319J"),
            "/defendants/0/pncId",
            "format",
        ),
        (
            "remand-status-unknown",
            set_("/defendants/0/remandStatus", "BAIL"),
            "/defendants/0/remandStatus",
            "enum",
        ),
        (
            "court-house-code-too-small",
            set_("/court/courtHouseCode", 99),
            "/court/courtHouseCode",
            "minimum",
        ),
        ("pti-urn-lowercase", set_("/ptiUrn", "01zd0300124"), "/ptiUrn", "anyOf"),
    ],
    "case-listing": [
        (
            "court-case-ref-no-check-letter",
            set_("/courtCaseRef", "24/2713/004521"),
            "/courtCaseRef",
            "format",
        ),
        (
            "hearing-id-not-a-uuid",
            set_("/hearing/hearingId", "HRG-42"),
            "/hearing/hearingId",
            "format",
        ),
        (
            "recipient-is-prison",
            set_("/header/recipient/actor", "prison"),
            "/header/recipient/actor",
            "enum",
        ),
    ],
    "hearing-result": [
        (
            "plea-code-unknown",
            set_("/defendant/offences/0/plea", "GUILTY"),
            "/defendant/offences/0/plea",
            "enum",
        ),
        (
            "verdict-code-unknown",
            set_("/defendant/offences/1/verdict", "C"),
            "/defendant/offences/1/verdict",
            "enum",
        ),
        (
            "result-code-below-1000",
            set_("/defendant/offences/0/results/0/cjsResultCode", 999),
            "/defendant/offences/0/results/0/cjsResultCode",
            "minimum",
        ),
        (
            "result-text-2501-characters",
            set_("/defendant/offences/0/results/0/text", "x" * 2501),
            "/defendant/offences/0/results/0/text",
            "maxLength",
        ),
        (
            "cro-number-wrong-check-letter",
            set_("/defendant/croNumber", "482703/19B"),
            "/defendant/croNumber",
            "format",
        ),
        (
            "no-results-for-offence",
            set_("/defendant/offences/0/results", []),
            "/defendant/offences/0/results",
            "minItems",
        ),
    ],
    "custody-warrant": [
        ("sentence-warrant-without-sentence", drop("/sentence"), "", "required"),
        (
            "serve-type-unknown",
            set_("/sentence/offences/1/serveType", "CONCURRENTLY"),
            "/sentence/offences/1/serveType",
            "enum",
        ),
        (
            "term-unit-unknown",
            set_("/sentence/offences/0/term/unit", "F"),
            "/sentence/offences/0/term/unit",
            "enum",
        ),
    ],
    "prison-reception": [
        ("noms-number-malformed", set_("/nomsNumber", "A12345BC"), "/nomsNumber", "format"),
        ("booking-number-malformed", set_("/bookingNumber", "3841A"), "/bookingNumber", "pattern"),
        ("custody-type-unknown", set_("/custodyType", "CONVICTED"), "/custodyType", "enum"),
    ],
    "licence-release": [
        (
            "pss-licence-without-top-up-expiry",
            drop("/licence/topUpSupervisionExpiryDate"),
            "/licence",
            "required",
        ),
        ("crn-malformed", set_("/crn", "X12345"), "/crn", "format"),
        (
            "licence-type-unknown",
            set_("/licence/licenceType", "HDC"),
            "/licence/licenceType",
            "enum",
        ),
        ("nino-unused-prefix", set_("/person/nino", "GB123456A"), "/person/nino", "format"),
    ],
}


# Schema-valid payloads that break a profile rule: (file name, mutation, pointer, requirement).
RULE_DEFECTS: dict[str, list[tuple[str, Callable[[Json], None], str, str]]] = {
    "charge-file": [
        (
            "charged-before-arrest",
            set_("/defendants/0/chargedAt", "2024-03-09T17:00:00+00:00"),
            "/defendants/0",
            "CF-002",
        ),
        (
            "offence-after-arrest",
            set_("/defendants/0/offences/1/offenceDateStart", "2024-03-10"),
            "/defendants/0",
            "CF-003",
        ),
        (
            "offence-range-ends-before-it-starts",
            set_("/defendants/0/offences/0/offenceDateEnd", "2024-03-01"),
            "/defendants/0/offences/0",
            "CF-004",
        ),
        (
            "defendant-aged-nine",
            set_("/defendants/0/person/birthDate", "2014-06-01"),
            "/defendants/0",
            "CF-005",
        ),
        (
            "duplicate-offence-sequence",
            set_("/defendants/0/offences/1/sequence", 1),
            "/defendants/0",
            "CF-006",
        ),
        (
            "offence-code-not-published",
            set_("/defendants/0/offences/0/cjsOffenceCode", "TH68999"),
            "/defendants/0/offences/0/cjsOffenceCode",
            "CL-001",
        ),
        (
            "force-code-not-published",
            set_("/case/policeForceCode", "77"),
            "/case/policeForceCode",
            "CL-007",
        ),
        (
            "arresting-unit-not-published",
            set_("/defendants/0/arrest/arrestingOuCode", "01ZZ99"),
            "/defendants/0/arrest/arrestingOuCode",
            "CL-009",
        ),
    ],
    "hearing-result": [
        (
            "custodial-result-without-duration",
            drop("/defendant/offences/0/results/0/duration"),
            "/defendant/offences/0/results/0",
            "HR-003",
        ),
        (
            "custodial-result-without-serve-type",
            drop("/defendant/offences/1/results/0/serveType"),
            "/defendant/offences/1/results/0",
            "HR-004",
        ),
        (
            "conviction-date-with-not-guilty-plea-and-verdict",
            both(
                set_("/defendant/offences/0/plea", "NG"),
                set_("/defendant/offences/0/verdict", "NG"),
            ),
            "/defendant/offences/0",
            "HR-002",
        ),
        (
            "fine-without-amount",
            set_("/defendant/offences/0/results/0", {"cjsResultCode": 1015, "text": "Fine"}),
            "/defendant/offences/0/results/0",
            "HR-005",
        ),
        (
            "court-not-published",
            set_("/hearing/court/ouCode", "B99ZZ00"),
            "/hearing/court/ouCode",
            "CL-008",
        ),
        (
            "hearing-type-not-published",
            set_("/hearing/hearingType", "SENT"),
            "/hearing/hearingType",
            "CL-010",
        ),
    ],
    "custody-warrant": [
        (
            "sentence-on-a-fine",
            set_("/sentence/offences/0/cjsResultCode", 1015),
            "/sentence/offences/0",
            "CW-002",
        ),
    ],
    "case-listing": [
        (
            "sent-from-an-unpublished-court",
            set_("/header/sender/ouCode", "B99ZZ00"),
            "/header",
            "HDR-001",
        ),
    ],
    "licence-release": [
        (
            "licence-expires-before-it-starts",
            set_("/licence/licenceExpiryDate", "2024-07-01"),
            "/licence",
            "LR-002",
        ),
        (
            "top-up-ends-before-licence",
            set_("/licence/topUpSupervisionExpiryDate", "2024-09-01"),
            "/licence",
            "LR-003",
        ),
    ],
}


def _non_custodial_result(doc: Json) -> None:
    doc["defendant"]["remandStatus"] = "CB"
    for offence in doc["defendant"]["offences"]:
        offence["results"] = [
            {"cjsResultCode": 1015, "text": "Fine", "amount": {"amount": 200, "currency": "GBP"}}
        ]


# A complete journey with one defect: (folder, message file, change or None to leave the message
# out, the justice-ew requirement it must fail, and only that one).
JOURNEY_DEFECTS: list[tuple[str, str, Callable[[Json], None] | None, str]] = [
    (
        "asn-changed-at-court",
        "05-hearing-result.json",
        set_("/defendant/asn", "2401ZD0100000448755X"),
        "JR-001",
    ),
    (
        "pnc-id-changed-in-prison",
        "07-prison-reception.json",
        set_("/pncId", "2019/0073320J"),
        "JR-003",
    ),
    (
        "court-case-ref-changed-on-warrant",
        "06-custody-warrant.json",
        set_("/courtCaseRef", "24/2713/004522K"),
        "JR-005",
    ),
    (
        "noms-number-changed-on-release",
        "08-licence-release.json",
        set_("/nomsNumber", "B9876CD"),
        "JR-006",
    ),
    (
        "conviction-before-charge",
        "05-hearing-result.json",
        set_("/defendant/offences/1/convictionDate", "2024-03-01"),
        "JR-007",
    ),
    (
        "reception-before-sentence",
        "07-prison-reception.json",
        set_("/receivedAt", "2024-04-07T19:05:00+01:00"),
        "JR-007",
    ),
    (
        "resulted-offence-never-charged",
        "05-hearing-result.json",
        set_("/defendant/offences/0/cjsOffenceCode", "TH68001"),
        "JR-008",
    ),
    ("warrant-without-custodial-result", "05-hearing-result.json", _non_custodial_result, "JR-009"),
    (
        "warrant-sent-before-its-hearing-result",
        "05-hearing-result.json",
        set_("/header/sentAt", "2024-04-08T16:00:00+01:00"),
        "JR-009",
    ),
    ("licence-release-without-reception", "07-prison-reception.json", None, "JR-010"),
    (
        "prosecution-case-before-decision",
        "03-prosecution-case.json",
        set_("/header/sentAt", "2024-03-10T11:00:00+00:00"),
        "JR-011",
    ),
]


def _broken_journeys() -> list[dict[str, str]]:
    broken_root = HERE / "journeys-broken"
    if broken_root.exists():
        shutil.rmtree(broken_root)
    manifest = []
    for folder, target, change, requirement in JOURNEY_DEFECTS:
        for source in sorted(JOURNEY.glob("*.json")):
            doc = json.loads(source.read_text(encoding="utf-8"))
            if source.name == target:
                if change is None:
                    continue
                change(doc)
            _write(broken_root / folder / source.name, doc)
        manifest.append({"journey": f"journeys-broken/{folder}", "requirement": requirement})
    return manifest


def _scottish_journey() -> None:
    """The same case as Scotland would send it: the crime reference in place of the PTI-URN."""
    target = HERE / "journeys-scotland" / "theft-and-knife"
    if target.parent.exists():
        shutil.rmtree(target.parent)
    for source in sorted(JOURNEY.glob("*.json")):
        text = source.read_text(encoding="utf-8").replace("01ZD0300124", "PSA0001230324")
        _write(target / source.name, json.loads(text))


def _remand_warrant(doc: Json) -> None:
    doc["warrantType"] = "REMAND"
    del doc["sentence"]
    doc["remand"] = {"remandStatus": "PR", "nextHearingDate": "2024-04-08"}
    doc["issuedAt"] = "2024-03-11T13:00:00+00:00"
    doc["header"]["sentAt"] = "2024-03-11T13:05:00+00:00"


def _nfa_decision(doc: Json) -> None:
    doc["decisions"][0]["decision"] = "NO_FURTHER_ACTION"
    doc["decisions"][0]["offences"] = [{"sequence": 2, "cjsOffenceCode": "CJ88144"}]


def _short_forms(doc: Json) -> None:
    doc["defendant"]["pncId"] = "19/73319H"
    doc["defendant"]["croNumber"] = "SF05/482703J"


VALID_VARIANTS: dict[str, list[tuple[str, Callable[[Json], None]]]] = {
    "custody-warrant": [("remand-warrant", _remand_warrant)],
    "charging-decision": [("no-further-action-on-one-offence", _nfa_decision)],
    "hearing-result": [("short-form-pnc-id-and-sf-cro", _short_forms)],
}


def _write(path: Path, doc: Json) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    manifest = []
    for source in sorted(JOURNEY.glob("*.json")):
        doc = json.loads(source.read_text(encoding="utf-8"))
        message_type = doc["header"]["messageType"]
        folder = HERE / message_type
        if folder.exists():
            shutil.rmtree(folder)
        _write(folder / "valid" / "theft-and-knife.json", doc)
        for name, change in VALID_VARIANTS.get(message_type, []):
            variant = copy.deepcopy(doc)
            change(variant)
            _write(folder / "valid" / f"{name}.json", variant)
        for name, change, pointer, keyword in COMMON + SPECIFIC.get(message_type, []):
            broken = copy.deepcopy(doc)
            change(broken)
            path = folder / "invalid" / f"{name}.json"
            _write(path, broken)
            manifest.append(
                {
                    "file": str(path.relative_to(HERE)),
                    "pointer": pointer,
                    "keyword": keyword,
                    "requirement": OWNER.get(name, SCHEMA_REQUIREMENT[message_type]),
                }
            )
        for name, change, pointer, requirement in RULE_DEFECTS.get(message_type, []):
            broken = copy.deepcopy(doc)
            change(broken)
            path = folder / "invalid" / f"{name}.json"
            _write(path, broken)
            manifest.append(
                {
                    "file": str(path.relative_to(HERE)),
                    "pointer": pointer,
                    "keyword": None,
                    "requirement": requirement,
                }
            )
    _write(HERE / "invalid-manifest.json", manifest)
    _write(HERE / "journeys-broken-manifest.json", _broken_journeys())
    _scottish_journey()


if __name__ == "__main__":
    main()
