"""The pytest plugin (entry point ``pytest11``): conformance inside a supplier's own test suite.

Two ways in, both built on the Python API and failing (``pytest.fail``, no traceback) with the
report's words — the verdict, then each failed requirement's id, level and text, then
``source:line:col /pointer: what is wrong (expected ...)`` — where the CLI would exit 1:

- the ``conformance`` fixture: ``conformance.payloads(paths)``, ``conformance.journey(paths)``,
  ``conformance.endpoint(url)``, each returning the ``Run`` when it passes;
- ``--interopcheck-payloads DIR`` (or the ``interopcheck_payloads`` ini option) with
  ``--interopcheck-profile P`` [``--interopcheck-actor A``]: every payload file under DIR is a
  test item of its own (marker ``interopcheck``).

Personal data stays redacted in failure text, as in every report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from interopcheck.errors import SetupError
from interopcheck.results import FailOn

if TYPE_CHECKING:
    from interopcheck.run import Run

#: Files collected as payloads under an ``--interopcheck-payloads`` directory.
PAYLOAD_SUFFIXES = (".json", ".yaml", ".yml", ".jsonl", ".ndjson")
MARKER = "interopcheck"


@dataclass(frozen=True)
class Settings:
    """What the command line and the ini file chose (the fixture's defaults)."""

    profile: str | None = None
    actor: str | None = None
    strict: bool = False
    fail_on: tuple[FailOn, ...] = (FailOn.must,)
    payload_dirs: tuple[Path, ...] = ()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("interopcheck", "conformance to an exchange standard (interopcheck)")
    group.addoption(
        "--interopcheck-payloads",
        action="append",
        metavar="DIR",
        help="Collect every payload file under DIR as a conformance test (repeatable).",
    )
    group.addoption("--interopcheck-profile", metavar="PROFILE", help="Profile to conform to.")
    group.addoption("--interopcheck-actor", metavar="ACTOR", help="Conform as this actor.")
    group.addoption(
        "--interopcheck-strict",
        action="store_true",
        default=None,
        help="SHOULD requirements decide conformance too.",
    )
    group.addoption(
        "--interopcheck-fail-on",
        action="append",
        choices=[f.value for f in FailOn],
        help="As interopcheck --fail-on (default: must); repeatable.",
    )
    parser.addini("interopcheck_payloads", "Payload directories to collect.", type="paths")
    parser.addini("interopcheck_profile", "Profile to conform to.", default=None)
    parser.addini("interopcheck_actor", "Conform as this actor.", default=None)
    parser.addini("interopcheck_strict", "SHOULD requirements decide too.", type="bool")


def settings_of(config: pytest.Config) -> Settings:
    """Options over ini values; payload directories resolved from where pytest was started."""
    option_dirs = config.getoption("interopcheck_payloads") or []
    ini_dirs = config.getini("interopcheck_payloads") or []
    dirs = [Path(d).resolve() for d in option_dirs] + [Path(d).resolve() for d in ini_dirs]
    strict = config.getoption("interopcheck_strict")
    fail_on = config.getoption("interopcheck_fail_on") or [FailOn.must.value]
    return Settings(
        profile=config.getoption("interopcheck_profile") or config.getini("interopcheck_profile"),
        actor=config.getoption("interopcheck_actor") or config.getini("interopcheck_actor"),
        strict=bool(config.getini("interopcheck_strict") if strict is None else strict),
        fail_on=tuple(FailOn(f) for f in fail_on),
        payload_dirs=tuple(dict.fromkeys(dirs)),
    )


_SETTINGS = pytest.StashKey[Settings]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: a conformance check made by interopcheck")
    settings = settings_of(config)
    config.stash[_SETTINGS] = settings
    if not settings.payload_dirs:
        return
    if settings.profile is None:
        raise pytest.UsageError("--interopcheck-payloads needs --interopcheck-profile")
    for directory in settings.payload_dirs:
        if not directory.is_dir():
            raise pytest.UsageError(f"--interopcheck-payloads {directory}: not a directory")
    try:
        from interopcheck.profile.loader import load_profile

        load_profile(settings.profile)
    except SetupError as exc:
        raise pytest.UsageError(f"interopcheck: {exc}") from None
    collected = [Path(arg.split("::")[0]).resolve() for arg in config.args]
    for directory in settings.payload_dirs:
        if not any(directory == path or path in directory.parents for path in collected):
            config.args.append(str(directory))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    settings = parent.config.stash.get(_SETTINGS, None)
    if settings is None or file_path.suffix not in PAYLOAD_SUFFIXES:
        return None
    resolved = file_path.resolve()
    if any(d in resolved.parents for d in settings.payload_dirs):
        return PayloadFile.from_parent(parent, path=file_path)
    return None


class PayloadFile(pytest.File):
    """A payload file under an ``--interopcheck-payloads`` directory: one test item."""

    def collect(self) -> Iterator[pytest.Item]:
        yield PayloadItem.from_parent(self, name="conforms")


class PayloadItem(pytest.Item):
    """Does this payload conform to the profile, as the actor (what ``interopcheck validate
    FILE -p P --actor A`` would exit 0 for)?"""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_marker(MARKER)

    def runtest(self) -> None:
        settings = self.config.stash[_SETTINGS]
        here = Path.cwd()
        # named as the user would name it: relative to where pytest was started, if inside
        shown = self.path.relative_to(here) if here in self.path.parents else self.path
        Conformance(settings).payloads(shown)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"interopcheck conformance: {self.path.name}"


class Conformance:
    """Conformance assertions for tests: each runs the check through the Python API and fails
    the test with the report's wording where the CLI would exit 1; otherwise returns the Run.
    Keyword arguments override the command line's and ini file's choices."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def payloads(
        self,
        *paths: str | Path,
        profile: str | None = None,
        actor: str | None = None,
        strict: bool | None = None,
        fail_on: Sequence[FailOn | str] | None = None,
        **options: Any,
    ) -> Run:
        """Validate payload files (and directories, globs) against the profile's requirements
        (``options``: the rest of ``interopcheck.validate``'s, e.g. ``schema``)."""
        from interopcheck.api import validate

        chosen = self._chosen(profile, actor, strict, fail_on)
        return self._judged(
            chosen,
            lambda: validate(
                list(paths),
                profile=chosen.profile,
                actor=chosen.actor,
                strict=chosen.strict,
                workers=options.pop("workers", 1),
                **options,
            ),
        )

    def journey(
        self,
        *paths: str | Path,
        profile: str | None = None,
        actor: str | None = None,
        strict: bool | None = None,
        fail_on: Sequence[FailOn | str] | None = None,
    ) -> Run:
        """Check the messages of each case together by the profile's journey rules."""
        from interopcheck.api import journey

        chosen = self._chosen(profile, actor, strict, fail_on)
        if chosen.profile is None:
            pytest.fail("conformance.journey needs a profile", pytrace=False)
        name = chosen.profile
        return self._judged(
            chosen,
            lambda: journey(list(paths), profile=name, actor=chosen.actor, strict=chosen.strict),
        )

    def endpoint(
        self,
        target: str,
        *,
        profile: str | None = None,
        actor: str | None = None,
        strict: bool | None = None,
        fail_on: Sequence[FailOn | str] | None = None,
        **options: Any,
    ) -> Run:
        """Probe the actor's endpoints at ``target`` (``options``: ``interopcheck.probe``'s,
        e.g. ``auth="bearer:MY_TOKEN_VAR"``, ``max_examples``, ``seed``)."""
        from interopcheck.api import probe

        chosen = self._chosen(profile, actor, strict, fail_on)
        if chosen.actor is None:
            pytest.fail(
                "conformance.endpoint needs an actor (the one the target plays)", pytrace=False
            )
        role = chosen.actor
        return self._judged(
            chosen,
            lambda: probe(
                target,
                actor=role,
                profile=chosen.profile or "justice-ew",
                strict=chosen.strict,
                **options,
            ),
        )

    def _chosen(
        self,
        profile: str | None,
        actor: str | None,
        strict: bool | None,
        fail_on: Sequence[FailOn | str] | None,
    ) -> Settings:
        return replace(
            self.settings,
            profile=profile or self.settings.profile,
            actor=actor or self.settings.actor,
            strict=self.settings.strict if strict is None else strict,
            fail_on=self.settings.fail_on if fail_on is None else tuple(FailOn(f) for f in fail_on),
        )

    def _judged(self, chosen: Settings, check: Callable[[], Run]) -> Run:
        from interopcheck.formats.text import failure_text
        from interopcheck.publish import exit_code, fail_policy
        from interopcheck.report.document import ReportCollector

        try:
            run: Run = check().collect()
            policy = fail_policy(chosen.fail_on)
        except SetupError as exc:
            pytest.fail(f"interopcheck could not run: {exc}", pytrace=False)
        if exit_code(run.summary, policy) == 0:
            return run
        collector = ReportCollector(run.summary, run.command)
        for result in run.results:
            collector.add(result)
        pytest.fail(failure_text(collector.document()), pytrace=False)


@pytest.fixture
def conformance(request: pytest.FixtureRequest) -> Conformance:
    """Conformance assertions with the profile, actor and policy the run was given."""
    settings = request.config.stash.get(_SETTINGS, None) or Settings()
    return Conformance(settings)
