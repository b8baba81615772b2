"""``--format json``: the report document, streamed.

The shape is fixed by ``report/report.schema.json`` (tests check every document written against
it) and described in docs/output.md. Results are written as they arrive, one per line, so a
corpus of any size is written in constant memory; the summary and verdict close the document.
The bytes written are deterministic for a given run, which is what a signature covers.
"""

from __future__ import annotations

import json
from typing import TextIO

from interopcheck.report.document import REPORT_SCHEMA_PATH, head, result_to_dict, tail
from interopcheck.results import PayloadResult, RunSummary

RESULT_SCHEMA_PATH = REPORT_SCHEMA_PATH


class JsonWriter:
    """Streams one report document: head on the first result, one line per result, tail."""

    def __init__(self, out: TextIO, summary: RunSummary, command: str = "validate") -> None:
        self._out = out
        self._summary = summary
        self._command = command
        self._started = False

    def _head(self) -> str:
        text = json.dumps(head(self._summary, self._command), ensure_ascii=False)
        return text[:-1] + ', "results": [\n'

    def add(self, result: PayloadResult) -> None:
        self._out.write(",\n" if self._started else self._head())
        self._started = True
        self._out.write(
            json.dumps(result_to_dict(result, self._summary.show_personal_data), ensure_ascii=False)
        )

    def close(self) -> None:
        if not self._started:
            self._out.write(self._head().rstrip("\n"))
        self._out.write("\n], " + json.dumps(tail(self._summary), ensure_ascii=False)[1:] + "\n")
