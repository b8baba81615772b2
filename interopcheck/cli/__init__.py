"""The command-line face: parse options, run a pipeline, choose the exit code. No logic here
that a test could not reach through the Python API."""

from __future__ import annotations

import functools
import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Annotated, Any, NoReturn

import typer
import typer.main

from interopcheck import __version__
from interopcheck.errors import SetupError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_SETUP = 2

#: Every top-level command: its module under ``interopcheck.cli``, the attribute that is the
#: command (a function) or group (a Typer app), and whether it shows its help when run bare.
COMMANDS: dict[str, tuple[str, str, bool]] = {
    "demo": ("demo", "demo", False),
    "validate": ("validate", "validate", True),
    "journey": ("journey", "journey", True),
    "generate": ("generate", "generate", True),
    "report": ("report", "report", True),
    "verify": ("verify", "verify", True),
    "sandbox": ("sandbox", "sandbox", True),
    "probe": ("probe", "probe", True),
    "replay": ("replay", "replay", True),
    "compat": ("compat", "compat", True),
    "keys": ("keys", "app", False),
    "schemas": ("schemas", "app", False),
    "profiles": ("profiles", "app", False),
    "apis": ("apis", "app", False),
    "config": ("config_command", "config", False),
}


def build_app(only: str | None = None) -> typer.Typer:
    """The Typer app: every command, or only ``only`` (what a run that names its command
    needs: the other commands' modules are not imported nor their options converted, which
    was most of a one-file run's start-up)."""
    app = typer.Typer(
        name="interopcheck",
        help="Test whether a system speaks a cross-agency data-exchange standard, provably.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    for name, (module, attribute, bare_help) in COMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(f"interopcheck.cli.{module}"), attribute)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=name)
        else:
            app.command(name=name, no_args_is_help=bare_help)(target)
    app.callback()(_root)
    return app


def __getattr__(name: str) -> Any:
    """``app``, the whole Typer app, built when first asked for (tests read its commands)."""
    if name == "app":
        return _whole_app()
    raise AttributeError(name)


@functools.cache
def _whole_app() -> typer.Typer:
    return build_app()


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"interopcheck {__version__}")
        raise typer.Exit()


def _root(
    context: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Test whether a system speaks a cross-agency data-exchange standard, provably."""
    from interopcheck.cli.config import apply

    apply(context)


@functools.cache
def command(only: str | None = None) -> Callable[..., Any]:
    """The click command tree (of one command, or of all), built once per process: Typer
    builds it again on every call (about 45 ms for all), which a process that runs the CLI
    more than once (tests, tools calling ``main``) need not pay."""
    return typer.main.get_command(_whole_app() if only is None else build_app(only))


def fail(message: str) -> NoReturn:
    """Exit 2 with one line on stderr: the run could not be set up."""
    sys.stderr.write(f"interopcheck: error: {message}\n")
    raise SystemExit(EXIT_SETUP)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: every setup problem is one line and exit code 2, never a traceback.
    ``argv`` (default: the process's own arguments) lets a test run the whole CLI in-process."""
    interrupted = _watch_for_ctrl_c()
    _say_assumptions()
    given = sys.argv[1:] if argv is None else argv
    named = given[0] if given and given[0] in COMMANDS else None
    try:
        command(named)(args=argv, prog_name="interopcheck")
    except SetupError as exc:
        if interrupted.is_set():
            _interrupted()
        fail(exc.message)
    except KeyboardInterrupt:
        _interrupted()
    except OSError as exc:  # the machine, not the input nor a bug: a full disk, a lost mount
        where = f"{exc.filename}: " if exc.filename else ""
        fail(f"{where}{exc.strerror or exc} (nothing was written in its place)")
    except SystemExit as exc:
        if exc.code == 130 or interrupted.is_set():
            # Typer turns Ctrl-C into a silent exit 130; and a Ctrl-C swallowed on its way
            # (inside a callback whose exceptions are ignored) is still the user's: say so
            _interrupted()
        raise
    except Exception as exc:  # a bug of ours: say so in one line, keep the traceback on request
        if interrupted.is_set():
            # Ctrl-C inside a library's callback can come back as that library's error
            # (jsonschema-rs wraps it in a ValidationError): it is still the user's Ctrl-C.
            _interrupted()
        if os.environ.get("INTEROPCHECK_DEBUG"):
            raise
        fail(
            f"internal error ({type(exc).__name__}: {exc}); this is a bug in interopcheck — "
            "rerun with INTEROPCHECK_DEBUG=1 for details and report it"
        )


def _say_assumptions() -> None:
    """What a run assumed (``errors.Assumed``) is one line on stderr, once, not a Python
    warning with a source line."""
    import sys
    import warnings

    from interopcheck.errors import Assumed

    said: set[str] = set()
    shown = warnings.showwarning

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if not issubclass(category, Assumed):
            shown(message, category, *args, **kwargs)
        elif str(message) not in said:
            said.add(str(message))
            sys.stderr.write(f"interopcheck: note: {message}\n")

    warnings.showwarning = show
    warnings.simplefilter("always", Assumed)


def _watch_for_ctrl_c() -> threading.Event:
    """Remember that Ctrl-C was pressed (and raise KeyboardInterrupt as Python does), unless
    SIGINT is ignored (a background job), which stays as it is."""
    from interopcheck.output import STOP_REQUESTED

    pressed = STOP_REQUESTED

    def on_ctrl_c(signum: int, frame: object) -> None:
        pressed.set()
        _STOPPED_BY.append(signum)
        raise KeyboardInterrupt

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, on_ctrl_c)
    # The KeyboardInterrupt a signal raises can land in a callback whose exceptions Python
    # ignores (a gc callback of Hypothesis's), which then prints a traceback: the stop is
    # handled all the same (STOP_REQUESTED), so that report is not shown.
    default_hook = sys.unraisablehook

    def unraisable(report: Any) -> None:
        if not isinstance(report.exc_value, KeyboardInterrupt):
            default_hook(report)

    sys.unraisablehook = unraisable
    # A CI job cancelled sends SIGTERM: the same orderly stop (temporary report files removed,
    # sandboxes stopped) instead of a hidden partial .report.json.* left behind.
    main_thread = threading.current_thread() is threading.main_thread()
    if main_thread and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, on_ctrl_c)
    return pressed


#: The signal that stopped the run, when one did (SIGINT or SIGTERM).
_STOPPED_BY: list[int] = []


def _interrupted() -> NoReturn:
    terminated = bool(_STOPPED_BY) and _STOPPED_BY[-1] == getattr(signal, "SIGTERM", None)
    what = "terminated" if terminated else "interrupted"
    sys.stderr.write(f"interopcheck: {what} (no report file was written)\n")
    raise SystemExit(143 if terminated else 130)
