"""The pytest plugin, run by pytest itself (``pytester``): a supplier's test suite passes where
interopcheck exits 0 and fails, with the report's words and no traceback, where it exits 1."""

from __future__ import annotations

import shutil
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from interopcheck.sandbox.app import DEVELOPMENT_TOKEN, TOKEN_ENV, SandboxConfig, create_app
from interopcheck.sandbox.serve import serving
from tests.conftest import EXAMPLES

JOURNEY = EXAMPLES / "journeys"
VALID = EXAMPLES / "charge-file" / "valid"
WRONG_CHECK_LETTER = EXAMPLES / "charge-file" / "invalid" / "asn-wrong-check-letter.json"


@pytest.fixture(autouse=True, scope="module")
def _extensions_loaded_once() -> None:
    """``pytester`` runs pytest in this process and afterwards forgets the modules the inner
    run imported; a compiled extension (cel, jsonschema-rs) cannot be initialised twice in one
    process, so they are imported here, outside the inner runs, and kept."""
    import interopcheck

    interopcheck.validate([JOURNEY], profile="justice-ew", workers=1)


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    [plugin] = [e for e in entry_points(group="pytest11") if e.name == "interopcheck"]
    assert plugin.value == "interopcheck.pytest_plugin"


def test_the_fixture_passes_a_conforming_corpus_and_returns_the_run(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        f"""
        def test_journey_payloads(conformance):
            run = conformance.payloads(r"{JOURNEY}", profile="justice-ew", actor="police")
            assert run.summary.payloads == 8 and run.verdict.value == "incomplete"

        def test_journeys(conformance):
            run = conformance.journey(r"{JOURNEY}", profile="justice-ew")
            assert run.summary.journeys
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_the_fixture_fails_with_the_reports_words_and_no_traceback(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        f"""
        def test_supplier_output(conformance):
            conformance.payloads(r"{WRONG_CHECK_LETTER}", profile="justice-ew", actor="police")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "NOT CONFORMANT to justice-ew 1.0.0 as police" in text
    assert (
        "ID-001 MUST failed: Every Arrest/Summons Number is 20 characters with the check letter"
        in text
    )
    assert "asn-wrong-check-letter.json:36:14 /defendants/0/asn: not an Arrest/Summons" in text
    assert "[value: <redacted: string, 20 chars>]" in text
    assert "Traceback" not in text and "conformance.payloads(" not in text


def test_fail_on_untested_fails_an_incomplete_run_as_the_cli_does(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        f"""
        def test_everything_tested(conformance):
            conformance.payloads(
                r"{JOURNEY}", profile="justice-ew", actor="police", fail_on=["untested"]
            )
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*INCOMPLETE to justice-ew*", "*deciding requirements untested*"])


def test_a_setup_problem_is_one_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_missing(conformance):
            conformance.payloads("no/such/dir", profile="justice-ew")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*interopcheck could not run: no/such/dir: no such file*"])


def _corpus(root: Path) -> Path:
    payloads = root / "supplier-output"
    payloads.mkdir()
    shutil.copy(next(iter(sorted(VALID.glob("*.json")))), payloads / "good.json")
    shutil.copy(WRONG_CHECK_LETTER, payloads / "bad.json")
    (payloads / "notes.txt").write_text("not a payload")
    return payloads


def test_payload_files_are_collected_as_test_items(pytester: pytest.Pytester) -> None:
    payloads = _corpus(pytester.path)
    pytester.makepyfile("def test_unrelated():\n    pass\n")
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--interopcheck-payloads",
        str(payloads),
        "--interopcheck-profile",
        "justice-ew",
        "--interopcheck-actor",
        "police",
        "-v",
    )
    result.assert_outcomes(passed=2, failed=1)
    text = result.stdout.str()
    assert "supplier-output/good.json::conforms PASSED" in text
    assert "supplier-output/bad.json::conforms FAILED" in text
    assert "ID-001 MUST failed" in text and "Traceback" not in text
    assert "\n  supplier-output/bad.json:36:14 /defendants/0/asn:" in text  # as the user names it
    # only conformance items when asked for by their marker
    marked = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "-m",
        "interopcheck",
        "--interopcheck-payloads",
        str(payloads),
        "--interopcheck-profile",
        "justice-ew",
    )
    marked.assert_outcomes(passed=1, failed=1, deselected=1)


def test_the_ini_file_configures_collection(pytester: pytest.Pytester) -> None:
    _corpus(pytester.path)
    pytester.makeini(
        """
        [pytest]
        interopcheck_payloads = supplier-output
        interopcheck_profile = justice-ew
        interopcheck_actor = police
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1, failed=1)


def test_collection_options_are_checked_before_anything_runs(pytester: pytest.Pytester) -> None:
    payloads = _corpus(pytester.path)
    no_profile = pytester.runpytest("-p", "no:cacheprovider", "--interopcheck-payloads", payloads)
    assert no_profile.ret == pytest.ExitCode.USAGE_ERROR
    no_profile.stderr.fnmatch_lines(["*--interopcheck-payloads needs --interopcheck-profile*"])
    unknown = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--interopcheck-payloads",
        payloads,
        "--interopcheck-profile",
        "justice-nowhere",
    )
    assert unknown.ret == pytest.ExitCode.USAGE_ERROR
    unknown.stderr.fnmatch_lines(["*interopcheck: no profile 'justice-nowhere'*"])


def test_an_endpoint_conforms_or_fails_naming_the_requirement_and_the_reproduction(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sandboxes on loopback, a sound one and one that accepts invalid messages."""
    monkeypatch.setenv(TOKEN_ENV, DEVELOPMENT_TOKEN)
    sound = create_app(SandboxConfig("justice-ew", "court", DEVELOPMENT_TOKEN))
    faulty = create_app(
        SandboxConfig("justice-ew", "court", DEVELOPMENT_TOKEN, frozenset({"accept-invalid"}))
    )
    with serving(sound) as good_url, serving(faulty) as bad_url:
        pytester.makepyfile(
            f"""
            def test_sound(conformance):
                run = conformance.endpoint(
                    "{good_url}", actor="court", auth="bearer:{TOKEN_ENV}", max_examples=1
                )
                assert run.summary.exchanges > 0

            def test_faulty(conformance):
                conformance.endpoint(
                    "{bad_url}", actor="court", auth="bearer:{TOKEN_ENV}", max_examples=1
                )
            """
        )
        result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    text = result.stdout.str()
    assert "NOT CONFORMANT to justice-ew" in text and "as court" in text
    assert "send it again:" in text and "curl " in text
    assert f"${TOKEN_ENV}" in text and DEVELOPMENT_TOKEN not in text
