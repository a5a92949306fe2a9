"""The JSON report: a stable, documented schema (``docs/validation-report.schema.json``).

Fields are only ever added, never renamed; ``schemaVersion`` changes when one is.
"""

from __future__ import annotations

import json
from typing import Any

from arsitek.validate.findings import UNREADABLE_RULE, Severity, ValidationResult

SCHEMA_VERSION = "1.0"


def as_dict(result: ValidationResult, lang: str, fail_on: Severity) -> dict[str, Any]:
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "arsitek", "engine": result.engine},
        "language": lang,
        "failOn": fail_on.word,
        "conforms": not result.fails(fail_on) and not result.unreadable,
        "summary": {
            "files": len(result.files),
            "triples": result.triples,
            "rules": len(result.rules),
            "violation": result.count(Severity.VIOLATION),
            "warning": result.count(Severity.WARNING),
            "info": result.count(Severity.INFO),
            "unreadable": len(result.unreadable),
        },
        "rules": [
            {
                "id": rule.rule_id,
                "shape": rule.shape,
                "severity": rule.severity.word,
                "title": dict(sorted(rule.title.items())),
            }
            for rule in result.rules
        ],
        "findings": [
            {
                "rule": f.rule_id,
                "severity": f.severity.word,
                "focusNode": f.focus_node,
                "label": f.label_in(lang) or None,
                "path": f.path,
                "value": f.value,
                "message": f.message_in(lang),
                "messages": dict(sorted(f.message.items())),
                "shape": f.shape,
                "location": ({"file": f.location.file, "line": f.location.line} if f.location is not None else None),
                **({"suggestion": f.suggestion} if f.suggestion else {}),
                **({"causedBy": f.caused_by} if f.caused_by else {}),
            }
            for f in result.findings
        ],
        "unreadable": [
            {"rule": UNREADABLE_RULE, "file": e.file, "line": e.line, "column": e.column, "message": e.message}
            for e in result.unreadable
        ],
    }


def render_json(result: ValidationResult, lang: str, fail_on: Severity) -> str:
    return json.dumps(as_dict(result, lang, fail_on), ensure_ascii=False, indent=2) + "\n"
