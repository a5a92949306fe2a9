"""An ArchiMate exchange file read safely, checked against the Open Group's schema, as plain records.

Exchange files come from other people's tools, so the reader trusts nothing: a file that declares
a DTD or an entity is refused before it is parsed (a MEFF file needs neither, and that is where
external entities and entity-expansion bombs live); the parser never touches the network, never
resolves an entity and never grows a huge tree. The schema (``xsd/``, with its key and keyref
constraints) is checked from local files. Archi, Visual Paradigm and Sparx EA write the format
differently (identifier styles, ``windows-1252``, names without ``xml:lang``, empty names): the
records below take all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from arsitek.errors import InputError

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XSD = Path(__file__).resolve().parent / "xsd"
#: a larger exchange file is refused rather than read into memory
MAX_BYTES = 256 * 1024 * 1024
_HOSTILE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass
class Problem:
    line: int | None
    reason: str


@dataclass
class Record:
    """An element or a relationship: what it is called, its type, its texts and its properties."""

    identifier: str
    kind: str
    line: int
    names: dict[str, str] = field(default_factory=dict)
    documentation: dict[str, str] = field(default_factory=dict)
    properties: list[tuple[str, str]] = field(default_factory=list)  # (property name, value)
    source: str = ""
    target: str = ""


@dataclass
class View:
    identifier: str
    names: dict[str, str]
    shows: list[str]


@dataclass
class Exchange:
    names: dict[str, str]
    elements: list[Record]
    relationships: list[Record]
    views: list[View]
    folders: dict[str, str]  # identifier -> "Business / Actors"
    problems: list[Problem]


def _texts(node: Any, tag: str, default_lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for child in node.findall(f"{{{NS}}}{tag}"):
        value = " ".join((child.text or "").split()) if tag == "name" else (child.text or "").strip()
        if value:
            out.setdefault(child.get(XML_LANG) or default_lang, value)
    return out


@cache
def _schema() -> Any:
    from lxml import etree

    class Local(etree.Resolver):  # type: ignore[misc]
        def resolve(self, url: str, pubid: str, context: Any) -> Any:
            name = url.rsplit("/", 1)[-1]
            if (XSD / name).is_file():
                return self.resolve_filename(str(XSD / name), context)
            return None

    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(Local())
    return etree.XMLSchema(etree.parse(str(XSD / "exchange.xsd"), parser))


def read_exchange(path: Path, default_lang: str = "en", lenient: bool = False) -> Exchange:
    """The file's elements, relationships, views and folders; the schema's complaints as problems.

    Without ``lenient`` a file that breaks the schema is refused (:class:`InputError` naming its
    first problem's line); with it, every problem is returned and what can be read is read.
    """
    from lxml import etree

    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(path, error.strerror or "cannot be read") from None
    if size > MAX_BYTES:
        raise InputError(path, f"is {size // (1024 * 1024)} MiB, more than an exchange file arsitek reads")
    data = path.read_bytes()
    hostile = _HOSTILE.search(data)
    if hostile:
        line = data.count(b"\n", 0, hostile.start()) + 1
        raise InputError(
            path,
            f"line {line}: declares a DTD or an entity (<!{hostile.group(1).decode()}), which an exchange "
            "file never needs; refused without reading it further (external entities, entity bombs)",
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise InputError(
            path, f"line {error.lineno}, column {error.offset}: not well-formed XML: {error.msg}"
        ) from None
    if root.tag != f"{{{NS}}}model":
        raise InputError(path, f"is not an ArchiMate exchange file (its root is {etree.QName(root).localname!r})")
    schema = _schema()
    problems = []
    if not schema.validate(root.getroottree()):
        problems = [Problem(e.line, e.message) for e in schema.error_log]
        if not lenient:
            first = problems[0]
            more = (
                f" (and {len(problems) - 1} more; --lenient imports what it can and lists them)"
                if len(problems) > 1
                else ""
            )
            raise InputError(path, f"line {first.line}: breaks the ArchiMate exchange schema: {first.reason}{more}")
    definitions = {
        d.get("identifier", ""): next(iter(_texts(d, "name", default_lang).values()), d.get("identifier", ""))
        for d in root.iter(f"{{{NS}}}propertyDefinition")
    }

    def record(node: Any) -> Record:
        found = Record(node.get("identifier", ""), node.get(XSI_TYPE, ""), node.sourceline or 0)
        found.names = _texts(node, "name", default_lang)
        found.documentation = _texts(node, "documentation", default_lang)
        found.source, found.target = node.get("source", ""), node.get("target", "")
        for prop in node.findall(f"{{{NS}}}properties/{{{NS}}}property"):
            ref = prop.get("propertyDefinitionRef", "")
            if ref not in definitions:
                problems.append(
                    Problem(prop.sourceline, f"property refers to definition {ref!r}, which is not defined")
                )
                continue
            for value in _texts(prop, "value", default_lang).values():
                found.properties.append((definitions[ref], value))
        return found

    elements = [record(n) for n in root.iterfind(f"{{{NS}}}elements/{{{NS}}}element")]
    relationships = [record(n) for n in root.iterfind(f"{{{NS}}}relationships/{{{NS}}}relationship")]
    views = [
        View(
            v.get("identifier", ""),
            _texts(v, "name", default_lang),
            [n.get("elementRef", "") for n in v.iter(f"{{{NS}}}node") if n.get("elementRef")],
        )
        for v in root.iterfind(f"{{{NS}}}views/{{{NS}}}diagrams/{{{NS}}}view")
    ]
    folders: dict[str, str] = {}

    def walk(node: Any, trail: tuple[str, ...]) -> None:
        for item in node.findall(f"{{{NS}}}item"):
            label = next(iter(_texts(item, "label", default_lang).values()), "")
            if item.get("identifierRef"):
                folders.setdefault(item.get("identifierRef"), " / ".join(trail))
            walk(item, (*trail, label) if label else trail)

    for organizations in root.findall(f"{{{NS}}}organizations"):
        walk(organizations, ())
    return Exchange(_texts(root, "name", default_lang), elements, relationships, views, folders, problems)
