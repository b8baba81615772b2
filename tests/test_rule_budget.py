"""Rule evaluation is bounded. Before: CF-006 (``offences.all(o, offences.exists_one(...))``) took
26 s on 2,000 offences and one 1.6 MB request froze the sandbox (its health check waited 79 s);
three nested macros over 300 items took 26 s a payload; ``map(map())`` grew past 640 MB.
Now the bundled uniqueness rule is linear (``uniqueBy``, held to the quadratic form by a
differential property test), a rule over its budget is a located "could not be evaluated"
finding (native path: steps counted; engine path: estimated before it starts), lint refuses
superlinear rules, and the sandbox checks off its event loop."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from interopcheck.checks.cel_env import CelEvaluator, RuleError
from interopcheck.profile.codelists import CodelistStore
from interopcheck.sandbox.app import SandboxConfig, create_app
from tests.conftest import EXAMPLES, run_cli
from tests.servers import serving

CHARGE = EXAMPLES / "journeys" / "theft-and-knife" / "01-charge-file.json"
CASE = EXAMPLES / "journeys" / "theft-and-knife" / "03-prosecution-case.json"
EVALUATOR = CelEvaluator(CodelistStore({}))
QUADRATIC = "self.xs.all(o, self.xs.exists_one(p, p.sequence == o.sequence))"
LINEAR = "uniqueBy(self.xs, 'sequence')"

SEQUENCES = st.one_of(st.integers(-3, 3), st.sampled_from([1.0, 2.0, 2.5]), st.sampled_from("12"))


@settings(max_examples=300)
@given(st.lists(st.fixed_dictionaries({"sequence": SEQUENCES}), max_size=8))
def test_unique_by_agrees_with_the_quadratic_rule_in_the_cel_engine(
    items: list[dict[str, Any]],
) -> None:
    """Differential: cel-rust evaluating the old rule is the oracle (1 == 1.0, "1" != 1)."""
    value = {"xs": items}
    oracle = EVALUATOR.evaluate_with_engine(EVALUATOR.compile(QUADRATIC, "Q", "t"), value)
    linear = EVALUATOR.compile(LINEAR, "L", "t")
    assert EVALUATOR.evaluate(linear, value) == oracle  # native
    assert EVALUATOR.evaluate_with_engine(linear, value) == oracle  # engine


def _many_offences(count: int, source: Path = CHARGE) -> dict[str, Any]:
    value = json.loads(source.read_text())
    offence = value["defendants"][0]["offences"][0]
    value["defendants"][0]["offences"] = [{**offence, "sequence": i + 1} for i in range(count)]
    return value


def _profile(tmp_path: Path, cel: str) -> Path:
    path = tmp_path / "costly.yaml"
    path.write_text(
        "id: costly\nversion: '1'\ntitle: Costly\nextends: justice-ew\nrequirements:\n"
        "  - id: COST-001\n    level: MUST\n    text: A rule whose cost grows with n cubed.\n"
        f"    check:\n      cel: {json.dumps(cel)}\n      at: {{charge-file: [/defendants/*]}}\n"
    )
    return path


def test_a_rule_over_its_budget_is_a_located_finding_not_a_run_without_end(
    tmp_path: Path,
) -> None:
    payload = tmp_path / "big.json"
    payload.write_text(json.dumps(_many_offences(200)))  # the schema's most: 200 offences
    cubic = "self.offences.all(a, self.offences.all(b, self.offences.all(c, c.sequence > 0)))"
    cubic_engine = (
        "self.offences.map(a, self.offences.map(b, self.offences.map(c, c.sequence))).size() > 0"
    )
    for cel in (cubic, cubic_engine):
        proc = run_cli("validate", "-p", str(_profile(tmp_path, cel)), str(payload), "-f", "json")
        assert proc.returncode == 1, proc.stderr
        document = json.loads(proc.stdout)
        [finding] = [
            f for f in document["results"][0]["findings"] if f["requirement"] == "COST-001"
        ]
        assert finding["check"] == "rule-error" and "evaluation budget" in finding["message"]
        assert finding["pointer"] == "/defendants/0"
        outcome = {r["id"]: r["outcome"] for r in document["requirements"]}
        assert outcome["COST-001"] == "error" and outcome["CF-006"] == "passed"
        assert document["verdict"] == "not-conformant"  # an error decides like a failure


def test_a_small_message_stays_within_the_budget() -> None:
    rule = EVALUATOR.compile(QUADRATIC, "Q", "t")
    assert EVALUATOR.evaluate(rule, {"xs": [{"sequence": i} for i in range(900)]}) is True
    try:
        EVALUATOR.evaluate(rule, {"xs": [{"sequence": i} for i in range(1100)]})
    except RuleError as exc:
        assert "budget" in str(exc)
    else:
        raise AssertionError("1,100 x 1,100 steps is over the budget")


def test_lint_refuses_a_rule_whose_cost_grows_faster_than_the_message(tmp_path: Path) -> None:
    quadratic = _profile(tmp_path, QUADRATIC.replace("xs", "offences"))
    proc = run_cli("profiles", "lint", str(quadratic))
    assert proc.returncode == 1 and ":10:" in proc.stdout
    assert "grows faster than the message" in proc.stdout and "uniqueBy" in proc.stdout
    nested_but_linear = _profile(
        tmp_path, "self.offences.all(o, !has(o.results) || o.results.all(r, r.code != ''))"
    )
    assert run_cli("profiles", "lint", str(nested_but_linear)).returncode == 0


def test_the_sandbox_answers_others_while_it_checks_a_large_message() -> None:
    big = _many_offences(20_000, CASE)  # 20,000 offences: several MB
    app = create_app(SandboxConfig("justice-ew", "court", token="t"))
    order: list[str] = []
    with serving(app) as url:

        def post() -> None:
            httpx.post(
                f"{url}/v1/prosecution-cases",
                json=big,
                headers={"Authorization": "Bearer t"},
                timeout=300,
            )
            order.append("post")

        sender = threading.Thread(target=post)
        sender.start()
        time.sleep(0.5)  # the large request is on its way (a start, not a measurement)
        health = httpx.get(f"{url}/v1/health", timeout=120)
        assert health.status_code == 200
        order.append("health")
        sender.join(timeout=300)
    assert order == ["health", "post"]  # answered while the large message was being checked
