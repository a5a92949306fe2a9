"""File and identifier names for contracts, derived from IRIs the same way everywhere."""

from __future__ import annotations

from arsitek.view import local_name, snake


def slug(iri: str) -> str:
    """``https://w3id.org/arsitek/kpu/SirekapWeb`` -> ``sirekap_web``."""
    return snake(local_name(iri))


def path_segment(iri: str) -> str:
    """URL path segments are kebab case: ``DHasilKecamatan`` -> ``d-hasil-kecamatan``."""
    return slug(iri).replace("_", "-")


def schema_name(iri: str) -> str:
    """Component names in OpenAPI and AsyncAPI: ``DHasilKecamatan`` -> ``DHasilKecamatan``, ``dp4_ln`` -> ``Dp4Ln``."""
    return slug(iri).title().replace("_", "")
