"""The election profile's site-wide diagrams: the stages in order, and the recapitulation chain."""

from __future__ import annotations

import itertools

import graphviz

from arsitek.generators.site.diagrams import COLOURS, add_node, new_graph, nid, wrap
from arsitek.generators.site.gather import Page, Site
from arsitek.profil.pemilu.terms import PEMILU
from arsitek.view import DataInformasi
from arsitek.vocab import SPBE


def stages(site: Site, lang: str) -> graphviz.Digraph:
    """The election stages in order, each with its supporting applications."""
    graph = new_graph("stages", "TB")
    stage_pages = [p for p in site.by_kind("proses") if any(r.prop.endswith("#nomorTahapan") for r in p.outgoing)]

    def number(page: Page) -> int:
        return int(next(v.text["id"] for r in page.outgoing if r.prop.endswith("#nomorTahapan") for v in r.values))

    stage_pages.sort(key=number)
    for page in stage_pages:
        add_node(graph, page, lang, "", fillcolor=COLOURS["proses"], penwidth="1.5")
    for first, second in itertools.pairwise(stage_pages):
        graph.edge(nid(first.iri), nid(second.iri), weight="10", color="#1d3b66", penwidth="1.6")
    for page in stage_pages:
        process = site.view.processes.get(page.iri)
        for app in process.supported_by if process else ():
            if app in site.pages:
                graph.node(
                    nid(page.iri, app),
                    wrap(site.view.label(app, lang), 18),
                    URL=site.pages[app].path,
                    target="_top",
                    fillcolor=COLOURS["aplikasi"],
                    fontsize="9",
                    shape="box",
                )
                graph.edge(nid(page.iri), nid(page.iri, app), style="dotted", arrowhead="none")
                with graph.subgraph() as same:
                    same.attr(rank="same")
                    same.node(nid(page.iri))
                    same.node(nid(page.iri, app))
    return graph


LEVELS = ["tps", "kecamatan", "kabupaten-kota", "provinsi", "nasional"]
CARRIES = {
    "source": {"id": "sumber resmi", "en": "legal record"},
    "copy": {"id": "salinan digital", "en": "digital copy"},
}


def _carried_by(site: Site, data: DataInformasi) -> list[tuple[str, str]]:
    """The applications that carry a step: the one holding its legal record, and those keeping a digital copy.

    A result form signed at the polling station is a paper record made by a process; SIREKAP keeps
    its photograph. Both are what a reader asks of the chain: where is this step's data?
    """
    source = data.authoritative_source
    carried = [(source, "source")] if source in site.view.applications and source in site.pages else []
    return carried + [(app, "copy") for app in data.digital_copies if app in site.pages and app != source]


def recap_chain(site: Site, lang: str) -> graphviz.Digraph:
    """From C.Hasil at the polling station to the national result: each level with who records it and the
    applications that hold its record or a copy."""
    levels = site.view.facts.linked(f"{PEMILU}tingkatWilayah", f"{SPBE}DataInformasi")
    graph = new_graph("recap", "LR")
    chain = sorted(
        (e for e, lvl in levels.items() if lvl in LEVELS and e in site.pages), key=lambda e: LEVELS.index(levels[e])
    )
    result = next((e for e in site.view.entities if e.endswith("/HasilPemilu")), None)
    if result and result in site.pages:
        chain.append(result)
    for entity in chain:
        add_node(graph, site.pages[entity], lang, "", penwidth="1.5")
        data = site.view.entities[entity]
        for producer in data.producers:
            if producer in site.pages:
                graph.node(
                    nid(entity, producer),
                    wrap(site.view.label(producer, lang), 20),
                    URL=site.pages[producer].path,
                    target="_top",
                    fillcolor=COLOURS["organisasi"],
                    fontsize="9",
                )
                graph.edge(nid(entity, producer), nid(entity), style="dotted", arrowhead="none")
        for app, role in _carried_by(site, data):
            words = CARRIES[role][lang]
            graph.node(
                nid(entity, app),
                wrap(site.view.label(app, lang), 20),
                URL=site.pages[app].path,
                target="_top",
                tooltip=f"{site.view.label(app, lang)}: {words}",
                fillcolor=COLOURS["aplikasi"],
                fontsize="9",
                shape="box",
            )
            graph.edge(
                nid(entity), nid(entity, app), label=words, fontsize="8", fontcolor="#444444",
                style="solid" if role == "source" else "dashed", arrowhead="none", color="#6a7f99",
            )  # fmt: skip
    for first, second in itertools.pairwise(chain):
        graph.edge(nid(first), nid(second), color="#1d3b66", penwidth="1.6")
    return graph
