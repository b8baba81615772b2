"""Real HTTP servers on loopback for tests: uvicorn in a thread, on a free port, stopped after."""

from typing import Any

from interopcheck.sandbox.serve import serving

__all__ = ["failed_requirements", "serving"]


def failed_requirements(results: list[Any]) -> dict[str, int]:
    """How many exchanges of a probe failed each requirement."""
    failed: dict[str, int] = {}
    for result in results:
        for requirement, outcome in result.outcomes.items():
            if outcome == "failed":
                failed[requirement] = failed.get(requirement, 0) + 1
    return failed
