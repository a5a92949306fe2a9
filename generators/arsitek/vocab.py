"""The namespaces arsitek defines, in one place so no module spells an IRI by hand."""

from __future__ import annotations

import re

SPBE = "https://w3id.org/arsitek/spbe#"
PEMILU = "https://w3id.org/arsitek/pemilu#"
REF = "https://w3id.org/arsitek/ref/"
ATURAN = "https://w3id.org/arsitek/aturan#"
KPU = "https://w3id.org/arsitek/kpu/"
KODE = "https://w3id.org/arsitek/kode/"
SUMBER = "https://w3id.org/arsitek/sumber/"

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"

PREFIXES: dict[str, str] = {
    "spbe": SPBE,
    "pemilu": PEMILU,
    "ref": REF,
    "ars": ATURAN,
    "kpu": KPU,
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


def shorten(iri: str) -> str:
    """A prefixed name for display (``spbe:Aplikasi``); the full IRI when no prefix fits."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return f"<{iri}>"


_IRI_IN_TEXT = re.compile(r"https?://[^\s,;()<>\"']+")


def shorten_text(text: str) -> str:
    """Replace the full IRIs a SHACL engine pastes into messages with prefixed names."""

    def one(match: re.Match[str]) -> str:
        short = shorten(match.group(0))
        return match.group(0) if short.startswith("<") else short

    return _IRI_IN_TEXT.sub(one, text)


def local_name(iri: str) -> str:
    """The last segment of an IRI: ``kpu:DPT-NIK`` -> ``DPT-NIK``."""
    stripped = iri.rstrip("/#")
    return stripped[max(stripped.rfind("/"), stripped.rfind("#")) + 1 :]
