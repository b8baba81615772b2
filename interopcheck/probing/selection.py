"""Which endpoints a probe sends to and which checks it judges: ``--include-endpoint`` and
``--exclude-endpoint``, as the endpoint ids ``profiles show`` lists (shell-style patterns:
``get-*``, ``*-case``); ``--include-check`` and ``--exclude-check``, as the profile's http
checks are named (``rejects-invalid``, ``response-time``...).

A pattern that names no endpoint, or a check no profile has, is a mistake, said with the valid
names; an endpoint left out is said in the report, and the requirements of an endpoint or a
check left out go untested (the verdict says so): nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from interopcheck.errors import UsageError
from interopcheck.profile.checks import HTTP_CHECKS
from interopcheck.profile.model import Endpoint


@dataclass(frozen=True)
class EndpointSelection:
    include: tuple[str, ...] = ()
    """Only endpoints whose id one of these matches (none given: every endpoint)."""
    exclude: tuple[str, ...] = ()
    """No endpoint whose id one of these matches."""
    include_checks: tuple[str, ...] = ()
    """Judge only these http checks (none given: every one)."""
    exclude_checks: tuple[str, ...] = ()

    def checks(self) -> frozenset[str]:
        """The http checks to judge."""
        for option, names in (
            ("--include-check", self.include_checks),
            ("--exclude-check", self.exclude_checks),
        ):
            for name in names:
                if name not in HTTP_CHECKS:
                    raise UsageError(
                        f"{option} {name}: no such check; the checks are {', '.join(HTTP_CHECKS)}"
                    )
        chosen = set(self.include_checks or HTTP_CHECKS) - set(self.exclude_checks)
        if not chosen:
            raise UsageError("--include-check/--exclude-check leave no check to judge")
        return frozenset(chosen)

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
