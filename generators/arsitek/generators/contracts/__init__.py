"""Integration contracts from the model: the artifact each integration pattern calls for.

``generate(view)`` is pure: the view goes in, ``(relative path, content)``
pairs come out, sorted, with no timestamps, so two runs are byte-identical and
changing one data entity changes only the files that depend on it.

``plan(view)`` stops before the JSON is written out: the catalogue the site
lists is known at once, and the text can be produced later, by another process,
while the site is gathered.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, astuple, dataclass
from pathlib import Path
from typing import Any

import orjson

from arsitek.generators.contracts.asyncapi import asyncapi_documents
from arsitek.generators.contracts.files import csvw_metadata, file_name, file_schema
from arsitek.generators.contracts.openapi import openapi_documents
from arsitek.generators.contracts.schemas import entity_example, entity_schema
from arsitek.generators.contracts.sql import (
    flows_by_target,
    virtual_sources,
    virtual_view,
    warehouse_tables,
)
from arsitek.output import Artifact
from arsitek.templating import environment
from arsitek.text import spreadsheet_row
from arsitek.view import ArchitectureView, text

__all__ = ["Contracts", "generate", "plan"]


def dump(document: Any) -> str:
    """Indented JSON, as ``json.dumps(indent=2, ensure_ascii=False)`` writes it.

    orjson writes the same bytes ten times as fast: the standard library indents in pure Python,
    two thirds of writing a national model's 120,000 contract files. What orjson refuses (an integer
    beyond 64 bits, a key that is not a string) goes to the standard library.
    """
    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode("utf-8")
    except orjson.JSONEncodeError:
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class Contracts:
    """Every contract file of a model, planned: JSON documents built but not yet written out as text."""

    #: (relative path, JSON document or finished text), sorted by path
    files: list[tuple[str, Any]]
    #: one row per integration flow, with the contracts that serve it (what catalogue.json holds)
    catalogue: list[dict[str, Any]]

    def artifacts(self) -> Iterator[Artifact]:
        """The files as text, one at a time."""
        for path, content in self.files:
            yield path, content if isinstance(content, str) else dump(content)


def generate(view: ArchitectureView, templates: Path | None = None) -> list[Artifact]:
    return list(plan(view, templates).artifacts())


def plan(view: ArchitectureView, templates: Path | None = None) -> Contracts:
    env = environment("contracts", templates)
    artifacts: list[tuple[str, Any]] = []
    contracts_of: dict[str, list[dict[str, str]]] = defaultdict(list)

    for entity in sorted(view.entities.values(), key=lambda e: e.iri):
        artifacts.append((f"schemas/{entity.name}.schema.json", entity_schema(entity, view)))
        artifacts.append((f"schemas/examples/{entity.name}.json", entity_example(entity)))

    for provider, document in openapi_documents(view).items():
        path = f"openapi/{view.slug(provider)}.openapi.json"
        artifacts.append((path, document))
        for item in document["paths"].values():
            for operation in (op for key, op in item.items() if key in ("get", "post")):
                for flow_iri in operation["x-arsitek-integrations"]:
                    contracts_of[flow_iri].append({"kind": "OpenAPI", "path": path})

    for app, document in asyncapi_documents(view).items():
        path = f"asyncapi/{view.slug(app)}.asyncapi.json"
        artifacts.append((path, document))
        for operation in document["operations"].values():
            contracts_of[operation["x-arsitek-integration"]].append({"kind": "AsyncAPI", "path": path})

    for target, flows in flows_by_target(view, {"data-warehouse"}).items():
        tables, mappings = warehouse_tables(view, flows)
        base = f"warehouse/{view.slug(target)}"
        sources = sorted({view.label(f.source) for f in flows})
        artifacts.append(
            (
                f"{base}.sql",
                env.get_template("warehouse.sql.j2").render(
                    target=view.label(target), version=view.version, tables=tables, sources=sources
                ),
            )
        )
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(list(asdict(mappings[0])))
        writer.writerows(spreadsheet_row(astuple(m)) for m in mappings)
        artifacts.append((f"{base}.mapping.csv", buffer.getvalue()))
        for flow in flows:
            contracts_of[flow.iri] += [
                {"kind": "DDL", "path": f"{base}.sql"},
                {"kind": "mapping", "path": f"{base}.mapping.csv"},
            ]

    for target, flows in flows_by_target(view, {"virtual-database", "federated-database"}).items():
        path = f"virtual/{view.slug(target)}.sql"
        artifacts.append(
            (
                path,
                env.get_template("virtual.sql.j2").render(
                    target=view.label(target),
                    version=view.version,
                    prefix=view.slug(target),
                    sources=virtual_sources(view, flows),
                    view=virtual_view(view, flows),
                ),
            )
        )
        for flow in flows:
            contracts_of[flow.iri].append({"kind": "SQL views", "path": path})

    for flow in sorted(view.integrations.values(), key=lambda f: f.iri):
        if flow.pattern != "file-exchange":
            continue
        for data in flow.data:
            carried = view.entities.get(data)
            if carried is None:
                continue
            entity = carried
            stem = f"files/{file_name(view, flow, entity)}"
            artifacts.append((f"{stem}-metadata.json", csvw_metadata(view, flow, entity)))
            artifacts.append((f"{stem}.schema.json", file_schema(view, flow, entity)))
            contracts_of[flow.iri] += [
                {"kind": "CSVW", "path": f"{stem}-metadata.json"},
                {"kind": "JSON Schema", "path": f"{stem}.schema.json"},
            ]

    catalogue = _catalogue(view, contracts_of)
    artifacts.append(("catalogue.json", {"version": view.version, "integrations": catalogue}))
    artifacts.append(
        ("catalogue.md", env.get_template("catalogue.md.j2").render(version=view.version, flows=catalogue))
    )
    return Contracts(sorted(artifacts, key=lambda artifact: artifact[0]), catalogue)


def _catalogue(view: ArchitectureView, contracts_of: dict[str, list[dict[str, str]]]) -> list[dict[str, Any]]:
    rows = []
    for flow in sorted(view.integrations.values(), key=lambda f: f.iri):
        personal = [
            {
                "entity": text(view.entities[d].label),
                "iri": d,
                "attributes": [f"{a.name} ({a.pdp})" for a in view.entities[d].attributes if a.pdp],
            }
            for d in flow.data
            if d in view.entities and view.entities[d].personal
        ]
        unique = {(c["kind"], c["path"]): c for c in contracts_of.get(flow.iri, [])}
        rows.append(
            {
                "iri": flow.iri,
                "label": text(flow.label),
                "provider": {"iri": flow.source, "label": view.label(flow.source)},
                "consumer": {"iri": flow.target, "label": view.label(flow.target)},
                "pattern": flow.pattern,
                "interface": _interface(view, flow.interface),
                "via": [{"iri": i, "label": view.label(i)} for i in flow.via],
                "direction": flow.direction,
                "protocol": flow.protocol,
                "authentication": flow.authentication,
                "encryption": flow.encryption,
                "status": flow.status,
                "data": [{"entity": text(view.entities[d].label), "iri": d} for d in flow.data if d in view.entities],
                "personal_data": personal,
                "contracts": [unique[k] for k in sorted(unique)],
            }
        )
    return rows


def _interface(view: ArchitectureView, iri: str | None) -> dict[str, Any] | None:
    """The interface a flow runs through, with its API kind (web, program or local API)."""
    if not iri:
        return None
    interface = view.interfaces.get(iri)
    return {"iri": iri, "label": view.label(iri), "api_kind": interface.api_kind if interface else None}


def for_application(artifacts: list[Artifact], view: ArchitectureView, app: str) -> list[Artifact]:
    """The contracts one application takes part in, the schemas they use, and its part of the catalogue."""
    flows = [f for f in view.integrations.values() if app in (f.source, f.target)]
    entities = {view.entities[d].name for f in flows for d in f.data if d in view.entities}
    entities |= (
        {view.entities[d].name for d in view.applications[app].holds if d in view.entities}
        if app in (view.applications)
        else set()
    )
    contracts_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    by_path = dict(artifacts)
    raw = by_path["catalogue.json"]
    catalogue = json.loads(raw if isinstance(raw, str) else raw.decode("utf-8"))["integrations"]
    wanted_flows = {f.iri for f in flows}
    rows = [row for row in catalogue if row["iri"] in wanted_flows]
    paths = {c["path"] for row in rows for c in row["contracts"]}
    paths |= {
        p
        for p in by_path
        if p.startswith(("openapi/", "asyncapi/")) and p.split("/")[1].split(".")[0] == view.slug(app)
    }
    paths |= {f"schemas/{name}.schema.json" for name in entities} | {
        f"schemas/examples/{name}.json" for name in entities
    }
    for row in rows:
        contracts_of[row["iri"]] = row["contracts"]
    env = environment("contracts")
    selected = [(p, c) for p, c in artifacts if p in paths]
    selected.append(("catalogue.json", dump({"version": view.version, "integrations": rows})))
    selected.append(("catalogue.md", env.get_template("catalogue.md.j2").render(version=view.version, flows=rows)))
    return sorted(selected)
