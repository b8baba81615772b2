"""What a probe learns while it sends, and how that bounds the rest: run controls.

``--max-failures N`` stops sending once N exchanges have failed; ``--max-time S`` once S
seconds have passed. An endpoint is known slow once ``SLOW_KNOWN`` of its answers took longer
than the profile allows (or never came): from then on it gets at most ``SLOW_CONCURRENCY``
requests at a time, and only exchanges of a kind it has not been sent yet (a valid message,
an invalid one, one without credentials...: each check still meets it; the response-time
finding is kept), so a slow server costs seconds, not the
plan's length times its delay. Whatever is not sent is counted per endpoint and said in the
report: nothing is left out silently.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from interopcheck.probing.client import Answer
from interopcheck.probing.judge import Verdict
from interopcheck.probing.plan import Exchange

#: Answers over the limit after which an endpoint is known slow.
SLOW_KNOWN = 3
#: Requests in flight at once to an endpoint known slow (half of the default --concurrency).
SLOW_CONCURRENCY = 4


@dataclass(frozen=True)
class Controls:
    """``--max-failures`` and ``--max-time`` (None: no bound)."""

    max_failures: int | None = None
    max_time: float | None = None


@dataclass
class Pacing:
    controls: Controls
    limit_ms: float
    """The profile's maxResponseMs: slower answers count towards an endpoint being slow."""
    started: float = field(default_factory=time.monotonic)
    failing: int = 0
    slow_answers: Counter[str] = field(default_factory=Counter)
    kinds_sent: dict[str, set[str]] = field(default_factory=dict)
    skipped: dict[str, Counter[str]] = field(default_factory=dict)
    """By endpoint id: how many exchanges were not sent, by reason."""
    _slots: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    def slow(self, endpoint_id: str) -> bool:
        return self.slow_answers[endpoint_id] >= SLOW_KNOWN

    def slot(self, endpoint_id: str) -> asyncio.Semaphore:
        """The narrower gate an endpoint known slow is sent through."""
        if endpoint_id not in self._slots:
            self._slots[endpoint_id] = asyncio.Semaphore(SLOW_CONCURRENCY)
        return self._slots[endpoint_id]

    def stopped(self) -> str | None:
        """Why nothing more is sent at all, when a run control says so."""
        controls = self.controls
        if controls.max_failures is not None and self.failing >= controls.max_failures:
            return f"--max-failures {controls.max_failures} reached"
        if controls.max_time is not None and time.monotonic() - self.started > controls.max_time:
            return f"--max-time {controls.max_time:g} s reached"
        return None

    def admit(self, exchange: Exchange) -> bool:
        """Whether to send ``exchange`` now; when not, it is counted as skipped, with why."""
        endpoint = exchange.endpoint.id
        reason = self.stopped()
        sent = self.kinds_sent.setdefault(endpoint, set())
        kind = "valid" if exchange.sends_valid else exchange.kind
        if reason is None and self.slow(endpoint) and kind in sent:
            reason = f"the endpoint is slow ({SLOW_KNOWN} answers over {self.limit_ms:g} ms)"
        if reason is not None:
            self.skipped.setdefault(endpoint, Counter())[reason] += 1
            return False
        sent.add(kind)
        return True

    def heard(self, exchange: Exchange, answer: Answer, verdict: Verdict) -> None:
        if answer.elapsed_ms > self.limit_ms or (answer.error and "within" in answer.error):
            self.slow_answers[exchange.endpoint.id] += 1
        if "failed" in verdict.outcomes.values():
            self.failing += 1

    def notes(self) -> dict[str, str]:
        """By endpoint id: what was not sent, and why, in words."""
        return {
            endpoint: "; ".join(
                f"{count} exchange(s) not sent: {reason}" for reason, count in reasons.items()
            )
            for endpoint, reasons in self.skipped.items()
        }
