"""JSON Schema (2020-12) for every data entity, with a schema-valid example.

Personal-data attributes carry ``x-arsitek-pdp`` with their UU 27/2022 category,
so whoever reads a contract sees what they are handling.

Titles are the stable names (the component key, the field name), not display labels:
code generators make class and field names from ``title``, and a label an architect
rewords must not rename a class in every consumer's code. The labels, in both
languages, are in ``x-arsitek-label``, and the English one opens the description.
"""

from __future__ import annotations

import re
from typing import Any

from arsitek.generators.contracts.naming import schema_name
from arsitek.view import ArchitectureView, AtributData, DataInformasi, text

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# XSD datatype -> JSON Schema keywords. Decimals stay numbers; gYear is a 4-digit string.
XSD_TO_JSON: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "int": {"type": "integer"},
    "decimal": {"type": "number"},
    "double": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "dateTime": {"type": "string", "format": "date-time"},
    "anyURI": {"type": "string", "format": "uri"},
    "gYear": {"type": "string", "pattern": "^[0-9]{4}$"},
}


def bilingual(texts: dict[str, str]) -> dict[str, str]:
    return {lang: texts[lang] for lang in ("id", "en") if lang in texts}


def described(label: dict[str, str], definition: dict[str, str]) -> str:
    """``Label: definition.`` in English, so a reader of generated docs sees the words the title no longer has."""
    name, meaning = text(label), text(definition)
    return f"{name}: {meaning}" if name and meaning else name or meaning


def attribute_schema(attribute: AtributData) -> dict[str, Any]:
    schema: dict[str, Any] = dict(XSD_TO_JSON.get(attribute.datatype, {"type": "string"}))
    schema["title"] = attribute.name
    schema["description"] = described(attribute.label, attribute.definition)
    if schema.get("type") == "string":  # an attribute's own pattern and length (spbe:pola, spbe:panjang*)
        if attribute.pattern:
            schema["pattern"] = attribute.pattern
        if attribute.min_length is not None:
            schema["minLength"] = attribute.min_length
        if attribute.max_length is not None:
            schema["maxLength"] = attribute.max_length
    schema["x-arsitek-iri"] = attribute.iri
    schema["x-arsitek-label"] = bilingual(attribute.label)
    schema["x-arsitek-description"] = bilingual(attribute.definition)
    if attribute.pdp:
        schema["x-arsitek-pdp"] = attribute.pdp
    return schema


def entity_schema(entity: DataInformasi, view: ArchitectureView) -> dict[str, Any]:
    """The entity as a JSON object: one property per attribute, required where ``spbe:wajib`` is true."""
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": f"{entity.iri}.schema.json",
        "title": schema_name(entity.name),
        "description": described(entity.label, entity.definition),
        "type": "object",
        "properties": {a.name: attribute_schema(a) for a in entity.attributes},
        "required": [a.name for a in entity.attributes if a.required],
        "additionalProperties": False,
        "x-arsitek-iri": entity.iri,
        "x-arsitek-label": bilingual(entity.label),
        "x-arsitek-description": bilingual(entity.definition),
        "x-arsitek-openness": entity.openness,
        "x-arsitek-personal-data": entity.personal,
    }
    if entity.primary_key:
        schema["x-arsitek-key"] = list(entity.primary_key)
    if source := entity.authoritative_source:
        kind = "application" if source in view.applications else "business-process"
        schema["x-arsitek-authoritative-source"] = {"iri": source, "label": view.label(source), "kind": kind}
    if entity.digital_copies:
        schema["x-arsitek-digital-copy"] = [{"iri": a, "label": view.label(a)} for a in entity.digital_copies]
    if entity.steward:
        schema["x-arsitek-steward"] = {"iri": entity.steward, "label": view.label(entity.steward)}
    if entity.form:
        schema["x-arsitek-form"] = entity.form
    return schema


def _fitting_example(attribute: AtributData) -> str | None:
    """A value that meets the attribute's own pattern and length, from a few plain candidates.

    Not a regex inverter: it covers the patterns architects write for codes (digits, capitals,
    a fixed length). None when no candidate fits: the example then shows the plain value, which
    a validator of the example against its schema reports (tests/test_contracts.py runs one).
    """
    low = attribute.min_length if attribute.min_length is not None else 1
    high = attribute.max_length if attribute.max_length is not None else max(low, 16)
    lengths = sorted({low, high, min(max(low, 8), high)})
    candidates = [c * n for n in lengths for c in ("1", "A", "a")] + [("A1" * n)[:n] for n in lengths]
    for candidate in candidates:
        if low <= len(candidate) <= high and (
            not attribute.pattern or re.search(attribute.pattern, candidate) is not None
        ):
            return candidate
    return None


def _example_value(attribute: AtributData) -> Any:
    constrained = attribute.pattern or attribute.min_length is not None or attribute.max_length is not None
    if constrained and XSD_TO_JSON.get(attribute.datatype, {"type": "string"}).get("type") == "string":
        fitting = _fitting_example(attribute)
        if fitting is not None:
            return fitting
    keywords = XSD_TO_JSON.get(attribute.datatype, {"type": "string"})
    kind, fmt = keywords["type"], keywords.get("format")
    if kind == "integer":
        return 1
    if kind == "number":
        return 1500000.0
    if kind == "boolean":
        return True
    if fmt == "date":
        return "2024-02-14"
    if fmt == "date-time":
        return "2024-02-14T08:00:00+07:00"
    if fmt == "uri":
        return f"https://example.org/{attribute.name}"
    if "pattern" in keywords:
        return "2024"
    return f"contoh {text(attribute.label, 'id').lower()}"


def entity_example(entity: DataInformasi) -> dict[str, Any]:
    """A synthetic record that validates against the entity's schema; no real person's data."""
    return {a.name: _example_value(a) for a in entity.attributes}
