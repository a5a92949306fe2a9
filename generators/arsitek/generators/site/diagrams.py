"""Diagrams as Graphviz SVG: clickable nodes, deterministic layout, one colour per domain.

Every diagram is built as DOT with the ``graphviz`` library and laid out by
``dot``; the same model gives byte-identical SVG. Node links are relative to
the page the SVG is embedded in, so the site works from ``file://``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import cast

import graphviz

from arsitek.errors import ArsitekError
from arsitek.generators.site.gather import Page, Site
from arsitek.text import xml_text
from arsitek.view import text

COLOURS = {
    "proses": "#e8f1fb",
    "layanan": "#e6f6ee",
    "data": "#fff4dc",
    "aplikasi": "#ecebfb",
    "antarmuka": "#ecebfb",
    "integrasi": "#f2f2f2",
    "infrastruktur": "#fde8e4",
    "organisasi": "#eef3f3",
    "peran": "#f5eafa",
    "akses": "#f5eafa",
    "kontrol": "#fbeaf0",
    "risiko": "#fbeaf0",
    "insiden": "#fbeaf0",
}
PATTERN_STYLE = {
    "web-api": ("#3b6fd8", "solid"),
    "service-bus": ("#8a4fd1", "bold"),
    "data-warehouse": ("#a35f00", "dashed"),  # white text on it: 5.0:1 (WCAG AA)
    "virtual-database": ("#17775a", "dotted"),
    "federated-database": ("#17775a", "dashed"),
    "file-exchange": ("#6b6f76", "solid"),
}
FONT = "Helvetica"
NO_DOT = "Graphviz's `dot` is not installed (Debian: apt-get install graphviz)"
#: Above this many elements a site-wide diagram is not drawn: dot takes minutes on thousands of nodes,
#: and no reader follows ten thousand boxes. The lists by kind and the per-element diagrams remain.
MAX_NODES = 600
_NODE_LINE = re.compile(r"^\s*n[0-9a-f]{16} \[", re.MULTILINE)


class TooLarge(Exception):
    """A site-wide diagram would hold more than :data:`MAX_NODES` elements; raised before drawing it."""

    def __init__(self, nodes: int) -> None:
        super().__init__(f"{nodes} elements")
        self.nodes = nodes


def _refuse_above(nodes: int) -> None:
    if nodes > MAX_NODES:  # building the DOT of 30,000 boxes only to count them took seconds per language
        raise TooLarge(nodes)


def node_count(graph: graphviz.Digraph | Drawing) -> int:
    """How many elements (nodes made by :func:`nid`) a diagram holds."""
    return len(_NODE_LINE.findall(graph.source))


def _graph(name: str, direction: str = "LR") -> graphviz.Digraph:
    """A new diagram with the house style (a copy: quoting the style anew took a third of a diagram's source)."""
    return _styled(name, direction).copy()


class Drawing:
    """An element's small diagram (context, lineage) as DOT text: the house style, then boxes and arrows.

    A national site draws a quarter of a million of them; a ``graphviz.Digraph`` copied and its style
    quoted again for each cost as much as everything else that goes into one. The text is the one the
    graphviz library writes for the same diagram.
    """

    __slots__ = ("body", "head")

    def __init__(self, name: str, direction: str = "LR") -> None:
        self.head = _head(name, direction)
        self.body: list[str] = []

    @property
    def source(self) -> str:
        return self.head + "".join(self.body) + "}\n"


@functools.lru_cache(maxsize=16)
def _head(name: str, direction: str) -> str:
    """The styled graph's DOT up to its closing brace."""
    source: str = _styled(name, direction).source
    return source.removesuffix("}\n")


@functools.lru_cache(maxsize=16)
def _styled(name: str, direction: str) -> graphviz.Digraph:
    graph = graphviz.Digraph(name, format="svg")
    graph.attr(rankdir=direction, fontname=FONT, bgcolor="transparent", nodesep="0.3", ranksep="0.5")
    graph.attr(
        "node", shape="box", style="rounded,filled", fontname=FONT, fontsize="11", color="#5b6470", margin="0.12,0.06"
    )
    graph.attr("edge", fontname=FONT, fontsize="9", color="#7a828c", fontcolor="#4a525c", arrowsize="0.7")
    return graph


def _plain(value: str) -> str:
    """Model text as a plain DOT string, shown as written whatever it contains.

    Never an HTML-like label (``<script>``, ``<KPU>``); a backslash is a backslash, not the start
    of a DOT escape (``\\N``, or a final one that would swallow the closing quote); a character
    XML cannot hold is shown as an escape, so the SVG stays well-formed. Idempotent.
    """
    if isinstance(value, graphviz.quoting.NoHtml):
        return cast(str, value)
    return graphviz.nohtml(xml_text(value).replace("\\", "\\\\"))  # type: ignore[no-any-return]


def _wrap(label: str, width: int = 24) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return _plain("\n".join(lines[:4]))


@functools.lru_cache(maxsize=1 << 18)
def nid(*parts: str) -> str:
    """A DOT node id for an IRI: IRIs hold ':' which DOT reads as a port, so ids are short stable hashes."""
    return "n" + hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


# A national site draws about ten boxes and arrows per element page. Quoted by the graphviz library
# one by one, they cost more than dot takes to lay the diagram out; but a box is the same in every
# diagram of its neighbours, and arrows share their attributes, so each is quoted once and reused.
@functools.lru_cache(maxsize=1 << 18)
def _box(iri: str, label: str, url: str, kind: str) -> str:
    """The DOT statement of an element's box (label, link, tooltip, domain colour)."""
    scratch = graphviz.Digraph()
    attributes = {"URL": url, "target": "_top", "tooltip": _plain(label), "fillcolor": COLOURS.get(kind, "#ffffff")}
    scratch.node(nid(iri), _wrap(label), **attributes)
    return str(scratch.body[0])


@functools.lru_cache(maxsize=1 << 12)
def _attributes(attributes: tuple[tuple[str, str], ...]) -> str:
    """The quoted `` [name=value ...]`` of a statement; every value is plain text, never an HTML-like label."""
    scratch = graphviz.Digraph()
    scratch.node("a", **{name: _plain(value) for name, value in attributes})
    return str(scratch.body[0]).removeprefix("\ta").removesuffix("\n")


def _edge(graph: graphviz.Digraph | Drawing, tail: str, head: str, **attributes: str) -> None:
    """``graph.edge`` for node ids made by :func:`nid` (which need no quoting)."""
    graph.body.append(f"\t{tail} -> {head}{_attributes(tuple(attributes.items()))}\n")


def _node(graph: graphviz.Digraph | Drawing, page: Page, lang: str, base: str, **extra: str) -> None:
    label = text(page.label, lang)
    graph.body.append(_box(page.iri, label, f"{base}{page.path}", page.kind))
    if extra:  # a second statement adds to (or overrides) the box's attributes
        graph.body.append(f"\t{nid(page.iri)}{_attributes(tuple(extra.items()))}\n")


def render(graph: graphviz.Digraph | Drawing, prefix: str = "d") -> str:
    """SVG text without the XML prolog, ready to inline in HTML.

    Graphviz numbers its ids (``node1``, ``edge2``) per graph; two diagrams on one
    page would repeat them, so every id gets the figure's prefix.
    """
    return _inline(_dot(graph.source, 1)[0], prefix)


def render_many(graphs: list[graphviz.Digraph] | list[Drawing], prefix: str, batch: int = 250) -> list[str]:
    """:func:`render` for many small graphs, one ``dot`` process per batch, two batches at a time.

    A process per diagram is most of a site build's time at national scale (two diagrams per
    element and language). ``dot`` lays out every graph of its input independently and writes
    one SVG document after another, so the output is the same as one call per graph.
    """
    sources = [graph.source for graph in graphs]
    chunks = [sources[start : start + batch] for start in range(0, len(sources), batch)]
    with ThreadPoolExecutor(max_workers=2) as pool:  # dot runs outside Python: two processes use both cores
        return [
            _inline(svg, prefix)
            for documents in pool.map(lambda chunk: _dot("".join(chunk), len(chunk)), chunks)
            for svg in documents
        ]


def _dot(source: str, graphs: int) -> list[str]:
    """The SVG documents ``dot`` writes for DOT text holding ``graphs`` graphs, in order."""
    try:
        done = subprocess.run(["dot", "-Tsvg"], input=source.encode("utf-8"), capture_output=True, check=False)
    except FileNotFoundError:
        raise ArsitekError(NO_DOT) from None
    if done.returncode != 0:
        raise ArsitekError(f"Graphviz failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    # After the first graph of an input, dot names each graph's group "page0,1_graph0"; alone it is "graph0".
    output = re.sub(r'id="page\d+,\d+_(graph\d+)"', r'id="\1"', done.stdout.decode("utf-8"))
    documents = ["<?xml" + d for d in output.split("<?xml")[1:]]
    if len(documents) != graphs:
        raise ArsitekError(f"Graphviz returned {len(documents)} diagrams for {graphs} graphs")
    return documents


_PROLOG = re.compile(r"\A<\?xml[^>]*>\s*|<!DOCTYPE[^>]*>\s*")
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
#: the <title> Graphviz gives a node or edge: its internal id, which a browser would show as the tooltip
_ID_TITLE = re.compile(r"<title>n[0-9a-f]+(?:&#45;&gt;n[0-9a-f]+)?</title>\s*")


def _inline(svg: str, prefix: str) -> str:
    """Drop the prolog, doctype and comments, and prefix every id.

    Searches that start with a literal (``<!--``, `` id="``) run at C speed; a pattern that does not
    (an alternation, ``\\bid=``) is tried at every character, which took a national build's
    Python process a fifth of its time. Graphviz writes every attribute after a space.
    """
    start = max(svg.find("<svg"), 0)
    head = _COMMENT.sub("", _PROLOG.sub("", svg[:start]))
    body = _ID_TITLE.sub("", _COMMENT.sub("", svg[start:]))  # the box's link title names it instead
    return head + body.replace(' id="', f' id="{prefix}-')


def context(site: Site, page: Page, lang: str) -> Drawing:
    """The element and its direct neighbours, relations labelled in the page's language."""
    graph = Drawing("context")
    _node(graph, page, lang, "../", penwidth="2", color="#1d3b66")
    shown = 0
    for rows, outgoing in ((page.outgoing, True), (page.incoming, False)):
        for row in rows:
            for value in row.values:
                if not value.iri or value.iri not in site.pages or value.iri == page.iri or shown >= 24:
                    continue
                _node(graph, site.pages[value.iri], lang, "../")
                forwards = outgoing or row.inverted  # "governs" reads from this page's element
                ends = (page.iri, value.iri) if forwards else (value.iri, page.iri)
                _edge(graph, nid(ends[0]), nid(ends[1]), label=_plain(text(row.label, lang)))
                shown += 1
    return graph


def landscape(site: Site, lang: str) -> graphviz.Digraph:
    """The layered landscape: business, data, applications, infrastructure."""
    graph = _graph("landscape", "TB")
    layers = [
        ("proses", "Proses bisnis", "Business"),
        ("layanan", "Layanan", "Services"),
        ("aplikasi", "Aplikasi", "Applications"),
        ("data", "Data", "Data"),
        ("infrastruktur", "Infrastruktur", "Infrastructure"),
    ]
    view = site.view
    top_level = {p.iri for p in site.by_kind("proses") if not any(r.prop.endswith("#bagianDari") for r in p.outgoing)}
    members: dict[str, list[Page]] = {}
    for kind, _, _ in layers:
        pages = [p for p in site.by_kind(kind) if kind != "proses" or p.iri in top_level]
        if kind == "aplikasi":
            pages = [
                p
                for p in pages
                if view.applications.get(p.iri) and view.applications[p.iri].kind != "AplikasiInstansiLain"
            ]
        members[kind] = pages
    _refuse_above(sum(len(pages) for pages in members.values()))
    for kind, label_id, label_en in layers:
        pages = members[kind]
        with graph.subgraph(name=f"cluster_{kind}") as cluster:
            cluster.attr(
                label=label_id if lang == "id" else label_en,
                style="rounded",
                color="#c9ced6",
                fontname=FONT,
                fontsize="12",
                labeljust="l",
            )
            for page in pages:
                _node(cluster, page, lang, "")
    shown = {p.iri for pages in members.values() for p in pages}
    for process in site.by_kind("proses"):
        supported = site.view.processes[process.iri].supported_by if process.iri in site.view.processes else ()
        if process.iri in shown:
            for app in supported:
                if app in shown:
                    graph.edge(nid(process.iri), nid(app), color="#b7c3d3")
    for app_page in members["aplikasi"]:
        application = view.applications[app_page.iri]
        for data in application.holds:
            if data in shown:
                graph.edge(nid(app_page.iri), nid(data), color="#d9c79a")
        for row in app_page.outgoing:
            if row.prop.endswith("#dihostingDi"):
                for value in row.values:
                    if value.iri in shown:
                        graph.edge(nid(app_page.iri), nid(value.iri), color="#e0b4ab")
    return graph


def _flow_edge(graph: graphviz.Digraph | Drawing, site: Site, flow_iri: str, lang: str, base: str) -> None:
    flow = site.view.integrations[flow_iri]
    colour, style = PATTERN_STYLE.get(flow.pattern or "", ("#7a828c", "solid"))
    personal = any(site.view.entities[d].personal for d in flow.data if d in site.view.entities)
    page = site.pages.get(flow_iri)
    _edge(
        graph,
        nid(flow.source),
        nid(flow.target),
        label=_wrap(", ".join(site.view.label(d, lang) for d in flow.data), 28) + (" \u26a0" if personal else ""),
        color="#c0392b" if personal else colour,
        fontcolor="#a02c20" if personal else "#4a525c",
        style=style,
        penwidth="1.8" if personal else "1.1",
        URL=f"{base}{page.path}" if page else "",
        target="_top",
        tooltip=_plain(text(flow.label, lang)),
    )


def integration_map(site: Site, lang: str, flows: Iterable[str] | None = None, base: str = "") -> graphviz.Digraph:
    """Applications and agencies joined by their flows; edges styled by pattern, personal data in red with ⚠."""
    graph = _graph("integrations")
    chosen = sorted(flows if flows is not None else site.view.integrations)
    ends = sorted({e for f in chosen for e in (site.view.integrations[f].source, site.view.integrations[f].target)})
    _refuse_above(sum(1 for iri in ends if iri in site.pages))
    for iri in ends:
        if iri in site.pages:
            _node(graph, site.pages[iri], lang, base)
    for flow in chosen:
        _flow_edge(graph, site, flow, lang, base)
    return graph


def lineage(site: Site, entity: str, lang: str) -> Drawing:
    """Data lineage: producers, the authoritative source, and every flow that carries the entity onward."""
    graph = Drawing("lineage")
    data = site.view.entities[entity]
    page = site.pages[entity]
    _node(graph, page, lang, "../", penwidth="2", color="#1d3b66")
    for producer in data.producers:
        if producer in site.pages:
            _node(graph, site.pages[producer], lang, "../")
            _edge(graph, nid(producer), nid(entity), label="produsen" if lang == "id" else "produces")
    if data.authoritative_source and data.authoritative_source in site.pages:
        _node(graph, site.pages[data.authoritative_source], lang, "../")
        _edge(
            graph,
            nid(entity),
            nid(data.authoritative_source),
            label="sumber otoritatif" if lang == "id" else "authoritative source",
            style="dashed",
        )
    for copy in data.digital_copies:
        if copy in site.pages:
            _node(graph, site.pages[copy], lang, "../")
            _edge(
                graph,
                nid(entity),
                nid(copy),
                label="salinan digital" if lang == "id" else "digital copy",
                style="dotted",
            )
    for flow in site.flows_carrying(entity):
        integration = site.view.integrations[flow]
        for end in (integration.source, integration.target):
            if end in site.pages:
                _node(graph, site.pages[end], lang, "../")
        _flow_edge(graph, site, flow, lang, "../")
    return graph


def hierarchy(site: Site, lang: str) -> graphviz.Digraph:
    """The organisation from the agency down to its smallest units, with the partner bodies' own chains."""
    _refuse_above(site.count("organisasi"))
    graph = _graph("organisation", "TB")
    for page in site.by_kind("organisasi"):
        count = next(
            (v.text.get("id") for r in page.outgoing if r.prop.endswith("#jumlahSatuan") for v in r.values), None
        )
        label = text(page.label, lang) + (f"\n({int(count):,})" if count else "")
        graph.node(
            nid(page.iri),
            _wrap(label, 26),
            URL=page.path,
            target="_top",
            fillcolor=COLOURS["organisasi"],
            tooltip=_plain(text(page.label, lang)),
        )
    for page in site.by_kind("organisasi"):
        for row in page.outgoing:
            if row.prop.endswith(("#subOrganizationOf", "#unitOf")):
                for value in row.values:
                    if value.iri in site.pages:
                        graph.edge(nid(value.iri), nid(page.iri), arrowhead="none")
    return graph


#: The drawing helpers a profile's own site-wide diagrams are made with, so they look like the core's.
new_graph, add_node, wrap = _graph, _node, _wrap
