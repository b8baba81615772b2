"""Hypothesis strategies for every ``format`` the standard uses: values that are really valid.

Identifiers with a check letter are built the way DOMAIN.md computes them (the check letter from
the other characters), so every ASN, PNC ID and CRO number generated passes the same predicate
the validator uses; forces whose code has letters are reached on purpose. Dates reach the edges
real data has: 29 February, the days the clocks change, very old and very young people.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable

from hypothesis import strategies as st

from interopcheck.domain import identifiers as ids

Strategy = st.SearchStrategy[str]

DIGITS = string.digits
UPPER = string.ascii_uppercase
ALNUM = UPPER + DIGITS


def _chars(alphabet: str, size: int) -> Strategy:
    return st.text(alphabet=alphabet, min_size=size, max_size=size)


@st.composite
def asns(draw: st.DrawFn) -> str:
    year = draw(_chars(DIGITS, 2))
    # Forces are mostly two digits; some codes have letters (d() then drops them from the sum).
    force = draw(st.one_of(_chars(DIGITS, 2), _chars(ALNUM, 2), _chars(UPPER, 2)))
    unit = draw(_chars(ALNUM, 2))
    system = draw(st.one_of(_chars(DIGITS, 2), _chars(ALNUM, 2)))
    sequence = draw(_chars(DIGITS, 11))
    return (
        year
        + force
        + unit
        + system
        + sequence
        + ids.asn_check_letter(year, force, system, sequence)
    )


@st.composite
def pnc_ids(draw: st.DrawFn) -> str:
    year = str(draw(st.integers(1900, 2099)))
    serial = draw(_chars(DIGITS, 7))
    return f"{year}/{serial}{ids.pnc_check_letter(year, serial)}"


@st.composite
def cro_numbers(draw: st.DrawFn) -> str:
    year = draw(_chars(DIGITS, 2))
    serial = str(draw(st.integers(1, 999_999)))
    if draw(st.booleans()):
        return f"SF{year}/{serial}{ids.cro_check_letter(serial, year, sf=True)}"
    return f"{serial}/{year}{ids.cro_check_letter(serial, year)}"


def _regex(pattern: str, check: Callable[[str], bool]) -> Strategy:
    return st.from_regex(pattern, fullmatch=True).filter(check)


DATE_EDGES = [
    dt.date(2000, 2, 29),
    dt.date(1988, 2, 29),
    dt.date(2024, 2, 29),
    dt.date(2024, 3, 31),  # clocks go forward (UK)
    dt.date(2024, 10, 27),  # clocks go back
    dt.date(1900, 1, 1),
    dt.date(2099, 12, 31),
]


def dates() -> Strategy:
    return st.one_of(
        st.sampled_from(DATE_EDGES), st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31))
    ).map(dt.date.isoformat)


DATETIME_EDGES = [
    "2024-03-31T00:59:59Z",
    "2024-03-31T01:00:00Z",  # the hour that does not exist in London
    "2024-10-27T01:30:00+01:00",
    "2024-10-27T01:30:00Z",  # the hour that happens twice
    "2000-02-29T23:59:59+00:00",
]


@st.composite
def date_times(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(DATETIME_EDGES))
    moment = draw(st.datetimes(dt.datetime(1970, 1, 1), dt.datetime(2099, 12, 31)))
    moment = moment.replace(microsecond=0)
    offset = draw(st.sampled_from([0, 0, 60, -300, 330]))
    zone = dt.timezone(dt.timedelta(minutes=offset))
    text = moment.replace(tzinfo=zone).isoformat()
    return text.replace("+00:00", "Z") if draw(st.booleans()) else text


def times() -> Strategy:
    return st.times().map(lambda t: t.replace(microsecond=0, tzinfo=None).isoformat() + "Z")


#: format name -> strategy of valid strings. A format missing here is said once by the builder.
FORMAT_STRATEGIES: dict[str, Callable[[], Strategy]] = {
    "asn": asns,
    "pnc-id": pnc_ids,
    "cro-number": cro_numbers,
    "pti-urn": lambda: _regex(r"^[0-9]{2}[A-Z]{2}[0-9]{7}$", ids.is_pti_urn),
    "court-case-ref": lambda: _regex(ids.COURT_CASE_REF_PATTERN, ids.is_court_case_ref),
    "cjs-offence-code": lambda: _regex(ids.CJS_OFFENCE_CODE_PATTERN, ids.is_cjs_offence_code),
    "ou-code": lambda: _regex(ids.OU_CODE_PATTERN, ids.is_ou_code),
    "noms-number": lambda: _regex(ids.NOMS_NUMBER_PATTERN, ids.is_noms_number),
    "booking-number": lambda: _regex(ids.BOOKING_NUMBER_PATTERN, ids.is_booking_number),
    "crn": lambda: _regex(ids.CRN_PATTERN, ids.is_crn),
    "nino": lambda: _regex(ids.NINO_PATTERN, ids.is_nino),
    "uk-postcode": lambda: _regex(ids.UK_POSTCODE_PATTERN, ids.is_uk_postcode),
    "scottish-crime-ref": lambda: _regex(ids.SCOTTISH_CRIME_REF_PATTERN, ids.is_scottish_crime_ref),
    "date": dates,
    "date-time": date_times,
    "time": times,
    "uuid": lambda: st.uuids().map(str),
    "email": lambda: st.emails().filter(lambda e: len(e) <= 254),
    "uri": lambda: st.sampled_from(
        ["https://example.org/", "urn:example:1", "https://a.example/x?y=1"]
    ),
    "uri-reference": lambda: st.sampled_from(["https://example.org/", "/relative/path", "#frag"]),
}

#: Strings people's names and free text really contain (DOMAIN.md, "Real names are hard").
NAME_EDGES = [
    "O'Brien",
    "D'Souza",
    "Smith-Patel",
    "Siân",
    "Llŷr",
    "Ó Súilleabháin",
    "MacGill-Eain",
    "Madonna",
    "Abercrombie-Fitzwilliam-Smythe-Jo",  # 33
    "Wolfeschlegelsteinhausenbergerdorff",  # exactly 35
    "Nguyễn",
    "Иванова",
    "王",
    "محمد",
    " Leading",
    "Trailing ",
]
