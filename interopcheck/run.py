"""``Run``: what every checking command hands on, the one shape ``publish`` takes.

Every command is ``parse options -> request -> run(request) -> Run -> publish``: the pipelines
(``validation``, ``journeys``, ``probe.pipeline``, ``compat.command``, ``demo.run``) return a
``Run``; ``publish.publish`` writes its manifest, every format and the signature, and gives the
exit code; the Python API (``interopcheck.validate`` and the rest) returns it collected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TextIO

from interopcheck.results import FailOn, PayloadResult, RunSummary, Verdict

if TYPE_CHECKING:
    from interopcheck.standard.catalog import Catalog

#: The commands that make a ``Run`` (the manifest's ``command``).
Command = Literal["validate", "journey", "probe", "compat", "demo"]


@dataclass
class Run:
    """One run: its summary, what it read, the options that decide its result, the schemas it
    used, and its results. ``results`` may be a stream (``validate`` on a large corpus): the
    summary is final only once it has been consumed, by ``publish`` or by ``collect``."""

    command: Command
    summary: RunSummary
    inputs: list[str]
    options: dict[str, Any]
    """The options that decide the result, as the manifest records them (JSON values)."""
    results: Iterable[PayloadResult]
    catalog: Catalog | None = None
    """The schemas validated against (the manifest's digests), when there is one catalog."""
    schemas: list[dict[str, str]] | None = None
    """Digests standing in for a catalog's (compat: both versions and their references)."""
    profile_in_manifest: bool = True
    """False where the summary's profile describes a comparison (compat), not a profile used."""
    fail_on: tuple[FailOn, ...] | None = None
    """The exit policy when the command fixes it (compat, demo); otherwise ``--fail-on``."""
    console_view: Callable[[TextIO], None] | None = field(default=None, repr=False)
    """A command's own console view in place of the shared one (compat's table)."""

    def collect(self) -> Run:
        """Consume a streamed ``results`` into a list, so the summary is final; returns self."""
        if not isinstance(self.results, list):
            self.results = list(self.results)
        return self

    @property
    def verdict(self) -> Verdict:
        return self.summary.verdict

    @property
    def conformant(self) -> bool:
        return self.summary.conformant

    def failed(self) -> list[PayloadResult]:
        """The results with findings (collects a streamed run first)."""
        results = self.collect().results
        assert isinstance(results, list)
        return [result for result in results if not result.valid]
