"""One file of a model: where it is, how reports name it, and the named graph it is loaded into.

A leaf module: the loader makes these, the locator reads their lines, reports show their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


@dataclass(frozen=True)
class SourceFile:
    """One loaded file: where it is, what it is called in reports, and its graph."""

    path: Path
    display: str
    role: str  # "ontology" or "model": the vocabulary is reported apart from the user's model

    @property
    def graph(self) -> ox.NamedNode:
        return ox.NamedNode(self.path.as_uri())
