"""The ``compat`` command as one call: two versions (of the schemas, or of a profile) in, a
``Run`` out; and the version matrix, a view drawn in one format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from interopcheck.compatibility.run import CompatOptions, run_compat
from interopcheck.errors import SetupError
from interopcheck.results import FailOn
from interopcheck.run import Run
from interopcheck.validation import now_iso

if TYPE_CHECKING:
    from interopcheck.compatibility.matrix import Matrix

MatrixFormat = Literal["console", "json", "markdown", "html"]


def compat_run(options: CompatOptions) -> Run:
    """Compare OLD and NEW: two schema versions message type by message type, or two profiles
    requirement by requirement. The exit policy is fixed: compatible in the direction asked,
    or exit 1 (a "not proven" is not a yes)."""
    from interopcheck.compatibility.profiles import is_profile

    old, new = options.old, options.new
    if is_profile(old) != is_profile(new):
        profile, other = (old, new) if is_profile(old) else (new, old)
        raise SetupError(
            f"{profile} is a profile and {other} is not: compare two profiles, or two versions "
            "of the schemas"
        )
    if is_profile(old):
        return _profiles(options)
    from interopcheck.compatibility.report import write_console

    compared = run_compat(options, now_iso())
    compared.summary.finished_at = now_iso()

    def console(out: TextIO) -> None:
        write_console(out, compared.comparisons, compared.summary.conformant)

    return Run(
        command="compat",
        summary=compared.summary,
        inputs=[old, new],
        options={
            "direction": options.direction,
            "messageType": options.message_type,
            "tries": options.tries,
            "seed": options.seed,
            "keepVersionLabel": options.keep_version_label,
            **options.sources.record(),
        },
        results=compared.results,
        schemas=compared.digests,
        profile_in_manifest=False,
        fail_on=(FailOn.must,),
        console_view=console,
    )


def _profiles(options: CompatOptions) -> Run:
    from interopcheck.compatibility import profiles as diff
    from interopcheck.compatibility.api_messages import compare_messages
    from interopcheck.profile.loader import load_profile

    started = now_iso()
    directions = options.directions
    before, after = load_profile(options.old), load_profile(options.new)
    changes = diff.requirement_changes(before, after)
    messages = compare_messages(before, after, directions, options.tries, options.seed)
    judged = {
        name: verdict
        for name, verdict in diff.verdicts(changes, after.deciding, messages).items()
        if name in directions
    }
    summary, results = diff.profile_report(before, after, changes, judged, started)
    summary.finished_at = now_iso()

    def console(out: TextIO) -> None:
        diff.write_console(out, before, after, changes, judged)

    return Run(
        command="compat",
        summary=summary,
        inputs=[options.old, options.new],
        options={"direction": "both" if len(directions) == 2 else directions[0]},
        results=results,
        schemas=[],
        profile_in_manifest=False,
        fail_on=(FailOn.must,),
        console_view=console,
    )


def draw_matrix(
    folder: Path,
    *,
    tries: int = 300,
    seed: int = 0,
    keep_version_label: bool = False,
    ref_schemas: tuple[Path, ...] = (),
) -> Matrix:
    """The version matrix of ``folder``: one subdirectory of schemas, or one profile file, per
    version (a view, not a gate)."""
    from interopcheck.compatibility import matrix as views
    from interopcheck.compatibility.run import references

    return views.build(folder, tries, seed, keep_version_label, references(ref_schemas))


def write_matrix(drawn: Matrix, out: TextIO, output_format: MatrixFormat = "console") -> None:
    """The matrix drawn in one format."""
    import json

    from interopcheck.compatibility import matrix as views

    if output_format == "json":
        out.write(json.dumps(views.to_document(drawn), indent=2, ensure_ascii=False) + "\n")
    elif output_format == "markdown":
        out.write(views.to_markdown(drawn))
    elif output_format == "html":
        out.write(views.to_html(drawn))
    else:
        views.write_console(out, drawn)
