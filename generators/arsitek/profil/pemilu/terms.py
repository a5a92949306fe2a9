"""The election extension's namespace."""

from __future__ import annotations

PEMILU = "https://w3id.org/arsitek/pemilu#"
ONTOLOGY = "https://w3id.org/arsitek/pemilu"
