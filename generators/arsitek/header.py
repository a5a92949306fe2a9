"""The model's own ontology header: what the site is called, what it says it is about, its version.

Read from the model's files, never the vocabulary's, so a new agency's site carries its own name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from arsitek.hosting import Hosting, hosting_from
from arsitek.load import LoadedModel
from arsitek.text import readable
from arsitek.vocab import DCTERMS, OWL, SPBE

Texts = dict[str, str]
LICENSE, LINK, SITE = f"{DCTERMS}license", f"{SPBE}tautanBerkas", f"{SPBE}alamatSitus"


@dataclass(frozen=True)
class ModelHeader:
    """The model's own ``owl:Ontology``: its IRI, title and description in each language."""

    iri: str
    title: Texts
    description: Texts
    #: ``dcterms:license``: the licence the model, and the contracts made from it, are published under
    license: str = ""
    #: where its files are hosted and its site published (``spbe:tautanBerkas``, ``spbe:alamatSitus``)
    hosting: Hosting = field(default_factory=Hosting)


def read_header(model: LoadedModel, titles: dict[str, Texts], descriptions: dict[str, Texts]) -> ModelHeader:
    """The header among the model's ontologies: the one that imports the most, then the first IRI.

    The entry point that pulls in the others imports the most, so the pick is the file an
    architect thinks of as the model, and the same on every run. ``titles`` and ``descriptions``
    are the labels and definitions the view has read already.
    """
    model_graphs = {f.graph.value for f in model.model_files()}
    solutions = model.store.query(
        f"SELECT ?g ?o (COUNT(?i) AS ?n) WHERE {{ GRAPH ?g {{ ?o a <{OWL}Ontology> "
        f"OPTIONAL {{ ?o <{OWL}imports> ?i }} }} }} GROUP BY ?g ?o"
    )
    assert isinstance(solutions, ox.QuerySolutions)
    found = sorted(
        (-int(row["n"].value), row["o"].value)
        for row in solutions
        if row["g"] is not None and row["g"].value in model_graphs and isinstance(row["o"], ox.NamedNode)
    )
    if not found:
        return ModelHeader("", {}, {})
    iri = found[0][1]
    settings: dict[str, list[str]] = {LICENSE: [], LINK: [], SITE: []}
    rows = model.query(f"SELECT ?p ?v WHERE {{ <{iri}> ?p ?v FILTER (?p IN (<{LICENSE}>, <{LINK}>, <{SITE}>)) }}")
    for row in rows:
        prop, value = row["p"].value, row["v"]
        if prop == LICENSE:
            settings[prop].append(readable(str(value.value)))
        elif isinstance(value, ox.Literal):  # a link or an address is written as text
            settings[prop].append(value.value)
    licenses = sorted(settings[LICENSE])
    return ModelHeader(
        iri,
        titles.get(iri, {}),
        descriptions.get(iri, {}),
        licenses[0] if licenses else "",
        hosting_from(settings[LINK], settings[SITE]),
    )


SPDX = "http://spdx.org/licenses/"


def license_object(license: str, spdx_identifier: bool = True) -> dict[str, str]:
    """``info.license``: an SPDX IRI becomes its identifier, another IRI a URL, text a name.

    OpenAPI 3.1 has ``identifier`` for SPDX; AsyncAPI 3.0 only ``url`` (``spdx_identifier=False``).
    """
    if license.startswith((SPDX, SPDX.replace("http:", "https:"))):
        identifier = license.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
        if spdx_identifier:
            return {"name": identifier, "identifier": identifier}
        return {"name": identifier, "url": f"https://spdx.org/licenses/{identifier}.html"}
    if license.startswith(("https://", "http://")):
        return {"name": license.rstrip("/").rsplit("/", 1)[-1] or license, "url": license}
    return {"name": license}


def model_version(model: LoadedModel, header: ModelHeader) -> str:
    """The header's ``owl:versionInfo`` (the first, when it has several), or "0"."""
    if not header.iri:
        return "0"
    solutions = model.query(f"SELECT ?v WHERE {{ <{header.iri}> <{OWL}versionInfo> ?v }}")
    versions = sorted(readable(str(row["v"].value)) for row in solutions)
    return versions[0] if versions else "0"
