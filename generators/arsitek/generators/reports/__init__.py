"""Renderers of a :class:`~arsitek.validate.ValidationResult`: one module per format.

Every renderer is pure (result in, text out) and sorts everything it emits, so
two runs over the same model give byte-identical reports.
"""

from __future__ import annotations

from collections.abc import Callable

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

__all__ = ["RENDERERS", "Renderer", "render_json", "render_junit", "render_sarif", "render_text"]
