"""The documentation site: gather everything, then render every page in Indonesian and English.

``build_site`` is pure apart from running Graphviz: model, view and findings go
in, ``(relative path, content)`` artifacts come out, sorted and byte-stable.
Pages work from ``file://`` and any static host: relative links only, the
search index is a script, diagrams are inline SVG, nothing is fetched.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment
from markupsafe import Markup
from networkx import DiGraph

from arsitek.generators import dictionary, workbook
from arsitek.generators.contracts import Contracts
from arsitek.generators.site import diagrams, lists
from arsitek.generators.site.extensions import site_parts
from arsitek.generators.site.gather import Page, Site, Words, gather, value_html, value_short
from arsitek.generators.site.i18n import UI
from arsitek.generators.site.impact import impact_of, model_graph
from arsitek.generators.site.kinds import DOMAINS
from arsitek.output import Artifact
from arsitek.templating import TEMPLATES, environment
from arsitek.validate.findings import Severity, ValidationResult
from arsitek.version import __version__
from arsitek.view import ArchitectureView, local_name, text

LANGS = ("id", "en")
#: Rows per page of a list, the data dictionary and the integration catalogue.
PAGE_SIZE = 500
T = TypeVar("T")
#: Above this many cells a matrix is replaced by a note: the per-element pages carry the same facts.
MAX_MATRIX_CELLS = 250_000
STATIC = TEMPLATES / "site" / "static"


def build_site(
    view: ArchitectureView,
    result: ValidationResult,
    ontology: Path,
    contracts: Contracts | None = None,
    templates: Path | None = None,
) -> list[Artifact]:
    """Every artifact of the site, sorted (for tests and small models; the CLI streams the parts).

    The parts: the pages of each language (:func:`iter_site`, which needs the gathered site), and
    what needs only the model: the spreadsheets (:func:`downloads`) and the files every language
    shares (:func:`shared_files`).
    """
    prepared = prepare_site(view, result, ontology, contracts.catalogue if contracts else [], templates)
    shared = shared_files(contracts.artifacts() if contracts else (), templates)
    spreadsheets = itertools.chain(dictionary.downloads(view, view.facts.notations), workbook.downloads(view))
    parts = itertools.chain(iter_site(prepared), spreadsheets, shared)
    return sorted(parts, key=lambda a: a[0])


#: Element pages are rendered this many at a time, so diagrams and pages of a national model never all sit in memory.
CHUNK = 1000


@dataclass
class PreparedSite:
    """What every page draws on, gathered once: two processes rendering one site share it after the fork."""

    view: ArchitectureView
    catalogue: list[dict[str, Any]]
    site: Site
    env: Environment
    graph: DiGraph
    notation: dict[str, str]
    #: what a change did, when the site is built with ``--since``: the diff report per language
    #: (``arsitek.diff.report.as_dict``), shown on ``perubahan.html``
    changes: dict[str, dict[str, Any]] | None = None


def site_environment(templates: Path | None = None) -> Environment:
    """The site's templates with the functions and filters they call."""
    env = environment("site", templates)
    env.globals.update(text=text, version=__version__, Severity=Severity)
    env.filters.update(text=text, value=value_html, short=value_short, word=Words({}))  # words: prepare_site
    return env


def prepare_site(
    view: ArchitectureView,
    result: ValidationResult,
    ontology: Path,
    catalogue: list[dict[str, Any]],
    templates: Path | None = None,
    changes: dict[str, dict[str, Any]] | None = None,
) -> PreparedSite:
    """What every page draws on; ``catalogue`` is :attr:`Contracts.catalogue`, the contracts serving each flow."""
    parts = site_parts(view.profiles)
    site = gather(view, result, ontology, parts)
    env = site_environment(templates)
    env.globals.update(
        kinds=parts.kinds, diagram_pages=parts.diagram_pages, questions=parts.questions, header=view.header
    )
    menus: dict[tuple[str, str], Markup] = {}

    def nav(lang: str, up: str) -> Markup:
        """The side menu, rendered once per language and depth: a quarter of an element page's time."""
        if (lang, up) not in menus:
            menus[lang, up] = Markup(env.get_template("nav.html.j2").render(lang=lang, ui=UI[lang], up=up, site=site))
        return menus[lang, up]

    env.globals["nav"] = nav
    notation = view.facts.notations
    env.globals["changes"] = changes
    env.filters["word"] = Words(site.concepts)
    return PreparedSite(view, catalogue, site, env, model_graph(view), notation, changes)


def iter_site(prepared: PreparedSite, langs: Sequence[str] = LANGS) -> Iterator[Artifact]:
    """Every page of each language, one by one, written as they come."""
    yield from iter_elements(prepared, element_chunks(prepared), langs)
    for lang in langs:
        yield from iter_pages(prepared, lang)


def element_chunks(prepared: PreparedSite) -> list[list[Page]]:
    """The elements in path order, :data:`CHUNK` at a time: the units two processes share."""
    elements = sorted(prepared.site.pages.values(), key=lambda p: p.path)
    return [elements[start : start + CHUNK] for start in range(0, len(elements), CHUNK)]


def _page(prepared: PreparedSite, lang: str, path: str, template: str, **values: Any) -> Artifact:
    depth = path.count("/")
    context = {
        "lang": lang,
        "ui": UI[lang],
        "site": prepared.site,
        "model_version": prepared.view.version,
        "path": path,
        "up": "../" * depth,
        "root": "../" * (depth + 1),
        **values,
    }
    return (f"{lang}/{path}", prepared.env.get_template(template).render(**context))


def iter_elements(
    prepared: PreparedSite, chunks: Iterable[Sequence[Page]], langs: Sequence[str] = LANGS
) -> Iterator[Artifact]:
    """The element pages of ``chunks`` in every language of ``langs``: memory holds one chunk, not the site.

    An element's pages in both languages are rendered by one process, so what they share (its
    transitive impact, the costliest part of a page) is computed once.
    """
    view, site, graph = prepared.view, prepared.site, prepared.graph
    for chunk in chunks:
        impacts = {e.iri: impact_of(graph, e.iri) for e in chunk if e.kind in ("aplikasi", "data", "infrastruktur")}
        with_lineage = [e for e in chunk if e.kind == "data" and e.iri in view.entities]
        context_graphs = [diagrams.context(site, e, lang) for lang in langs for e in chunk]
        lineage_graphs = [diagrams.lineage(site, e.iri, lang) for lang in langs for e in with_lineage]
        drawn = iter(diagrams.render_many(context_graphs, "konteks"))
        drawn_lineages = iter(diagrams.render_many(lineage_graphs, "alur"))
        for lang in langs:
            contexts = [next(drawn) for _ in chunk]
            lineages = {e.iri: next(drawn_lineages) for e in with_lineage}
            for element, context_svg in zip(chunk, contexts, strict=True):
                svg_file = f"{element.path.removesuffix('.html')}.svg"
                extra: dict[str, Any] = {"diagram": context_svg, "svg_file": svg_file.rsplit("/", 1)[-1]}
                if element.iri in impacts:
                    extra["impact"] = impacts[element.iri]
                if element.iri in lineages:
                    extra["entity"] = view.entities[element.iri]
                    extra["lineage"] = lineages[element.iri]
                yield _page(prepared, lang, element.path, "element.html.j2", element=element, **extra)
                yield (f"{lang}/{svg_file}", _standalone(context_svg))


def iter_pages(prepared: PreparedSite, lang: str) -> Iterator[Artifact]:
    """The pages of one language that are not an element's: lists, site-wide diagrams, dictionary, catalogue..."""
    view, site = prepared.view, prepared.site
    notation = prepared.notation
    kinds = site.parts.kinds

    def page(path: str, template: str, **values: Any) -> Artifact:
        return _page(prepared, lang, path, template, **values)

    for kind in kinds:
        members = site.by_kind(kind)
        if members:
            columns = lists.headers(site, kinds[kind])
            for path, shown, paging in _paged(f"{kind}/index.html", members):
                shown_rows = lists.rows(site, kinds[kind], shown)
                yield page(
                    path,
                    "list.html.j2",
                    kind=kinds[kind],
                    rows=shown_rows,
                    columns=columns,
                    total=len(members),
                    paging=paging,
                )
            yield from lists.downloads(site, kinds[kind], members, lang)
    drawn_patterns = {f.pattern for f in view.integrations.values() if f.pattern}  # a legend shows what is drawn
    for special in site.parts.diagram_pages:
        try:
            drawing = special.draw(site, lang)
        except diagrams.TooLarge as too_large:
            nodes, svg = too_large.nodes, None
        else:
            nodes = diagrams.node_count(drawing)
            svg = diagrams.render(drawing) if nodes <= diagrams.MAX_NODES else None
        yield page(
            special.file,
            special.template,
            title=special.title[lang],
            svg=svg,
            legend={k: v for k, v in (special.legend or {}).items() if k in drawn_patterns},
            svg_file=special.svg_file,
            nodes=nodes,
            limit=diagrams.MAX_NODES,
        )
        if svg is not None:
            yield (f"{lang}/{special.svg_file}", _standalone(svg))
    yield page("index.html", "home.html.j2", counts=_counts(site))
    yield page("matriks.html", "matrices.html.j2", matrices=_matrices(site, lang))
    rows = dictionary.rows(view, lang, notation)
    for path, entries, paging in _paged("kamus-data.html", rows):
        yield page(path, "dictionary.html.j2", rows=entries, total=len(rows), paging=paging)
    flows = _catalogue(site, prepared.catalogue)
    for path, listed, paging in _paged("katalog-integrasi.html", flows):
        yield page(path, "catalogue.html.j2", flows=listed, total=len(flows), paging=paging)
    yield page("aturan.html", "rules.html.j2", rules=_rules(site))
    yield page("kosakata.html", "vocabulary.html.j2", vocabulary=view.facts.vocabulary(lang))
    yield page("data-pribadi.html", "personal.html.j2", systems=_personal(site))
    if prepared.changes is not None:
        yield page("perubahan.html", "changes.html.j2", report=prepared.changes[lang], pages=site.pages)
    yield page("cari.html", "search.html.j2")
    yield (f"{lang}/search-index.js", _search_index(site, lang))


def shared_files(contracts: Iterable[Any], templates: Path | None = None) -> Iterator[Any]:
    """The files both languages share: the redirect home page, styles and scripts, and the contracts.

    ``contracts`` are :meth:`Contracts.artifacts`, or anything a writer takes (a link to a file written before).
    """
    yield ("index.html", site_environment(templates).get_template("redirect.html.j2").render(lang="id"))
    for asset in sorted(STATIC.iterdir()):
        yield (f"static/{asset.name}", asset.read_bytes())
    for name, content in contracts:
        yield (f"contracts/{name}", content)


def _paged(first: str, items: Sequence[T]) -> Iterator[tuple[str, Sequence[T], dict[str, Any] | None]]:
    """A long list split into pages of :data:`PAGE_SIZE`: ``first`` and then ``first-2.html``, ``first-3.html``...

    A national landscape's list of 30,000 applications as one page takes a browser tens of
    seconds to open; a page of 500 opens at once. The whole site stays searchable on the search page.
    """
    count = max(1, -(-len(items) // PAGE_SIZE))
    stem = first.removesuffix(".html")
    names = [first] + [f"{stem}-{n}.html" for n in range(2, count + 1)]
    for number, name in enumerate(names, start=1):
        part = items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        paging = {"number": number, "pages": [n.rsplit("/", 1)[-1] for n in names]} if count > 1 else None
        yield name, part, paging


def _standalone(svg: str) -> str:
    """The inlined SVG as a file of its own, links still relative to the page beside it."""
    return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + svg


def _counts(site: Site) -> dict[str, Any]:
    kinds = site.parts.kinds
    per_kind = {k: len(site.by_kind(k)) for k in kinds}
    per_domain: dict[str, int] = defaultdict(int)
    kinds_of_domain: dict[str, list[str]] = defaultdict(list)
    for kind, info in kinds.items():
        per_domain[info.domain] += per_kind[kind]
        kinds_of_domain[info.domain].append(kind)
    return {
        "kinds": per_kind,
        "domains": DOMAINS,
        "per_domain": per_domain,
        "kinds_of_domain": kinds_of_domain,
        "findings": {s.word: site.result.count(s) for s in Severity},
    }


def _matrices(site: Site, lang: str) -> dict[str, Any]:
    view = site.view
    apps = [p for p in site.by_kind("aplikasi") if view.applications.get(p.iri)]
    entities = site.by_kind("data")
    crud: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity in view.entities.values():  # the authoritative application creates, reads and updates
        if entity.authoritative_source in view.applications:
            crud[(entity.iri, entity.authoritative_source)].update("CRU")
        for copy in entity.digital_copies:  # an aid creates its digital copy and reads it
            crud[(entity.iri, copy)].update("CR")
    for app in view.applications.values():
        for data in app.holds:
            crud[(data, app.iri)].add("R")
    for flow in view.integrations.values():
        for data in flow.data:
            crud[(data, flow.target)].add("R")
    for policy in view.policies.values():  # rights granted through an application (notations C/R/U/D)
        if policy.application:
            crud[(policy.data, policy.application)].update(r for r in policy.rights if r in "CRUD")
    in_crud = {app for _, app in crud}
    used_apps = [a for a in apps if a.iri in in_crud]
    processes = site.by_kind("proses")
    supported = {(p.iri, a) for p in view.processes.values() for a in p.supported_by}
    supporting = {app for _, app in supported}
    process_apps = [a for a in apps if a.iri in supporting]
    realised: dict[str, list[Page]] = defaultdict(list)
    for page in site.pages.values():
        for reference in {v.iri for v in page.references if v.iri}:
            realised[reference].append(page)
    coverage = []
    for iri, (label, code) in sorted(site.concepts.items(), key=lambda c: (c[1][1] or "~", c[0])):
        if "/ref/" not in iri:
            continue
        realisers = sorted(realised.get(iri, []), key=lambda p: text(p.label, lang))
        coverage.append({"code": code or local_name(iri), "label": label, "pages": realisers})
    ends = (
        sorted({f.source for f in view.integrations.values()}),
        sorted({f.target for f in view.integrations.values()}),
    )
    providers = [e for e in ends[0] if e in site.pages]
    consumers = [e for e in ends[1] if e in site.pages]
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    for flow in sorted(view.integrations.values(), key=lambda f: f.iri):
        cells[(flow.source, flow.target)].append(flow.iri)
    return {
        "apps": used_apps,
        "entities": entities,
        "crud": {k: "".join(sorted(v, key="CRUD".index)) for k, v in crud.items()},
        "process_apps": process_apps,
        "processes": processes,
        "supported": supported,
        "coverage": coverage,
        "providers": providers,
        "consumers": consumers,
        "cells": cells,
        "styles": diagrams.PATTERN_STYLE,
        # A matrix of a national landscape (10,000 × 10,000 cells) is neither renderable nor readable.
        "too_large": {
            "crud": (len(entities), len(used_apps)),
            "proses": (len(processes), len(process_apps)),
            "integrasi": (len(providers), len(consumers)),
        },
        "limit": MAX_MATRIX_CELLS,
    }


def _catalogue(site: Site, catalogue: list[dict[str, Any]]) -> list[dict[str, Any]]:
    contracts_of = {row["iri"]: row["contracts"] for row in catalogue}
    rows = []
    for flow in sorted(site.view.integrations.values(), key=lambda f: f.iri):
        personal = [
            site.view.entities[d] for d in flow.data if d in site.view.entities and site.view.entities[d].personal
        ]
        rows.append({"flow": flow, "personal": personal, "contracts": contracts_of.get(flow.iri, [])})
    return rows


def _rules(site: Site) -> list[dict[str, Any]]:
    breaking: dict[str, list[Any]] = defaultdict(list)
    for finding in site.result.findings:
        breaking[finding.rule_id].append(finding)
    return [{"rule": rule, "findings": breaking.get(rule.rule_id, [])} for rule in site.result.rules]


def _personal(site: Site) -> list[dict[str, Any]]:
    out = []
    for app in sorted(site.view.applications.values(), key=lambda a: site.view.label(a.iri, "id").lower()):
        held = [site.view.entities[d] for d in app.holds if d in site.view.entities and site.view.entities[d].personal]
        if held and app.iri in site.pages:
            out.append({"page": site.pages[app.iri], "app": app, "entities": held})
    return out


def _search_index(site: Site, lang: str) -> str:
    """Every element, rule and vocabulary term, findable by what a reader types in either language.

    ``t`` is the title in the page's language, ``k`` the kind, ``d`` the definition shown; ``x`` is
    everything else a search may match (the other language's label and definition, the classes,
    reference codes and names, a data entity's attributes), so "Aplikasi Khusus", "TPS code", "NIK"
    or a rule id find what they name. Loaded only when search is first used (``site.js``).
    """
    other = "en" if lang == "id" else "id"
    view = site.view
    entries = []
    for p in sorted(site.pages.values(), key=lambda p: p.path):
        kind = site.parts.kinds[p.kind].label
        extra = [p.label.get(other, ""), p.definition.get(other, "")[:150], kind.get(other, "")]
        extra += [t for c in p.classes for t in c.values()]
        extra += [f"{v.code or ''} {text(v.text, lang)} {text(v.text, other)}" for v in p.references]
        entity = view.entities.get(p.iri)
        if entity is not None:
            extra += [f"{a.name} {' '.join(a.label.values())}" for a in entity.attributes]
        entry = {"t": text(p.label, lang), "u": p.path, "k": kind[lang], "d": text(p.definition, lang)[:300]}
        entry["x"] = " ".join(x for x in extra if x)
        entries.append(entry)
    page_kind = {"id": "Halaman", "en": "Page"}
    for special in site.parts.diagram_pages:  # the site-wide diagrams: "recapitulation" finds its chain
        entries.append(
            {"t": special.title[lang], "u": special.file, "k": page_kind[lang], "d": "", "x": special.title[other]}
        )
    rule_kind = {"id": "Aturan", "en": "Rule"}
    for rule in site.result.rules:
        entries.append(
            {
                "t": f"{rule.rule_id} {rule.title_in(lang)}",
                "u": f"aturan.html#{rule.rule_id}",
                "k": rule_kind[lang],
                "d": rule.description_in(lang)[:300],
                "x": f"{rule.title_in(other)} {rule_kind[other]}",
            }
        )
    term_kind = {"id": "Kosakata", "en": "Vocabulary"}
    for term in view.facts.vocabulary(lang)["terms"]:
        if term["label"]:
            entries.append(
                {
                    "t": term["label"],
                    "u": f"kosakata.html#{term['name']}",
                    "k": term_kind[lang],
                    "d": term["definition"][:300],
                    "x": f"{term['name']} {term_kind[other]}",
                }
            )
    return "window.ARSITEK_SEARCH = " + json.dumps(entries, ensure_ascii=False, separators=(",", ":")) + ";\n"


__all__ = ["Page", "build_site"]
