"""A fast sampler for the same strategies: volume after Hypothesis has found the edges.

Hypothesis records every choice it makes so that it can replay and shrink (measured here: 60 to
100 µs a choice, 200 to 250 choices a charge-file). For bulk generation that bookkeeping is the
whole cost. ``FastData`` draws from the very strategy objects ``StrategyBuilder`` made, with a
seeded ``random.Random``: the strategy kinds the builder uses (sampled_from, one_of, just,
fixed_dictionaries, tuples, lists, text, integers, dates, booleans, builds, map, filter,
flatmap, shared, and ``@composite`` functions, which are handed this sampler's ``draw``) are
interpreted directly; any other kind is drawn by Hypothesis itself for that value alone. It
keeps the edges in reach (one_of branches and sampled lists are uniform; integers, sizes and
dates take their bounds one time in eight) but does not shrink. Same seed, same values.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any, Protocol

from hypothesis.control import BuildContext
from hypothesis.errors import StopTest, UnsatisfiedAssumption
from hypothesis.internal.conjecture.data import ConjectureData

#: Tries a filter gets before the value it guards is given up (Hypothesis also tries 3 times).
FILTER_TRIES = 3
#: Size of an unbounded collection or text beyond its minimum, at most.
OPEN_SIZE = 10
#: Texts longer than this repeat a random run of this length.
LONG_TEXT = 64


class Draws(Protocol):
    """What a case is drawn through: Hypothesis's ``st.data()`` object, or ``FastData``."""

    def draw(self, strategy: Any, label: str | None = None) -> Any: ...


class Rejected(Exception):
    """This case cannot be completed (a filter kept failing, or ``nothing()`` was drawn)."""


def _no_test() -> None:
    """What BuildContext is told the test is: there is none, only a value to draw."""


class FastData:
    """Stands in for Hypothesis's ``st.data()`` object: ``draw(strategy, label=None)``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._shared: dict[Any, Any] = {}

    def draw(self, strategy: Any, label: str | None = None) -> Any:
        return self._draw(strategy)

    # -- dispatch --------------------------------------------------------------------------

    def _draw(self, strategy: Any) -> Any:
        plan = _plans.get(id(strategy))
        if plan is None or plan[0] is not strategy:
            plan = _plan(strategy)
        return plan[2](self, plan[1])

    def _by_hypothesis(self, strategy: Any) -> Any:
        """A kind this sampler does not read: Hypothesis draws this one value."""
        data = ConjectureData(random=random.Random(self.rng.getrandbits(64)))
        try:
            with BuildContext(data, is_final=False, wrapped_test=_no_test):
                return data.draw(strategy)
        except (StopTest, UnsatisfiedAssumption):
            raise Rejected from None

    def _bounded(self, low: int, high: int) -> int:
        if high <= low:
            return low
        if self.rng.random() < 0.125:
            return self.rng.choice((low, high))
        return self.rng.randint(low, high)

    def _size(self, low: int, high: float | None) -> int:
        top = low + OPEN_SIZE if high is None or high == float("inf") else int(high)
        return self._bounded(low, min(top, low + OPEN_SIZE) if top > low else low)

    # -- kinds -----------------------------------------------------------------------------

    def _sampled(self, strategy: Any) -> Any:
        elements = strategy.elements
        if not elements:
            raise Rejected
        for _ in range(FILTER_TRIES):
            value = elements[self.rng.randrange(len(elements))]
            kept = True
            for kind, function, *_ in strategy._transformations:
                if kind == "map":
                    value = function(value)
                elif not function(value):
                    kept = False
                    break
            if kept:
                return value
        raise Rejected

    def _one_of(self, strategy: Any) -> Any:
        branches = _branches(strategy)
        if not branches:
            raise Rejected
        return self._draw(branches[int(self.rng.random() * len(branches))])

    def _fixed_dict(self, strategy: Any) -> Any:
        value = {key: self._draw(inner) for key, inner in strategy.mapping.items()}
        for key, inner in (strategy.optional or {}).items():
            # an optional property that can have no value (a recursion cut short) is left out
            if not inner.is_empty and self.rng.random() < 0.5:
                value[key] = self._draw(inner)
        return value

    def _tuple(self, strategy: Any) -> Any:
        return tuple(self._draw(inner) for inner in strategy.element_strategies)

    def _list(self, strategy: Any) -> Any:
        size = self._size(strategy.min_size, strategy.max_size)
        return [self._draw(strategy.element_strategy) for _ in range(size)]

    def _unique_list(self, strategy: Any) -> Any:
        size = self._size(strategy.min_size, strategy.max_size)
        items: list[Any] = []
        seen: list[set[Any]] = [set() for _ in strategy.keys]
        for _ in range(size * FILTER_TRIES):
            if len(items) == size:
                break
            item = self._draw(strategy.element_strategy)
            keys = [key(item) for key in strategy.keys]
            if any(k in s for k, s in zip(keys, seen, strict=True)):
                continue
            for k, s in zip(keys, seen, strict=True):
                s.add(k)
            suffixes = getattr(strategy, "tuple_suffixes", None)
            if suffixes is not None:  # st.dictionaries: unique keys, then their values
                item = (item, *self._draw(suffixes))
            items.append(item)
        if len(items) < strategy.min_size:
            raise Rejected
        return items

    def _text(self, strategy: Any) -> Any:
        size = self._size(strategy.min_size, strategy.max_size)
        if size == 0:
            return ""
        alphabet = _alphabet(strategy.element_strategy)
        if size <= LONG_TEXT:
            return "".join(self.rng.choices(alphabet, k=size))
        # a long text (a field at its maximum length): its length is the point, so a random
        # run repeated costs one draw per LONG_TEXT characters, not one per character
        run = "".join(self.rng.choices(alphabet, k=LONG_TEXT))
        return (run * (size // LONG_TEXT + 1))[:size]

    def _one_char(self, strategy: Any) -> Any:
        return self.rng.choice(_alphabet(strategy))

    def _integers(self, strategy: Any) -> Any:
        low = strategy.start if strategy.start is not None else -(2**31)
        high = strategy.end if strategy.end is not None else 2**31
        return self._bounded(low, high)

    def _dates(self, strategy: Any) -> Any:
        low, high = strategy.min_value, strategy.max_value
        return low + dt.timedelta(days=self._bounded(0, (high - low).days))

    def _booleans(self, strategy: Any) -> Any:
        return self.rng.random() < 0.5

    def _just(self, strategy: Any) -> Any:
        return self._sampled(strategy)

    def _builds(self, strategy: Any) -> Any:
        args = [self._draw(a) for a in strategy.args]
        kwargs = {k: self._draw(v) for k, v in strategy.kwargs.items()}
        return strategy.target(*args, **kwargs)

    def _mapped(self, strategy: Any) -> Any:
        try:
            return strategy.pack(self._draw(strategy.mapped_strategy))
        except UnsatisfiedAssumption:  # a mapping that rejects what it was given
            raise Rejected from None

    def _filtered(self, strategy: Any) -> Any:
        for _ in range(FILTER_TRIES):
            value = self._draw(strategy.filtered_strategy)
            if all(condition(value) for condition in strategy.flat_conditions):
                return value
        raise Rejected

    def _nothing(self, strategy: Any) -> Any:
        raise Rejected

    def _random(self, strategy: Any) -> Any:
        """``st.randoms()``: a Random of its own, seeded from this one."""
        return random.Random(self.rng.getrandbits(64))

    def _composite(self, strategy: Any) -> Any:
        """An ``@st.composite`` function, given this sampler's ``draw``."""
        return strategy.definition(self.draw, *strategy.args, **strategy.kwargs)

    def _flatmap(self, strategy: Any) -> Any:
        return self._draw(strategy.expand(self._draw(strategy.base)))

    def _shared_value(self, strategy: Any) -> Any:
        """``st.shared``: one value per key for the whole case, as in Hypothesis."""
        if strategy.key not in self._shared:
            self._shared[strategy.key] = self._draw(strategy.base)
        return self._shared[strategy.key]


#: Per strategy, by identity: (the strategy, what it unwraps to, the handler for that kind).
#: Unwrapping a lazy strategy and finding the handler cost more than most draws.
_plans: dict[int, tuple[Any, Any, Callable[[FastData, Any], Any]]] = {}
#: Entries the caches keep before starting again (they hold the strategies alive).
CACHE_LIMIT = 100_000
_one_of_branches: dict[int, tuple[Any, tuple[Any, ...]]] = {}


def _plan(strategy: Any) -> tuple[Any, Any, Callable[[FastData, Any], Any]]:
    target = strategy
    while type(target).__name__ == "LazyStrategy":
        target = target.wrapped_strategy  # its map/filter transformations are inside already
    handler = _HANDLERS.get(type(target).__name__, FastData._by_hypothesis)
    plan = (strategy, target, handler)
    if len(_plans) > CACHE_LIMIT:  # strategies made per draw (sampled_from(list)) add up
        _plans.clear()
        _one_of_branches.clear()
    _plans[id(strategy)] = plan
    return plan


def _branches(strategy: Any) -> tuple[Any, ...]:
    """A one_of's branches, flattened and without the empty ones (as Hypothesis chooses)."""
    known = _one_of_branches.get(id(strategy))
    if known is None or known[0] is not strategy:
        known = (strategy, tuple(strategy.element_strategies))
        _one_of_branches[id(strategy)] = known
    return known[1]


#: Characters drawn from, per alphabet: all of a small one; of a large one (full Unicode), a
#: fixed sample plus printable ASCII, so that a character costs one C-level choice.
ALPHABET_SAMPLE = 4096
_alphabets: dict[int, tuple[Any, list[str]]] = {}


def _alphabet(strategy: Any) -> list[str]:
    known = _alphabets.get(id(strategy))
    if known is not None and known[0] is strategy:
        return known[1]
    intervals = strategy.intervals
    count = len(intervals)
    if count == 0:
        raise Rejected
    if count <= ALPHABET_SAMPLE:
        chars = [chr(intervals[i]) for i in range(count)]
    else:
        picked = random.Random(0).sample(range(count), ALPHABET_SAMPLE)
        chars = [chr(intervals[i]) for i in sorted(picked)]
        chars += [c for c in map(chr, range(32, 127)) if ord(c) in intervals]
    _alphabets[id(strategy)] = (strategy, chars)
    return chars


_HANDLERS: dict[str, Callable[[FastData, Any], Any]] = {
    "SampledFromStrategy": FastData._sampled,
    "JustStrategy": FastData._just,
    "OneOfStrategy": FastData._one_of,
    "FixedDictStrategy": FastData._fixed_dict,
    "TupleStrategy": FastData._tuple,
    "ListStrategy": FastData._list,
    "UniqueListStrategy": FastData._unique_list,
    "TextStrategy": FastData._text,
    "OneCharStringStrategy": FastData._one_char,
    "IntegersStrategy": FastData._integers,
    "DateStrategy": FastData._dates,
    "BooleansStrategy": FastData._booleans,
    "BuildsStrategy": FastData._builds,
    "MappedStrategy": FastData._mapped,
    "FilteredStrategy": FastData._filtered,
    "Nothing": FastData._nothing,
    "CompositeStrategy": FastData._composite,
    "RandomStrategy": FastData._random,
    "FlatMapStrategy": FastData._flatmap,
    "SharedStrategy": FastData._shared_value,
}
