"""What a change means, each with a check id and a severity, in the manner of oasdiff.

Three families: the elements themselves (added, removed, renamed, changed); the integration
contracts generated from them (a removed field, a changed type, a field becoming required, a removed
operation or channel, a changed security scheme), named per contract and per consumer application;
and the architecture-level changes a reviewer must not miss (personal data newly carried by a flow,
encryption or authentication weakened, openness raised, an authoritative source changed, an
application losing its host or its backup, a reference code changed). Findings the change
introduces are changes too, as severe as the rule says. :data:`CHECKS` is the catalogue
(``docs/diff.md`` lists it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from arsitek.diff.semantic import SemanticDiff
from arsitek.generators.base import LANGS
from arsitek.generators.contracts.asyncapi import asyncapi_document, bus_flows
from arsitek.generators.contracts.openapi import openapi_document, web_api_flows
from arsitek.generators.contracts.schemas import entity_schema
from arsitek.validate.findings import Finding, Severity
from arsitek.view import ArchitectureView, Integrasi
from arsitek.vocab import SPBE

#: from least to most severe; ``--fail-on`` takes one of them
SEVERITIES = ("info", "warning", "breaking")

#: check id -> (severity, what it says in Indonesian, in English)
CHECKS: dict[str, tuple[str, str, str]] = {
    "element-added": ("info", "elemen ditambahkan", "element added"),
    "element-removed": ("warning", "elemen dihapus", "element removed"),
    "element-removed-in-use": (
        "breaking",
        "elemen dihapus padahal masih dipakai elemen lain",
        "element removed while other elements depend on it",
    ),
    "element-renamed": ("warning", "IRI elemen berganti", "element's IRI changed"),
    "element-changed": ("info", "elemen diubah", "element changed"),
    "api-contract-removed": ("breaking", "kontrak dihapus", "contract removed"),
    "api-contract-added": ("info", "kontrak baru", "contract added"),
    "api-operation-removed": ("breaking", "operasi API dihapus", "API operation removed"),
    "api-channel-removed": ("breaking", "kanal pesan dihapus", "message channel removed"),
    "api-schema-removed": ("breaking", "skema dihapus", "schema removed"),
    "api-property-removed": ("breaking", "field dihapus", "field removed"),
    "api-property-type-changed": ("breaking", "tipe field berubah", "field type changed"),
    "api-property-became-required": ("breaking", "field menjadi wajib", "field became required"),
    "api-property-added": ("info", "field baru", "field added"),
    "api-security-changed": ("warning", "skema keamanan berubah", "security scheme changed"),
    "personal-data-newly-carried": (
        "warning",
        "aliran kini membawa data pribadi",
        "flow newly carries personal data",
    ),
    "encryption-weakened": ("breaking", "enkripsi aliran melemah", "flow encryption weakened"),
    "authentication-weakened": ("breaking", "autentikasi aliran melemah", "flow authentication weakened"),
    "openness-raised": ("breaking", "sifat data menjadi lebih terbuka", "data made more open"),
    "authoritative-source-changed": ("warning", "sumber otoritatif berganti", "authoritative source changed"),
    "application-lost-host": ("warning", "aplikasi kehilangan hosting", "application lost its host"),
    "application-lost-backup": ("warning", "aplikasi kehilangan pencadangan", "application lost its backup"),
    "reference-code-changed": ("info", "kode referensi berubah", "reference code changed"),
    "finding-introduced": ("warning", "temuan validasi baru", "validation finding introduced"),
}

_ENCRYPTION = {"none": 0, "file": 1, "tls": 2, "vpn": 2}
_AUTHENTICATION = {"none": 0, "handover": 1, "user-account": 1, "api-key": 1, "oauth2": 2, "mtls": 3}
_OPENNESS = {"tertutup": 0, "terbatas": 1, "terbuka": 2}
_FINDING_SEVERITY = {Severity.VIOLATION: "breaking", Severity.WARNING: "warning", Severity.INFO: "info"}


@dataclass(frozen=True)
class Change:
    check: str
    severity: str
    element: str
    #: what changed, in words for the reader (values, labels): one line per language
    detail: Mapping[str, str] = field(default_factory=dict)
    contract: str | None = None
    consumers: tuple[str, ...] = ()

    @property
    def rank(self) -> int:
        return SEVERITIES.index(self.severity)


def change(check: str, element: str, detail: Mapping[str, str] | None = None, **more: Any) -> Change:
    severity = more.pop("severity", None) or CHECKS[check][0]
    return Change(check, severity, element, dict(detail or {}), **more)


@dataclass(frozen=True)
class Snapshot:
    """One side as the checks need it, read before the store moves on to the other side."""

    view: ArchitectureView
    findings: tuple[Finding, ...]
    statements: Mapping[str, Mapping[str, Sequence[str]]]  # touched element -> property -> values
    dependents: Mapping[str, tuple[str, ...]]  # touched element -> everything depending on it
    contracts: Mapping[str, tuple[dict[str, Any], tuple[str, ...]]]  # name -> (document, consumers)


def _both(en: str, id_: str | None = None) -> dict[str, str]:
    return {"en": en, "id": id_ if id_ is not None else en}


# --- the contracts a change can reach ---------------------------------------


def contracts_of(view: ArchitectureView, touched: set[str]) -> dict[str, tuple[dict[str, Any], tuple[str, ...]]]:
    """The contracts generated from what ``touched`` names, each with the applications consuming it."""
    entities = {
        e.iri for e in view.entities.values() if e.iri in touched or any(a.iri in touched for a in e.attributes)
    }

    def reached(flow: Integrasi) -> bool:
        ends = {flow.iri, flow.source, flow.target, flow.interface or ""}
        return bool(ends & touched or set(flow.data) & entities)

    out: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {}
    for provider, flows in web_api_flows(view).items():
        if any(reached(f) for f in flows) or provider in touched:
            consumers = tuple(sorted({f.target for f in flows}))
            out[f"openapi/{view.slug(provider)}.openapi.json"] = (openapi_document(view, provider, flows), consumers)
    for app, flows in bus_flows(view).items():
        if any(reached(f) for f in flows) or app in touched:
            consumers = tuple(sorted({f.target for f in flows} - {app}))
            out[f"asyncapi/{view.slug(app)}.asyncapi.json"] = (asyncapi_document(view, app, flows), consumers)
    carriers: dict[str, set[str]] = {}
    for flow in view.integrations.values():
        for data in flow.data:
            carriers.setdefault(data, set()).add(flow.target)
    for iri in sorted(entities):
        entity = view.entities[iri]
        consumers = tuple(sorted(carriers.get(iri, set())))
        out[f"schemas/{entity.name}.schema.json"] = (entity_schema(entity, view), consumers)
    return out


def _schemas(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    if "properties" in document:  # a JSON Schema of its own
        return {"": document}
    return dict(document.get("components", {}).get("schemas", {}))


def _type(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    shown = "/".join(kind) if isinstance(kind, list) else str(kind or schema.get("$ref", "?"))
    return shown + (f" ({schema['format']})" if schema.get("format") else "")


def _security(document: Mapping[str, Any]) -> Any:
    operations = [
        (path, method, op.get("security"))
        for path, item in sorted(document.get("paths", {}).items())
        for method, op in sorted(item.items())
        if isinstance(op, dict)
    ]
    return (document.get("components", {}).get("securitySchemes"), operations)


def contract_changes(
    base: Mapping[str, tuple[dict[str, Any], tuple[str, ...]]],
    head: Mapping[str, tuple[dict[str, Any], tuple[str, ...]]],
) -> list[Change]:
    out: list[Change] = []
    for name in sorted(set(base) | set(head)):
        if name not in head:
            document, consumers = base[name]
            out.append(change("api-contract-removed", _iri(document), contract=name, consumers=consumers))
            continue
        if name not in base:
            document, consumers = head[name]
            out.append(change("api-contract-added", _iri(document), contract=name, consumers=consumers))
            continue
        (old, old_consumers), (new, new_consumers) = base[name], head[name]
        consumers = tuple(sorted(set(old_consumers) | set(new_consumers)))

        def add(check: str, where: str, en: str, contract: str = name, consumers: tuple[str, ...] = consumers) -> None:
            out.append(change(check, where, _both(en), contract=contract, consumers=consumers))

        for path, item in sorted(old.get("paths", {}).items()):
            for method in sorted(k for k in item if k in ("get", "put", "post", "delete", "patch")):
                if method not in new.get("paths", {}).get(path, {}):
                    add("api-operation-removed", item.get("x-arsitek-iri", ""), f"{method.upper()} {path}")
        for channel in sorted(set(old.get("channels", {})) - set(new.get("channels", {}))):
            add("api-channel-removed", old["channels"][channel].get("x-arsitek-iri", ""), channel)
        old_schemas, new_schemas = _schemas(old), _schemas(new)
        for schema_name, schema in sorted(old_schemas.items()):
            where = schema.get("x-arsitek-iri") or _iri(old)
            if schema_name not in new_schemas:
                add("api-schema-removed", where, schema_name)
                continue
            now = new_schemas[schema_name]
            before_props, after_props = schema.get("properties", {}), now.get("properties", {})
            label = f"{schema_name}." if schema_name else ""
            for prop in sorted(set(before_props) - set(after_props)):
                add("api-property-removed", before_props[prop].get("x-arsitek-iri", where), f"{label}{prop}")
            for prop in sorted(set(after_props) - set(before_props)):
                add("api-property-added", after_props[prop].get("x-arsitek-iri", where), f"{label}{prop}")
            for prop in sorted(set(before_props) & set(after_props)):
                was, is_ = _type(before_props[prop]), _type(after_props[prop])
                if was != is_:
                    add(
                        "api-property-type-changed",
                        after_props[prop].get("x-arsitek-iri", where),
                        f"{label}{prop}: {was} → {is_}",
                    )
            for prop in sorted(set(now.get("required", [])) - set(schema.get("required", []))):
                add(
                    "api-property-became-required",
                    after_props.get(prop, {}).get("x-arsitek-iri", where),
                    f"{label}{prop}",
                )
        if _security(old) != _security(new):
            add("api-security-changed", _iri(new), "securitySchemes / security")
    return out


def _iri(document: Mapping[str, Any]) -> str:
    return str(
        document.get("x-arsitek-iri") or document.get("$id", "") or document.get("info", {}).get("x-arsitek-iri", "")
    )


# --- the architecture ----------------------------------------------------------


def element_changes(diff: SemanticDiff, base: Snapshot, head: Snapshot) -> list[Change]:
    out: list[Change] = []
    for iri, element in diff.elements.items():
        if element.status == "added":
            out.append(change("element-added", iri))
        elif element.status == "removed":
            users = [
                d
                for d in base.dependents.get(iri, ())
                if d not in diff.elements or diff.elements[d].status != "removed"
            ]
            if users:
                out.append(
                    change("element-removed-in-use", iri, _both(f"{len(users)} dependents", f"{len(users)} dependen"))
                )
            else:
                out.append(change("element-removed", iri))
        elif element.status == "renamed":
            was, now = head.view.short(element.was or ""), head.view.short(iri)
            out.append(change("element-renamed", iri, _both(f"{was} → {now} ({element.confidence:.0%})")))
        else:
            props = sorted(set(element.removed) | set(element.added))
            out.append(change("element-changed", iri, _both(", ".join(_local(p) for p in props))))
        realises = f"{SPBE}merealisasikan"
        if element.status in ("changed", "renamed") and (realises in element.removed or realises in element.added):
            was = ", ".join(_local(v) for v in element.removed.get(f"{SPBE}merealisasikan", []))
            now = ", ".join(_local(v) for v in element.added.get(f"{SPBE}merealisasikan", []))
            out.append(change("reference-code-changed", iri, _both(f"{was or '–'} → {now or '–'}")))
    return out


def _local(term: str) -> str:
    value = term.strip("<>")
    return value.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if value.startswith("http") else value


def architecture_changes(diff: SemanticDiff, base: Snapshot, head: Snapshot) -> list[Change]:
    out: list[Change] = []
    touched = set(diff.elements) | set(diff.renamed)
    old_name = {new: old for old, new in diff.renamed.items()}
    b, h = base.view, head.view

    def personal(view: ArchitectureView, flow: Integrasi) -> set[str]:
        return {d for d in flow.data if d in view.entities and view.entities[d].personal}

    for iri, flow in sorted(h.integrations.items()):
        before = b.integrations.get(old_name.get(iri, iri))
        reached = iri in touched or set(flow.data) & touched or before is None
        if not reached and not any(
            a.iri in touched for d in flow.data if d in h.entities for a in h.entities[d].attributes
        ):
            continue
        newly = personal(h, flow) - (personal(b, before) if before else set())
        if newly:
            names = {lang: ", ".join(sorted(h.label(d, lang) for d in newly)) for lang in LANGS}
            out.append(change("personal-data-newly-carried", iri, names, consumers=(flow.target,)))
        if before is None:
            continue
        for check, table, was, now in (
            ("encryption-weakened", _ENCRYPTION, before.encryption, flow.encryption),
            ("authentication-weakened", _AUTHENTICATION, before.authentication, flow.authentication),
        ):
            if was and table.get(was, 1) > table.get(now or "none", 1 if now else 0):
                out.append(change(check, iri, _both(f"{was} → {now or '–'}"), consumers=(flow.target,)))
    for iri, entity in sorted(h.entities.items()):
        before_entity = b.entities.get(old_name.get(iri, iri))
        if before_entity is None or (iri not in touched):
            continue
        if _OPENNESS.get(entity.openness or "", -1) > _OPENNESS.get(before_entity.openness or "", 99):
            out.append(change("openness-raised", iri, _both(f"{before_entity.openness} → {entity.openness}")))
        if before_entity.authoritative_source != entity.authoritative_source:
            was_source, now_source = before_entity.authoritative_source, entity.authoritative_source
            detail = {lang: f"{_shown(b, was_source, lang)} → {_shown(h, now_source, lang)}" for lang in LANGS}
            out.append(change("authoritative-source-changed", iri, detail))
    for iri in sorted(touched & set(h.applications)):
        was_said, now_said = base.statements.get(old_name.get(iri, iri), {}), head.statements.get(iri, {})
        for check, prop in (("application-lost-host", "dihostingDi"), ("application-lost-backup", "pemulihan")):
            if was_said.get(f"{SPBE}{prop}") and not now_said.get(f"{SPBE}{prop}"):
                lost = was_said[f"{SPBE}{prop}"]
                detail = {lang: ", ".join(_shown(b, v.strip("<>"), lang) for v in lost) for lang in LANGS}
                out.append(change(check, iri, detail))
    return out


def _shown(view: ArchitectureView, iri: str | None, lang: str) -> str:
    return view.label(iri, lang) if iri else "–"


def finding_changes(introduced: Iterable[Finding]) -> list[Change]:
    return [
        change(
            "finding-introduced",
            f.focus_node,
            {"id": f"{f.rule_id}: {f.message_in('id')}", "en": f"{f.rule_id}: {f.message_in('en')}"},
            severity=_FINDING_SEVERITY[f.severity],
        )
        for f in introduced
    ]
