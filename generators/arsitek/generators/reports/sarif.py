"""SARIF 2.1.0, so code-scanning tools annotate the very Turtle line of each finding.

Paths are relative to ``%SRCROOT%`` (the folder the command ran in), which is
what GitHub code scanning and other SARIF viewers resolve against the repository.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from arsitek.validate.findings import (
    UNREADABLE_RULE,
    UNREADABLE_TITLE,
    Finding,
    ReadError,
    Severity,
    ValidationResult,
)

LEVELS = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _fingerprint(finding: Finding) -> str:
    return hashlib.sha256("\x1f".join(finding.identity).encode("utf-8")).hexdigest()[:32]


def _result(finding: Finding, lang: str, index: dict[str, int]) -> dict[str, Any]:
    label = finding.label_in(lang)
    text = finding.message_in(lang)
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": LEVELS[finding.severity],
        "message": {"text": f"{label}: {text}" if label else text},
        "partialFingerprints": {"arsitekFinding/v1": _fingerprint(finding)},
        "properties": {"focusNode": finding.focus_node, "path": finding.path, "value": finding.value},
    }
    location: dict[str, Any] = {
        "logicalLocations": [{"fullyQualifiedName": finding.focus_node, "name": label or finding.focus_node}]
    }
    if finding.location is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": finding.location.file, "uriBaseId": "%SRCROOT%"}}
        if finding.location.line:
            physical["region"] = {"startLine": finding.location.line}
        location["physicalLocation"] = physical
    result["locations"] = [location]
    return result


def _unreadable(error: ReadError, rule_index: int) -> dict[str, Any]:
    region = {"startLine": error.line or 1}
    if error.column:
        region["startColumn"] = error.column
    return {
        "ruleId": UNREADABLE_RULE,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": error.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": error.file, "uriBaseId": "%SRCROOT%"}, "region": region}}
        ],
    }


def render_sarif(result: ValidationResult, lang: str, fail_on: Severity) -> str:
    from arsitek.version import __version__

    index = {rule.rule_id: i for i, rule in enumerate(result.rules)}
    rules = [
        {
            "id": rule.rule_id,
            "name": rule.rule_id.replace("-", ""),
            "shortDescription": {"text": rule.title_in(lang)},
            "fullDescription": {"text": rule.description_in(lang) or rule.title_in(lang)},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {"shape": rule.shape},
            **({"helpUri": help_uri} if (help_uri := result.hosting.rule_url(rule.rule_id, lang)) else {}),
        }
        for rule in result.rules
    ]
    rules.append(
        {
            "id": UNREADABLE_RULE,
            "name": UNREADABLE_RULE.replace("-", ""),
            "shortDescription": {"text": UNREADABLE_TITLE.get(lang, UNREADABLE_TITLE["en"])},
            "fullDescription": {"text": UNREADABLE_TITLE.get(lang, UNREADABLE_TITLE["en"])},
            "defaultConfiguration": {"level": "error"},
        }
    )
    unreadable = [_unreadable(error, len(rules) - 1) for error in result.unreadable]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "arsitek",
                        "version": __version__,
                        "informationUri": "https://w3id.org/arsitek",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The folder arsitek ran in."}}},
                "columnKind": "unicodeCodePoints",
                "results": [*unreadable, *(_result(f, lang, index) for f in result.findings)],
                "properties": {"engine": result.engine, "failOn": fail_on.word, "triples": result.triples},
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
