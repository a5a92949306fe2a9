"""The package's public face: ``__all__`` complete, data bundled in the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import arsitek
from tests.conftest import ROOT


def test_all_lists_every_public_name() -> None:
    public = {name for name in vars(arsitek) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(arsitek, name)).__name__ == "module"}
    assert set(arsitek.__all__) - {"__version__"} == public - modules


def test_wheel_bundles_ontology_and_model(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("arsitek-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "arsitek/cli/__init__.py" in names
    assert "arsitek/_data/ontology/spbe.ttl" in names
    assert "arsitek/_data/ontology/shapes/inti.ttl" in names
    assert "arsitek/_data/model/kpu.ttl" in names
    assert not any(name.startswith(("tests/", "model/", "ontology/")) for name in names)
