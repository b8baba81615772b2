"""The CEL environment for profile rules: compile once, evaluate with ``self`` bound small.

Functions mirror the standard's formats (``isAsn``, ``isPncId``, ...), add date helpers that
work on the standard's date and date-time strings, and look up code lists. A rule is checked
at load time for syntax and for functions nobody defined, so a typo fails the run with the
requirement, the file and the expression, never later and never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import types
from collections.abc import Callable
from typing import Any

# The cel package's __init__ imports its interactive REPL (cel.cli -> prompt_toolkit, rich):
# 0.23 s of start-up we never use. A placeholder module stands in for it; the evaluator (the
# Rust extension) and the standard library are imported as usual.
if "cel" not in sys.modules:
    sys.modules.setdefault("cel.cli", types.ModuleType("cel.cli"))
import cel

from interopcheck.checks.cel_cost import growth, list_items
from interopcheck.checks.cel_native import (
    MAX_STEPS,
    EvalError,
    compile_tree,
    new_env,
)
from interopcheck.checks.cel_syntax import Node, Unsupported, parse, reads
from interopcheck.domain import identifiers as ids
from interopcheck.errors import ProfileError
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


def _guarded(name: str, function: Callable[..., Any], failures: list[str]) -> Callable[..., Any]:
    """A function that records its failure instead of raising into the CEL engine (which
    would print it to stderr); the evaluator turns the record into a ``RuleError``."""

    def call(*args: Any) -> Any:
        try:
            return function(*args)
        except Exception as exc:  # any failure of a helper means the rule cannot be evaluated
            failures.append(f"{name}: {exc}")
            return None

    return call


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
            "uniqueBy": _unique_by,
        }
    )
    return table


def _unique_by(items: Any, field: Any) -> bool:
    """Whether no two items share a value of ``field``: uniqueness in one pass, where
    ``xs.all(x, xs.exists_one(y, y.f == x.f))`` takes a pass per item (2,000 offences: 26 s).
    Values compare as CEL compares them: 1 and 1.0 are equal, "1" and 1 are not."""
    if not isinstance(items, list) or not isinstance(field, str):
        raise TypeError("uniqueBy takes a list and a field name")
    seen: set[tuple[str, Any]] = set()
    for item in items:
        if not isinstance(item, dict) or field not in item:
            raise KeyError(f"no such key: {field}")
        key = _comparable(item[field])
        if key in seen:
            return False
        seen.add(key)
    return True


def _comparable(value: Any) -> tuple[str, Any]:
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    if isinstance(value, str):
        return ("string", value)
    return ("json", json.dumps(value, sort_keys=True, ensure_ascii=False))


#: A string literal in a rule (blanked before its nesting is measured).
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")

#: How deep a rule may nest (member links in one chain, brackets inside brackets): deeper
#: than any message, and well inside every evaluator's stack (a 3,000-link chain ended a run).
MAX_RULE_DEPTH = 64
_LONG_CHAIN = re.compile(rf"(?:\.\s*[A-Za-z_]\w*){{{MAX_RULE_DEPTH + 1},}}")


def _too_deep(expression: str) -> str | None:
    """Why the expression nests too deeply, or None."""
    text = _STRING.sub("''", expression)
    if _LONG_CHAIN.search(text):
        return f"a member chain of over {MAX_RULE_DEPTH} links"
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    if deepest > MAX_RULE_DEPTH:
        return f"nested {deepest} brackets deep"
    return None


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
        self.native: Callable[[dict[str, Any]], Any] | None = None
        """The same rule in plain Python when it is within cel_native's subset."""
        self.tree: Node | None = None
        """Its syntax tree (cel_syntax), when it is within the subset: the one reading of
        its text, for the native closures, the projection and the generator's hints."""
        self.growth = growth(expression)
        """How its cost grows with the message (the engine's budget is estimated from it)."""
        deep = _too_deep(expression)
        if deep is not None:
            raise ProfileError(
                f"{origin}: requirement {requirement}: the rule is {deep}, deeper than any "
                f"message (at most {MAX_RULE_DEPTH}): refused before it can exhaust a stack"
            )
        try:
            self.program = cel.compile(expression)
        except ValueError as exc:
            detail = " ".join(str(exc).split("ERROR:")[-1].split())
            raise ProfileError(
                f"{origin}: requirement {requirement}: CEL does not compile: {detail} "
                f"in {expression!r}"
            ) from None
        unknown = sorted(
            f
            for f in self.program.functions()
            if _NAMED.match(f) and f not in known and f not in BUILTIN_FUNCTIONS
        )
        if unknown:
            raise ProfileError(
                f"{origin}: requirement {requirement}: unknown function {', '.join(unknown)} "
                f"in {expression!r}; available: {', '.join(sorted(known))}"
            )


class CelBatch:
    """The CEL rules bound at one place of one message type: one projection, one binding and one
    memo lookup per located value for all of them. (Each rule still runs as its own program: a
    single list expression measured slower, 75 us against 48 us for the four charge rules.)"""

    def __init__(self, rules: list[CelRule], trie: Trie | None) -> None:
        self.rules = rules
        self.trie = trie
        self.index = {rule.requirement: i for i, rule in enumerate(rules)}
        self.expression = "[" + ", ".join(f"({rule.expression})" for rule in rules) + "]"
        self.project = projector(trie)
        self.passing: tuple[tuple[bool, Any], ...] = tuple((True, True) for _ in rules)
        """The results when every rule holds: one shared tuple, so a pass is an identity test."""
        natives = [rule.native for rule in rules]
        self.native: list[Callable[[dict[str, Any]], Any]] | None = (
            [n for n in natives if n is not None] if all(natives) else None
        )
        """Every rule of the batch in plain Python, when all are within the subset."""


class CelEvaluator:
    """Evaluates rules with ``self`` bound to a value; one context reused for the run."""

    def __init__(self, codelists: CodelistStore) -> None:
        self._failures: list[str] = []
        self.raw_functions = functions(codelists)
        """The same functions unguarded: for the native evaluator (cel_native.py)."""
        self.functions = {
            name: _guarded(name, function, self._failures)
            for name, function in functions(codelists).items()
        }
        self.known = frozenset(self.functions)
        self._context = cel.Context(functions=self.functions)
        self._bound: Any = None
        self._memo: dict[tuple[str, Any], Any] = {}

    def evaluate_in_batch(self, batch: CelBatch, rule: CelRule, value: Any) -> Any:
        """One rule's result (raises ``RuleError``), from the batch's results at this value."""
        ok, outcome = self.batch_results(batch, value)[batch.index[rule.requirement]]
        if ok:
            return outcome
        raise RuleError(outcome)

    def batch_results(self, batch: CelBatch, value: Any) -> tuple[tuple[bool, Any], ...]:
        """Every rule's (ok, value-or-error) at this value, evaluating the batch once; when
        every rule holds, the batch's own ``passing`` tuple (callers test it by identity).

        Rules are pure (no clock, no I/O), so a batch's results are remembered for the
        projected content: codes, statuses and OU codes repeat across a corpus, and handing a
        value to the CEL engine costs far more than looking the answer up.
        """
        if batch.native is not None:
            return self._run_native(batch, value)
        projected = batch.project(value)
        # repr is C-fast and tells JSON values apart (1, 1.0, True, "1"): a faithful key.
        content = repr(projected)
        memo_key = (batch.expression, content)
        results = self._memo.get(memo_key)
        if results is None:
            results = self._run_batch(batch, projected, content)
            if all(ok and v is True for ok, v in results):
                results = batch.passing  # (not ==: a rule that gives 1 has not passed)
            if all((ok and isinstance(v, bool)) or not ok for ok, v in results):
                if len(self._memo) >= _MEMO_LIMIT:
                    self._memo.clear()
                self._memo[memo_key] = results
        return results

    def _run_native(self, batch: CelBatch, value: Any) -> tuple[tuple[bool, Any], ...]:
        """The batch in plain Python (cel_native.py): no binding, so no memo either."""
        assert batch.native is not None
        env = new_env(value)
        outcomes: list[tuple[bool, Any]] = []
        passing = True
        for native in batch.native:
            try:
                result = native(env)
            except EvalError as exc:
                outcomes.append((False, str(exc)[:300]))
                passing = False
                continue
            outcomes.append((True, result))
            passing = passing and result is True
        return batch.passing if passing else tuple(outcomes)

    def _run_batch(
        self, batch: CelBatch, projected: Any, content: str
    ) -> tuple[tuple[bool, Any], ...]:
        if content != self._bound:
            self._context.add_variable("self", projected)
            self._bound = content
        outcomes: list[tuple[bool, Any]] = []
        for rule in batch.rules:
            try:
                _within_budget(rule, projected)
                outcomes.append((True, self._execute(rule)))
            except RuleError as exc:
                outcomes.append((False, str(exc)))
        return tuple(outcomes)

    def compile(self, expression: str, requirement: str, origin: str) -> CelRule:
        rule = CelRule(expression, requirement, origin, self.known)
        try:
            rule.tree = parse(expression)
            rule.native = compile_tree(rule.tree, self.raw_functions)
        except Unsupported:
            rule.native = None  # the engine evaluates it
        return rule

    def evaluate(self, rule: CelRule, value: Any) -> Any:
        """The rule's result (natively when the rule allows); raises ``RuleError`` with words
        when it cannot be evaluated."""
        if rule.native is not None:
            try:
                return rule.native(new_env(value))
            except EvalError as exc:
                raise RuleError(str(exc)[:300]) from None
        return self.evaluate_with_engine(rule, value)

    def evaluate_with_engine(self, rule: CelRule, value: Any) -> Any:
        """The rule's result from the CEL engine itself (the reference the native path is
        tested against)."""
        _within_budget(rule, value)
        self._bound = None
        self._context.add_variable("self", value)
        return self._execute(rule)

    def _execute(self, rule: CelRule) -> Any:
        self._failures.clear()
        try:
            result = rule.program.execute(self._context)
        except Exception as exc:  # the engine raises several types; all mean "could not run"
            reason = self._failures[0] if self._failures else " ".join(str(exc).split())
            raise RuleError(reason[:300]) from None
        if self._failures:
            raise RuleError(self._failures[0][:300])
        return result


#: Remembered rule results before the memo starts afresh (bounded memory on any corpus).
_MEMO_LIMIT = 50_000


class RuleError(Exception):
    """A rule that could not be evaluated on a value (a type error, a missing field, ...)."""


def _within_budget(rule: CelRule, value: Any) -> None:
    """The engine cannot be stopped once it runs: a rule with nested macros is not started on
    a value where its items to the power of its nesting exceed the budget (the native path
    counts its steps exactly instead)."""
    if rule.growth.depth < 2:
        return
    items = list_items(value)
    if items**rule.growth.depth > MAX_STEPS:
        raise RuleError(
            f"over the evaluation budget: {items:,} list items under {rule.growth.depth} "
            f"nested macros is more than {MAX_STEPS:,} steps"
        )


# -- projections: bind only what a rule reads -------------------------------------------------
#
# Handing a value to the CEL engine costs about 3 microseconds per member (measured: 50 us for
# a message header, 90-160 us for a defendant), far more than evaluating a rule (about 1 us).
# So each rule's field accesses are read from its text and only those fields are bound. Where
# the text is not simple enough to be sure (``self`` used bare, indexing), the whole value is
# bound. A differential test holds every bundled rule to the same result either way.

Trie = dict[str, "Trie"]

#: A field path longer than this is bound whole rather than projected (no message is deeper).
MAX_PROJECTED_DEPTH = 64


def projection(expression: str) -> Trie | None:
    """The fields of ``self`` an expression reads, as a trie (``*`` = every item), or None
    when it may read more than that (then bind the whole value): read from the syntax tree,
    so a rule outside cel_syntax's subset is bound whole."""
    if _too_deep(expression) is not None:
        return None
    try:
        return projection_of(parse(expression))
    except Unsupported:
        return None


def projection_of(tree: Node | None) -> Trie | None:
    """``projection`` of a parsed rule (None: no tree, bind the whole value)."""
    paths = None if tree is None else reads(tree)
    if paths is None:
        return None
    trie: Trie = {}
    for path in paths:
        if len(path) > MAX_PROJECTED_DEPTH:
            return None  # deeper than any message: bind the whole value, build no deep trie
        node = trie
        for field in path:
            node = node.setdefault(field, {})
    return trie


def project(value: Any, trie: Trie | None) -> Any:
    """``value`` cut down to the fields in ``trie`` (all of it when the trie is None or a leaf)."""
    if trie is None or not trie:
        return value
    if isinstance(value, dict):
        if "*" in trie:
            return value  # a macro over a map ranges over its keys: keep every one
        return {k: project(value[k], sub) for k, sub in trie.items() if k in value}
    if isinstance(value, list) and "*" in trie:
        return [project(item, trie["*"]) for item in value]
    return value


def projector(trie: Trie | None, leaf: Callable[[Any], Any] | None = None) -> Callable[[Any], Any]:
    """``project`` specialised to one trie once, so that each call walks only the fields;
    ``leaf`` is applied to each value kept whole (default: kept as it is)."""
    if trie is None or not trie:
        return _identity if leaf is None else leaf
    star = projector(trie["*"], leaf) if "*" in trie else None
    fields = [(name, projector(sub, leaf)) for name, sub in trie.items()]

    def walk(value: Any) -> Any:
        kind = type(value)
        if kind is dict:
            if star is not None:
                return value  # a macro over a map ranges over its keys: keep every one
            return {name: get(value[name]) for name, get in fields if name in value}
        if kind is list and star is not None:
            return [star(item) for item in value]
        return value

    return walk


def _identity(value: Any) -> Any:
    return value


def merge(tries: list[Trie | None]) -> Trie | None:
    """One trie that covers every given one (None if any needs the whole value)."""
    merged: Trie = {}
    for trie in tries:
        if trie is None:
            return None
        _merge_into(merged, trie)
    return merged


def _merge_into(target: Trie, source: Trie) -> None:
    for key, sub in source.items():
        if key in target:
            if not target[key] or not sub:
                target[key] = {}  # one side wants the whole subtree
            else:
                _merge_into(target[key], sub)
        else:
            target[key] = dict(sub) if sub else {}
