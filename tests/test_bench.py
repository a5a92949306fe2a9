"""The synthetic national model: valid, with exactly its seeded defects, and the engines agree on it."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from arsitek.load import load_model
from arsitek.paths import DataFolders
from arsitek.validate import Severity, ShapesGraph, validate_model
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from synthetic import expected_findings, write_model


@pytest.mark.slow
def test_engines_agree_on_a_1000_application_synthetic_model(
    folders: DataFolders, shapes: ShapesGraph, tmp_path: Path
) -> None:
    write_model(tmp_path / "model", 1000)
    model = load_model([tmp_path / "model"], [folders.ontology], exclude=folders.not_vocabulary)
    sparql = validate_model(model, shapes, "sparql")
    violations = Counter(f.rule_id for f in sparql.findings if f.severity == Severity.VIOLATION)
    assert violations == expected_findings(1000)
    pyshacl = validate_model(model, shapes, "pyshacl")
    assert sorted(f.identity for f in sparql.findings) == sorted(f.identity for f in pyshacl.findings)
