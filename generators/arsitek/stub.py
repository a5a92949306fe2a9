"""A local mock server for an application's OpenAPI contract.

Consumer teams build against it before the provider exists: every operation
answers with schema-valid example data, request bodies and query parameters
are checked against the contract, and missing credentials are refused the way
the contract says: the stub's one valid credential is ``stub`` (header
``X-API-Key: stub`` or ``Authorization: Bearer stub``). It binds to 127.0.0.1
by default and needs nothing but the standard library and jsonschema.

Whoever connects is not trusted: a request that is malformed in any way (its
length, its JSON, its line or headers) gets a 400, 411, 413 or 431 with a JSON
body and one line in the server's log, never a traceback; headers, bodies and
idle connections have time limits, bodies a size limit, and the number of
connections served at once is bounded (:class:`Limits`), the rest answered 503.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from arsitek.text import one_line

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


@dataclass(frozen=True)
class Limits:
    """What one peer may take of the stub: bytes, seconds and connections (``arsitek stub serve`` options)."""

    max_body: int = 1 << 20  # bytes of a request body
    header_seconds: float = 10.0  # to send the request line and headers, once it has started
    body_seconds: float = 30.0  # to send the body
    idle_seconds: float = 15.0  # a kept-alive connection waiting for its next request
    max_connections: int = 64  # served at once; the next is answered 503 and closed


class Refused(Exception):
    """A request malformed at the transport: answered with ``status`` and closed."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _log(line: str) -> None:
    sys.stderr.write(f"arsitek stub: {line}\n")
    sys.stderr.flush()


def make_handler(contract: Contract, limits: Limits = Limits()) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "arsitek-stub"
        protocol_version = "HTTP/1.1"
        timeout = limits.idle_seconds  # every read of the socket; the deadlines below bound the sum

        def log_message(self, format: str, *args: Any) -> None:  # quiet: consumers watch their own logs
            return

        def setup(self) -> None:
            super().setup()
            self.deadline = time.monotonic() + limits.idle_seconds
            watch(self)

        def finish(self) -> None:
            unwatch(self)
            with contextlib.suppress(OSError):
                super().finish()

        def handle_one_request(self) -> None:
            # The request line and headers must arrive within header_seconds of the connection's turn.
            self.deadline = time.monotonic() + limits.header_seconds + limits.idle_seconds
            try:
                super().handle_one_request()
            except (TimeoutError, ConnectionError, OSError):
                self.close_connection = True
            self.deadline = time.monotonic() + limits.idle_seconds

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """The standard library's malformed-request answers (bad request line, headers too long), as JSON."""
            self._refuse(Refused(code, "bad_request", message or explain or "malformed request"))

        def _refuse(self, refused: Refused) -> None:
            if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":  # answer with a status line, always
                self.request_version = "HTTP/1.1"
            request = one_line(str(getattr(self, "requestline", "") or "-"))[:200]
            _log(f"{self.client_address[0]} {request}: {refused.status} {refused.message}")
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send(refused.status, _error(refused.code, refused.message), {"Connection": "close"})

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if getattr(self, "command", "") != "HEAD":  # HEAD: the headers GET would send, and no body
                self.wfile.write(data)

        def _body(self) -> bytes:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                raise Refused(411, "length_required", "send the body with a Content-Length, not chunked")
            given = self.headers.get_all("Content-Length") or []
            if not given:
                return b""
            if len(set(given)) > 1 or not given[0].strip().isdigit() or not given[0].strip().isascii():
                raise Refused(400, "bad_content_length", "Content-Length must be one non-negative integer")
            length = int(given[0].strip())
            if length > limits.max_body:
                raise Refused(413, "body_too_large", f"the body may be at most {limits.max_body} bytes")
            self.deadline = time.monotonic() + limits.body_seconds
            data = self.rfile.read(length)
            if len(data) < length:
                raise Refused(400, "incomplete_body", "the connection closed before the whole body arrived")
            return data

        def _dispatch(self) -> None:
            try:
                self._answer()
            except Refused as refused:
                self._refuse(refused)
            except (TimeoutError, ConnectionError):
                self.close_connection = True
            except Exception as exc:  # a bug here must still answer, and never print a traceback
                self._refuse(Refused(500, "internal_error", f"{type(exc).__name__}: {exc}"))

        def _answer(self) -> None:
            url = urlsplit(self.path)
            raw = self._body()
            method = "GET" if self.command == "HEAD" else self.command
            if url.path == "/openapi.json" and method == "GET":
                self._send(200, contract.document)
                return
            route = next((r for r in contract.routes if r.regex.match(url.path)), None)
            if route is None:
                self._send(404, _error("not_found", f"no operation at {url.path}"))
                return
            operation = route.operations.get(method)
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
            if method == "POST":
                schema = operation["requestBody"]["content"]["application/json"]["schema"]
                try:
                    body = json.loads(raw.decode("utf-8")) if raw else None
                except (UnicodeDecodeError, json.JSONDecodeError):
                    self._send(422, _error("invalid_json", "the body is not JSON"))
                    return
                except RecursionError:
                    raise Refused(400, "json_too_deep", "the JSON body is nested too deeply to read") from None
                except ValueError as exc:  # an integer of thousands of digits (Python's int limit)
                    raise Refused(
                        400, "json_number_too_long", f"the JSON body holds a number too long: {exc}"
                    ) from None
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

    watched: set[Handler] = set()
    lock = threading.Lock()

    def watch(handler: Handler) -> None:
        with lock:
            watched.add(handler)

    def unwatch(handler: Handler) -> None:
        with lock:
            watched.discard(handler)

    def reap() -> None:
        """Close every connection past its deadline: a peer sending a byte at a time is not served for ever."""
        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with lock:
                late = [h for h in watched if h.deadline < now]
            for handler in late:
                with contextlib.suppress(OSError):
                    handler.connection.shutdown(socket.SHUT_RDWR)

    threading.Thread(target=reap, name="arsitek-stub-reaper", daemon=True).start()
    return Handler


class StubServer(ThreadingHTTPServer):
    """Serves at most ``limits.max_connections`` at once; the next peer gets a 503 and is closed."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], limits: Limits) -> None:
        super().__init__(address, handler)
        self.limits = limits
        self.slots = threading.BoundedSemaphore(limits.max_connections)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            _log(f"{client_address[0]}: 503 more than {self.limits.max_connections} connections at once")
            body = json.dumps(_error("busy", "too many connections; try again")).encode()
            with contextlib.suppress(OSError):
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
                    + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                    + body
                )
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:  # one line, never a traceback
        _log(f"{client_address[0]}: connection ended: {one_line(str(sys.exc_info()[1]))}")


def serve(
    document: dict[str, Any], host: str = "127.0.0.1", port: int = 8000, limits: Limits = Limits()
) -> ThreadingHTTPServer:
    """A ready server (call ``serve_forever`` on it); port 0 picks a free port."""
    return StubServer((host, port), make_handler(Contract(document), limits), limits)


__all__ = ["Contract", "Limits", "serve"]
