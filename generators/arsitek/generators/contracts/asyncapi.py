"""AsyncAPI 3.0 for service-bus integrations: one document per application on the bus.

Each flow and entity it carries becomes a channel; the source ``send``s and the
target ``receive``s the entity's change events, whose payload is the entity's
JSON Schema. Servers are the infrastructure the flows travel over
(``spbe:melaluiInfrastruktur``) with the flow's protocol; the model says where the
broker runs, not its address, so the host is a documented variable.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from arsitek.generators.contracts.naming import schema_name
from arsitek.generators.contracts.schemas import bilingual, described, entity_example, entity_schema
from arsitek.header import license_object
from arsitek.view import ArchitectureView, Integrasi, text

SECURITY_SCHEMES: dict[str, tuple[str, dict[str, Any]]] = {
    "mtls": (
        "clientCertificate",
        {"type": "X509", "description": "Client certificate issued to the connecting system."},
    ),
    "api-key": ("apiKey", {"type": "httpApiKey", "name": "X-API-Key", "in": "header"}),
    "user-account": ("userPassword", {"type": "userPassword"}),
    "oauth2": (
        "oauth2",
        {
            "type": "oauth2",
            "flows": {"clientCredentials": {"tokenUrl": "https://auth.invalid/oauth2/token", "availableScopes": {}}},
        },
    ),
}


def bus_flows(view: ArchitectureView) -> dict[str, list[Integrasi]]:
    """Service-bus flows keyed by every application that sends or receives on them."""
    by_app: dict[str, list[Integrasi]] = defaultdict(list)
    for flow in sorted(view.integrations.values(), key=lambda f: f.iri):
        if flow.pattern == "service-bus":
            by_app[flow.source].append(flow)
            by_app[flow.target].append(flow)
    return dict(sorted(by_app.items()))


def _server(view: ArchitectureView, flow: Integrasi) -> tuple[str, dict[str, Any]]:
    """The broker a flow goes through: its infrastructure and protocol, keyed by both."""
    protocol = (flow.protocol or "").split(" ")[0].lower() or "unspecified"
    where = flow.via[0] if flow.via else ""
    key = f"{view.slug(where) if where else 'broker'}_{protocol}".replace("-", "_")
    place = view.label(where) if where else "the service bus"
    server: dict[str, Any] = {
        "host": "{host}",
        "protocol": protocol,
        "title": f"Service bus at {place}" if where else "Service bus",
        "description": f"The message broker at {place}"
        + ("" if flow.protocol else "; the model states no protocol")
        + ". Its address is not in the architecture model.",
        "variables": {
            "host": {
                "default": "broker.example.invalid",
                "description": f"The broker's host and port at {place} (a placeholder: the model does not say).",
            }
        },
    }
    if where:
        server["x-arsitek-iri"] = where
    return key, server


def asyncapi_document(view: ArchitectureView, app: str, flows: list[Integrasi]) -> dict[str, Any]:
    servers: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    schemes: dict[str, Any] = {}
    for flow in flows:
        server_key, server = _server(view, flow)
        servers[server_key] = server
        security = []
        if flow.authentication in SECURITY_SCHEMES:
            name, scheme = SECURITY_SCHEMES[flow.authentication]
            schemes[name] = scheme
            security = [{"$ref": f"#/components/securitySchemes/{name}"}]
        for data in flow.data:
            entity = view.entities.get(data)
            if entity is None:
                continue
            component = schema_name(entity.name)
            schemas[component] = {k: v for k, v in entity_schema(entity, view).items() if k not in ("$schema", "$id")}
            message_name = f"{component}Changed"
            messages[message_name] = {
                "name": message_name,
                "title": f"{text(entity.label)} changed",
                "summary": f"A record of {text(entity.label)} was created, changed or withdrawn.",
                "description": described(entity.label, entity.definition),
                "contentType": "application/json",
                "payload": {"$ref": f"#/components/schemas/{component}"},
                "examples": [{"name": "example", "payload": entity_example(entity)}],
                "x-arsitek-iri": entity.iri,
            }
            channel_id = f"{view.slug(flow.iri)}_{entity.name}"
            channels[channel_id] = {
                "address": f"{view.slug(flow.source)}.{entity.name}.changed",
                "title": text(flow.label),
                "description": text(flow.definition) or text(flow.label),
                "servers": [{"$ref": f"#/servers/{server_key}"}],
                "messages": {message_name: {"$ref": f"#/components/messages/{message_name}"}},
                "x-arsitek-integration": flow.iri,
                "x-arsitek-description": bilingual(flow.definition),
            }
            action = "send" if flow.source == app else "receive"
            operation: dict[str, Any] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{channel_id}"},
                "summary": f"{view.label(app)} {action}s {text(entity.label)} change events",
                "description": (
                    f"{view.label(flow.source)} publishes, {view.label(flow.target)} subscribes. "
                    + text(flow.definition)
                ).strip(),
                "messages": [{"$ref": f"#/channels/{channel_id}/messages/{message_name}"}],
                "x-arsitek-integration": flow.iri,
            }
            if security:
                operation["security"] = security
            operations[f"{action}_{channel_id}"] = operation
    application = view.applications.get(app)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": f"{view.label(app)} events",
            "version": view.version,
            "description": (
                f"Service-bus contract generated by arsitek from the architecture model for {view.label(app)}. "
                + (text(application.definition) if application else "")
            ).strip(),
            "x-arsitek-iri": app,
            **({"contact": {"name": view.label(application.owner)}} if application and application.owner else {}),
            **({"license": license_object(view.header.license, spdx_identifier=False)} if view.header.license else {}),
        },
        "defaultContentType": "application/json",
        "servers": dict(sorted(servers.items())),
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(operations.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "messages": dict(sorted(messages.items())),
            "securitySchemes": dict(sorted(schemes.items())),
        },
    }


def asyncapi_documents(view: ArchitectureView) -> dict[str, dict[str, Any]]:
    return {app: asyncapi_document(view, app, flows) for app, flows in bus_flows(view).items()}
