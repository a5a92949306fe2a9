"""A local mock server for an application's OpenAPI contract.

Consumer teams build against it before the provider exists: every operation
answers with schema-valid example data, request bodies and query parameters
are checked against the contract, and missing credentials are refused the way
the contract says: the stub's one valid credential is ``stub`` (header
``X-API-Key: stub`` or ``Authorization: Bearer stub``). It binds to 127.0.0.1
by default and needs nothing but the standard library and jsonschema.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

METHODS = ("get", "post", "put", "patch", "delete")
STUB_CREDENTIAL = "stub"

FORMATS = jsonschema.FormatChecker()


def _is_uri(value: object) -> bool:
    """An absolute URI: a scheme and something after it (jsonschema alone does not check this)."""
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return (
        bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme))
        and bool(parts.netloc or parts.path)
        and not any(c.isspace() for c in value)
    )


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return True


FORMATS.checks("uri")(_is_uri)
FORMATS.checks("date-time")(_is_date_time)


class Route:
    def __init__(self, template: str, item: dict[str, Any]) -> None:
        self.template = template
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        self.regex = re.compile(f"^{pattern}$")
        self.operations = {m.upper(): op for m, op in item.items() if m in METHODS}


class Contract:
    """The parts of an OpenAPI document the stub needs, with ``$ref`` resolution."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.routes = [Route(path, item) for path, item in sorted(document.get("paths", {}).items())]
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource("urn:contract", resource)

    def schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in schema:
            return self.schema(self.registry.resolver().lookup("urn:contract" + schema["$ref"]).contents)
        return schema

    def validate(self, schema: dict[str, Any], value: Any) -> list[str]:
        wrapped = {"$ref": "urn:contract" + schema["$ref"]} if "$ref" in schema else schema
        validator = jsonschema.Draft202012Validator(wrapped, registry=self.registry, format_checker=FORMATS)
        return [error.message for error in validator.iter_errors(value)]

    def example(self, schema: dict[str, Any]) -> Any:
        schema = self.schema(schema)
        if "examples" in schema:
            return schema["examples"][0]
        kind = schema.get("type")
        if kind == "object":
            return {
                name: self.example(sub)
                for name, sub in schema.get("properties", {}).items()
                if name in schema.get("required", [])
            }
        if kind == "array":
            return [self.example(schema["items"])]
        if kind == "integer":
            return max(schema.get("minimum", 1), 1)
        if kind == "boolean":
            return True
        if isinstance(kind, list):
            return None
        return "example"


def _error(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def make_handler(contract: Contract) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "arsitek-stub"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: consumers watch their own logs
            return

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _dispatch(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if url.path == "/openapi.json" and self.command == "GET":
                self._send(200, contract.document)
                return
            route = next((r for r in contract.routes if r.regex.match(url.path)), None)
            if route is None:
                self._send(404, _error("not_found", f"no operation at {url.path}"))
                return
            operation = route.operations.get(self.command)
            if operation is None:
                allow = ", ".join(sorted(route.operations))
                self._send(405, _error("method_not_allowed", f"allowed: {allow}"), {"Allow": allow})
                return
            if not self._authorised(operation):
                self._send(401, _error("unauthorised", "credentials required by the contract are missing"))
                return
            problem = self._check_query(operation, parse_qs(url.query, keep_blank_values=True))
            if problem:
                self._send(400, _error("bad_request", problem))
                return
            responses = operation["responses"]
            if self.command == "POST":
                schema = operation["requestBody"]["content"]["application/json"]["schema"]
                try:
                    body = json.loads(raw.decode("utf-8")) if raw else None
                except (UnicodeDecodeError, json.JSONDecodeError):
                    self._send(422, _error("invalid_json", "the body is not JSON"))
                    return
                errors = contract.validate(schema, body)
                if errors:
                    self._send(422, _error("contract_violation", "; ".join(errors[:5])))
                    return
                self._send(201, body)
                return
            schema = responses["200"]["content"]["application/json"]["schema"]
            self._send(200, contract.example(schema))

        def _authorised(self, operation: dict[str, Any]) -> bool:
            requirements = operation.get("security") or []
            if not requirements:
                return True
            schemes = contract.document.get("components", {}).get("securitySchemes", {})
            for requirement in requirements:
                for name in requirement:
                    scheme = schemes.get(name, {})
                    if scheme.get("type") == "apiKey" and self.headers.get(scheme.get("name", "")) == STUB_CREDENTIAL:
                        return True
                    if scheme.get("type") in ("http", "oauth2") and self.headers.get("Authorization") == (
                        f"Bearer {STUB_CREDENTIAL}"
                    ):
                        return True
                    if scheme.get("type") == "mutualTLS":  # a local stub has no TLS: accept
                        return True
            return False

        def _check_query(self, operation: dict[str, Any], query: dict[str, list[str]]) -> str | None:
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query" or parameter["name"] not in query:
                    continue
                value: Any = query[parameter["name"]][-1]
                schema = parameter.get("schema", {})
                if schema.get("type") == "integer":
                    try:
                        value = int(value)
                    except ValueError:
                        return f"{parameter['name']} must be an integer"
                errors = contract.validate(schema, value)
                if errors:
                    return f"{parameter['name']}: {errors[0]}"
            return None

        def __getattr__(self, name: str) -> Any:
            if name.startswith("do_"):  # any other method: dispatch, which answers 405 with Allow
                return self._dispatch
            raise AttributeError(name)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch

    return Handler


def serve(document: dict[str, Any], host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A ready server (call ``serve_forever`` on it); port 0 picks a free port."""
    return ThreadingHTTPServer((host, port), make_handler(Contract(document)))


__all__ = ["Contract", "serve"]
