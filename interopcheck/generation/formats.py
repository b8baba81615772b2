"""Hypothesis strategies for every ``format`` the standard uses: values that are really valid.

Identifiers with a check letter are built the way docs/domain.md computes them (the check letter
from the other characters), so every ASN, PNC ID and CRO number generated passes the same
predicate the validator uses; forces whose code has letters are reached on purpose. Dates
reach the edges real data has: 29 February, the days the clocks change, very old and very
young people.
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
    """``size`` characters from ``alphabet``; a run of digits is one choice, not ``size``
    (Hypothesis's cost, and its buffer, grow with the number of choices a case takes)."""
    if alphabet == DIGITS:
        return st.integers(0, 10**size - 1).map(lambda n: str(n).zfill(size))
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


def _joined(*parts: Strategy) -> Strategy:
    return st.tuples(*parts).map("".join)


def _valid(check: Callable[[str], bool], strategy: Strategy) -> Strategy:
    """A constructed identifier, held to the validator's own predicate (a construction error
    would show as a generation failure in the tests, never as an invalid "valid" case)."""
    return strategy.filter(check)


LETTER = st.sampled_from(UPPER)
#: NINO prefixes HMRC allows: first and second letter rules, and the unused pairs.
_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NINO_PREFIXES = [
    a + b
    for a in _NINO_FIRST
    for b in _NINO_SECOND
    if a + b not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
]
_AREA = "ABCDEFGHIJKLMNOPRSTUWYZ"  # [A-PR-UWYZ]
_DISTRICT_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"  # [A-HK-Y]
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"  # [ABD-HJLNP-UW-Z]


@st.composite
def postcodes(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(_AREA))
    digit = str(draw(st.integers(0, 9)))
    shape = draw(st.integers(0, 5))
    if shape == 0:
        outward = area + digit
    elif shape == 1:
        outward = area + digit + str(draw(st.integers(0, 9)))
    elif shape == 2:
        outward = area + draw(st.sampled_from(_DISTRICT_SECOND)) + digit
    elif shape == 3:
        outward = (
            area + draw(st.sampled_from(_DISTRICT_SECOND)) + digit + str(draw(st.integers(0, 9)))
        )
    elif shape == 4:
        outward = area + digit + draw(st.sampled_from("ABCDEFGHJKSTUW"))
    else:
        outward = (
            area
            + draw(st.sampled_from(_DISTRICT_SECOND))
            + digit
            + draw(st.sampled_from("ABEHMNPRVWXY"))
        )
    inward = str(draw(st.integers(0, 9))) + draw(_chars(_INWARD, 2))
    return f"{outward} {inward}"


DATE_EDGES = [
    dt.date(2000, 2, 29),
    dt.date(1988, 2, 29),
    dt.date(2024, 2, 29),
    dt.date(2024, 3, 31),  # clocks go forward (UK)
    dt.date(2024, 10, 27),  # clocks go back
    dt.date(1900, 1, 1),
    dt.date(2099, 12, 31),
]


_FIRST_DAY = dt.date(1900, 1, 1)
_DAYS = (dt.date(2099, 12, 31) - _FIRST_DAY).days


def dates() -> Strategy:
    """A day as one choice (days since 1900), after the edge days."""
    return st.one_of(
        st.sampled_from(DATE_EDGES),
        st.integers(0, _DAYS).map(lambda n: _FIRST_DAY + dt.timedelta(days=n)),
    ).map(dt.date.isoformat)


DATETIME_EDGES = [
    "2024-03-31T00:59:59Z",
    "2024-03-31T01:00:00Z",  # the hour that does not exist in London
    "2024-10-27T01:30:00+01:00",
    "2024-10-27T01:30:00Z",  # the hour that happens twice
    "2000-02-29T23:59:59+00:00",
]


_EPOCH = dt.datetime(1970, 1, 1)
_SECONDS = int((dt.datetime(2099, 12, 31) - _EPOCH).total_seconds())


def _date_time(seconds: int, offset: int, zulu: bool) -> str:
    moment = (_EPOCH + dt.timedelta(seconds=seconds)).replace(
        tzinfo=dt.timezone(dt.timedelta(minutes=offset))
    )
    text = moment.isoformat()
    return text.replace("+00:00", "Z") if zulu else text


def date_times() -> Strategy:
    """An instant as a few choices (seconds since 1970, an offset, Z or +00:00), after the
    edge instants around the clock changes."""
    return st.one_of(
        st.sampled_from(DATETIME_EDGES),
        st.builds(
            _date_time,
            st.integers(0, _SECONDS),
            st.sampled_from([0, 0, 60, -300, 330]),
            st.booleans(),
        ),
    )


def times() -> Strategy:
    return st.times().map(lambda t: t.replace(microsecond=0, tzinfo=None).isoformat() + "Z")


#: format name -> strategy of valid strings. A format missing here is said once by the builder.
FORMAT_STRATEGIES: dict[str, Callable[[], Strategy]] = {
    "asn": asns,
    "pnc-id": pnc_ids,
    "cro-number": cro_numbers,
    "pti-urn": lambda: _valid(
        ids.is_pti_urn, _joined(_chars(DIGITS, 2), _chars(UPPER, 2), _chars(DIGITS, 7))
    ),
    "court-case-ref": lambda: _valid(
        ids.is_court_case_ref,
        _joined(
            _chars(DIGITS, 2),
            st.just("/"),
            _chars(DIGITS, 4),
            st.just("/"),
            st.integers(1, 6).flatmap(lambda n: _chars(DIGITS, n)),
            st.sampled_from(ids.CHECK_ALPHABET),
        ),
    ),
    "cjs-offence-code": lambda: _valid(
        ids.is_cjs_offence_code,
        _joined(
            st.one_of(
                _joined(_chars(UPPER, 2), _chars(DIGITS, 5)),
                _joined(st.just("COML"), _chars(DIGITS, 3)),
            ),
            st.sampled_from(["", "", "", *UPPER]),
        ),
    ),
    "ou-code": lambda: _valid(
        ids.is_ou_code,
        _joined(st.sampled_from(["", "B", "C", *"ADEFGHIJZ0123456789"]), _chars(ALNUM, 6)),
    ),
    "noms-number": lambda: _valid(
        ids.is_noms_number, _joined(LETTER, _chars(DIGITS, 4), _chars(UPPER, 2))
    ),
    "booking-number": lambda: _valid(ids.is_booking_number, _joined(_chars(DIGITS, 5), LETTER)),
    "crn": lambda: _valid(ids.is_crn, _joined(LETTER, _chars(DIGITS, 6))),
    "nino": lambda: _valid(
        ids.is_nino,
        _joined(st.sampled_from(NINO_PREFIXES), _chars(DIGITS, 6), st.sampled_from("ABCD")),
    ),
    "uk-postcode": lambda: _valid(ids.is_uk_postcode, postcodes()),
    "scottish-crime-ref": lambda: _valid(
        ids.is_scottish_crime_ref,
        _joined(
            _chars(ALNUM, 3),
            _chars(DIGITS, 6),
            st.integers(1, 12).map(lambda m: f"{m:02d}"),
            _chars(DIGITS, 2),
        ),
    ),
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

#: Strings people's names and free text really contain (docs/domain.md, "Hard names and dates").
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
