"""The justice identifier formats, as JSON Schema ``format`` checks.

One table serves both validators: jsonschema-rs (the engine) and python-jsonschema (the test
oracle), so the two can only disagree on JSON Schema itself, never on what an ASN is.
"""

from __future__ import annotations

from collections.abc import Callable

from interopcheck.domain import identifiers as ids

#: format name -> predicate over the string value.
JUSTICE_FORMATS: dict[str, Callable[[str], bool]] = {
    "asn": ids.is_asn,
    "pnc-id": ids.is_pnc_id,
    "cro-number": ids.is_cro_number,
    "pti-urn": ids.is_pti_urn,
    "court-case-ref": ids.is_court_case_ref,
    "cjs-offence-code": ids.is_cjs_offence_code,
    "ou-code": ids.is_ou_code,
    "noms-number": ids.is_noms_number,
    "booking-number": ids.is_booking_number,
    "crn": ids.is_crn,
    "nino": ids.is_nino,
    "uk-postcode": ids.is_uk_postcode,
    "scottish-crime-ref": ids.is_scottish_crime_ref,
}

#: What each format means, for error messages a person can act on.
FORMAT_DESCRIPTIONS: dict[str, str] = {
    "asn": "an Arrest/Summons Number with a correct check letter",
    "pnc-id": "a PNC ID (YYYY/NNNNNNNC) with a correct check letter",
    "cro-number": "a CRO number (N/YYC or SFYY/NC) with a correct check letter",
    "pti-urn": "a PTI-URN (force, station, sequence, year)",
    "court-case-ref": "a court case reference (YY/NNNN/NNNNNNC)",
    "cjs-offence-code": "a CJS offence code (e.g. TH68010)",
    "ou-code": "an organisation unit code (e.g. B01EF00)",
    "noms-number": "a NOMS prisoner number (e.g. A1234BC)",
    "booking-number": "a prison booking number (e.g. 38412A)",
    "crn": "a probation case reference number (e.g. X123456)",
    "nino": "a National Insurance number",
    "uk-postcode": "a UK postcode in BS7666 form (e.g. SW1A 1AA)",
    "scottish-crime-ref": "a Scottish crime reference number (13 characters)",
    "date": "an RFC 3339 full-date (YYYY-MM-DD)",
    "date-time": "an RFC 3339 date-time with a UTC offset",
    "uuid": "a UUID",
    "email": "an email address",
    "uri-reference": "a URI reference",
}
