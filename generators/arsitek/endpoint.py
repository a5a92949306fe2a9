"""A model held by a SPARQL 1.1 server: publish it there, and validate it there.

Only the W3C protocols are spoken, so any store serves (Oxigraph, Virtuoso,
GraphDB, Fuseki, Neptune): the SPARQL 1.1 Graph Store HTTP Protocol to put
each file into its own named graph, and the SPARQL 1.1 Protocol, with one
``default-graph-uri`` per file graph, to run the compiled checks over their
merge. A small manifest graph at the graph base lists what was published, so
a later publish removes the graphs of deleted files and ``validate`` knows
which graphs make up the model without scanning the whole store.

A publish can be cut off at any moment. It first rewrites the manifest as
*incomplete*, listing every graph it may write (the old ones and the new), then
writes the files' graphs, removes the old ones, and last writes the manifest
again as complete, with a new generation id. ``validate --endpoint`` refuses an
incomplete model, and the next publish removes every graph the interrupted one
may have left. The server is a peer arsitek does not trust: no redirect is
followed, every request has a time limit, whatever it answers is checked before
it is used, and no message shows a password.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from arsitek.errors import ArsitekError
from arsitek.load import LoadedModel
from arsitek.source_file import SourceFile
from arsitek.vocab import DCTERMS, XSD

Term = ox.NamedNode | ox.BlankNode | ox.Literal

DEFAULT_GRAPH_BASE = "urn:arsitek:berkas:"
HAS_PART = f"{DCTERMS}hasPart"
ROLE = f"{DCTERMS}type"
#: The manifest's generation id and state: "complete" once every graph it lists was written.
GENERATION = f"{DCTERMS}identifier"
STATE = "https://w3id.org/arsitek/spbe#statusPublikasi"
#: The model's own prefixes travel with it, as SHACL declares prefixes, so findings read the same there.
DECLARE, PREFIX, NAMESPACE = (f"http://www.w3.org/ns/shacl#{n}" for n in ("declare", "prefix", "namespace"))
#: Seconds a request may wait for an answer (``--timeout``); connecting may take at most CONNECT_SECONDS.
TIMEOUT_SECONDS = 60.0
CONNECT_SECONDS = 10.0


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


def _client(credentials: Credentials | None, timeout: float = TIMEOUT_SECONDS) -> httpx.Client:
    """Redirects are never followed: one could carry the model and the credentials to another host."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(CONNECT_SECONDS, timeout)),
        auth=credentials.auth() if credentials else None,
        follow_redirects=False,
    )


def shown(url: str | httpx.URL) -> str:
    """A URL as messages show it: without a user name, a password or a query."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _checked(response: httpx.Response, what: str, missing_ok: bool = False) -> httpx.Response:
    where = shown(response.request.url)
    if response.is_redirect:
        location = shown(response.headers.get("location", "?"))
        raise EndpointError(
            f"{what}: {where} answered with a redirect (HTTP {response.status_code}) to {location}; arsitek never "
            "follows one with a model or credentials: give the address it redirects to, if you trust it"
        )
    if response.status_code == 401:
        raise EndpointError(f"{what}: {where} refused the credentials (HTTP 401)")
    if response.status_code == 404 and missing_ok:
        return response
    if response.status_code >= 400:
        detail = " ".join(response.text.split())[:3000]
        raise EndpointError(f"{what}: {where} answered HTTP {response.status_code}: {detail}")
    return response


def _send(client: httpx.Client, request: httpx.Request, what: str, missing_ok: bool = False) -> httpx.Response:
    """One request, its failure named in one line: what was being done, where, and what happened."""
    where = shown(request.url)
    try:
        response = client.send(request)
    except httpx.TimeoutException:
        seconds = client.timeout.read or TIMEOUT_SECONDS
        raise EndpointError(f"{what}: {where} did not answer within {seconds:g} s (--timeout)") from None
    except httpx.HTTPError as exc:
        raise EndpointError(f"{what}: cannot reach {where}: {type(exc).__name__}: {exc}") from None
    return _checked(response, what, missing_ok)


# --- reading: the SPARQL 1.1 Protocol ------------------------------------------------


def _term(binding: dict[str, str]) -> Term:
    """One SPARQL JSON binding as a term; KeyError, ValueError or TypeError when it is not one."""
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

    def __init__(
        self,
        url: str,
        graphs: Sequence[str] = (),
        credentials: Credentials | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.url = url
        self.graphs = list(graphs)
        self.client = _client(credentials, timeout)

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
                f"SPARQL query: {shown(self.url)} truncated its answer at {response.headers['x-sparql-maxrows']} "
                "rows; raise ResultSetMaxRows in the server's configuration"
            )
        try:
            document = response.json()
            return [{name: _term(value) for name, value in row.items()} for row in document["results"]["bindings"]]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise EndpointError(
                f"SPARQL query: {shown(self.url)} did not answer with SPARQL JSON results "
                f"({type(exc).__name__}: {str(exc)[:200]})"
            ) from None


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
    generation: str = ""


@dataclass(frozen=True)
class Manifest:
    """What the last publish under a graph base left: its graphs with their roles, and whether it finished."""

    graphs: dict[str, str]
    complete: bool
    generation: str


def publish(
    model: LoadedModel,
    store_url: str,
    roots: Sequence[Path],
    base: str = DEFAULT_GRAPH_BASE,
    credentials: Credentials | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Published:
    """Publish every file to its graph so that an interrupted run is detected and repaired (see the module)."""
    with _client(credentials, timeout) as client:
        before = _manifest(client, store_url, base).graphs
        graphs: dict[str, str] = {}
        roles: dict[str, str] = {}
        for source in model.files:
            name = graph_name(base, source, roots)
            if name in graphs:
                raise ArsitekError(f"{source.display} and {graphs[name]} would share the graph <{name}>")
            graphs[name] = source.display
            roles[name] = source.role
        # Before any graph changes: the manifest lists all a cut-off run may leave, and says it is incomplete.
        _put(client, store_url, base, _manifest_triples(base, {**before, **roles}, "", complete=False))
        for source in model.files:
            name = graph_name(base, source, roots)
            _put(
                client, store_url, name, model.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=source.graph) or b""
            )
        removed = sorted(set(before) - set(graphs))
        for name in removed:
            request = client.build_request("DELETE", store_url, params={"graph": name})
            _send(client, request, f"removing <{name}>", missing_ok=True)
        generation = str(uuid.uuid4())
        _put(client, store_url, base, _manifest_triples(base, roles, generation, True, model.prefixes))
    return Published(graphs, removed, len(model.store), generation)


def _manifest_triples(
    base: str, roles: dict[str, str], generation: str, complete: bool, prefixes: Mapping[str, str] | None = None
) -> bytes:
    manifest = ox.Store()
    node = ox.NamedNode(base)
    for prefix, namespace in sorted((prefixes or {}).items()):
        declaration = ox.NamedNode(f"{base}prefix:{quote(prefix)}")
        manifest.add(ox.Quad(node, ox.NamedNode(DECLARE), declaration))
        manifest.add(ox.Quad(declaration, ox.NamedNode(PREFIX), ox.Literal(prefix)))
        manifest.add(
            ox.Quad(declaration, ox.NamedNode(NAMESPACE), ox.Literal(namespace, datatype=ox.NamedNode(f"{XSD}anyURI")))
        )
    for name, role in sorted(roles.items()):
        manifest.add(ox.Quad(node, ox.NamedNode(HAS_PART), ox.NamedNode(name)))
        manifest.add(ox.Quad(ox.NamedNode(name), ox.NamedNode(ROLE), ox.Literal(role)))
    manifest.add(ox.Quad(node, ox.NamedNode(STATE), ox.Literal("complete" if complete else "incomplete")))
    if generation:
        manifest.add(ox.Quad(node, ox.NamedNode(GENERATION), ox.Literal(generation)))
    return manifest.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""


def _put(client: httpx.Client, store_url: str, graph: str, body: bytes) -> None:
    request = client.build_request(
        "PUT", store_url, params={"graph": graph}, content=body, headers={"Content-Type": "application/n-triples"}
    )
    _send(client, request, f"publishing <{graph}>")


def _manifest(client: httpx.Client, store_url: str, base: str) -> Manifest:
    """The manifest as the last publish left it (empty when nothing was published yet)."""
    request = client.build_request(
        "GET", store_url, params={"graph": base}, headers={"Accept": "application/n-triples"}
    )
    response = _send(client, request, "reading the manifest", missing_ok=True)
    if response.status_code == 404:
        return Manifest({}, True, "")
    content_type = response.headers.get("content-type", "")
    try:
        return _parse_manifest(response.content, base, content_type)
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(
            f"reading the manifest: {shown(store_url)} answered with something that is not an RDF graph "
            f"({content_type or 'no content type'}): {' '.join(str(exc).split())[:200]}"
        ) from None


def _parse_manifest(content: bytes, base: str, content_type: str) -> Manifest:
    fmt = ox.RdfFormat.from_media_type(content_type.split(";")[0].strip()) or ox.RdfFormat.N_TRIPLES
    roles: dict[str, str] = {}
    parts: set[str] = set()
    state, generation = "complete", ""  # a manifest of arsitek 0.1 has no state: it was written last
    for triple in ox.parse(content, format=fmt):
        if triple.subject.value == base and triple.predicate.value == HAS_PART:
            parts.add(triple.object.value)
        elif triple.subject.value == base and triple.predicate.value == STATE:
            state = triple.object.value
        elif triple.subject.value == base and triple.predicate.value == GENERATION:
            generation = triple.object.value
        elif triple.predicate.value == ROLE:
            roles[triple.subject.value] = triple.object.value
    return Manifest({g: roles.get(g, "model") for g in sorted(parts)}, state == "complete", generation)


def published_graphs(
    query_url: str, base: str, credentials: Credentials | None = None, timeout: float = TIMEOUT_SECONDS
) -> dict[str, str]:
    """Graph -> role, read from the manifest through the query service; refused when the publish did not finish."""
    endpoint = Endpoint(query_url, credentials=credentials, timeout=timeout)
    parts = f"{{ <{base}> <{HAS_PART}> ?g OPTIONAL {{ ?g <{ROLE}> ?role }} }} UNION {{ <{base}> <{STATE}> ?state }}"
    rows = endpoint.select(f"SELECT ?g ?role ?state WHERE {{ GRAPH <{base}> {{ {parts} }} }}")
    found = {r["g"].value: (r["role"].value if "role" in r else "model") for r in rows if "g" in r}
    states = {r["state"].value for r in rows if "state" in r}
    if not found:
        raise ArsitekError(f"{shown(query_url)} holds no model published under <{base}>; run `arsitek publish` first")
    if "incomplete" in states:
        raise ArsitekError(
            f"{shown(query_url)} holds an incomplete model under <{base}>: a publish was cut off before it finished; "
            "run `arsitek publish` again"
        )
    return dict(sorted(found.items()))


def published_prefixes(
    query_url: str, base: str, credentials: Credentials | None = None, timeout: float = TIMEOUT_SECONDS
) -> dict[str, str]:
    """The prefixes the published model declared (empty for a publish of arsitek before 0.2)."""
    endpoint = Endpoint(query_url, credentials=credentials, timeout=timeout)
    rows = endpoint.select(
        f"SELECT ?p ?n WHERE {{ GRAPH <{base}> {{ <{base}> <{DECLARE}> ?d . ?d <{PREFIX}> ?p ; <{NAMESPACE}> ?n }} }}"
    )
    return {r["p"].value: r["n"].value for r in sorted(rows, key=lambda r: r["p"].value) if "p" in r and "n" in r}


def published_imports(
    query_url: str, graphs: Iterable[str], credentials: Credentials | None = None, timeout: float = TIMEOUT_SECONDS
) -> list[str]:
    """Every ontology the published files import: which profiles the model switched on."""
    endpoint = Endpoint(query_url, graphs=list(graphs), credentials=credentials, timeout=timeout)
    rows = endpoint.select("SELECT DISTINCT ?i WHERE { ?o <http://www.w3.org/2002/07/owl#imports> ?i }")
    return sorted(r["i"].value for r in rows if "i" in r)


__all__ = [
    "DEFAULT_GRAPH_BASE",
    "TIMEOUT_SECONDS",
    "Credentials",
    "Endpoint",
    "EndpointError",
    "publish",
    "published_graphs",
    "published_imports",
    "published_prefixes",
    "shown",
]
