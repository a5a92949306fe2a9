"""Where the vocabulary, its profiles and the embedded example model live.

One function answers this for every command: an explicit path wins, else the
source checkout this package sits in (``generators/arsitek`` beside
``ontology/`` and ``model/``), else the copy bundled into the wheel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class DataFolders:
    """The data folders arsitek ships: the vocabulary with its shapes and profiles, and the example model."""

    root: Path
    ontology: Path
    model: Path

    @property
    def shapes(self) -> Path:
        return self.ontology / "shapes"

    @property
    def profiles(self) -> Path:
        """The profiles arsitek ships (``profil/<name>/``): loaded only for a model that imports one."""
        return self.ontology / "profil"

    @property
    def not_vocabulary(self) -> list[Path]:
        """What loading the vocabulary folder skips: the rules, and the profiles a model has not declared."""
        return [self.shapes, self.profiles]


def _checkout_root() -> Path | None:
    root = _PACKAGE_DIR.parent.parent
    if (root / "pyproject.toml").is_file() and (root / "ontology").is_dir():
        return root
    return None


def data_folders(ontology: Path | None = None) -> DataFolders:
    """Find the ontology and model folders (see the module docstring for the order)."""
    root = _checkout_root()
    if root is None:
        bundled = _PACKAGE_DIR / "_data"
        root = bundled
    onto = ontology.resolve() if ontology is not None else root / "ontology"
    return DataFolders(root=root, ontology=onto, model=root / "model")
