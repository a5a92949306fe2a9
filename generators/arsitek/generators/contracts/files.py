"""File exchange: a W3C CSV on the Web (CSVW) metadata document and a JSON Schema per file.

One file per flow and entity it carries. The CSVW columns carry both languages'
titles, the XSD datatype and the attribute's IRI as ``propertyUrl``.

A row describes the record its key names (``primaryKey``; ``aboutUrl`` under the
entity's IRI), so the same case in two files is the same resource. An entity with
no key is described row by row under the file's own address: row 1 of one file is
not row 1 of another.
"""

from __future__ import annotations

from typing import Any

from arsitek.generators.contracts.naming import schema_name
from arsitek.generators.contracts.schemas import DIALECT, bilingual, entity_schema
from arsitek.view import ArchitectureView, DataInformasi, Integrasi, text

CSVW_DATATYPES = {"anyURI": "anyURI", "gYear": "gYear", "dateTime": "datetime"}


def file_name(view: ArchitectureView, flow: Integrasi, entity: DataInformasi) -> str:
    return f"{view.slug(flow.iri)}__{entity.name}.csv"


def row_identity(flow: Integrasi, entity: DataInformasi) -> dict[str, Any]:
    if entity.primary_key:
        return {
            "primaryKey": list(entity.primary_key) if len(entity.primary_key) > 1 else entity.primary_key[0],
            "aboutUrl": entity.iri + "/" + "/".join(f"{{{name}}}" for name in entity.primary_key),
        }
    return {"aboutUrl": f"{flow.iri}/{entity.name}/{{_row}}"}


def csvw_metadata(view: ArchitectureView, flow: Integrasi, entity: DataInformasi) -> dict[str, Any]:
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "id"}],
        "url": file_name(view, flow, entity),
        "dc:title": [
            {"@value": text(entity.label, "id"), "@language": "id"},
            {"@value": text(entity.label, "en"), "@language": "en"},
        ],
        "dc:description": text(flow.definition, "id"),
        "dc:source": flow.iri,
        "dc:publisher": view.label(flow.source, "id"),
        "dialect": {"header": True, "encoding": "utf-8", "delimiter": ","},
        "tableSchema": {
            **row_identity(flow, entity),
            "columns": [
                {
                    "name": a.name,
                    "titles": bilingual(a.label),
                    "dc:description": text(a.definition, "id"),
                    "datatype": CSVW_DATATYPES.get(a.datatype, a.datatype),
                    "required": a.required,
                    "propertyUrl": a.iri,
                }
                for a in entity.attributes
            ],
        },
    }


def file_schema(view: ArchitectureView, flow: Integrasi, entity: DataInformasi) -> dict[str, Any]:
    """The file's rows as JSON: an array of records of the entity's schema."""
    row = {k: v for k, v in entity_schema(entity, view).items() if k not in ("$schema", "$id")}
    return {
        "$schema": DIALECT,
        "$id": f"{flow.iri}/{entity.name}.schema.json",
        "title": schema_name(f"{view.slug(flow.iri)}_{entity.name}".replace("-", "_")),
        "description": f"{text(entity.label)} ({text(flow.label)}): the file's rows.",
        "x-arsitek-label": {lang: f"{text(entity.label, lang)} ({text(flow.label, lang)})" for lang in ("id", "en")},
        "type": "array",
        "items": row,
        "x-arsitek-integration": flow.iri,
    }
