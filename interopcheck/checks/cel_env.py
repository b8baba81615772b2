"""The CEL environment for profile rules: compile once, evaluate with ``self`` bound small.

Functions mirror the standard's formats (``isAsn``, ``isPncId``, ...), add date helpers that
work on the standard's date and date-time strings, and look up code lists. A rule is checked
at load time for syntax and for functions nobody defined, so a typo fails the run with the
requirement, the file and the expression, never later and never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import cel

from interopcheck.domain import identifiers as ids
from interopcheck.errors import SetupError
from interopcheck.profile.codelists import CodelistStore

#: Functions and macros the CEL engine itself provides (operators start with _ or @).
BUILTIN_FUNCTIONS = frozenset(
    {
        "size",
        "has",
        "all",
        "exists",
        "exists_one",
        "map",
        "filter",
        "int",
        "uint",
        "double",
        "string",
        "bytes",
        "bool",
        "timestamp",
        "duration",
        "contains",
        "startsWith",
        "endsWith",
        "matches",
        "dyn",
        "type",
        "getFullYear",
        "getMonth",
        "getDate",
        "getDayOfMonth",
        "getDayOfWeek",
        "getDayOfYear",
        "getHours",
        "getMinutes",
        "getSeconds",
        "getMilliseconds",
        "max",
        "min",
    }
)


def _day(value: Any) -> str:
    """The calendar day of a date or date-time string, as YYYY-MM-DD (sortable as text)."""
    text = str(value)
    if len(text) >= 10:
        dt.date.fromisoformat(text[:10])
        return text[:10]
    raise ValueError(f"not a date: {text[:20]}")


def _days_between(start: Any, end: Any) -> int:
    return (dt.date.fromisoformat(_day(end)) - dt.date.fromisoformat(_day(start))).days


def _age_on(birth: Any, on: Any) -> int:
    born = dt.date.fromisoformat(_day(birth))
    day = dt.date.fromisoformat(_day(on))
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _instant(value: Any) -> str:
    """A date-time string normalised to UTC, so that instants compare as text."""
    moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"date-time without an offset: {value}")
    return moment.astimezone(dt.timezone.utc).isoformat()


def _on_strings(check: Callable[[str], bool]) -> Callable[[Any], bool]:
    def predicate(value: Any) -> bool:
        return isinstance(value, str) and check(value)

    return predicate


def functions(codelists: CodelistStore) -> dict[str, Callable[..., Any]]:
    """Every function a profile rule may call, by name."""
    identifier = {
        "isAsn": ids.is_asn,
        "isPncId": ids.is_pnc_id,
        "isCroNumber": ids.is_cro_number,
        "isPtiUrn": ids.is_pti_urn,
        "isCourtCaseRef": ids.is_court_case_ref,
        "isOffenceCode": ids.is_cjs_offence_code,
        "isOuCode": ids.is_ou_code,
        "isNomsNumber": ids.is_noms_number,
        "isBookingNumber": ids.is_booking_number,
        "isCrn": ids.is_crn,
        "isNino": ids.is_nino,
        "isPostcode": ids.is_uk_postcode,
        "isScottishCrimeRef": ids.is_scottish_crime_ref,
    }
    table: dict[str, Callable[..., Any]] = {
        name: _on_strings(check) for name, check in identifier.items()
    }
    table.update(
        {
            "day": _day,
            "instant": _instant,
            "daysBetween": _days_between,
            "ageOn": _age_on,
            "inCodelist": lambda name, code: codelists.contains(str(name), code),
            "codelistLabel": lambda name, code: codelists.label(str(name), code) or "",
        }
    )
    return table


#: A named function, as opposed to an operator overload such as ``_&&_`` or ``!_``.
_NAMED = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*$")


class CelRule:
    """One compiled rule and where it came from, for error messages."""

    def __init__(
        self, expression: str, requirement: str, origin: str, known: frozenset[str]
    ) -> None:
        self.expression = expression
        self.requirement = requirement
        self.origin = origin
        try:
            self.program = cel.compile(expression)
        except ValueError as exc:
            detail = " ".join(str(exc).split("ERROR:")[-1].split())
            raise SetupError(
                f"{origin}: requirement {requirement}: CEL does not compile: {detail} "
                f"in {expression!r}"
            ) from None
        unknown = sorted(
            f
            for f in self.program.functions()
            if _NAMED.match(f) and f not in known and f not in BUILTIN_FUNCTIONS
        )
        if unknown:
            raise SetupError(
                f"{origin}: requirement {requirement}: unknown function {', '.join(unknown)} "
                f"in {expression!r}; available: {', '.join(sorted(known))}"
            )


class CelEvaluator:
    """Evaluates rules with ``self`` bound to a value; one context reused for the run."""

    def __init__(self, codelists: CodelistStore) -> None:
        self.functions = functions(codelists)
        self.known = frozenset(self.functions)
        self._context = cel.Context(functions=self.functions)

    def compile(self, expression: str, requirement: str, origin: str) -> CelRule:
        return CelRule(expression, requirement, origin, self.known)

    def evaluate(self, rule: CelRule, value: Any, extra: dict[str, Any] | None = None) -> Any:
        """The rule's result; raises ``RuleError`` with words when it cannot be evaluated."""
        self._context.add_variable("self", value)
        for name, bound in (extra or {}).items():
            self._context.add_variable(name, bound)
        try:
            return rule.program.execute(self._context)
        except Exception as exc:  # the engine raises several types; all mean "could not run"
            raise RuleError(" ".join(str(exc).split())[:300]) from None


class RuleError(Exception):
    """A rule that could not be evaluated on a value (a type error, a missing field, ...)."""
