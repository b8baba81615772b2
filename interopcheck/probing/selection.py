"""Which endpoints a probe sends to: ``--include-endpoint`` and ``--exclude-endpoint``, as the
endpoint ids ``profiles show`` lists (shell-style patterns: ``get-*``, ``*-case``).

A pattern that names no endpoint is a mistake, said with the valid ids; an endpoint left out
is said in the report (its requirements then go untested, and the verdict says so), never
dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from interopcheck.errors import UsageError
from interopcheck.profile.model import Endpoint


@dataclass(frozen=True)
class EndpointSelection:
    include: tuple[str, ...] = ()
    """Only endpoints whose id one of these matches (none given: every endpoint)."""
    exclude: tuple[str, ...] = ()
    """No endpoint whose id one of these matches."""

    def split(self, endpoints: list[Endpoint]) -> tuple[list[Endpoint], dict[str, str]]:
        """(the endpoints to probe, why each other one is not), in the given order."""
        ids = [e.id for e in endpoints]
        for option, patterns in (
            ("--include-endpoint", self.include),
            ("--exclude-endpoint", self.exclude),
        ):
            for pattern in patterns:
                if not any(fnmatchcase(i, pattern) for i in ids):
                    raise UsageError(
                        f"{option} {pattern}: no endpoint has that id; the ids are {', '.join(ids)}"
                    )
        kept: list[Endpoint] = []
        left_out: dict[str, str] = {}
        for endpoint in endpoints:
            if self.include and not any(fnmatchcase(endpoint.id, p) for p in self.include):
                left_out[endpoint.id] = "not probed: not named by --include-endpoint"
            elif any(fnmatchcase(endpoint.id, p) for p in self.exclude):
                left_out[endpoint.id] = "not probed: left out by --exclude-endpoint"
            else:
                kept.append(endpoint)
        if not kept:
            raise UsageError("--include-endpoint/--exclude-endpoint leave no endpoint to probe")
        return kept, left_out
