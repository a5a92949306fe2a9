"""A cell's text as the RDF terms its column's property takes: codes, elements, dates, numbers, words.

What a cell may say follows the vocabulary: a property whose range is a SKOS concept takes a code
("RAB.09.01"), a name ("Dalam Negeri") or both ("RAB.09.01 Dalam Negeri"); one whose range is a
class takes the label of an element of that class; a typed one takes its datatype's forms, as
people type them (dates as text or as Excel serials, numbers stored as text, "ya"/"tidak"). A value
that fits none of these is a reason, which the importer reports with the cell's place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from arsitek.spreadsheet.reading import normal
from arsitek.text import safe_url
from arsitek.vocab import RDF, RDFS, SKOS, XSD

LANG_STRING = f"{RDF}langString"
CONCEPT = f"{SKOS}Concept"
#: literal properties whose cells hold one text however many ";" it has
WHOLE_TEXT = {f"{RDFS}label", f"{SKOS}definition", f"{RDFS}comment", LANG_STRING}

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "aug", "ags"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "december", "des", "dec"),
        ],
        start=1,
    )
    for name in names
}
_TRUE = {"ya", "y", "yes", "true", "benar", "1", "v", "✓"}
_FALSE = {"tidak", "t", "no", "n", "false", "salah", "0", "-"}


class NotUnderstood(ValueError):
    """The cell says something its column's property cannot take; the message says why, plainly."""


@dataclass(frozen=True)
class Range:
    """What a property takes: literals (of a datatype), concepts, or elements (of some classes; any when none)."""

    kind: str = "literal"  # "literal", "concept" or "element"
    datatype: str | None = None
    classes: frozenset[str] = frozenset()


@dataclass
class Names:
    """Everything a cell can name, from the model being merged into and the workbook itself."""

    #: concept IRI -> (labels in every language, code)
    concepts: Mapping[str, tuple[Mapping[str, str], str | None]]
    #: element IRI -> its classes
    types: dict[str, set[str]]
    #: element IRI -> its labels in every language
    labels: dict[str, dict[str, str]]
    #: class IRI -> every class beneath it
    subclasses: Mapping[str, set[str]]
    _by_code: dict[str, list[str]] = field(default_factory=dict)
    _by_label: dict[str, list[str]] = field(default_factory=dict)
    _elements: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for iri, (labels, code) in sorted(self.concepts.items()):
            if code:
                self._by_code.setdefault(normal(code), []).append(iri)
            for label in set(labels.values()):
                self._by_label.setdefault(normal(label), []).append(iri)
        for iri in sorted(self.labels):
            self.add_element(iri)

    def add_element(self, iri: str) -> None:
        """Make an element nameable by its labels and local name (an element the workbook adds)."""
        local = re.split(r"[/#]", iri)[-1]
        for text in {*self.labels.get(iri, {}).values(), local}:
            self._elements.setdefault(normal(text), set()).add(iri)

    def closure(self, classes: Iterable[str]) -> set[str]:
        wanted = set(classes)
        return wanted.union(*(self.subclasses.get(c, set()) for c in wanted))

    def concept(self, text: str) -> str:
        """The concept a cell names by its code, its name, or "CODE Name"."""
        key = normal(text)
        if found := self._by_code.get(key):
            return _one(found, text, self.concepts)
        words = text.split()
        for cut in range(len(words) - 1, 0, -1):  # "CODE Name", the longest code first ("Keputusan KPU …")
            if found := self._by_code.get(normal(" ".join(words[:cut]))):
                return _one(found, text, self.concepts)
        if found := self._by_label.get(key):
            return _one(found, text, self.concepts)
        raise NotUnderstood(f"{text!r} is neither a code nor the name of a code in the reference lists")

    def element(self, text: str, classes: frozenset[str], kind: str) -> str | None:
        """The element of one of ``classes`` a cell names; None when there is none (the caller decides)."""
        wanted = self.closure(classes)
        found = sorted(
            iri for iri in self._elements.get(normal(text), set()) if not wanted or self.types.get(iri, set()) & wanted
        )
        if len(found) > 1:
            raise NotUnderstood(f"{text!r} names {len(found)} {kind}s ({', '.join(found[:3])}); write one by its ID")
        return found[0] if found else None


def _one(found: list[str], text: str, concepts: Mapping[str, tuple[Mapping[str, str], str | None]]) -> str:
    if len(found) == 1:
        return found[0]
    codes = sorted(concepts[i][1] or i for i in found)
    raise NotUnderstood(f"{text!r} matches {len(found)} codes ({', '.join(codes[:4])}); write the code")


def split_values(text: str, prop: str, range_: Range) -> list[str]:
    """Several values in one cell, as the export writes them ("a; b") or one per line."""
    if prop in WHOLE_TEXT or range_.datatype in WHOLE_TEXT:
        return [text]
    return [part.strip() for part in re.split(r";|\n", text) if part.strip()]


def literal(text: str, stored: object, datatype: str | None, lang: str) -> ox.Literal:
    """The literal of ``datatype`` a cell's text (or stored number or date) means."""
    if datatype is None or datatype == f"{XSD}string":
        return ox.Literal(text)
    if datatype == LANG_STRING:
        return ox.Literal(text, language=lang)
    if datatype == f"{XSD}boolean":
        word = text.casefold()
        if word in _TRUE or word in _FALSE:
            return ox.Literal("true" if word in _TRUE else "false", datatype=ox.NamedNode(datatype))
        raise NotUnderstood(f"{text!r} is not yes or no (ya/tidak, yes/no, true/false, 1/0)")
    if datatype in (f"{XSD}integer", f"{XSD}nonNegativeInteger", f"{XSD}positiveInteger", f"{XSD}int"):
        number = re.sub(r"(?<=\d)[.,\s](?=\d{3}(\D|$))", "", text)  # 1.000 or 1,000 or 1 000
        if re.fullmatch(r"[+-]?\d+", number):
            return ox.Literal(str(int(number)), datatype=ox.NamedNode(datatype))
        raise NotUnderstood(f"{text!r} is not a whole number")
    if datatype == f"{XSD}decimal":
        number = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
        if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", number):
            return ox.Literal(number, datatype=ox.NamedNode(datatype))
        raise NotUnderstood(f"{text!r} is not a number")
    if datatype == f"{XSD}date":
        return ox.Literal(date(text, stored).isoformat(), datatype=ox.NamedNode(datatype))
    if datatype == f"{XSD}gYear":
        if re.fullmatch(r"\d{4}", text):
            return ox.Literal(text, datatype=ox.NamedNode(datatype))
        raise NotUnderstood(f"{text!r} is not a year (four digits)")
    if datatype == f"{XSD}anyURI":  # an address a reader will follow: the web or mail, never a script
        if safe_url(text) == text and not re.search(r"[\s<>\"{}|\\^`]", text):
            return ox.Literal(text, datatype=ox.NamedNode(datatype))
        raise NotUnderstood(f"{text!r} is not a web address (http://, https:// or mailto:)")
    return ox.Literal(text, datatype=ox.NamedNode(datatype))


def date(text: str, stored: object) -> dt.date:
    """A date as Excel stores it (a date, or a serial number) or as people write it."""
    if isinstance(stored, dt.datetime):
        return stored.date()
    if isinstance(stored, dt.date):
        return stored
    if isinstance(stored, int | float) and not isinstance(stored, bool) and 1 <= stored < 2958466:
        from openpyxl.utils.datetime import from_excel

        converted = from_excel(stored)
        return converted.date() if isinstance(converted, dt.datetime) else converted
    value = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value):
        year, month, day = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value):  # Indonesian order: day first
        day, month, year = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})", value):
        if m.group(2).casefold() not in _MONTHS:
            raise NotUnderstood(f"{text!r}: {m.group(2)!r} is not a month")
        day, month, year = int(m.group(1)), _MONTHS[m.group(2).casefold()], int(m.group(3))
    else:
        raise NotUnderstood(f"{text!r} is not a date (write 2024-03-31, 31/03/2024 or 31 Maret 2024)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise NotUnderstood(f"{text!r} is not a date of the calendar") from None
