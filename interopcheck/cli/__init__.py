"""The command-line face: parse options, run a pipeline, choose the exit code. No logic here
that a test could not reach through the Python API."""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Annotated, Any, NoReturn

import typer
import typer.main

from interopcheck import __version__
from interopcheck.cli import apis as apis_cli
from interopcheck.cli import compat as compat_cli
from interopcheck.cli import config_command as config_cli
from interopcheck.cli import demo as demo_cli
from interopcheck.cli import generate as generate_cli
from interopcheck.cli import journey as journey_cli
from interopcheck.cli import keys as keys_cli
from interopcheck.cli import probe as probe_cli
from interopcheck.cli import profiles as profiles_cli
from interopcheck.cli import replay as replay_cli
from interopcheck.cli import report as report_cli
from interopcheck.cli import sandbox as sandbox_cli
from interopcheck.cli import schemas as schemas_cli
from interopcheck.cli import validate as validate_cli
from interopcheck.cli import verify as verify_cli
from interopcheck.errors import SetupError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_SETUP = 2

app = typer.Typer(
    name="interopcheck",
    help="Test whether a system speaks a cross-agency data-exchange standard, provably.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command(name="demo")(demo_cli.demo)
app.command(name="validate", no_args_is_help=True)(validate_cli.validate)
app.command(name="journey", no_args_is_help=True)(journey_cli.journey)
app.command(name="generate", no_args_is_help=True)(generate_cli.generate)
app.command(name="report", no_args_is_help=True)(report_cli.report)
app.command(name="verify", no_args_is_help=True)(verify_cli.verify)
app.command(name="sandbox", no_args_is_help=True)(sandbox_cli.sandbox)
app.command(name="probe", no_args_is_help=True)(probe_cli.probe)
app.command(name="replay", no_args_is_help=True)(replay_cli.replay)
app.command(name="compat", no_args_is_help=True)(compat_cli.compat)
app.add_typer(keys_cli.app, name="keys")
app.add_typer(schemas_cli.app, name="schemas")
app.add_typer(profiles_cli.app, name="profiles")
app.add_typer(apis_cli.app, name="apis")
app.command(name="config")(config_cli.config)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"interopcheck {__version__}")
        raise typer.Exit()


@app.callback()
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
def command() -> Callable[..., Any]:
    """The click command tree of ``app``, built once per process: Typer builds it again on
    every call (about 45 ms), which a process that runs the CLI more than once (tests, tools
    calling ``main``) need not pay."""
    return typer.main.get_command(app)


def fail(message: str) -> NoReturn:
    """Exit 2 with one line on stderr: the run could not be set up."""
    sys.stderr.write(f"interopcheck: error: {message}\n")
    raise SystemExit(EXIT_SETUP)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: every setup problem is one line and exit code 2, never a traceback.
    ``argv`` (default: the process's own arguments) lets a test run the whole CLI in-process."""
    interrupted = _watch_for_ctrl_c()
    _say_assumptions()
    try:
        command()(args=argv, prog_name="interopcheck")
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
