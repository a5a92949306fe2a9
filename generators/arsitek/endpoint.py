"""A model held by a SPARQL 1.1 server: publish it there, and validate it there.

Only the W3C protocols are spoken, so any store serves (Oxigraph, Virtuoso,
GraphDB, Fuseki, Neptune): the SPARQL 1.1 Graph Store HTTP Protocol to put
each file into its own named graph, and the SPARQL 1.1 Protocol, with one
``default-graph-uri`` per file graph, to run the compiled checks over their
merge. A small manifest graph at the graph base lists what was published, so
a later publish removes the graphs of deleted files and ``validate`` knows
which graphs make up the model without scanning the whole store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox

from arsitek.errors import ArsitekError
from arsitek.load import LoadedModel, SourceFile
from arsitek.vocab import DCTERMS

Term = ox.NamedNode | ox.BlankNode | ox.Literal

DEFAULT_GRAPH_BASE = "urn:arsitek:berkas:"
HAS_PART = f"{DCTERMS}hasPart"
ROLE = f"{DCTERMS}type"
TIMEOUT = httpx.Timeout(300.0, connect=10.0)


class EndpointError(ArsitekError):
    """The server refused, failed or could not be reached."""


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str
    scheme: str = "digest"  # Virtuoso's protected graph store wants digest; many proxies want basic

    def auth(self) -> httpx.Auth:
        if self.scheme == "basic":
            return httpx.BasicAuth(self.user, self.password)
        return httpx.DigestAuth(self.user, self.password)


def _client(credentials: Credentials | None) -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, auth=credentials.auth() if credentials else None, follow_redirects=True)


def _checked(response: httpx.Response, what: str) -> httpx.Response:
    if response.status_code == 401:
        raise EndpointError(f"{what}: {response.url.copy_with(query=None)} refused the credentials (HTTP 401)")
    if response.status_code >= 400:
        detail = " ".join(response.text.split())[:3000]
        raise EndpointError(
            f"{what}: {response.url.copy_with(query=None)} answered HTTP {response.status_code}: {detail}"
        )
    return response


def _send(client: httpx.Client, request: httpx.Request, what: str) -> httpx.Response:
    try:
        return _checked(client.send(request), what)
    except httpx.HTTPError as exc:
        raise EndpointError(f"{what}: cannot reach {request.url.copy_with(query=None)}: {exc}") from None


# --- reading: the SPARQL 1.1 Protocol ------------------------------------------------


def _term(binding: dict[str, str]) -> Term:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


class Endpoint:
    """A SPARQL query service, asked about the merge of the given graphs (or its default graph)."""

    def __init__(self, url: str, graphs: Sequence[str] = (), credentials: Credentials | None = None) -> None:
        self.url = url
        self.graphs = list(graphs)
        self.client = _client(credentials)

    def select(self, query: str, named: Iterable[str] | None = None) -> list[dict[str, Term]]:
        """``named`` defaults to the model's graphs: ``GRAPH ?g`` never reaches another model on the server."""
        form = [("query", query), *(("default-graph-uri", g) for g in self.graphs)]
        form += [("named-graph-uri", g) for g in (self.graphs if named is None else named)]
        request = self.client.build_request(
            "POST",
            self.url,
            content=_urlencoded(form),
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = _send(self.client, request, "SPARQL query")
        if "x-sparql-maxrows" in response.headers:  # Virtuoso cuts answers at ResultSetMaxRows
            raise EndpointError(
                f"SPARQL query: {self.url} truncated its answer at {response.headers['x-sparql-maxrows']} rows; "
                "raise ResultSetMaxRows in the server's configuration"
            )
        try:
            document = response.json()
            rows = document["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise EndpointError(f"SPARQL query: {self.url} did not answer with SPARQL JSON results") from None
        return [{name: _term(value) for name, value in row.items()} for row in rows]


def _urlencoded(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs).encode("ascii")


# --- writing: the SPARQL 1.1 Graph Store HTTP Protocol ------------------------------


def graph_name(base: str, source: SourceFile, roots: Sequence[Path]) -> str:
    """The named graph a file goes to: the base, the role, and the path below the folder it was found in."""
    relative = source.path.name
    for root in roots:
        root = root.resolve()
        if root.is_dir() and source.path.is_relative_to(root):
            relative = source.path.relative_to(root).as_posix()
            break
    return f"{base}{source.role}/{quote(relative)}"


@dataclass(frozen=True)
class Published:
    graphs: dict[str, str]  # graph IRI -> file shown to the user
    removed: list[str]
    triples: int


def publish(
    model: LoadedModel,
    store_url: str,
    roots: Sequence[Path],
    base: str = DEFAULT_GRAPH_BASE,
    credentials: Credentials | None = None,
) -> Published:
    """Replace each file's graph (PUT), drop graphs of files no longer there (DELETE), then rewrite the manifest."""
    with _client(credentials) as client:
        before = _manifest_graphs(client, store_url, base)
        graphs: dict[str, str] = {}
        manifest = ox.Store()
        for source in model.files:
            name = graph_name(base, source, roots)
            if name in graphs:
                raise ArsitekError(f"{source.display} and {graphs[name]} would share the graph <{name}>")
            graphs[name] = source.display
            body = model.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=source.graph) or b""
            _put(client, store_url, name, body)
            manifest.add(ox.Quad(ox.NamedNode(base), ox.NamedNode(HAS_PART), ox.NamedNode(name)))
            manifest.add(ox.Quad(ox.NamedNode(name), ox.NamedNode(ROLE), ox.Literal(source.role)))
        removed = sorted(set(before) - set(graphs))
        for name in removed:
            request = client.build_request("DELETE", store_url, params={"graph": name})
            response = client.send(request)
            if response.status_code != 404:
                _checked(response, f"removing <{name}>")
        _put(client, store_url, base, manifest.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b"")
    return Published(graphs, removed, len(model.store))


def _put(client: httpx.Client, store_url: str, graph: str, body: bytes) -> None:
    request = client.build_request(
        "PUT", store_url, params={"graph": graph}, content=body, headers={"Content-Type": "application/n-triples"}
    )
    _send(client, request, f"publishing <{graph}>")


def _manifest_graphs(client: httpx.Client, store_url: str, base: str) -> dict[str, str]:
    """Graph -> role, as the last publish left them (empty when nothing was published yet)."""
    request = client.build_request(
        "GET", store_url, params={"graph": base}, headers={"Accept": "application/n-triples"}
    )
    try:
        response = client.send(request)
    except httpx.HTTPError as exc:
        raise EndpointError(f"publishing: cannot reach {store_url}: {exc}") from None
    if response.status_code == 404:
        return {}
    _checked(response, "reading the manifest")
    return _parse_manifest(response.content, base, response.headers.get("content-type", ""))


def _parse_manifest(content: bytes, base: str, content_type: str) -> dict[str, str]:
    fmt = ox.RdfFormat.from_media_type(content_type.split(";")[0].strip()) or ox.RdfFormat.N_TRIPLES
    roles: dict[str, str] = {}
    parts: set[str] = set()
    for triple in ox.parse(content, format=fmt):
        if triple.subject.value == base and triple.predicate.value == HAS_PART:
            parts.add(triple.object.value)
        elif triple.predicate.value == ROLE:
            roles[triple.subject.value] = triple.object.value
    return {g: roles.get(g, "model") for g in sorted(parts)}


def published_graphs(query_url: str, base: str, credentials: Credentials | None = None) -> dict[str, str]:
    """Graph -> role, read from the manifest through the query service."""
    endpoint = Endpoint(query_url, credentials=credentials)
    rows = endpoint.select(
        f"SELECT ?g ?role WHERE {{ GRAPH <{base}> {{ <{base}> <{HAS_PART}> ?g OPTIONAL {{ ?g <{ROLE}> ?role }} }} }}"
    )
    found = {r["g"].value: (r["role"].value if "role" in r else "model") for r in rows if "g" in r}
    if not found:
        raise ArsitekError(f"{query_url} holds no model published under <{base}>; run `arsitek publish` first")
    return dict(sorted(found.items()))


__all__ = ["DEFAULT_GRAPH_BASE", "Credentials", "Endpoint", "EndpointError", "publish", "published_graphs"]
