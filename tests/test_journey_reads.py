"""A journey run keeps of each message only what the journey rules read (``JourneyReads``), and
JSON Lines archives are read a record at a time (gzip too): both must change nothing but memory.
"""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interopcheck.checks.journey import Journey, JourneyChecker, JourneyMessage, JourneyReads
from interopcheck.results import PayloadResult
from interopcheck.sources.payloads import Payload, read_payloads
from interopcheck.validation import ValidationSpec, build_checker
from tests.conftest import ROOT, run_cli

CHECKER = build_checker(ValidationSpec(profile="justice-ew"))
assert CHECKER.rules is not None
PROFILE = CHECKER.rules.profile
READS = JourneyReads(PROFILE, CHECKER.rules)
JOURNEY = sorted((ROOT / "examples" / "journeys").rglob("*.json"))
DOCUMENTS = [json.loads(p.read_text(encoding="utf-8")) for p in JOURNEY]


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))] or [path]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))] or [path]
    return [path]


def _judged(documents: list[Any], types: list[str], projected: bool) -> tuple[Any, ...]:
    """Judge one journey; its messages' types as checking them said (before any change)."""
    messages = []
    for position, (document, message_type) in enumerate(zip(documents, types, strict=True)):
        if projected:
            payload = Payload(f"m{position}", "json", value=document)
            result = PayloadResult(f"m{position}", position, message_type=message_type)
            message = READS.message(position, payload, result, {"MUST"})
            assert message is not None
        else:
            message = JourneyMessage(position, f"m{position}", message_type, document)
        messages.append(message)
    journey = Journey(1, messages)
    JourneyChecker(PROFILE, CHECKER.rules).check(journey)  # type: ignore[arg-type]
    findings = sorted(
        (m.position, f.requirement, f.pointer, f.message, f.expected, f.value_json)
        for m in messages
        for f in m.findings
    )
    return tuple(findings), tuple(sorted(journey.outcomes.items()))


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(["", "2024-01-01", "2030-12-31T23:59:59Z", "01ZD0300124", "TH68001"]),
    st.text(max_size=6),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=2),
    st.dictionaries(st.text(max_size=3), SCALARS, max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_journey_rules_answer_the_same_on_what_they_read_as_on_whole_messages(
    data: st.DataObject,
) -> None:
    """Any change to any place of any message (a value anywhere, not only where the rules
    read): judging the projections gives the findings and outcomes judging the whole does."""
    documents = copy.deepcopy(DOCUMENTS)
    types = [d["header"]["messageType"] for d in DOCUMENTS]
    for _ in range(data.draw(st.integers(1, 4))):
        document = data.draw(st.sampled_from(documents))
        path = data.draw(st.sampled_from(_leaves(document)))
        if not path:
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = data.draw(VALUES)
    if data.draw(st.booleans()):
        twice = data.draw(st.integers(0, len(documents) - 1))
        documents.append(copy.deepcopy(documents[twice]))
        types.append(types[twice])
    assert _judged(documents, types, True) == _judged(documents, types, False)


def test_the_examples_broken_journeys_judge_the_same_projected() -> None:
    for journey in sorted((ROOT / "examples" / "journeys-broken").iterdir()):
        documents = [json.loads(p.read_text("utf-8")) for p in sorted(journey.glob("*.json"))]
        types = [d["header"]["messageType"] for d in documents]
        whole = _judged(documents, types, False)
        assert whole[0], journey  # each breaks a journey rule
        assert _judged(documents, types, True) == whole


def test_gzip_json_lines_are_read_record_by_record_with_their_lines(tmp_path: Path) -> None:
    records = [json.dumps(d) for d in DOCUMENTS[:3]]
    archive = tmp_path / "day.jsonl.gz"
    archive.write_bytes(gzip.compress(("\n".join([records[0], "", *records[1:]]) + "\n").encode()))
    payloads = list(read_payloads(str(archive)))
    assert [p.source for p in payloads] == [f"{archive}:1", f"{archive}:3", f"{archive}:4"]
    assert [p.value for p in payloads] == DOCUMENTS[:3]
    done = run_cli("validate", tmp_path, "-f", "json")  # a directory walk finds .jsonl.gz
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["payloads"] == 3


def test_a_damaged_gzip_file_is_a_finding_at_the_line_reading_stopped(tmp_path: Path) -> None:
    whole = gzip.compress(("\n".join(json.dumps(d) for d in DOCUMENTS) + "\n").encode())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    payloads = list(read_payloads(str(cut)))
    assert payloads[-1].problem is not None
    assert "gzip" in payloads[-1].problem.message
    assert all(p.problem is None for p in payloads[:-1])
    plain = tmp_path / "plain.jsonl.gz"
    plain.write_text('{"a": 1}\n', encoding="utf-8")  # named .gz, not gzip
    (only,) = read_payloads(str(plain))
    assert only.problem is not None and "gzip" in only.problem.message
    done = run_cli("validate", cut, plain)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout


def test_a_json_lines_file_over_the_limit_is_read_by_record(tmp_path: Path) -> None:
    """--max-bytes bounds a record, not an archive's file: records within it are checked, one
    over it is a finding at its line, and reading goes on."""
    big = json.dumps({**DOCUMENTS[0], "padding": "x" * 5000})
    lines = [json.dumps(DOCUMENTS[0]), big, json.dumps(DOCUMENTS[1])]
    archive = tmp_path / "archive.jsonl"
    archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
    limit = max(len(lines[0]), len(lines[2])) + 100
    payloads = list(read_payloads(str(archive), max_bytes=limit))
    assert [p.source for p in payloads] == [f"{archive}:{n}" for n in (1, 2, 3)]
    assert payloads[0].value == DOCUMENTS[0] and payloads[2].value == DOCUMENTS[1]
    assert payloads[1].problem is not None and "limit" in payloads[1].problem.message


def test_a_journey_message_crosses_processes_whole() -> None:
    """What Dask moves (``carried`` tuples, pickles) comes back as the same message."""
    import pickle

    from interopcheck.results import Finding

    payload = Payload("m", "json", value=DOCUMENTS[4])
    result = PayloadResult("m", 0, message_type=DOCUMENTS[4]["header"]["messageType"])
    message = READS.message(7, payload, result, {"MUST"}, ("day.jsonl.gz", 3))
    assert message is not None and message.sent_at
    message.findings.append(Finding(check="journey", message="x", pointer="/a"))
    assert pickle.loads(pickle.dumps(message)) == message
    moved = JourneyMessage.arrived(message.carried(100))
    assert moved.position == 107 and not moved.findings
    assert moved.carried() == message.carried(100)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a.jsonl", "b.jsonl.gz", "c.json"]), st.integers(0, 5))))
def test_reading_again_finds_each_payload_as_first_read(tmp_path_factory: Any, asks: Any) -> None:
    """Whatever is asked, in any order: the payload read again is the one read first (blank
    lines, a line that is not JSON and a line over the limit counted as the readers count)."""
    from interopcheck.sources.payloads import Rereader

    root = tmp_path_factory.mktemp("again")
    big = json.dumps("x" * 5000)  # over the limit below
    lines = [json.dumps(DOCUMENTS[0]), "", "{not json", json.dumps(DOCUMENTS[1]), big, "[]"]
    text = "\n".join(lines) + "\n"
    (root / "a.jsonl").write_text(text, encoding="utf-8")
    (root / "b.jsonl.gz").write_bytes(gzip.compress(text.encode()))
    (root / "c.json").write_text(json.dumps(DOCUMENTS[2]), encoding="utf-8")
    limit = 250 + max(len(json.dumps(d)) for d in DOCUMENTS[:2])
    first = {
        name: list(read_payloads(str(root / name), limit))
        for name in ("a.jsonl", "b.jsonl.gz", "c.json")
    }
    assert any(p.problem and "limit" in p.problem.message for p in first["b.jsonl.gz"])
    again = Rereader(limit)
    for name, number in asks:
        payload = again.payload(str(root / name), number)
        if number >= len(first[name]):
            assert payload is None
            continue
        assert payload is not None
        expected = first[name][number]
        assert (payload.source, payload.value, payload.text, payload.line_offset) == (
            expected.source, expected.value, expected.text, expected.line_offset,
        )  # fmt: skip
        assert (payload.problem is None) == (expected.problem is None)
