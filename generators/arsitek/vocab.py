"""The namespaces arsitek defines, in one place so no module spells an IRI by hand."""

from __future__ import annotations

import re
from collections.abc import Mapping

SPBE = "https://w3id.org/arsitek/spbe#"
REF = "https://w3id.org/arsitek/ref/"
ATURAN = "https://w3id.org/arsitek/aturan#"
KODE = "https://w3id.org/arsitek/kode/"
SUMBER = "https://w3id.org/arsitek/sumber/"

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: The prefixes arsitek shows IRIs with when a model declares none of its own (see ``LoadedModel.prefixes``).
PREFIXES: dict[str, str] = {
    "spbe": SPBE,
    "ref": REF,
    "ars": ATURAN,
    "kode": KODE,
    "src": SUMBER,
    "sh": SH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "xsd": XSD,
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def shorten(iri: str, prefixes: Mapping[str, str] | None = None) -> str:
    """A prefixed name for display (``spbe:Aplikasi``); the full IRI when no prefix fits.

    ``prefixes`` are the model's own (``LoadedModel.prefixes``), tried before arsitek's defaults;
    the longest namespace that fits wins.
    """
    best, best_namespace = "", ""
    for table in (prefixes or {}, PREFIXES):
        for prefix, namespace in table.items():
            if iri.startswith(namespace) and len(namespace) > len(best_namespace):
                best, best_namespace = prefix, namespace
    if best:
        return f"{best}:{iri[len(best_namespace) :]}"
    return f"<{iri}>"


_IRI_IN_TEXT = re.compile(r"https?://[^\s,;()<>\"']+")


def shorten_text(text: str, prefixes: Mapping[str, str] | None = None) -> str:
    """Replace the full IRIs a SHACL engine pastes into messages with prefixed names."""

    def one(match: re.Match[str]) -> str:
        short = shorten(match.group(0), prefixes)
        return match.group(0) if short.startswith("<") else short

    return _IRI_IN_TEXT.sub(one, text)


_BRACKETED_IRI = re.compile(r"<(https?://[^\s<>]+)>")


def shorten_bracketed(text: str, prefixes: Mapping[str, str]) -> str:
    """``<https://x.go.id/a/Foo>`` in a message, as ``kota:Foo`` when the model declares a prefix for it.

    Messages are rendered from the rules before the model's prefixes are known; this names the
    terms the way the architect writes them.
    """

    def one(match: re.Match[str]) -> str:
        return shorten(match.group(1), prefixes) if prefixes else match.group(0)

    return _BRACKETED_IRI.sub(one, text)


def local_name(iri: str) -> str:
    """The last segment of an IRI: ``ex:DPT-NIK`` -> ``DPT-NIK``."""
    stripped = iri.rstrip("/#")
    return stripped[max(stripped.rfind("/"), stripped.rfind("#")) + 1 :]
