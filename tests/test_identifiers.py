"""The identifier checks: the examples docs/domain.md gives, and properties over generated ones."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interopcheck.domain import identifiers as ids
from interopcheck.generation.formats import asns, cro_numbers, pnc_ids

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@pytest.mark.parametrize(
    "value", ["1101ZD0100000448754K", "9700000000000123456K", "11/01ZD/01/448754K"]
)
def test_domain_asn_examples_are_valid(value: str) -> None:
    assert ids.is_asn(value)


def test_asn_short_form_expands_to_full_form() -> None:
    assert ids.normalise_asn("11/01ZD/01/448754K") == "1101ZD0100000448754K"


@pytest.mark.parametrize(
    "value",
    [
        "1101ZD0100000448754A",
        "1101ZD0100000448754",
        "1101ZD010000044875KK",
        "",
        "11/01ZD/01/448754A",
    ],
)
def test_bad_asns_are_rejected(value: str) -> None:
    assert not ids.is_asn(value)


def test_pnc_id_examples() -> None:
    assert ids.is_pnc_id("2002/0073319Z")
    assert not ids.is_pnc_id("2001/0171310S")
    assert ids.is_pnc_id("2001/0171310W")  # the check letter docs/domain.md says it should have


def test_pnc_short_form_century_depends_on_today() -> None:
    today = dt.date(2026, 11, 27)
    assert ids.normalise_pnc_id("02/73319Z", today) == "2002/0073319Z"
    assert ids.normalise_pnc_id("97/1234X", today) == "1997/0001234X"


def test_cro_examples_both_forms() -> None:
    assert ids.is_cro_number("65656/91H")
    assert ids.is_cro_number("SF05/482703J")
    assert not ids.is_cro_number("65656/91J")
    assert not ids.is_cro_number("SF05/482703H")


def test_pattern_identifiers() -> None:
    assert ids.is_nino("SJ336043A")
    assert not ids.is_nino("QQ123456A") and not ids.is_nino("GB123456A")
    assert ids.is_uk_postcode("SW1A 1AA") and ids.is_uk_postcode("EC1A 1BB")
    assert not ids.is_uk_postcode("QA1 1AA") and not ids.is_uk_postcode("EC1A 1BC")
    assert ids.is_pti_urn("01ZD0300108")
    assert ids.is_court_case_ref("97/1626/008395Q")
    assert ids.is_cjs_offence_code("TH68010") and ids.is_cjs_offence_code("COML025")
    assert not ids.is_cjs_offence_code("TH6801")
    assert ids.is_ou_code("B01EF00") and ids.is_ou_code("C01CE00") and ids.is_ou_code("01ZD00")
    assert ids.is_noms_number("A1234BC") and not ids.is_noms_number("A1234B")
    assert ids.is_crn("X123456") and ids.is_booking_number("38412A")
    assert ids.is_scottish_crime_ref("PSA000123" + "0724")


# -- properties ------------------------------------------------------------------------------

# The generator's own strategies (interopcheck.generation.formats) build identifiers the way
# docs/domain.md computes them; these properties hold the validator and the generator to each other.


def _single_changes(value: str, index: int, replacement: str) -> str:
    return value[:index] + replacement + value[index + 1 :]


@given(asns())
def test_generated_asns_are_valid(value: str) -> None:
    assert ids.is_asn(value)


@given(asns(), st.data())
def test_changing_the_check_letter_of_an_asn_is_caught(value: str, data: st.DataObject) -> None:
    other = data.draw(st.sampled_from([c for c in ids.CHECK_ALPHABET if c != value[-1]]))
    assert not ids.is_asn(value[:-1] + other)


@given(asns(), st.data())
def test_changing_one_checked_digit_of_an_asn_is_caught(value: str, data: st.DataObject) -> None:
    # The year and sequence always take part in the check; changing one digit changes n by
    # d * 10^k with 1 <= d <= 9, and 23 is prime and coprime to 10, so n mod 23 always changes.
    index = data.draw(st.sampled_from([0, 1, *range(8, 19)]))
    digit = data.draw(st.sampled_from([d for d in DIGITS if d != value[index]]))
    assert not ids.is_asn(_single_changes(value, index, digit))


@given(pnc_ids(), st.data())
def test_changing_any_character_of_a_pnc_id_is_caught(value: str, data: st.DataObject) -> None:
    assert ids.is_pnc_id(value)
    # The first two digits of the year do not take part in the check (only YY does): the
    # alphabet cannot catch a change there, so it is excluded, as docs/domain.md's rule implies.
    index = data.draw(st.sampled_from([2, 3, *range(5, 13)]))
    if index == 12:
        replacement = data.draw(st.sampled_from([c for c in UPPER if c != value[index]]))
    else:
        replacement = data.draw(st.sampled_from([d for d in DIGITS if d != value[index]]))
    assert not ids.is_pnc_id(_single_changes(value, index, replacement))


@given(cro_numbers(), st.data())
def test_changing_any_digit_or_the_check_of_a_cro_is_caught(
    value: str, data: st.DataObject
) -> None:
    assert ids.is_cro_number(value)
    positions = [i for i, c in enumerate(value) if c.isdigit()] + [len(value) - 1]
    index = data.draw(st.sampled_from(positions))
    if index == len(value) - 1:
        replacement = data.draw(st.sampled_from([c for c in UPPER if c != value[index]]))
    else:
        replacement = data.draw(st.sampled_from([d for d in DIGITS if d != value[index]]))
    assert not ids.is_cro_number(_single_changes(value, index, replacement))


@given(st.text(max_size=30))
def test_checks_never_raise_on_arbitrary_text(value: str) -> None:
    for check in (ids.is_asn, ids.is_pnc_id, ids.is_cro_number, ids.is_nino, ids.is_uk_postcode):
        assert check(value) in (True, False)
