"""Names in contracts, made from an element's unique name (:attr:`arsitek.view.Element.name`) one way everywhere."""

from __future__ import annotations


def path_segment(name: str) -> str:
    """URL path segments are kebab case: ``d_hasil_kecamatan`` -> ``d-hasil-kecamatan``."""
    return name.replace("_", "-")


def schema_name(name: str) -> str:
    """Component names in OpenAPI and AsyncAPI: ``d_hasil_kecamatan`` -> ``DHasilKecamatan``,
    ``dp4_ln`` -> ``Dp4Ln``."""
    return name.title().replace("_", "")
