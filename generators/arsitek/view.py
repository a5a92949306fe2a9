"""A typed, read-only view of the model: what every generator reads instead of raw triples.

Built with a fixed handful of bulk SPARQL queries, whatever the model's size,
so generators never loop over elements issuing one query each. Everything is
sorted, so generators that iterate the view produce stable output.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import pyoxigraph as ox

from arsitek.errors import UsageError
from arsitek.facts import ModelFacts
from arsitek.header import ModelHeader, model_version, read_header
from arsitek.load import LoadedModel
from arsitek.profiles import Profile
from arsitek.text import readable
from arsitek.vocab import DCTERMS, KODE, OWL, RDF, RDFS, SKOS, SPBE, XSD, shorten
from arsitek.vocab import local_name as local_name  # where generators have always found it

Texts = dict[str, str]

_PREFIXES = (
    f"PREFIX spbe: <{SPBE}> PREFIX rdfs: <{RDFS}> PREFIX rdf: <{RDF}> "
    f"PREFIX skos: <{SKOS}> PREFIX owl: <{OWL}> PREFIX kode: <{KODE}> PREFIX dcterms: <{DCTERMS}> "
)


@lru_cache(maxsize=1 << 17)  # a national model asks for the same names over and over
def snake(name: str) -> str:
    """``TanggalLahir`` -> ``tanggal_lahir``; ``KodeTps`` -> ``kode_tps``; ``DP4LN`` -> ``dp4_ln``."""
    name = re.sub(r"[^0-9A-Za-z]+", "_", name)
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    name = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return re.sub(r"_+", "_", name).strip("_").lower()


#: Longest readable part of a generated name: file names stay well under the 255 bytes systems allow.
MAX_NAME = 64
#: Names the generators use for pages of their own (a folder's list page is ``index.html``).
RESERVED_NAMES = frozenset({"index"})


def unique_names(iris: Iterable[str]) -> dict[str, str]:
    """A file and identifier name for each IRI: the snake case of its local name, unique among ``iris``.

    ``kpu:DP4`` and ``kpu:dp4``, two non-Latin names that both become empty, an element called
    ``Index`` or one of 300 characters would otherwise share, lose or overflow a file name. Of IRIs
    whose readable names collide the first in code point order keeps it; the others, and any name that
    is empty, too long or reserved, get a short hash of the IRI, so every name is the same on every run.
    """
    claimed: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(set(iris)):
        claimed[snake(local_name(iri))].append(iri)
    names: dict[str, str] = {}
    for plain, members in claimed.items():
        for index, iri in enumerate(members):
            if index == 0 and plain and len(plain) <= MAX_NAME and plain not in RESERVED_NAMES:
                names[iri] = plain
            else:
                digest = hashlib.sha256(iri.encode("utf-8")).hexdigest()[:8]
                names[iri] = f"{plain[:MAX_NAME].rstrip('_') or 'elemen'}_{digest}"
    return names


def text(texts: Texts, lang: str = "en") -> str:
    return texts.get(lang) or texts.get("en") or texts.get("id") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Element:
    """What every element has: its IRI, labels and definitions in id and en."""

    iri: str
    label: Texts = field(compare=False, hash=False)
    definition: Texts = field(compare=False, hash=False)
    #: Its name in file names and identifiers (:func:`unique_names`); an attribute's is its own part.
    name: str = field(default="", compare=False, hash=False)

    @property
    def key(self) -> str:
        return local_name(self.iri)


@dataclass(frozen=True)
class AtributData(Element):
    entity: str = ""
    datatype: str = "string"  # XSD local name
    required: bool = False
    order: int = 0
    pdp: str | None = None  # "umum" / "spesifik" (UU 27/2022), None when not personal data
    pattern: str | None = None  # spbe:pola, a regular expression every value matches
    min_length: int | None = None  # spbe:panjangMinimum
    max_length: int | None = None  # spbe:panjangMaksimum


@dataclass(frozen=True)
class DataInformasi(Element):
    attributes: tuple[AtributData, ...] = ()
    openness: str | None = None  # terbuka / terbatas / tertutup
    kind: str | None = None  # spbe:jenisData: statistik / geospasial / keuangan / lainnya
    validity: str | None = None  # spbe:validitasData, a kode:Frekuensi notation (daily, yearly...)
    steward: str | None = None
    producers: tuple[str, ...] = ()
    #: the application holding the legal record, or the business process that makes a paper one
    authoritative_source: str | None = None
    #: applications keeping a digital copy of a legal record they are not the source of
    digital_copies: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    form: str | None = None
    #: the field names of the attributes that together identify one record (spbe:kunci), in attribute order
    primary_key: tuple[str, ...] = ()

    @property
    def personal(self) -> bool:
        return any(a.pdp for a in self.attributes)


@dataclass(frozen=True)
class Aplikasi(Element):
    kind: str = "Aplikasi"  # AplikasiKhusus / AplikasiUmum / AplikasiInstansiLain
    owner: str | None = None
    status: str | None = None
    holds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Antarmuka(Element):
    provider: str = ""
    api_kind: str | None = None  # local-api / program-api / web-api


@dataclass(frozen=True)
class Integrasi(Element):
    source: str = ""
    target: str = ""
    pattern: str | None = None  # web-api / service-bus / data-warehouse / federated-database / ...
    nature: str | None = None
    interface: str | None = None
    data: tuple[str, ...] = ()
    direction: str | None = None
    frequency: str | None = None
    protocol: str | None = None
    authentication: str | None = None
    encryption: str | None = None
    status: str | None = None
    see_also: tuple[str, ...] = ()
    #: the infrastructure it travels over: a network, a data centre, a middleware layer (SPL/SPLP)
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class KebijakanAkses(Element):
    role: str = ""
    role_category: str | None = None
    data: str = ""
    application: str | None = None
    rights: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProsesBisnis(Element):
    supported_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class KesenjanganData(Element):
    concerns: tuple[str, ...] = ()
    consequence: Texts = field(default_factory=dict, compare=False, hash=False)


@dataclass
class ArchitectureView:
    """The model as generators see it, indexed by IRI."""

    entities: dict[str, DataInformasi]
    applications: dict[str, Aplikasi]
    interfaces: dict[str, Antarmuka]
    integrations: dict[str, Integrasi]
    policies: dict[str, KebijakanAkses]
    processes: dict[str, ProsesBisnis]
    gaps: dict[str, KesenjanganData]
    labels: dict[str, Texts]
    definitions: dict[str, Texts] = field(default_factory=dict)
    version: str = "0"
    #: Every element's name for files and identifiers (:func:`unique_names`, per kind).
    names: dict[str, str] = field(default_factory=dict)
    header: ModelHeader = field(default_factory=lambda: ModelHeader("", {}, {}))
    #: The prefixes to show IRIs with, the model's own first (:attr:`LoadedModel.prefixes`).
    prefixes: dict[str, str] = field(default_factory=dict)
    #: The profiles the model declares (:mod:`arsitek.profiles`), in a fixed order.
    profiles: tuple[Profile, ...] = ()
    #: What the element pages show beyond these dataclasses, read when first asked for (:mod:`arsitek.facts`).
    model_facts: ModelFacts | None = field(default=None, repr=False, compare=False)

    @property
    def facts(self) -> ModelFacts:
        if self.model_facts is None:
            raise ValueError("this view was built without the model's facts")
        return self.model_facts

    def application_named(self, name: str) -> str:
        """The IRI of the application called ``name`` (its local name in any case, or its IRI)."""
        wanted = name.lower().replace("-", "").replace("_", "")
        for iri in sorted(self.applications):
            if local_name(iri).lower() == wanted or iri == name:
                return iri
        known = ", ".join(sorted(local_name(i) for i in self.applications))
        raise UsageError(f"no application called {name!r}; known: {known}")

    def slug(self, iri: str) -> str:
        """``https://example.go.id/arsitektur/SistemPerizinan`` -> ``sistem_perizinan``, unique among its kind."""
        return self.names.get(iri) or unique_names([iri])[iri]

    def short(self, iri: str) -> str:
        """The IRI as a prefixed name in the model's own prefixes (``kota:Perizinan``), else in full."""
        shown = shorten(iri, self.prefixes)
        return iri if shown.startswith("<") else shown

    def label(self, iri: str, lang: str = "en") -> str:
        return text(self.labels.get(iri, {}), lang) or local_name(iri)

    @cached_property
    def processes_by_application(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = defaultdict(list)
        for process in self.processes.values():
            for app in process.supported_by:
                out[app].append(process.iri)
        return {app: tuple(sorted(iris)) for app, iris in out.items()}

    @cached_property
    def policies_by_data(self) -> dict[str, tuple[KebijakanAkses, ...]]:
        out: dict[str, list[KebijakanAkses]] = defaultdict(list)
        for policy in self.policies.values():
            out[policy.data].append(policy)
        return {data: tuple(sorted(ps, key=lambda p: p.iri)) for data, ps in out.items()}


def _texts(model: LoadedModel, predicate: str) -> dict[str, Texts]:
    """Each subject's text per language; of two in one language, the first in code point order.

    Picked here rather than with ORDER BY, which took the store four times as long on a national model.
    """
    out: dict[str, Texts] = defaultdict(dict)
    query = f"SELECT ?s ?t WHERE {{ ?s {predicate} ?t FILTER(isLiteral(?t)) }}"
    for subject, literal in model.query(_PREFIXES + query):
        texts = out[subject.value]
        language = literal.language or ""
        shown = readable(literal.value)
        if language not in texts or shown < texts[language]:
            texts[language] = shown
    return out


def _multi(model: LoadedModel, predicate: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, set[str]] = defaultdict(set)
    for subject, value in model.query(_PREFIXES + f"SELECT ?s ?o WHERE {{ ?s {predicate} ?o }}"):
        out[subject.value].add(readable(value.value) if isinstance(value, ox.Literal) else value.value)
    return {s: tuple(sorted(v)) for s, v in out.items()}


def _single(model: LoadedModel, predicate: str) -> dict[str, str]:
    return {s: values[0] for s, values in _multi(model, predicate).items()}


def _count(value: str | None) -> int | None:
    """A length as written (``16``); None when absent or not a whole number (a rule reports that)."""
    return int(value) if value is not None and value.isdigit() else None


def _own_part(attribute: str) -> str:
    """``.../DPT-NIK`` -> ``.../NIK``: the IRI whose local name is the attribute's own part."""
    key = local_name(attribute)
    return attribute[: len(attribute) - len(key)] + (key.split("-", 1)[1] if "-" in key else key)


def build_view(model: LoadedModel) -> ArchitectureView:
    """Read the model into typed, sorted dataclasses with a fixed number of queries."""
    labels = _texts(model, "rdfs:label|skos:prefLabel")
    definitions = _texts(model, "skos:definition")
    notations = _single(model, "skos:notation")

    def _notation(iri: str | None) -> str | None:
        """Controlled-list concepts are referred to by their SKOS notation in contracts (``web-api``)."""
        return notations.get(iri) if iri else None

    types = _multi(model, "rdf:type")
    terms = {k: v for profile in model.profiles for k, v in profile.view_terms.items()}
    gap_class = terms.get("gap", "")

    def of_type(local: str) -> list[str]:
        return sorted(s for s, ts in types.items() if f"{SPBE}{local}" in ts)

    def of_class(iri: str) -> list[str]:
        """Members of ``iri`` or of any of its subclasses (a profile's kind of process is a process)."""
        classes = _subclasses(model, iri)
        return sorted(s for s, ts in types.items() if not classes.isdisjoint(ts))

    process_iris = of_class(f"{SPBE}ProsesBisnis")
    gap_iris = of_class(gap_class) if gap_class else []
    groups = [  # each kind's names are unique among that kind: its files share one folder
        of_type("DataInformasi"),
        [i for kind in ("Aplikasi", "AplikasiKhusus", "AplikasiUmum", "AplikasiInstansiLain") for i in of_type(kind)],
        of_type("Antarmuka"),
        of_type("Integrasi"),
        of_type("KebijakanAkses"),
        process_iris,
        gap_iris,
    ]
    names: dict[str, str] = {}
    for group in groups:
        names.update(unique_names(iri for iri in group if iri not in names))

    def base(iri: str) -> dict[str, object]:
        return {"iri": iri, "label": labels.get(iri, {}), "definition": definitions.get(iri, {}), "name": names[iri]}

    datatypes = _single(model, "spbe:tipeData")
    required = _single(model, "spbe:wajib")
    order = _single(model, "spbe:urutan")
    pdp = _single(model, "spbe:kategoriDataPribadi")
    patterns = _single(model, "spbe:pola")
    shortest, longest = _single(model, "spbe:panjangMinimum"), _single(model, "spbe:panjangMaksimum")
    has_attribute = _multi(model, "spbe:memilikiAtribut")
    attributes: dict[str, AtributData] = {}
    for entity, attrs in has_attribute.items():
        # A field is named by the attribute's own part of its IRI (kpu:DPT-NIK -> nik), unique in its entity.
        fields_of = unique_names(_own_part(iri) for iri in attrs)
        for iri in attrs:
            attributes[iri] = AtributData(
                iri=iri,
                label=labels.get(iri, {}),
                definition=definitions.get(iri, {}),
                name=fields_of[_own_part(iri)],
                entity=entity,
                datatype=datatypes.get(iri, f"{XSD}string").removeprefix(XSD),
                required=required.get(iri) == "true",
                order=int(order.get(iri, "0")),
                pdp=_notation(pdp.get(iri)),
                pattern=patterns.get(iri),
                min_length=_count(shortest.get(iri)),
                max_length=_count(longest.get(iri)),
            )
    openness, steward = _single(model, "spbe:keterbukaan"), _single(model, "spbe:waliData")
    kinds, validities = _single(model, "spbe:jenisData"), _single(model, "spbe:validitasData")
    producers, source = _multi(model, "spbe:produsenData"), _single(model, "spbe:sumberOtoritatif")
    copies = _multi(model, "spbe:salinanDigital")
    references = _multi(model, "spbe:merealisasikan")
    keys = _multi(model, "spbe:kunci")
    forms = _single(model, f"<{terms['form_code']}>") if "form_code" in terms else {}
    entities: dict[str, DataInformasi] = {}
    for iri in of_type("DataInformasi"):
        own = tuple(
            sorted(
                (attributes[a] for a in has_attribute.get(iri, ()) if a in attributes),
                key=lambda a: (a.order, a.iri),
            )
        )
        key = set(keys.get(iri, ()))
        entities[iri] = DataInformasi(
            **base(iri),  # type: ignore[arg-type]
            attributes=own,
            openness=_notation(openness.get(iri)),
            kind=_notation(kinds.get(iri)),
            validity=_notation(validities.get(iri)),
            steward=steward.get(iri),
            producers=producers.get(iri, ()),
            authoritative_source=source.get(iri),
            digital_copies=copies.get(iri, ()),
            references=references.get(iri, ()),
            form=forms.get(iri),
            primary_key=tuple(a.name for a in own if a.iri in key),
        )
    owners, statuses, holds = (
        _single(model, "spbe:pemilik"),
        _single(model, "spbe:statusSiklusHidup"),
        _multi(model, "spbe:menyimpanData"),
    )
    applications: dict[str, Aplikasi] = {}
    for kind in ("Aplikasi", "AplikasiKhusus", "AplikasiUmum", "AplikasiInstansiLain"):
        for iri in of_type(kind):
            applications[iri] = Aplikasi(
                **base(iri),  # type: ignore[arg-type]
                kind=kind,
                owner=owners.get(iri),
                status=_notation(statuses.get(iri)),
                holds=holds.get(iri, ()),
            )
    providers, api_kinds = _single(model, "spbe:disediakanOleh"), _single(model, "spbe:jenisApi")
    interfaces = {
        iri: Antarmuka(**base(iri), provider=providers.get(iri, ""), api_kind=_notation(api_kinds.get(iri)))  # type: ignore[arg-type]
        for iri in of_type("Antarmuka")
    }
    fields = {
        "source": "spbe:sumberIntegrasi",
        "target": "spbe:tujuanIntegrasi",
        "interface": "spbe:melaluiAntarmuka",
        "protocol": "spbe:protokol",
    }
    coded = {
        "pattern": "spbe:polaIntegrasi",
        "nature": "spbe:sifatIntegrasi",
        "direction": "spbe:arah",
        "frequency": "spbe:frekuensi",
        "authentication": "spbe:autentikasi",
        "encryption": "spbe:enkripsi",
        "status": "spbe:statusSiklusHidup",
    }
    plain = {name: _single(model, predicate) for name, predicate in fields.items()}
    codes = {name: _single(model, predicate) for name, predicate in coded.items()}
    carried, see_also = _multi(model, "spbe:membawaData"), _multi(model, "rdfs:seeAlso")
    over = _multi(model, "spbe:melaluiInfrastruktur")
    integrations = {
        iri: Integrasi(
            **base(iri),  # type: ignore[arg-type]
            **{
                name: values.get(iri, "") if name in ("source", "target") else values.get(iri)
                for name, values in plain.items()
            },  # type: ignore[arg-type]
            **{name: _notation(values.get(iri)) for name, values in codes.items()},  # type: ignore[arg-type]
            data=carried.get(iri, ()),
            see_also=see_also.get(iri, ()),
            via=over.get(iri, ()),
        )
        for iri in of_type("Integrasi")
    }
    roles, categories = _single(model, "spbe:untukPeran"), _single(model, "spbe:kategoriPengguna")
    on_data, via = _single(model, "spbe:atasData"), _single(model, "spbe:melaluiAplikasi")
    rights, locations = _multi(model, "spbe:hakAkses"), _multi(model, "spbe:lokasiAkses")
    policies = {
        iri: KebijakanAkses(
            **base(iri),  # type: ignore[arg-type]
            role=roles.get(iri, ""),
            role_category=_notation(categories.get(roles.get(iri, ""))),
            data=on_data.get(iri, ""),
            application=via.get(iri),
            rights=tuple(sorted(n for r in rights.get(iri, ()) if (n := _notation(r)))),
            locations=tuple(sorted(n for r in locations.get(iri, ()) if (n := _notation(r)))),
        )
        for iri in of_type("KebijakanAkses")
    }
    supported = _multi(model, "spbe:didukungOleh")
    processes = {
        iri: ProsesBisnis(**base(iri), supported_by=supported.get(iri, ()))  # type: ignore[arg-type]
        for iri in process_iris
    }
    concerns = _multi(model, f"<{terms['gap_concerns']}>") if "gap_concerns" in terms else {}
    consequences = _texts(model, f"<{terms['gap_consequence']}>") if "gap_consequence" in terms else {}
    gaps = {
        iri: KesenjanganData(**base(iri), concerns=concerns.get(iri, ()), consequence=consequences.get(iri, {}))  # type: ignore[arg-type]
        for iri in gap_iris
    }
    header = read_header(model, labels, definitions)
    return ArchitectureView(
        version=model_version(model, header),
        header=header,
        prefixes=dict(model.prefixes),
        profiles=tuple(model.profiles),
        entities=entities,
        applications=applications,
        interfaces=interfaces,
        integrations=integrations,
        policies=policies,
        processes=processes,
        gaps=gaps,
        labels=dict(labels),
        definitions=dict(definitions),
        names=names,
        model_facts=ModelFacts(model, labels),
    )


def _subclasses(model: LoadedModel, iri: str) -> set[str]:
    """``iri`` and every class below it (``rdfs:subClassOf*``)."""
    rows = model.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{iri}> }}")
    return {row["c"].value for row in rows} | {iri}
