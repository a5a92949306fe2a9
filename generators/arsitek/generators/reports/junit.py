"""JUnit XML: one test case per rule, so CI dashboards list the rule catalogue as tests.

A rule's test case fails when it has findings at or above ``--fail-on``; findings
below the threshold are listed in its ``system-out`` so they stay visible.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from arsitek.text import xml_text
from arsitek.validate.findings import UNREADABLE_RULE, UNREADABLE_TITLE, Finding, Severity, ValidationResult


def _line(finding: Finding, lang: str) -> str:
    where = ""
    if finding.location is not None:
        where = f"{finding.location.file}:{finding.location.line or ''} "
    label = finding.label_in(lang)
    element = f"{label} <{finding.focus_node}>" if label else f"<{finding.focus_node}>"
    return xml_text(f"{where}{finding.severity.word}: {element}: {finding.message_in(lang)}")


def render_junit(result: ValidationResult, lang: str, fail_on: Severity) -> str:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_rule[finding.rule_id].append(finding)
    failures = sum(1 for rule in result.rules if any(f.severity >= fail_on for f in by_rule[rule.rule_id]))
    failures += 1 if result.unreadable else 0
    tests = str(len(result.rules) + 1)
    suites = ET.Element("testsuites", name="arsitek validate", tests=tests, failures=str(failures))
    suite = ET.SubElement(
        suites, "testsuite", name="arsitek.rules", tests=tests, failures=str(failures), errors="0", skipped="0"
    )
    readable = ET.SubElement(
        suite,
        "testcase",
        classname="arsitek.rules.parse",
        name=f"{UNREADABLE_RULE} {UNREADABLE_TITLE.get(lang, UNREADABLE_TITLE['en'])}",
    )
    if result.unreadable:
        failure = ET.SubElement(
            readable, "failure", type="violation", message=f"{len(result.unreadable)} file(s) could not be read"
        )
        failure.text = "\n".join(xml_text(str(error)) for error in result.unreadable)
    for rule in result.rules:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"arsitek.rules.{rule.rule_id.split('-')[1].lower()}",
            name=f"{rule.rule_id} {rule.title_in(lang)}",
        )
        found = by_rule[rule.rule_id]
        failing = [f for f in found if f.severity >= fail_on]
        if failing:
            failure = ET.SubElement(
                case,
                "failure",
                type=rule.severity.word,
                message=f"{len(failing)} finding(s) at or above {fail_on.word}",
            )
            failure.text = "\n".join(_line(f, lang) for f in failing)
        below = [f for f in found if f.severity < fail_on]
        if below:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f, lang) for f in below)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
