"""Generated journeys: one message of each type in the profile's order, about one case, that
pass the profile's journey rules as well as each message's own.

Each message is one ``generate`` made valid (Hypothesis draws messages one per example: a whole
journey would overrun its choice buffer); a seeded random assembly picks one of each type in the
profile's order, and the journey is made consistent
the way the profile says it must be: the join keys and every same-identifier rule's places carry
the value first issued, the dates-in-order steps run forward across the messages, items that
must come from an earlier message (subset rules) take their matching fields from it, and a
message a requires rule names is drawn again until its condition holds. The result is checked
by the payload checker and the journey checker; only a journey with no finding is emitted.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from typing import Any

from interopcheck.checks.journey import JourneyChecker, JourneyMessage, group
from interopcheck.checks.pointers import resolve
from interopcheck.checks.schema import SchemaChecker
from interopcheck.errors import GenerationError, ProfileError, UsageError
from interopcheck.generation.cases import (
    Case,
    CaseGenerator,
    Generation,
    end_after_start,
    set_at,
    shaped_like,
)
from interopcheck.profile.checks import (
    DatesInOrderCheck,
    RequiresCheck,
    SameIdentifierCheck,
    SubsetCheck,
)
from interopcheck.profile.model import Requirement

#: Assemblies tried per journey asked for before saying how many were found.
ATTEMPTS_PER_JOURNEY = 20


class JourneyGenerator:
    def __init__(self, checker: SchemaChecker, seed: int) -> None:
        rules = checker.rules
        if rules is None:
            raise UsageError("--journey needs --profile (journeys are defined by a profile)")
        self.profile = rules.profile
        if not self.profile.journey_join or not self.profile.journey_order:
            raise ProfileError(
                f"profile {self.profile.id} declares no journey (journey.join and journey.order)"
            )
        self.checker = checker
        self.seed = seed
        self.generators: dict[str, CaseGenerator] = {}
        for message_type in self.profile.journey_order:
            entry = checker.catalog.for_message(message_type, None)
            if entry is None:
                raise ProfileError(f"journey.order names {message_type}, which no schema defines")
            self.generators[message_type] = CaseGenerator(checker, entry, seed, examples=False)
        self.journey_checker = JourneyChecker(self.profile, rules)

    def journeys(self, count: int) -> Generation:
        """``count`` journeys, each a list of messages in the profile's order."""
        pool = max(4, count * 2)
        conditions = self._conditions()
        pools: dict[str, list[Any]] = {}
        generation = Generation()
        for message_type, generator in self.generators.items():
            made = generator.valid(pool)
            generation.tried += made.tried
            generation.rejected += made.rejected
            if made.stopped is not None:  # a journey needs every message: none can be formed
                raise GenerationError(f"cannot generate journeys: {made.stopped}")
            values = [c.value for c in made.cases]
            wanted = conditions.get(message_type, [])
            values = [v for v in values if all(self._holds(rule, v) for rule in wanted)]
            if not values:
                more = generator.valid(pool * 4)
                values = [
                    c.value
                    for c in more.cases
                    if all(self._holds(rule, c.value) for rule in wanted)
                ]
            if not values:
                raise GenerationError(
                    f"no generated {message_type} meets "
                    f"{', '.join(r.id for r in wanted)}: a journey cannot be formed"
                )
            pools[message_type] = values
        rng = random.Random(self.seed)
        seen: set[str] = set()
        used: set[str] = set()  # join values of earlier journeys: each journey stands alone
        for _ in range(count * ATTEMPTS_PER_JOURNEY):
            if len(generation.cases) >= count:
                break
            messages = {m: copy.deepcopy(rng.choice(values)) for m, values in pools.items()}
            self._same_values(messages)
            self._subsets(messages)
            self._timeline(messages, rng)
            ordered = [messages[m] for m in self.generators]
            key = json.dumps(ordered, sort_keys=True)
            joins = self._join_values(messages)
            if key in seen or joins & used or self._findings(ordered):
                generation.rejected += 1
                continue
            seen.add(key)
            used |= joins
            generation.cases.append(Case(ordered, valid=True))
        return generation

    def _join_values(self, messages: dict[str, Any]) -> set[str]:
        return {
            json.dumps(value)
            for locations in self.profile.journey_join.values()
            for message_type, pointers in locations.items()
            for pointer in pointers
            for _, value in resolve(messages.get(message_type), pointer)
        }

    def _conditions(self) -> dict[str, list[Requirement]]:
        found: dict[str, list[Requirement]] = {}
        for requirement in self.profile.journey_requirements():
            check = requirement.check
            if isinstance(check, RequiresCheck) and check.after_cel is not None:
                found.setdefault(check.after, []).append(requirement)
        return found

    def _holds(self, requirement: Requirement, value: Any) -> bool:
        rules = self.checker.rules
        assert rules is not None
        rule = rules.rule(requirement.id)
        if rule is None:
            return True
        try:
            return rules.cel.evaluate(rule, value) is True
        except Exception:  # a rule that cannot be evaluated on this draw: draw again
            return False

    def _same_values(self, messages: dict[str, Any]) -> None:
        """The first value issued at a join key's or same-identifier rule's places, everywhere."""
        groups = [dict(locations) for locations in self.profile.journey_join.values()]
        for requirement in self.profile.journey_requirements():
            check = requirement.check
            if isinstance(check, SameIdentifierCheck):
                origin_first = dict(check.origin)
                origin_first.update({k: v for k, v in check.reuse.items() if k not in origin_first})
                groups.append(origin_first)
        for locations in groups:
            issued = None
            for message_type in self.generators:
                for pointer in locations.get(message_type, ()):
                    for path, value in resolve(messages[message_type], pointer):
                        if issued is None:
                            issued = value
                        else:
                            set_at(messages[message_type], path, issued)

    def _subsets(self, messages: dict[str, Any]) -> None:
        for requirement in self.profile.journey_requirements():
            check = requirement.check
            if not isinstance(check, SubsetCheck):
                continue
            within = [
                value
                for message_type, pointers in check.within.items()
                for pointer in pointers
                for _, value in resolve(messages.get(message_type), pointer)
                if isinstance(value, dict)
            ]
            if not within:
                continue
            index = 0
            for message_type, pointers in check.items.items():
                for pointer in pointers:
                    for _, item in resolve(messages.get(message_type), pointer):
                        if isinstance(item, dict):
                            source = within[index % len(within)]
                            index += 1
                            for name in check.match:
                                if name in source:
                                    item[name] = copy.deepcopy(source[name])

    def _timeline(self, messages: dict[str, Any], rng: random.Random) -> None:
        """The dates-in-order steps forward across the journey, an ``...End`` after its
        ``...Start``, and each message sent after the dates it reports (requires rules
        compare when messages were sent)."""
        day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
        sent: dict[str, dt.date] = {}
        for requirement in self.profile.journey_requirements():
            if not isinstance(requirement.check, DatesInOrderCheck):
                continue
            for step in requirement.check.steps:
                for message_type, pointers in step.at.items():
                    for pointer in pointers:
                        for path, current in resolve(messages.get(message_type), pointer):
                            set_at(messages[message_type], path, shaped_like(current, day))
                            end_after_start(
                                messages[message_type],
                                path,
                                day + dt.timedelta(days=rng.randint(0, 30)),
                            )
                            sent[message_type] = day
                day += dt.timedelta(days=rng.randint(1, 60))
        latest = None
        for minute, message_type in enumerate(self.generators):
            when = sent.get(message_type, latest or day)
            if latest is not None and when < latest:
                when = latest
            latest = when
            header = messages[message_type].get("header")
            if isinstance(header, dict) and "sentAt" in header:
                header["sentAt"] = (
                    f"{(when + dt.timedelta(days=1)).isoformat()}T12:{minute:02d}:00Z"
                )

    # -- checking ----------------------------------------------------------------------------------

    def _findings(self, messages: list[Any]) -> bool:
        journey_messages = []
        for position, (message_type, value) in enumerate(
            zip(self.generators, messages, strict=True)
        ):
            if self.generators[message_type].findings(value):
                return True
            journey_messages.append(JourneyMessage(position, message_type, message_type, value))
        journeys = group(journey_messages, self.profile.journey_join)
        if len(journeys) != 1:
            return True
        self.journey_checker.check(journeys[0])
        return any(m.findings for m in journeys[0].messages)
