"""What a validation engine is: shapes and a loaded model in, typed findings out.

Findings from an engine carry rule, severity, focus node, path, value and
message; :mod:`arsitek.validate` adds labels and source locations afterwards,
in bulk, so engines stay about SHACL alone.
"""

from __future__ import annotations

from typing import Protocol

from arsitek.load import LoadedModel
from arsitek.validate.findings import Finding
from arsitek.validate.rules import ShapesGraph


class Engine(Protocol):
    name: str

    def run(self, model: LoadedModel, shapes: ShapesGraph) -> list[Finding]: ...
