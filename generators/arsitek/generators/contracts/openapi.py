"""OpenAPI 3.1: one document per application that provides a Web API used by a web-API integration.

Operations follow the flows: when the provider is the flow's source its
consumers read (``GET`` list and item); when the provider is the target the
source delivers (``POST``). Schemas come from the data dictionary, security
schemes from the flows' authentication, and every path, operation and schema
traces back to its model element through ``x-arsitek-*`` extensions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from arsitek.generators.contracts.naming import path_segment, schema_name
from arsitek.generators.contracts.schemas import bilingual, described, entity_example, entity_schema
from arsitek.header import license_object
from arsitek.view import ArchitectureView, DataInformasi, Integrasi, text

SECURITY_SCHEMES: dict[str, tuple[str, dict[str, Any]]] = {
    "api-key": ("apiKey", {"type": "apiKey", "in": "header", "name": "X-API-Key"}),
    "oauth2": (
        "oauth2",
        {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/oauth2/token", "scopes": {}}}},
    ),
    "mtls": ("mutualTLS", {"type": "mutualTLS", "description": "Client certificate issued to the consuming system."}),
    "user-account": ("userAccount", {"type": "http", "scheme": "bearer", "description": "A user's session token."}),
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


ERROR = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
}


def web_api_flows(view: ArchitectureView) -> dict[str, list[Integrasi]]:
    """Web-API flows grouped by the application providing the interface they go through."""
    by_provider: dict[str, list[Integrasi]] = defaultdict(list)
    for flow in sorted(view.integrations.values(), key=lambda f: f.iri):
        if flow.pattern != "web-api" or not flow.interface or flow.interface not in view.interfaces:
            continue
        by_provider[view.interfaces[flow.interface].provider].append(flow)
    return dict(sorted(by_provider.items()))


def _capabilities(view: ArchitectureView, provider: str, consumer: str) -> list[str]:
    """The business processes provider and consumer serve together, else the provider's."""
    mine = view.processes_by_application.get(provider, ())
    shared = sorted(set(mine) & set(view.processes_by_application.get(consumer, ())))
    return [view.label(p) for p in (shared or list(mine))]


def _access(view: ArchitectureView, entity: str) -> list[dict[str, Any]]:
    return [
        {
            "role": view.label(p.role),
            "category": p.role_category,
            "rights": list(p.rights),
            "locations": list(p.locations),
            "through": view.label(p.application) if p.application else None,
            "x-arsitek-iri": p.iri,
        }
        for p in view.policies_by_data.get(entity, ())
    ]


def openapi_document(view: ArchitectureView, provider: str, flows: list[Integrasi]) -> dict[str, Any]:
    app = view.applications.get(provider)
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR}
    #: one tag per data entity, named like its path: an operation is listed once, under what it serves,
    #: and a label an architect rewords renames no module of a generated client
    tags: dict[str, DataInformasi] = {}
    processes: dict[str, set[str]] = defaultdict(set)
    used_schemes: dict[str, dict[str, Any]] = {}

    def security_for(flow: Integrasi) -> list[dict[str, list[str]]]:
        if flow.authentication not in SECURITY_SCHEMES:
            return []
        name, scheme = SECURITY_SCHEMES[flow.authentication]
        used_schemes[name] = scheme
        return [{name: []}]

    def secured(operation: dict[str, Any]) -> dict[str, Any]:
        if operation["security"]:
            operation["responses"]["401"] = _error("Missing or invalid credentials.")
        return operation

    for flow in flows:
        reading = flow.source == provider or flow.direction == "two-way"
        writing = flow.target == provider or flow.direction == "two-way"
        consumer = flow.target if flow.source == provider else flow.source
        capability = _capabilities(view, provider, consumer)
        for data in flow.data:
            entity = view.entities.get(data)
            if entity is None:
                continue
            tag = path_segment(entity.name)
            tags[tag] = entity
            processes[tag].update(capability)
            name = schema_name(entity.name)
            schemas[name] = {k: v for k, v in entity_schema(entity, view).items() if k != "$schema"}
            schemas[name]["examples"] = [entity_example(entity)]
            ref = {"$ref": f"#/components/schemas/{name}"}
            base = f"/{path_segment(entity.name)}"
            if reading:
                collection = paths.setdefault(base, {"x-arsitek-iri": entity.iri})
                collection.setdefault(
                    "get",
                    secured(
                        {
                            "operationId": f"list_{entity.name}",
                            "summary": f"List {text(entity.label)}",
                            "description": text(entity.definition),
                            "tags": [tag],
                            "parameters": [
                                {
                                    "name": "limit",
                                    "in": "query",
                                    "required": False,
                                    "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                                },
                                {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
                            ],
                            "responses": {
                                "200": {
                                    "description": "A page of records.",
                                    "content": {
                                        "application/json": {
                                            "schema": {
                                                "type": "object",
                                                "required": ["items"],
                                                "properties": {
                                                    "items": {"type": "array", "items": ref},
                                                    "next": {"type": ["string", "null"]},
                                                },
                                            }
                                        }
                                    },
                                },
                                "400": _error("Invalid parameters."),
                            },
                            "security": security_for(flow),
                            "x-arsitek-access": _access(view, entity.iri),
                            "x-arsitek-integrations": [],
                        }
                    ),
                )
                item = paths.setdefault(f"{base}/{{id}}", {"x-arsitek-iri": entity.iri})
                item.setdefault(
                    "get",
                    secured(
                        {
                            "operationId": f"get_{entity.name}",
                            "summary": f"One record of {text(entity.label)}",
                            "description": f"One record of {text(entity.label)}, by its identifier. "
                            + text(entity.definition),
                            "tags": [tag],
                            "parameters": [
                                {
                                    "name": "id",
                                    "in": "path",
                                    "required": True,
                                    "schema": {"type": "string"},
                                    "description": "The record's identifier at the provider.",
                                }
                            ],
                            "responses": {
                                "200": {"description": "The record.", "content": {"application/json": {"schema": ref}}},
                                "404": _error("No such record."),
                            },
                            "security": security_for(flow),
                            "x-arsitek-integrations": [],
                        }
                    ),
                )
            if writing:
                collection = paths.setdefault(base, {"x-arsitek-iri": entity.iri})
                collection.setdefault(
                    "post",
                    secured(
                        {
                            "operationId": f"submit_{entity.name}",
                            "summary": f"Submit {text(entity.label)}",
                            "description": text(entity.definition),
                            "tags": [tag],
                            "requestBody": {"required": True, "content": {"application/json": {"schema": ref}}},
                            "responses": {
                                "201": {
                                    "description": "Accepted and stored.",
                                    "content": {"application/json": {"schema": ref}},
                                },
                                "422": _error("The record does not match the contract."),
                            },
                            "security": security_for(flow),
                            "x-arsitek-access": _access(view, entity.iri),
                            "x-arsitek-integrations": [],
                        }
                    ),
                )
            for path in (base, f"{base}/{{id}}"):
                for method, operation in paths.get(path, {}).items():
                    used = (method == "get" and reading) or (method == "post" and writing)
                    if used and flow.iri not in operation["x-arsitek-integrations"]:
                        operation["x-arsitek-integrations"].append(flow.iri)
                        operation.setdefault("x-arsitek-consumers", []).append(view.label(consumer))
                        served = operation.setdefault("x-arsitek-processes", [])
                        served.extend(p for p in capability if p not in served)
    label = view.label(provider)
    referenced = {
        name
        for item in paths.values()
        for operation in item.values()
        if isinstance(operation, dict)
        for requirement in operation.get("security", [])
        for name in requirement
    }
    used_schemes = {name: scheme for name, scheme in used_schemes.items() if name in referenced}
    address = (view.facts.urls.get(provider) or [""])[0]
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": f"{label} API",
            "version": view.version,
            "description": (
                f"Contract generated by arsitek from the architecture model for the Web API of {label}. "
                + (text(app.definition) if app else "")
            ).strip(),
            "x-arsitek-iri": provider,
            "x-arsitek-description": bilingual(app.definition) if app else {},
            **({"contact": {"name": view.label(app.owner)}} if app and app.owner else {}),
            **({"license": license_object(view.header.license)} if view.header.license else {}),
        },
        # The model says where the provider is (spbe:url), not where its API is: a variable with that default
        "servers": [
            {
                "url": "{base}",
                "description": "The provider's API; its base address is not in the architecture model.",
                "variables": {
                    "base": {
                        "default": (address.rstrip("/") or "https://api.example.invalid"),
                        "description": "The API's base address at the provider (default: the provider's address "
                        "in the model, or a placeholder when it has none).",
                    }
                },
            }
        ],
        "tags": [
            {
                "name": tag,
                "x-displayName": text(entity.label),
                "description": described(entity.label, entity.definition)
                + (f" Serves: {', '.join(sorted(processes[tag]))}." if processes[tag] else ""),
            }
            for tag, entity in sorted(tags.items())
        ],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(schemas.items())), "securitySchemes": dict(sorted(used_schemes.items()))},
    }
    return document


def openapi_documents(view: ArchitectureView) -> dict[str, dict[str, Any]]:
    """Documents keyed by the providing application's IRI."""
    return {provider: openapi_document(view, provider, flows) for provider, flows in web_api_flows(view).items()}
