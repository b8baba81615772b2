"""Finding and reading payloads: files, directories, globs and stdin.

Reading is bounded: a file over the size limit, a binary file, an empty file or text that is
not UTF-8 becomes a ``Payload`` carrying the problem, so the rest of a corpus is still
validated and nothing is read whole into memory that should not be.
"""

from __future__ import annotations

import glob
import gzip
import os
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interopcheck.errors import InputError
from interopcheck.sources.parse import ParseProblem, parse_json
from interopcheck.sources.positions import json_positions, yaml_positions

if TYPE_CHECKING:
    import yaml

#: Default ceiling on one payload file; a larger one is a finding, not an out-of-memory.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024

JSON_SUFFIXES = frozenset({".json"})
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})
PAYLOAD_SUFFIXES = JSON_SUFFIXES | YAML_SUFFIXES | JSON_LINES_SUFFIXES
#: JSON Lines compressed with gzip, as archives of exchanged messages are kept: read as a
#: stream, one record at a time, so a file of any size is checked in bounded memory.
GZIP_JSON_LINES_SUFFIXES = frozenset({".jsonl.gz", ".ndjson.gz"})
#: What "no payload files found" says was looked for.
LOOKED_FOR = ".json, .yaml, .yml, .jsonl, .ndjson, .jsonl.gz, .ndjson.gz"

STDIN = "-"
#: What ``generate --output-dir`` writes beside its cases: skipped when a directory is walked,
#: so that ``generate --output-dir d/`` then ``validate d/`` checks the cases only.
GENERATOR_MANIFEST = "interopcheck-manifest.json"


@dataclass
class Payload:
    """One payload to check, or the reason it could not be read."""

    source: str
    """Display name: the path as given, with ``:LINE`` for a JSON Lines record."""
    syntax: str
    """``json`` or ``yaml``."""
    value: Any = None
    text: str | None = None
    """The source text, kept only until positions are looked up."""
    yaml_root: yaml.Node | None = None
    line_offset: int = 0
    """Lines before this payload's text in its file (JSON Lines)."""
    problem: ParseProblem | None = None


def discover(paths: Sequence[str]) -> Iterator[str]:
    """The payload sources named by ``paths``, lazily, in a stable order.

    Files as given; directories recursively (payload suffixes only, entries in name order at
    every level); globs sorted; ``-`` for stdin. Every name is checked before anything is
    yielded, so a typo fails the run (a CI job that validates nothing must not pass) before
    any output starts, while a large directory is walked without listing it whole.
    """
    plan: list[tuple[str, str]] = []
    for given in paths:
        path = Path(given)
        if given == STDIN or path.is_file():
            plan.append(("file", given))
        elif path.is_dir():
            plan.append(("dir", given))
        elif glob.has_magic(given):
            files = [m for m in sorted(glob.glob(given, recursive=True)) if Path(m).is_file()]
            if not files:
                raise InputError(f"{given}: the pattern matches no files")
            plan.extend(("file", f) for f in files)
        elif path.exists():
            raise InputError(f"{given}: not a regular file or directory")
        else:
            raise InputError(f"{given}: no such file or directory")
    return _expand(plan)


def _expand(plan: list[tuple[str, str]]) -> Iterator[str]:
    for kind, name in plan:
        if kind == "dir":
            yield from _walk(name)
        else:
            yield name


def _walk(directory: str, seen: set[tuple[int, int]] | None = None) -> Iterator[str]:
    """Payload files under ``directory``: entries in name order, descending as met. What
    cannot be read is not skipped: a directory that cannot be listed, a directory reached
    again through a link (a loop) and a dangling link with a payload's name are yielded as
    sources, and reading each is a finding about it (an input that cannot be read is a
    failure, never a silent pass)."""
    seen = set() if seen is None else seen
    try:
        status = os.stat(directory)
        here = (status.st_dev, status.st_ino)
        if here in seen:
            yield directory  # a link loop: reported, not walked again
            return
        seen.add(here)
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        yield directory
        return
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:  # ELOOP and the like: a link that leads nowhere readable
            is_dir = False
        if is_dir:
            yield from _walk(entry.path, seen)
        elif entry.name == GENERATOR_MANIFEST:
            continue  # generate's metadata, never a payload (named as a file, it is read)
        elif is_payload_name(entry.name):
            yield entry.path  # a file, or a link that does not lead to one: read says which


def is_payload_name(name: str) -> bool:
    """Whether a directory walk takes a file of this name as payloads."""
    lowered = name.lower()
    return os.path.splitext(lowered)[1] in PAYLOAD_SUFFIXES or is_gzip_json_lines(lowered)


def is_gzip_json_lines(name: str) -> bool:
    return name.lower().endswith(tuple(GZIP_JSON_LINES_SUFFIXES))


def syntax_for(name: str) -> str:
    """``json``, ``yaml`` or ``jsonl`` from the file name; JSON when it says nothing."""
    if is_gzip_json_lines(name):
        return "jsonl"
    suffix = os.path.splitext(name)[1].lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if suffix in JSON_LINES_SUFFIXES:
        return "jsonl"
    return "json"


def sniff_syntax(text: str) -> str:
    """Standard input has no file name to go by: JSON when it starts with ``{`` or ``[``
    (JSON Lines when there are several lines and each is an object on its own), else YAML
    (``cat case.yaml | interopcheck validate -``)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith(("{", "[")):
        return "yaml"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and all(line.startswith("{") and line.endswith("}") for line in lines):
        return "jsonl"
    return "json"


def read_bytes(source: str, max_bytes: int) -> bytes | ParseProblem:
    """The file's bytes, or the problem that stops us reading them."""
    try:
        if source == STDIN:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(source, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size > max_bytes:
                    return _too_large(size, max_bytes)
                # read(n) allocates n bytes first: asking for the file's size (not the 16 MiB
                # limit) spared an mmap and munmap per file (issue 19). A size of 0 may be a
                # file that does not know its size (a FIFO, /proc); one that grew since the
                # fstat is read on, bounded as before.
                data = handle.read(size + 1 if size else max_bytes + 1)
                if size and len(data) > size:
                    data += handle.read(max_bytes + 1 - len(data))
    except IsADirectoryError:
        return ParseProblem(
            "a directory whose payloads could not be read: it cannot be listed (permissions), "
            "or a symbolic link leads back to it (a loop)"
        )
    except OSError as exc:
        return ParseProblem(f"cannot read: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return _too_large(len(data), max_bytes, at_least=True)
    return data


def _too_large(size: int, max_bytes: int, *, at_least: bool = False) -> ParseProblem:
    more = "over " if at_least else ""
    return ParseProblem(
        f"payload is {more}{size / 1_048_576:.1f} MiB, over the {max_bytes / 1_048_576:.0f} MiB "
        "limit: raise it with --max-bytes if this is a real message"
    )


def decode(data: bytes) -> str | ParseProblem:
    """UTF-8 text (a UTF-8 byte-order mark is dropped), or why the bytes are not text."""
    if not data.strip():
        return ParseProblem("empty file: no payload in it")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ParseProblem("UTF-16 text: payloads must be UTF-8 (RFC 8259); re-save as UTF-8")
    if b"\x00" in data[:8192]:
        return ParseProblem("binary file (contains NUL bytes), not JSON or YAML")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ParseProblem(
            f"not valid UTF-8 at byte {exc.start} ({exc.reason}): payloads must be UTF-8"
        )


def shown_source(source: str) -> str:
    """A file name as a report may carry it: bytes that are not UTF-8 (a name the file system
    gave us with surrogate escapes) shown as ``\\xff``, so that no output fails on it."""
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return source.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return source


#: Whether the next record of a JSON Lines file is to be parsed; one that is not is yielded
#: unparsed (no value, no text), so that reading a file again to reach one record does not
#: parse the records before it (``Rereader``).
Wanted = Callable[[], bool]


def read_payloads(
    source: str, max_bytes: int = DEFAULT_MAX_BYTES, wanted: Wanted | None = None
) -> Iterator[Payload]:
    """The payloads in one named source: one, or one per line of a JSON Lines file."""
    for payload in _read_payloads(source, max_bytes, wanted):
        payload.source = shown_source(payload.source)
        yield payload


def _read_payloads(source: str, max_bytes: int, wanted: Wanted | None) -> Iterator[Payload]:
    syntax = syntax_for(source)
    if source != STDIN and syntax == "jsonl" and _streamed(source, max_bytes):
        yield from _streamed_json_lines(source, max_bytes, wanted)
        return
    data = read_bytes(source, max_bytes)
    if isinstance(data, ParseProblem):
        yield Payload(source, "json" if syntax == "jsonl" else syntax, problem=data)
        return
    text = decode(data)
    if isinstance(text, ParseProblem):
        yield Payload(source, "json" if syntax == "jsonl" else syntax, problem=text)
        return
    if source == STDIN:
        syntax = sniff_syntax(text)
    if syntax == "jsonl":
        yield from _json_lines(source, text, wanted)
    elif syntax == "yaml":
        yield _parse_one(source, text, "yaml")
    else:
        yield _parse_one(source, text, "json")


def _parse_one(source: str, text: str, syntax: str, line_offset: int = 0) -> Payload:
    try:
        if syntax == "yaml":
            from interopcheck.sources.yaml_text import parse_yaml

            value, root = parse_yaml(text)
            return Payload(source, syntax, value=value, text=text, yaml_root=root)
        return Payload(source, syntax, value=parse_json(text), text=text, line_offset=line_offset)
    except ParseProblem as problem:
        if problem.line is not None:
            problem.line += line_offset
        return Payload(source, syntax, problem=problem, line_offset=line_offset)


def _record(name: str, text: str, offset: int, wanted: Wanted | None) -> Payload:
    """A JSON Lines record, parsed unless ``wanted`` says it is not wanted."""
    if wanted is not None and not wanted():
        return Payload(name, "json", line_offset=offset)
    return _parse_one(name, text, "json", line_offset=offset)


def _json_lines(source: str, text: str, wanted: Wanted | None = None) -> Iterator[Payload]:
    any_record = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        any_record = True
        yield _record(f"{source}:{number}", line, number - 1, wanted)
    if not any_record:
        yield Payload(source, "json", problem=ParseProblem("empty file: no payload in it"))


def _streamed(source: str, max_bytes: int) -> bool:
    """Whether a JSON Lines file is read record by record: gzip, or over the size limit (an
    archive's file; the limit then holds for each record, not for the file)."""
    if is_gzip_json_lines(source):
        return True
    try:
        return os.stat(source).st_size > max_bytes
    except OSError:
        return False  # read_bytes says why it cannot be read


def _streamed_json_lines(
    source: str, max_bytes: int, wanted: Wanted | None = None
) -> Iterator[Payload]:
    """The records of a large or gzip JSON Lines file, one line in memory at a time. A damaged
    or truncated gzip stream is a finding at the line where reading stopped; a record over the
    limit is a finding about that record, and reading goes on at the next line."""
    number = 0
    any_record = False
    try:
        with (
            gzip.open(source, "rb") if is_gzip_json_lines(source) else open(source, "rb")
        ) as handle:
            while True:
                try:
                    line = handle.readline(max_bytes + 1)
                except (OSError, EOFError, zlib.error) as exc:
                    where = f"{source}:{number + 1}" if number else source
                    yield Payload(where, "json", problem=_unreadable_stream(exc, number))
                    return
                if not line:
                    break
                number += 1
                if len(line) > max_bytes and not line.endswith(b"\n"):
                    _skip_line(handle)
                    yield Payload(
                        f"{source}:{number}",
                        "json",
                        problem=_too_large(len(line), max_bytes, at_least=True),
                        line_offset=number - 1,
                    )
                    any_record = True
                    continue
                if not line.strip():
                    continue
                any_record = True
                text = decode(line.rstrip(b"\r\n"))
                name, offset = f"{source}:{number}", number - 1
                if isinstance(text, ParseProblem):
                    text.line = number
                    yield Payload(name, "json", problem=text, line_offset=offset)
                    continue
                yield _record(name, text, offset, wanted)
    except OSError as exc:
        yield Payload(source, "json", problem=ParseProblem(f"cannot read: {exc.strerror or exc}"))
        return
    if not any_record:
        yield Payload(source, "json", problem=ParseProblem("empty file: no payload in it"))


def _skip_line(handle: Any) -> None:
    """Read on to the end of an over-long line, a bounded piece at a time."""
    while chunk := handle.readline(1 << 20):
        if chunk.endswith(b"\n"):
            return


def _unreadable_stream(exc: BaseException, lines_read: int) -> ParseProblem:
    detail = str(exc) or type(exc).__name__
    after = f" after {lines_read:,} lines" if lines_read else ""
    return ParseProblem(
        f"cannot read on{after}: {detail} (a damaged or truncated gzip file? check it with gzip -t)"
    )


def positions_in(payload: Payload, wanted: set[str]) -> dict[str, tuple[int, int]]:
    """Line and column in its file of each wanted pointer of a payload read from text (a JSON
    Lines record's lines counted from the file's start); empty when there is no text."""
    if payload.text is None:
        return {}
    if payload.syntax == "yaml" and payload.yaml_root is not None:
        return yaml_positions(payload.yaml_root, wanted)
    found = json_positions(payload.text, wanted)
    if payload.line_offset:
        return {p: (line + payload.line_offset, col) for p, (line, col) in found.items()}
    return found


class Rereader:
    """Payloads read again, in the order they were first read, to locate findings made after
    their text was let go (journey findings). Each file is opened at most once per pass over
    it; standard input cannot be read again, so its payloads are not found (None)."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._max_bytes = max_bytes
        self._source: str | None = None
        self._payloads: Iterator[Payload] = iter(())
        self._next = 0
        self._wanted = 0

    def payload(self, source: str, number: int) -> Payload | None:
        """The ``number``-th payload (from 0) of ``source``, or None if it cannot be had."""
        if source == STDIN:
            return None
        self._wanted = number
        if source != self._source or number < self._next:
            self._source, self._payloads, self._next = (
                source,
                read_payloads(source, self._max_bytes, lambda: self._next == self._wanted),
                0,
            )
        for payload in self._payloads:
            self._next += 1
            if self._next - 1 == number:
                return payload
        return None
