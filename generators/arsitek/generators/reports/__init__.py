"""Renderers of a :class:`~arsitek.validate.ValidationResult`: one module per format.

Every renderer is pure (result in, text out) and sorts everything it emits, so
two runs over the same model give byte-identical reports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from arsitek.generators.base import Inputs, Plan
from arsitek.generators.reports.json_report import render_json
from arsitek.generators.reports.junit import render_junit
from arsitek.generators.reports.sarif import render_sarif
from arsitek.generators.reports.text import render_text
from arsitek.validate.findings import Severity, ValidationResult

Renderer = Callable[[ValidationResult, str, Severity], str]

RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "sarif": render_sarif,
}

#: The file each format is written to in a build's ``validation/`` folder.
SUFFIXES = {"text": "txt", "json": "json", "junit": "junit.xml", "sarif": "sarif"}


@dataclass(frozen=True)
class ReportsGenerator:
    """The validation report in every format; written beside the contracts (both are quick)."""

    name: str = "reports"
    folder: str = "validation"
    needs: tuple[str, ...] = ()
    joins: str | None = "contracts"
    also: tuple[str, ...] = ()

    def plan(self, inputs: Inputs, plans: Mapping[str, Plan]) -> Plan:
        result, lang, threshold = inputs.result, inputs.lang, inputs.threshold
        reports = [(f"report.{SUFFIXES[fmt]}", RENDERERS[fmt](result, lang, threshold)) for fmt in sorted(SUFFIXES)]
        return Plan(tasks=[lambda: reports])


__all__ = [
    "RENDERERS",
    "SUFFIXES",
    "Renderer",
    "ReportsGenerator",
    "render_json",
    "render_junit",
    "render_sarif",
    "render_text",
]
