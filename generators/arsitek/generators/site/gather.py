"""Gather: every page of the site, with its facts and links, before anything is rendered.

A few bulk queries read all statements about all elements; relations in and
out, labels of values, sources and findings are then joined in memory, so
cross-links are consistent and the cost does not grow with one query per page.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from markupsafe import Markup, escape

from arsitek.generators.site.parts import SiteParts
from arsitek.text import readable, safe_url
from arsitek.validate.findings import Finding, ValidationResult
from arsitek.view import ArchitectureView, local_name, text, unique_names
from arsitek.vocab import DCTERMS, OWL, RDF, RDFS, SKOS, SPBE, XSD

Texts = dict[str, str]
ANY_URI = f"{XSD}anyURI"
SKIP_PROPERTIES = {f"{RDF}type", f"{RDFS}label", f"{SKOS}definition", f"{DCTERMS}source", f"{SKOS}prefLabel"}
#: properties that mark another property's values: shown as a badge on those values, not as rows
STANDING = {f"{SPBE}persyaratanTarget": "target", f"{SPBE}belumTerverifikasi": "unverified"}


@dataclass(frozen=True)
class Value:
    """One value of a property: a link to a page, a code, an external resource, or text."""

    text: Texts
    href: str | None = None  # site-relative path of the element's page (without language)
    code: str | None = None
    iri: str | None = None
    url: str | None = None  # an external address (sources), never fetched


def value_html(value: Value, lang: str, up: str) -> Markup:
    """A value as HTML, escaped: a link to its page or its source, a code with its label, or text.

    The site's ``value`` filter. It is Python, not a Jinja macro, because a national site's element
    pages show millions of values, and a macro call costs several times a function call.
    """
    label = escape(text(value.text, lang))
    if value.href:
        return Markup(f'<a href="{escape(up)}{escape(value.href)}">{label}</a>')
    if value.url and (url := safe_url(value.url)):  # a javascript: or data: address is never a link (ARS-DOC-003)
        return Markup(f'<a href="{escape(url)}" rel="external noopener">{label}</a>')
    if value.code and is_reference(value.code):
        return Markup(f'<span class="code">{escape(value.code)}</span> {label}')
    if value.code:  # a code list's value: its word in the page's language, the code on hover
        return Markup(f'<span class="word" title="{escape(value.code)}">{label}</span>')
    return label


def is_reference(code: str) -> bool:
    """A reference architecture's code (RAB.09.01): architects scan for it, so it is shown; a code list's is not."""
    return "." in code


class Words:
    """A code list's codes in words: ``terbatas`` is "Limited" on an English page, with the code on hover.

    Codes are looked up by their notation; where two code lists share one (``none`` for authentication
    and for encryption), a hint (part of the concept's IRI: ``auth``, ``enkripsi``) picks the list.
    """

    def __init__(self, concepts: dict[str, tuple[Texts, str | None]]) -> None:
        self.by_code: dict[str, list[tuple[str, Texts]]] = {}
        for iri, (labels, code) in sorted(concepts.items()):
            if code and not is_reference(code):
                self.by_code.setdefault(code, []).append((iri, labels))

    def __call__(self, code: object, lang: str, hint: str = "") -> Markup:
        shown = "" if code is None else str(code)
        found = self.by_code.get(shown, [])
        chosen = [labels for iri, labels in found if hint in iri.rsplit("/", 1)[-1]] or [labels for _, labels in found]
        if not shown or not chosen or not text(chosen[0], lang):
            return escape(shown)
        return Markup(f'<span class="word" title="{escape(shown)}">{escape(text(chosen[0], lang))}</span>')


def value_short(value: Value, lang: str, up: str) -> Markup:
    """A value for a list's narrow cell: a reference code alone, a code list's word alone, the other on hover."""
    if value.code and not value.href:
        label = escape(text(value.text, lang))
        if "." in value.code:  # RAA.02.01: the code is what architects scan for
            return Markup(f'<span class="code" title="{label}">{escape(value.code)}</span>')
        return Markup(f'<span title="{escape(value.code)}">{label}</span>')
    return value_html(value, lang, up)


@dataclass
class Row:
    prop: str
    label: Texts
    values: list[Value]
    #: an incoming relation named by its inverse property ("governs"), so read forwards
    inverted: bool = False
    #: "target" or "unverified" when the element marks this property so (spbe:persyaratanTarget...)
    standing: str = ""


@dataclass
class Page:
    iri: str
    kind: str
    path: str  # "aplikasi/sidalih.html", relative to the language folder
    label: Texts
    definition: Texts
    classes: list[Texts] = field(default_factory=list)
    outgoing: list[Row] = field(default_factory=list)
    incoming: list[Row] = field(default_factory=list)
    notes: list[Texts] = field(default_factory=list)
    #: the properties whose values are a target requirement or unverified, and the note saying why
    standing: dict[str, str] = field(default_factory=dict)
    editorial: list[Texts] = field(default_factory=list)
    #: every source it cites is unverified (U)
    unverified: bool = False
    sources: list[Value] = field(default_factory=list)
    references: list[Value] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    location: str | None = None

    @property
    def key(self) -> str:
        return local_name(self.iri)


@dataclass
class Site:
    pages: dict[str, Page]
    concepts: dict[str, tuple[Texts, str | None]]  # IRI -> (label, notation)
    result: ValidationResult
    view: ArchitectureView
    #: the core's pages, kinds and questions and those of the profiles the model declares
    parts: SiteParts = field(default_factory=lambda: SiteParts((), (), {}, ()), repr=False, compare=False)
    _kinds: dict[str, tuple[Page, ...]] = field(default_factory=dict, repr=False, compare=False)
    _carried_by: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)
    _items: dict[tuple[str, str, str], str] = field(default_factory=dict, repr=False, compare=False)

    def flows_carrying(self, entity: str) -> list[str]:
        """The integration flows that carry a data entity, sorted; indexed once for all entities."""
        if self._carried_by is None:
            self._carried_by = {}
            for flow in sorted(self.view.integrations):
                for carried in self.view.integrations[flow].data:
                    self._carried_by.setdefault(carried, []).append(flow)
        return list(self._carried_by.get(entity, []))

    def link_items(self, iris: Iterable[str], lang: str, up: str) -> Markup:
        """``<li>`` links to the pages of ``iris`` (those without a page are left out), escaped.

        Impact lists run to hundreds of elements per page on a national model, and the same
        element is listed on many pages: each item is escaped once and then reused.
        """
        items = []
        for iri in iris:
            key = (iri, lang, up)
            item = self._items.get(key)
            if item is None:
                page = self.pages.get(iri)
                item = ""
                if page is not None:
                    item = f'<li><a href="{escape(up + page.path)}">{escape(text(page.label, lang))}</a></li>'
                self._items[key] = item
            items.append(item)
        return Markup("".join(items))

    def grouped_items(self, iris: Iterable[str], lang: str, up: str, opened: bool = False) -> Markup:
        """``link_items`` grouped by kind, each group a ``<details>`` with its count (open when ``opened``).

        A data centre's impact runs to a hundred elements: grouped and folded, a reader sees how many
        applications, integrations and processes it reaches before reading any name.
        """
        groups: dict[str, list[str]] = {}
        for iri in iris:
            page = self.pages.get(iri)
            if page is not None:
                groups.setdefault(page.kind, []).append(iri)
        order = list(self.parts.kinds)
        out = []
        for kind in sorted(groups, key=lambda k: order.index(k) if k in order else len(order)):
            label = self.parts.kinds[kind].label[lang] if kind in self.parts.kinds else kind
            items = self.link_items(groups[kind], lang, up)
            count = len(groups[kind])
            out.append(
                f'<details{" open" if opened else ""}><summary>{escape(label)} <span class="n">{count}</span>'
                f"</summary><ul>{items}</ul></details>"
            )
        return Markup("".join(out))

    def href(self, iri: str) -> str | None:
        page = self.pages.get(iri)
        return page.path if page else None

    def badge(self, iri: str, prop: str, lang: str, words: Mapping[str, str], up: str) -> Markup:
        """A "target" or "unverified" badge for ``iri``'s ``prop`` (a local SPBE name or an IRI), or nothing.

        It links to the element's editorial note and carries it as a tooltip, so a reader of a table
        sees that "encrypted file" is a requirement, not a documented fact, and can read why.
        """
        page = self.pages.get(iri)
        if page is None:
            return Markup("")
        standing = page.standing.get(prop if "/" in prop else f"{SPBE}{prop}")
        if not standing:
            return Markup("")
        word = escape(words[f"standing_{standing}"])
        if not page.editorial:  # ARS-DOC-008 warns: nothing says why, so nothing to link to
            return Markup(f' <span class="standing standing-{standing}">{word}</span>')
        note = " ".join(text(n, lang) for n in page.editorial)
        return Markup(
            f' <a class="standing standing-{standing}" href="{escape(up + page.path)}#catatan" title="{escape(note)}">'
            f"{word}</a>"
        )

    def by_kind(self, kind: str) -> tuple[Page, ...]:
        """The pages of one kind, sorted; grouped once, since every page's navigation asks for every kind."""
        if not self._kinds:
            grouped: dict[str, list[Page]] = {}
            for page in self.pages.values():
                grouped.setdefault(page.kind, []).append(page)
            for name, members in grouped.items():
                self._kinds[name] = tuple(sorted(members, key=lambda p: (text(p.label, "id").lower(), p.iri)))
        return self._kinds.get(kind, ())

    def count(self, kind: str) -> int:
        return len(self.by_kind(kind))


def _property_order(ontology: Path) -> list[str]:
    """Properties in the order the vocabulary declares them: the fixed, readable order of every page."""
    order: list[str] = []
    for path in sorted(ontology.glob("*.ttl")):
        prefixes = dict(re.findall(r"^@prefix\s+(\w*):\s*<([^>]+)>", path.read_text(encoding="utf-8"), re.MULTILINE))
        for prefix, name in re.findall(
            r"^(\w+):(\w+) a owl:\w*Property", path.read_text(encoding="utf-8"), re.MULTILINE
        ):
            if prefix in prefixes:
                order.append(prefixes[prefix] + name)
    return order


def gather(view: ArchitectureView, result: ValidationResult, ontology: Path, parts: SiteParts) -> Site:
    """Every element's page: what it is, what it says and what refers to it, read from the view alone."""
    types = view.facts.types
    kind_of = {
        iri: kind for iri in sorted(types) if (kind := next((k for c, k in parts.class_kinds if c in types[iri]), None))
    }
    by_kind: dict[str, list[str]] = defaultdict(list)
    for iri, kind in kind_of.items():
        by_kind[kind].append(iri)
    names = {iri: name for members in by_kind.values() for iri, name in unique_names(members).items()}
    pages: dict[str, Page] = {}
    labels, definitions = view.labels, view.definitions
    for iri, kind in kind_of.items():
        pages[iri] = Page(
            iri=iri,
            kind=kind,
            path=f"{kind}/{names[iri]}.html",
            label=labels.get(iri, {}) or {"id": local_name(iri), "en": local_name(iri)},
            definition=definitions.get(iri, {}),
        )
    concepts = view.facts.concepts

    order = {p: i for i, p in enumerate(_property_order(ontology))}
    statements = view.facts.statements(pages)
    incoming: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for subject, props in statements.items():
        for predicate, objects in props.items():
            if predicate not in SKIP_PROPERTIES:
                for obj in objects:
                    if isinstance(obj, ox.NamedNode) and obj.value in pages:
                        incoming[obj.value][predicate].append(subject)
    sources = _sources(view, labels)
    status = view.facts.source_status
    inverse = view.facts.inverse_labels
    findings: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        findings[finding.focus_node].append(finding)

    def value(term: ox.NamedNode | ox.Literal) -> Value:
        if isinstance(term, ox.Literal):
            shown = readable(term.value)
            if term.datatype.value == ANY_URI:  # a web address (a regulation's JDIH page): a link if safe
                return Value(text={"id": shown, "en": shown}, url=term.value)
            return Value(text={term.language: shown} if term.language else {"id": shown, "en": shown})
        iri = term.value
        if iri in pages:
            return Value(text=pages[iri].label, href=pages[iri].path, iri=iri)
        if iri in sources:
            return sources[iri]
        if iri in concepts:
            label, notation = concepts[iri]
            return Value(text=label or {"en": local_name(iri)}, code=notation, iri=iri)
        return Value(text=labels.get(iri) or {"en": local_name(iri), "id": local_name(iri)}, iri=iri)

    def sort_key(prop: str) -> tuple[int, str]:
        return (order.get(prop, 10_000), prop)

    for iri, page in pages.items():
        props = statements.get(iri, {})
        page.classes = sorted(
            (labels.get(t) or {"en": local_name(t)} for t in types[iri] if t.startswith("https://w3id.org/")),
            key=lambda t: text(t),
        )
        for mark, standing in STANDING.items():
            for marked in props.get(mark, ()):
                page.standing[marked.value] = standing
        for prop in sorted(props, key=sort_key):
            if prop in SKIP_PROPERTIES or prop in STANDING or prop == f"{OWL}versionInfo":
                continue
            values = sorted((value(v) for v in props[prop]), key=lambda v: (text(v.text, "id"), v.iri or ""))
            if prop == f"{SKOS}editorialNote":
                page.editorial = _merge_languages(props[prop])
                page.notes = page.editorial + page.notes
                continue
            if prop == f"{SPBE}merealisasikan":
                page.references = values
            if prop == f"{SKOS}scopeNote":
                page.notes += _merge_languages(props[prop])
                continue
            if _is_bilingual_text(props[prop]):
                values = [Value(text=t) for t in _merge_languages(props[prop])]
            page.outgoing.append(
                Row(prop, labels.get(prop, {"en": local_name(prop)}), values, standing=page.standing.get(prop, ""))
            )
        for prop in sorted(incoming.get(iri, {}), key=sort_key):
            subjects = sorted(set(incoming[iri][prop]), key=lambda s: text(pages[s].label, "id").lower())
            page.incoming.append(
                Row(
                    prop,
                    inverse.get(prop) or labels.get(prop, {"en": local_name(prop)}),
                    [Value(text=pages[s].label, href=pages[s].path, iri=s) for s in subjects],
                    inverted=prop in inverse,
                )
            )
        page.sources = [sources[s.value] for s in props.get(f"{DCTERMS}source", []) if s.value in sources]
        page.sources.sort(key=lambda v: _source_number(v.iri or ""))
        cited = [status.get(s.iri or "", ()) for s in page.sources]
        page.unverified = bool(cited) and all(codes and set(codes) <= {"U"} for codes in cited)
        page.findings = sorted(findings.get(iri, []), key=Finding.sort_key)
        locations = [f.location for f in page.findings if f.location]
        if locations:
            page.location = locations[0].file
    return Site(pages=pages, concepts=concepts, result=result, view=view, parts=parts)


def _source_number(iri: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", local_name(iri))
    return (int(digits) if digits else 0, iri)


def _is_bilingual_text(terms: list[ox.NamedNode | ox.Literal]) -> bool:
    """Every value a language-tagged literal (a plain loop: this runs once per statement of a national model)."""
    for term in terms:  # noqa: SIM110 (all() with a generator costs three times as much per call)
        if not isinstance(term, ox.Literal) or not term.language:
            return False
    return True


def _merge_languages(terms: list[ox.NamedNode | ox.Literal]) -> list[Texts]:
    """Pair up @id and @en literals of one property into one bilingual text each."""
    by_lang: dict[str, list[str]] = defaultdict(list)
    for term in terms:
        if isinstance(term, ox.Literal):
            by_lang[term.language or "id"].append(readable(term.value))
    longest = max((len(v) for v in by_lang.values()), default=0)
    return [{lang: sorted(values)[i] for lang, values in by_lang.items() if i < len(values)} for i in range(longest)]


def _sources(view: ArchitectureView, labels: dict[str, Texts]) -> dict[str, Value]:
    """Each source as a link, its strength (P/M/T/U) after its name, so a reader sees what rests on a transcription."""
    out = {}
    status = view.facts.source_status
    for iri, urls in view.facts.source_urls.items():
        links = [url for url in urls if safe_url(url)]
        label = labels.get(iri, {"en": local_name(iri)})
        if codes := status.get(iri):
            label = {lang: f"{name} [{'/'.join(codes)}]" for lang, name in label.items()}
        out[iri] = Value(text=label, url=links[0] if links else None, iri=iri)
    return out
