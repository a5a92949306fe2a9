"""Report formats checked with real validators: SARIF 2.1.0 schema, JUnit parser, our JSON schema."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from junitparser import JUnitXml

from arsitek.generators.reports import render_json, render_junit, render_sarif, render_text
from arsitek.validate import Severity, ValidationResult
from tests.conftest import FIXTURES, ROOT, Validator

SARIF_SCHEMA = ROOT / "tests/tools/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"
JSON_SCHEMA = ROOT / "docs" / "validation-report.schema.json"
RULES = FIXTURES / "rules"


@pytest.fixture(scope="module")
def mixed(validate: Validator) -> ValidationResult:
    """A model with a violation, a warning and an info finding."""
    return validate(
        [
            RULES / "_base" / "base.ttl",
            RULES / "ARS-REF-002" / "fail-misspelled-property.ttl",
            RULES / "ARS-SEC-004" / "fail-risk-without-mitigation.ttl",
            RULES / "ARS-DOC-002" / "fail-no-source.ttl",
        ]
    )


def test_mixed_fixture_has_every_severity(mixed: ValidationResult) -> None:
    assert {f.severity for f in mixed.findings} == {Severity.VIOLATION, Severity.WARNING, Severity.INFO}


def test_sarif_validates_against_the_sarif_2_1_0_schema(mixed: ValidationResult) -> None:
    assert SARIF_SCHEMA.is_file(), "run the README's test command: it installs tests/tools (npm ci)"
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(render_sarif(mixed, "en", Severity.VIOLATION))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert errors == []
    results = log["runs"][0]["results"]
    assert len(results) == len(mixed.findings)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["region"]["startLine"] >= 1
        assert physical["artifactLocation"]["uri"].endswith(".ttl")
    assert {r["level"] for r in results} == {"error", "warning", "note"}


def test_junit_parses_with_one_case_per_rule(mixed: ValidationResult) -> None:
    text = render_junit(mixed, "en", Severity.WARNING)
    ET.fromstring(text.encode("utf-8"))
    path = Path(__file__).parent / ".junit-check.xml"
    try:
        path.write_text(text, encoding="utf-8")
        parsed = JUnitXml.fromfile(str(path))
    finally:
        path.unlink(missing_ok=True)
    cases = [case for suite in parsed for case in suite]
    assert len(cases) == len(mixed.rules) + 1  # and ARS-PARSE-001: every file could be read
    failed = sorted(case.name.split()[0] for case in cases if not case.is_passed)
    assert failed == ["ARS-REF-002", "ARS-SEC-004"]  # the info finding is below --fail-on warning


def test_json_matches_its_documented_schema(mixed: ValidationResult) -> None:
    schema = json.loads(JSON_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    report = json.loads(render_json(mixed, "id", Severity.VIOLATION))
    assert sorted(jsonschema.Draft202012Validator(schema).iter_errors(report), key=str) == []
    assert report["conforms"] is False
    assert report["summary"]["violation"] == 1 and report["summary"]["warning"] == 1


def test_text_groups_by_file_and_element(mixed: ValidationResult) -> None:
    text = render_text(mixed, "en", Severity.VIOLATION)
    assert "fail-misspelled-property.ttl\n  Catatan ex:" in text.replace(
        "<https://example.org/instansi/Catatan>", "ex:"
    )
    assert "ARS-SEC-004" in text and "FAILED" in text
    assert "\x1b[" not in text


def test_reports_are_byte_identical_across_runs(validate: Validator, mixed: ValidationResult) -> None:
    again = validate(
        [
            RULES / "_base" / "base.ttl",
            RULES / "ARS-REF-002" / "fail-misspelled-property.ttl",
            RULES / "ARS-SEC-004" / "fail-risk-without-mitigation.ttl",
            RULES / "ARS-DOC-002" / "fail-no-source.ttl",
        ]
    )
    for render in (render_json, render_junit, render_sarif, render_text):
        assert render(mixed, "en", Severity.VIOLATION) == render(again, "en", Severity.VIOLATION)


def test_sarif_rules_link_to_the_published_catalogue_only_when_the_header_says_where(validate: Validator) -> None:
    files = [RULES / "_base" / "base.ttl", RULES / "ARS-DOC-002" / "fail-no-source.ttl"]
    published = validate([*files, RULES / "ARS-DOC-007" / "pass-web-links.ttl"])
    rules = json.loads(render_sarif(published, "en", Severity.VIOLATION))["runs"][0]["tool"]["driver"]["rules"]
    links = {r["id"]: r.get("helpUri") for r in rules}
    assert links["ARS-DOC-002"] == "https://arsitektur.example.go.id/en/aturan.html#ARS-DOC-002"
    catalogued = {rule.rule_id for rule in published.rules}
    assert all(links[rule] and links[rule].endswith("#" + rule) for rule in catalogued)
    hostile = validate([*files, RULES / "ARS-DOC-007" / "fail-script-links.ttl"])
    assert hostile.hosting.site == "" and hostile.hosting.files == ""
    rules = json.loads(render_sarif(hostile, "id", Severity.VIOLATION))["runs"][0]["tool"]["driver"]["rules"]
    assert not any("helpUri" in r for r in rules)
    assert "ARS-DOC-007" in {f.rule_id for f in hostile.findings}
