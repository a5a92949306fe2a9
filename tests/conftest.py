"""Shared fixtures: the data folders, the shapes (loaded once), and a validation helper."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from arsitek.load import load_model
from arsitek.paths import DataFolders, data_folders
from arsitek.validate import ShapesGraph, ValidationResult, load_shapes, validate_model

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"

Validator = Callable[[Sequence[Path]], ValidationResult]


@pytest.fixture(scope="session")
def folders() -> DataFolders:
    found = data_folders()
    assert found.root == ROOT, "tests must run against this checkout's ontology/ and model/"
    return found


@pytest.fixture(scope="session")
def shapes(folders: DataFolders) -> ShapesGraph:
    return load_shapes([folders.shapes])


@pytest.fixture(scope="session")
def validate(folders: DataFolders, shapes: ShapesGraph) -> Validator:
    """Validate model files together with the vocabulary, as ``arsitek validate`` does."""

    def run(paths: Sequence[Path]) -> ValidationResult:
        model = load_model(list(paths), [folders.ontology], exclude=[folders.shapes])
        return validate_model(model, shapes)

    return run


@pytest.fixture(scope="session")
def kpu_result(validate: Validator, folders: DataFolders) -> ValidationResult:
    return validate([folders.model])
