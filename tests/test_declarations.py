"""Things declared once and checked against their uses. The format registry is the one list
of formats: every name the CLI offers has an implementation of the kind the registry says,
every implementation has a name, and each file format has a file name of its own (pip-audit
keeps its formats honest the same way). ``--profile``, ``--seed`` and ``--ref-schemas`` are
declared once for every command, and the report options are the same wherever they appear."""

from __future__ import annotations

import importlib
import pkgutil

import typer.main

import interopcheck.formats as formats_package
from interopcheck.cli import app
from interopcheck.formats.registry import FILE_NAMES, FORMATS, STREAMING, OutputFormat, renderer

#: Modules of the package that are not formats themselves.
HELPERS = {"registry", "text", "verbosity"}


def test_every_format_named_is_implemented_as_the_registry_says() -> None:
    assert set(FORMATS) == set(OutputFormat)
    for name, spec in FORMATS.items():
        module = importlib.import_module(f"interopcheck.formats.{spec.module}")
        if spec.made == "rendered":
            assert callable(renderer(name)), name
            assert not hasattr(module, "ConsoleWriter") and not hasattr(module, "JsonWriter")
        else:
            assert name in STREAMING
            writers = [v for k, v in vars(module).items() if k.endswith("Writer")]
            assert writers and all(callable(getattr(w, "add", None)) for w in writers), name


def test_every_format_module_has_a_name() -> None:
    modules = {m.name for m in pkgutil.iter_modules(formats_package.__path__)} - HELPERS
    assert modules == {spec.module for spec in FORMATS.values()}


def test_file_names_are_distinct_and_only_the_console_has_none() -> None:
    assert len(set(FILE_NAMES.values())) == len(FILE_NAMES)
    assert set(FORMATS) - set(FILE_NAMES) == {OutputFormat.console}


def test_the_cli_offers_exactly_the_registry() -> None:
    command = typer.main.get_command(app).commands["validate"]  # type: ignore[attr-defined]
    option = next(p for p in command.params if p.name == "output_format")
    assert set(option.type.choices) == {f.value for f in OutputFormat}


def test_profile_is_declared_once_for_every_command() -> None:
    """``--profile`` has the same flags and first words wherever it appears (it was declared
    seven times with six help texts)."""
    group = typer.main.get_command(app)
    seen = 0
    for command in group.commands.values():  # type: ignore[attr-defined]
        for param in getattr(command, "params", []):
            if param.name == "profile" and "--profile" in param.opts:
                seen += 1
                assert set(param.opts) | set(param.secondary_opts) >= {"--profile", "-p"}
                assert param.help.startswith("Conformance profile, a bundled id or a YAML file: ")
    assert seen == 7


def _options(name: str) -> list[tuple[str, object]]:
    """(command path, click parameter) for every option called ``name``, in every command."""
    found = []
    stack = [("interopcheck", typer.main.get_command(app))]
    while stack:
        path, command = stack.pop()
        for sub_name, sub in getattr(command, "commands", {}).items():
            stack.append((f"{path} {sub_name}", sub))
        for param in getattr(command, "params", []):
            if name in getattr(param, "opts", ()):
                found.append((path, param))
    return found


def test_seed_and_ref_schemas_are_declared_once() -> None:
    seeds = _options("--seed")
    assert {path for path, _ in seeds} == {
        "interopcheck demo",
        "interopcheck generate",
        "interopcheck probe",
        "interopcheck compat",
    }
    for _, param in seeds:
        assert param.help.startswith("Seed: the same seed gives the same run. ")  # type: ignore[attr-defined]
    refs = _options("--ref-schemas")
    assert {path for path, _ in refs} >= {"interopcheck validate", "interopcheck compat"}
    for _, param in refs:
        assert param.help.startswith(  # type: ignore[attr-defined]
            "Schema files or directories that $ref may point to: "
        )


CHECKING = {f"interopcheck {c}" for c in ("validate", "journey", "probe", "compat")}


def test_the_report_options_are_the_same_in_every_checking_command() -> None:
    """--format, --output, --report-dir, --sign, --supplier, --product, --product-version,
    --quiet and --verbose: one declaration each, so one help text each."""
    for option in (
        "--format",
        "--output",
        "--report-dir",
        "--sign",
        "--supplier",
        "--product",
        "--product-version",
        "--quiet",
        "--verbose",
    ):
        declared = [p for path, p in _options(option) if path in CHECKING]
        helps = {p.help for p in declared}  # type: ignore[attr-defined]
        assert len(declared) == len(CHECKING), option
        assert len(helps) == 1, (option, helps)
