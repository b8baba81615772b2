"""Justice-chain identifiers: check characters and formats, as pure functions.

Every rule here is the one written in docs/domain.md (ASN, PNC ID and CRO share one check alphabet).
Nothing in this module does I/O or imports anything of ours, so the schema formats, the CEL
functions and the generator can all share one definition of "valid".
"""

from __future__ import annotations

import datetime as _dt
import re

#: The 23-letter check alphabet shared by ASN, PNC ID and CRO number (no I, O or S).
CHECK_ALPHABET = "ZABCDEFGHJKLMNPQRTUVWXY"

_ASN = re.compile(
    r"^([0-9]{2})([A-Z0-9]{2})([A-Z0-9]{2,3})([A-Z0-9]{2})([0-9]{11})([A-HJ-NP-RT-Z])$"
)
_ASN_SHORT = re.compile(
    r"^([0-9]{2})/([A-Z0-9]{2})([A-Z0-9]{2,3})/([A-Z0-9]{2})/([0-9]{1,11})([A-Z])$"
)
_PNC_ID = re.compile(r"^([0-9]{4})/([0-9]{7})([A-Z])$")
_PNC_ID_SHORT = re.compile(r"^([0-9]{2})/([0-9]{1,7})([A-Z])$")
_CRO = re.compile(r"^([0-9]{1,6})/([0-9]{2})([A-Z])$")
_CRO_SF = re.compile(r"^SF([0-9]{2})/([0-9]{1,6})([A-Z])$")

PTI_URN_PATTERN = r"^[A-Z0-9]{4}[0-9]{3,7}$"
COURT_CASE_REF_PATTERN = r"^[0-9]{2}/[0-9]{4}/[0-9]{1,6}[A-HJ-NP-RT-Z]$"
CJS_OFFENCE_CODE_PATTERN = r"^([A-Z]{2}[0-9]{5}|COML[0-9]{3})[A-Z]?$"
OU_CODE_PATTERN = r"^[A-JZ0-9]?[A-Z0-9]{6}$"
NOMS_NUMBER_PATTERN = r"^[A-Z][0-9]{4}[A-Z]{2}$"
BOOKING_NUMBER_PATTERN = r"^[0-9]{5}[A-Z]$"
CRN_PATTERN = r"^[A-Z][0-9]{6}$"
NINO_PATTERN = r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$"
UK_POSTCODE_PATTERN = (
    r"^(GIR 0AA|([A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) "
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)
SCOTTISH_CRIME_REF_PATTERN = r"^[A-Z0-9]{3}[0-9]{6}(0[1-9]|1[0-2])[0-9]{2}$"

_PTI_URN = re.compile(PTI_URN_PATTERN)
_COURT_CASE_REF = re.compile(COURT_CASE_REF_PATTERN)
_CJS_OFFENCE_CODE = re.compile(CJS_OFFENCE_CODE_PATTERN)
_OU_CODE = re.compile(OU_CODE_PATTERN)
_NOMS = re.compile(NOMS_NUMBER_PATTERN)
_BOOKING = re.compile(BOOKING_NUMBER_PATTERN)
_CRN = re.compile(CRN_PATTERN)
_NINO = re.compile(NINO_PATTERN)
_POSTCODE = re.compile(UK_POSTCODE_PATTERN)
_SCOTTISH_CRIME_REF = re.compile(SCOTTISH_CRIME_REF_PATTERN)


def check_letter(number: int) -> str:
    """The check letter for ``number``: ``L[n mod 23]``."""
    return CHECK_ALPHABET[number % 23]


def _digits_or_empty(part: str) -> str:
    return part if part.isdigit() else ""


def asn_check_letter(year: str, force: str, system: str, sequence: str) -> str:
    """ASN check letter: ``d(force) + d(system) + YY + sequence`` as one number, mod 23.

    ``d(x)`` keeps ``x`` only when it is all digits; the unit/station takes no part.
    """
    digits = _digits_or_empty(force) + _digits_or_empty(system) + year + sequence.zfill(11)
    return check_letter(int(digits))


def normalise_asn(value: str) -> str | None:
    """The 20-character form of an ASN given in full or short (slashed) form; None if malformed."""
    if _ASN.match(value):
        return value
    short = _ASN_SHORT.match(value)
    if short is None:
        return None
    year, force, unit, system, sequence, check = short.groups()
    return f"{year}{force}{unit}{system}{sequence.zfill(11)}{check}"


def is_asn(value: str) -> bool:
    """True for a well-formed ASN (full or short form) whose check letter is right."""
    match = _ASN.match(value)
    if match is None:
        full = normalise_asn(value)
        match = _ASN.match(full) if full is not None else None
        if match is None:
            return False
    year, force, _unit, system, sequence, check = match.groups()
    return asn_check_letter(year, force, system, sequence) == check


def pnc_check_letter(year: str, serial: str) -> str:
    """PNC ID check letter over the two-digit year and the serial zero-padded to 7."""
    return check_letter(int(year[-2:] + serial.zfill(7)))


def expand_short_year(two_digits: str, today: _dt.date | None = None) -> str:
    """A short-form year: 20YY when YY is at most this year's two digits, else 19YY."""
    current = (today or _dt.date.today()).year % 100
    return ("20" if int(two_digits) <= current else "19") + two_digits


def normalise_pnc_id(value: str, today: _dt.date | None = None) -> str | None:
    """The ``YYYY/NNNNNNNC`` form of a PNC ID given in full or short form; None if malformed."""
    if _PNC_ID.match(value):
        return value
    short = _PNC_ID_SHORT.match(value)
    if short is None:
        return None
    year, serial, check = short.groups()
    return f"{expand_short_year(year, today)}/{serial.zfill(7)}{check}"


def is_pnc_id(value: str, today: _dt.date | None = None) -> bool:
    """True for a well-formed PNC ID (full or short form) whose check letter is right."""
    match = _PNC_ID.match(value)
    if match is None:
        full = normalise_pnc_id(value, today)
        match = _PNC_ID.match(full) if full is not None else None
        if match is None:
            return False
    year, serial, check = match.groups()
    return pnc_check_letter(year, serial) == check


def cro_check_letter(serial: str, year: str, *, sf: bool = False) -> str:
    """CRO check letter: standard form pads the serial to 6 digits, the SF form does not."""
    return check_letter(int(year + (serial if sf else serial.zfill(6))))


def is_cro_number(value: str) -> bool:
    """True for a CRO number in standard (``N/YYC``) or SF (``SFYY/NC``) form with a right check."""
    standard = _CRO.match(value)
    if standard is not None:
        serial, year, check = standard.groups()
        return cro_check_letter(serial, year) == check
    sf = _CRO_SF.match(value)
    if sf is not None:
        year, serial, check = sf.groups()
        return cro_check_letter(serial, year, sf=True) == check
    return False


def is_pti_urn(value: str) -> bool:
    """PTI-URN: force, station, sequence and year; there is no check character."""
    return _PTI_URN.match(value) is not None


def is_court_case_ref(value: str) -> bool:
    """Court case reference: format only (its check letter has no published rule)."""
    return _COURT_CASE_REF.match(value) is not None


def is_cjs_offence_code(value: str) -> bool:
    """CJS offence code: act/source, year, number and an optional qualifier."""
    return _CJS_OFFENCE_CODE.match(value) is not None


def is_ou_code(value: str) -> bool:
    """Organisation unit code: optional top level, then three two-character levels."""
    return _OU_CODE.match(value) is not None


def is_noms_number(value: str) -> bool:
    """NOMS prisoner number, e.g. ``A1234BC``."""
    return _NOMS.match(value) is not None


def is_booking_number(value: str) -> bool:
    """Prison booking number: five digits and a letter, e.g. ``38412A``."""
    return _BOOKING.match(value) is not None


def is_crn(value: str) -> bool:
    """Probation case reference number, e.g. ``X123456``."""
    return _CRN.match(value) is not None


def is_nino(value: str) -> bool:
    """National Insurance number under HMRC's prefix and suffix rules."""
    return _NINO.match(value) is not None


def is_uk_postcode(value: str) -> bool:
    """UK postcode in the BS7666 shape, with the single space."""
    return _POSTCODE.match(value) is not None


def is_scottish_crime_ref(value: str) -> bool:
    """Scottish crime reference: agency (3), sequence (6), month (2), year (2)."""
    return _SCOTTISH_CRIME_REF.match(value) is not None
