"""The stub server and the SPARQL publishing against peers that misbehave, all on loopback.

Every request loop here is bounded in count and time and stops by itself; every server is
on 127.0.0.1 and started by the test.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from arsitek.endpoint import STATE
from arsitek.generators.contracts.openapi import openapi_documents
from arsitek.load import load_model
from arsitek.paths import DataFolders
from arsitek.stub import Limits, serve
from arsitek.view import build_view
from tests.conftest import FIXTURES, ROOT, SparqlServer
from tests.test_cli import arsitek

SIREKAP = "https://w3id.org/arsitek/kpu/SirekapWeb"
ACCEPT = "application/sparql-results+json"
LIMITS = Limits(max_body=200_000, header_seconds=1.0, body_seconds=2.0, idle_seconds=1.5, max_connections=8)
BASE = FIXTURES / "rules" / "_base" / "base.ttl"


# --- the stub server ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stub(folders: DataFolders) -> Iterator[tuple[str, int]]:
    view = build_view(load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary))
    server = serve(openapi_documents(view)[SIREKAP], port=0, limits=LIMITS)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def raw(address: tuple[str, int], request: bytes, seconds: float = 10) -> bytes:
    """Send ``request`` as it is and read until the server closes or ``seconds`` pass."""
    with socket.create_connection(address, timeout=seconds) as connection:
        connection.sendall(request)
        received = b""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received:
                head, _, body = received.partition(b"\r\n\r\n")
                length = next(
                    (int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:")),
                    None,
                )
                if length is not None and len(body) >= length:
                    break
        return received


def status_and_body(answer: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    return status, json.loads(body) if body else {}


POST = (
    b"POST /c-hasil HTTP/1.1\r\nHost: x\r\nX-API-Key: stub\r\nAuthorization: Bearer stub\r\n"
    b"Content-Type: application/json\r\n"
)


@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (POST + b"Content-Length: abc\r\n\r\n{}", 400),
        (POST + b"Content-Length: -1\r\n\r\n{}", 400),
        (POST + b"Content-Length: 1000000000000000\r\n\r\n{}", 413),
        (POST + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
        (POST + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 411),
        (POST + b"Content-Length: 100000\r\n\r\n" + b"[" * 100_000, 400),
        (POST + b"Content-Length: 5000\r\n\r\n" + b"9" * 5000, 400),
        (POST + b"Content-Length: 10\r\n\r\n{}", 400),  # the body ends before its length
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"X-Long: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"NONSENSE\r\n\r\n", 400),
    ],
    ids=["length abc", "length -1", "length 10^15", "two lengths", "chunked", "100,000-deep JSON",
         "5,000-digit integer", "short body", "long request line", "long header", "bad request line"],
)  # fmt: skip
def test_every_malformed_request_gets_a_json_answer_and_one_log_line(
    stub: tuple[str, int], request_bytes: bytes, expected: int, capfd: pytest.CaptureFixture[str]
) -> None:
    if expected == 400 and request_bytes.endswith(b"{}") and b"Content-Length: 10\r\n" in request_bytes:
        with socket.create_connection(stub, timeout=10) as connection:  # send, then stop sending
            connection.sendall(request_bytes)
            connection.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := connection.recv(65536):  # the server closes after answering
                answer += chunk
    else:
        answer = raw(stub, request_bytes)
    status, body = status_and_body(answer)
    assert status == expected, answer[:300]
    assert set(body) == {"code", "message"}
    time.sleep(0.1)
    logged = capfd.readouterr().err
    assert "Traceback" not in logged
    assert logged.count("arsitek stub:") == 1 and f": {expected} " in logged, logged


def test_head_answers_as_get_without_a_body_and_keeps_the_connection_usable(stub: tuple[str, int]) -> None:
    head = b"HEAD /d-hasil-kecamatan HTTP/1.1\r\nHost: x\r\nX-API-Key: stub\r\n\r\n"
    get = b"GET /d-hasil-kecamatan HTTP/1.1\r\nHost: x\r\nX-API-Key: stub\r\n\r\n"
    with socket.create_connection(stub, timeout=10) as connection:
        connection.sendall(head + get)
        connection.settimeout(1.0)
        answer = b""
        with contextlib.suppress(TimeoutError):  # both answers, however the segments fall; then it waits idle
            while chunk := connection.recv(1 << 20):
                answer += chunk
    first, _, rest = answer.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200")
    assert rest.startswith(b"HTTP/1.1 200"), "the HEAD answer carried no body into the next response"
    length = int(next(h for h in first.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1])
    assert length > 0  # the length GET would send
    second_body = rest.partition(b"\r\n\r\n")[2]
    assert len(second_body) == length and isinstance(json.loads(second_body), list | dict)


def test_idle_and_slow_peers_are_bounded(stub: tuple[str, int]) -> None:
    """More idle connections than the limit: the extra ones get 503 at once; all are closed by the deadlines."""
    idle = [socket.create_connection(stub, timeout=10) for _ in range(LIMITS.max_connections)]
    time.sleep(0.3)
    try:
        extra = raw(stub, b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n", seconds=5)
        assert extra.startswith(b"HTTP/1.1 503"), extra[:200]
        # The server's own deadlines are what is tested: each socket waits only until they are past
        # (a TimeoutError fails the test), then must find the connection closed.
        deadline = time.monotonic() + LIMITS.header_seconds + LIMITS.idle_seconds + 3
        for connection in idle:
            connection.settimeout(max(0.1, deadline - time.monotonic()))
            assert connection.recv(1) == b""  # the server closed it
    finally:
        for connection in idle:
            connection.close()
    with socket.create_connection(stub, timeout=10) as slow:  # a header a byte at a time
        slow.sendall(b"GET /openapi.json HTTP/1.1\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 10 and not closed:
            try:
                slow.sendall(b"X")
                time.sleep(0.2)
            except OSError:
                closed = True
        assert closed, "a peer trickling its headers is cut off"
    assert raw(stub, b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 200")


def test_a_burst_of_a_thousand_requests_is_answered(stub: tuple[str, int]) -> None:
    url = f"http://{stub[0]}:{stub[1]}/d-hasil-kecamatan"

    def client(n: int) -> list[int]:
        with httpx.Client(timeout=10, headers={"X-API-Key": "stub"}) as session:
            return [session.get(url).status_code for _ in range(n)]

    with ThreadPoolExecutor(max_workers=LIMITS.max_connections - 2) as pool:
        codes = [code for done in pool.map(client, [1000 // 6] * 6) for code in done]
    assert len(codes) == 6 * (1000 // 6) and set(codes) == {200}


# --- misbehaving SPARQL servers -----------------------------------------------------------------

Behaviour = Callable[[http.server.BaseHTTPRequestHandler], None]


class FakeServer:
    """A loopback HTTP server whose every request is answered by ``behaviour``; it counts what it got."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                outer.requests.append(f"{self.command} {self.path}")
                behaviour(self)

            do_GET = do_POST = do_PUT = do_DELETE = handle_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def answer(status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> Behaviour:
    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)

    return respond


@pytest.fixture
def fake() -> Iterator[Callable[[Behaviour], FakeServer]]:
    started: list[FakeServer] = []

    def start(behaviour: Behaviour) -> FakeServer:
        started.append(FakeServer(behaviour))
        return started[-1]

    yield start
    for server in started:
        server.close()


def one_line_exit_2(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def test_a_garbage_manifest_is_named(fake: Callable[[Behaviour], FakeServer]) -> None:
    server = fake(answer(200, b"<<< this is not N-Triples", "application/n-triples"))
    done = arsitek("publish", str(BASE), "--endpoint", f"{server.url}/store")
    one_line_exit_2(done, "reading the manifest", f"{server.url}/store", "not an RDF graph")


@pytest.mark.parametrize(
    "binding",
    [{"g": {"value": "urn:x"}}, {"g": {"type": "literal", "value": "1", "datatype": "not an iri"}}],
    ids=["no type", "malformed datatype"],
)
def test_a_malformed_query_answer_is_named(fake: Callable[[Behaviour], FakeServer], binding: dict[str, Any]) -> None:
    body = json.dumps({"head": {"vars": ["g"]}, "results": {"bindings": [binding]}}).encode()
    server = fake(answer(200, body, "application/sparql-results+json"))
    done = arsitek("validate", "--endpoint", f"{server.url}/query")
    one_line_exit_2(done, f"{server.url}/query", "did not answer with SPARQL JSON results")


def test_a_connection_dropped_during_a_delete_is_named(fake: Callable[[Behaviour], FakeServer]) -> None:
    manifest = b"<urn:arsitek:berkas:> <http://purl.org/dc/terms/hasPart> <urn:arsitek:berkas:model/gone.ttl> .\n"

    def behave(handler: http.server.BaseHTTPRequestHandler) -> None:
        if handler.command == "DELETE":
            handler.connection.shutdown(socket.SHUT_RDWR)  # no answer at all
            handler.close_connection = True
            return
        if handler.command == "GET":
            answer(200, manifest, "application/n-triples")(handler)
        else:
            answer(204, b"", "text/plain")(handler)

    server = fake(behave)
    done = arsitek("publish", str(BASE), "--endpoint", f"{server.url}/store")
    one_line_exit_2(done, "removing <urn:arsitek:berkas:model/gone.ttl>", "cannot reach")


def test_a_silent_server_times_out_naming_the_request(fake: Callable[[Behaviour], FakeServer]) -> None:
    server = fake(lambda handler: time.sleep(3))
    done = arsitek("publish", str(BASE), "--endpoint", f"{server.url}/store", "--timeout", "0.5")
    one_line_exit_2(done, "reading the manifest", "did not answer within 0.5 s")
    assert len(server.requests) == 1  # it gave up on the one request, and sent no other


def test_a_redirect_to_another_host_is_never_followed(fake: Callable[[Behaviour], FakeServer]) -> None:
    elsewhere = fake(answer(204, b"", "text/plain"))

    def redirect(handler: http.server.BaseHTTPRequestHandler) -> None:
        if handler.command == "GET":
            answer(404, b"", "text/plain")(handler)
        else:
            answer(307, b"", "text/plain", {"Location": f"{elsewhere.url}/store?graph=x"})(handler)

    server = fake(redirect)
    done = arsitek("publish", str(BASE), "--endpoint", f"{server.url}/store")
    one_line_exit_2(done, "redirect (HTTP 307)", f"{elsewhere.url}/store", "never follows")
    assert elsewhere.requests == [], "nothing, and no model, reached the other host"
    assert "published" not in done.stderr


def test_a_password_in_the_url_is_never_printed(fake: Callable[[Behaviour], FakeServer]) -> None:
    server = fake(answer(500, b"the server broke", "text/plain"))
    with_password = server.url.replace("http://", "http://architect:hunter2secret@")
    for done in (
        arsitek("publish", str(BASE), "--endpoint", f"{with_password}/store"),
        arsitek("validate", "--endpoint", f"{with_password}/query?token=hunter2secret"),
    ):
        one_line_exit_2(done, "HTTP 500")
        assert "hunter2secret" not in done.stderr + done.stdout and "architect" not in done.stderr


# --- a publish cut off at random points ---------------------------------------------------------


def _graphs_on(server: SparqlServer, base: str) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = httpx.post(server.query_url, data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    found = {r["g"]["value"]: int(r["n"]["value"]) for r in rows.json()["results"]["bindings"]}
    return {g: n for g, n in found.items() if g.startswith(base)}


def test_a_publish_cut_off_anywhere_is_refused_then_repaired(
    oxigraph_server: SparqlServer, folders: DataFolders, tmp_path: Path
) -> None:
    base = "urn:test:cutoff:"
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(folders.model, old)
    shutil.copytree(folders.model, new)
    (new / "organisasi.ttl").rename(new / "organisasi-baru.ttl")  # a new file's graph, and an old one to remove
    shutil.copy(BASE, old / "tambahan.ttl")  # a file only the old model has

    def publish(model: Path, **kwargs: Any) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "arsitek", "publish", str(model), "--endpoint", oxigraph_server.store_url,
             "--graph-base", base, "--allow-invalid"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs,
        )  # fmt: skip

    def state() -> str | None:
        """The manifest's state on the server: complete, incomplete (a publish is writing or was cut off), none."""
        query = f"SELECT ?s WHERE {{ GRAPH <{base}> {{ <{base}> <{STATE}> ?s }} }}"
        rows = httpx.post(oxigraph_server.query_url, data={"query": query}, headers={"Accept": ACCEPT}).json()
        return next((r["s"]["value"] for r in rows["results"]["bindings"]), None)

    started = time.monotonic()
    assert publish(old).wait(timeout=120) == 0
    whole = time.monotonic() - started
    expected_old = _graphs_on(oxigraph_server, base)
    process = publish(new)
    while state() != "incomplete" and process.poll() is None:  # when its writing starts, and how long it lasts
        time.sleep(0.005)
    writing_started = time.monotonic()
    while state() != "complete" and process.poll() is None:  # the manifest says complete after the last write
        time.sleep(0.005)
    writing = time.monotonic() - writing_started
    assert process.wait(timeout=120) == 0
    expected_new = _graphs_on(oxigraph_server, base)
    assert set(expected_old) != set(expected_new)
    shuffle = random.Random(14)
    refused, outcomes = 0, []
    for run in range(20):  # ten kills, and up to ten more until one has fallen inside a publish
        if run >= 10 and refused:
            break
        model = old if run % 2 else new
        whole_before = state() == "complete"
        process = publish(model)
        if whole_before:  # kill it while it writes: from the moment the manifest says so
            while state() != "incomplete" and process.poll() is None:
                time.sleep(0.005)
            time.sleep(shuffle.uniform(0, 0.8 * writing))
        else:  # after a cut-off publish the manifest says incomplete already: kill at any moment
            time.sleep(shuffle.uniform(0.2, whole))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        check = arsitek("validate", "--endpoint", oxigraph_server.query_url, "--graph-base", base)
        outcomes.append(check.returncode)
        if check.returncode == 2:
            assert "incomplete model" in check.stderr, check.stderr
            refused += 1
        else:  # killed before its first write or after its last: a whole model
            assert _graphs_on(oxigraph_server, base) in (expected_old, expected_new), (run, outcomes)
    assert publish(new).wait(timeout=120) == 0
    assert _graphs_on(oxigraph_server, base) == expected_new, "exactly the current model, nothing the kills left"
    assert arsitek("validate", "--endpoint", oxigraph_server.query_url, "--graph-base", base).returncode in (0, 1)
    assert refused, f"at least one kill fell inside a publish ({writing:.2f} s of writing each): {outcomes}"
