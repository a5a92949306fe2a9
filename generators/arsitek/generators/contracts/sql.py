"""SQL for the data-warehouse and virtual/federated-database patterns.

The DDL and views use the common subset of SQL that both SQLite and
PostgreSQL accept (plain types, ``CAST``, ``UNION ALL``), so they can be
checked on both and adapted to the analytics store the agency chooses.
Personal data is pseudonymised on the way into analytics: a SHA-256 column
replaces the value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from arsitek.view import ArchitectureView, AtributData, DataInformasi, Integrasi, text

SQL_TYPES = {
    "integer": "INTEGER",
    "int": "INTEGER",
    "decimal": "NUMERIC(18,2)",
    "double": "NUMERIC(18,6)",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "dateTime": "TIMESTAMP",
}
MEASURES = {"integer", "int", "decimal", "double"}


def sql_type(attribute: AtributData) -> str:
    return SQL_TYPES.get(attribute.datatype, "TEXT")


def column(attribute: AtributData) -> str:
    return f"{attribute.name}_hash" if attribute.pdp else attribute.name


def comment(value: str) -> str:
    return " ".join(value.split()).replace("*/", "* /")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    note: str


@dataclass(frozen=True)
class Table:
    name: str
    note: str
    columns: tuple[Column, ...]
    references: tuple[tuple[str, str], ...] = ()  # (column, table)


@dataclass(frozen=True)
class Mapping:
    integration: str
    source_system: str
    source_entity: str
    source_attribute: str
    source_field: str
    target_table: str
    target_column: str
    transformation: str
    personal_data: str


def flows_by_target(view: ArchitectureView, patterns: set[str]) -> dict[str, list[Integrasi]]:
    grouped: dict[str, list[Integrasi]] = defaultdict(list)
    for flow in sorted(view.integrations.values(), key=lambda f: f.iri):
        if flow.pattern in patterns:
            grouped[flow.target].append(flow)
    return dict(sorted(grouped.items()))


def warehouse_tables(view: ArchitectureView, flows: list[Integrasi]) -> tuple[list[Table], list[Mapping]]:
    """A star schema: one dimension per carried entity, a fact table where the entity has measures."""
    tables = [
        Table(
            "dim_sumber",
            "Source systems feeding the warehouse.",
            (
                Column("sumber_id", "INTEGER PRIMARY KEY", "surrogate key"),
                Column("kode", "TEXT NOT NULL UNIQUE", "source system key"),
                Column("nama", "TEXT NOT NULL", "source system label"),
            ),
        ),
        Table(
            "dim_muat",
            "Load batches.",
            (
                Column("muat_id", "INTEGER PRIMARY KEY", "surrogate key"),
                Column("dimuat_pada", "TIMESTAMP NOT NULL", "when the batch was loaded"),
            ),
        ),
    ]
    mappings: list[Mapping] = []
    seen: set[str] = set()
    for flow in flows:
        for data in flow.data:
            entity = view.entities.get(data)
            if entity is None:
                continue
            name = entity.name
            dimension_attrs = [a for a in entity.attributes if a.datatype not in MEASURES]
            measure_attrs = [a for a in entity.attributes if a.datatype in MEASURES]
            if name not in seen:
                seen.add(name)
                tables.append(
                    Table(
                        f"dim_{name}",
                        comment(text(entity.label)),
                        (
                            Column(f"{name}_id", "INTEGER PRIMARY KEY", "surrogate key"),
                            *(
                                Column(
                                    column(a),
                                    "CHAR(64)" if a.pdp else sql_type(a),
                                    comment(
                                        f"{text(a.label)}" + (f"; personal data ({a.pdp}), SHA-256" if a.pdp else "")
                                    ),
                                )
                                for a in dimension_attrs
                            ),
                            Column("sumber_id", "INTEGER NOT NULL", "source system"),
                            Column("muat_id", "INTEGER NOT NULL", "load batch"),
                        ),
                        (("sumber_id", "dim_sumber"), ("muat_id", "dim_muat")),
                    )
                )
                if measure_attrs:
                    tables.append(
                        Table(
                            f"fakta_{name}",
                            comment(f"Measures of {text(entity.label)}"),
                            (
                                Column(f"fakta_{name}_id", "INTEGER PRIMARY KEY", "surrogate key"),
                                Column(f"{name}_id", "INTEGER NOT NULL", "dimension row"),
                                *(Column(a.name, sql_type(a), comment(text(a.label))) for a in measure_attrs),
                                Column("muat_id", "INTEGER NOT NULL", "load batch"),
                            ),
                            ((f"{name}_id", f"dim_{name}"), ("muat_id", "dim_muat")),
                        )
                    )
            for attribute in entity.attributes:
                target = f"fakta_{name}" if attribute.datatype in MEASURES else f"dim_{name}"
                mappings.append(
                    Mapping(
                        integration=flow.iri,
                        source_system=flow.source,
                        source_entity=entity.iri,
                        source_attribute=attribute.iri,
                        source_field=attribute.name,
                        target_table=target,
                        target_column=column(attribute),
                        transformation="sha256" if attribute.pdp else f"cast to {sql_type(attribute)}",
                        personal_data=attribute.pdp or "",
                    )
                )
    return tables, mappings


def source_table(view: ArchitectureView, flow_source: str, entity: DataInformasi) -> str:
    return f"src_{view.slug(flow_source)}__{entity.name}"


def virtual_sources(view: ArchitectureView, flows: list[Integrasi]) -> list[Table]:
    """The tables a virtual view reads, as each source system exposes them (a stand-in for the remote schema)."""
    tables: dict[str, Table] = {}
    for flow in flows:
        for data in flow.data:
            entity = view.entities.get(data)
            if entity is None:
                continue
            name = source_table(view, flow.source, entity)
            tables[name] = Table(
                name,
                comment(f"{text(entity.label)} as exposed by {view.label(flow.source)}"),
                tuple(Column(a.name, sql_type(a), comment(text(a.label))) for a in entity.attributes),
            )
    return [tables[k] for k in sorted(tables)]


def virtual_view(view: ArchitectureView, flows: list[Integrasi]) -> dict[str, Any]:
    """One logical schema over every source: the union of their columns, NULL where a source has none.

    Documented data gaps that concern the flows' data, or that the flows point
    at, appear as rows of their own, so a query over the view shows the hole.
    """
    branches: list[tuple[str, str, DataInformasi]] = []
    for flow in flows:
        for data in flow.data:
            entity = view.entities.get(data)
            if entity is not None:
                branches.append((flow.source, flow.iri, entity))
    columns: dict[str, str] = {}
    for _, _, entity in branches:
        for attribute in entity.attributes:
            columns.setdefault(attribute.name, sql_type(attribute))
    gap_iris = sorted(
        {g for f in flows for g in f.see_also if g in view.gaps}
        | {g.iri for g in view.gaps.values() if any(d in g.concerns for f in flows for d in f.data)}
    )
    return {
        "columns": sorted(columns.items()),
        "branches": [
            {
                "source": view.slug(src),
                "integration": iri,
                "entity": entity.name,
                "table": source_table(view, src, entity),
                "present": {a.name for a in entity.attributes},
            }
            for src, iri, entity in branches
        ],
        "gaps": [
            {
                "key": view.slug(g),
                "label": text(view.gaps[g].label),
                "consequence": text(view.gaps[g].consequence),
                "iri": g,
            }
            for g in gap_iris
        ],
    }
