"""Typed findings: the one shape every engine returns and every report renders."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from arsitek.hosting import Hosting


class Severity(enum.IntEnum):
    """SHACL's three severities, ordered so thresholds compare (``>= Severity.WARNING``)."""

    INFO = 1
    WARNING = 2
    VIOLATION = 3

    @classmethod
    def from_iri(cls, iri: str) -> Severity:
        local = iri.rsplit("#", 1)[-1]
        return {"Info": cls.INFO, "Warning": cls.WARNING, "Violation": cls.VIOLATION}.get(local, cls.VIOLATION)

    @classmethod
    def parse(cls, word: str) -> Severity:
        return cls[word.upper()]

    @property
    def word(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Location:
    """Where in the sources an element is defined (or a term is used)."""

    file: str
    line: int | None


@dataclass(frozen=True)
class Finding:
    """One result of one rule about one element."""

    rule_id: str
    severity: Severity
    focus_node: str
    shape: str
    path: str | None = None
    value: str | None = None
    message: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    label: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    location: Location | None = field(default=None, compare=False, hash=False)
    #: For a typo: the declared term it most likely meant (:mod:`arsitek.validate.hints`).
    suggestion: str | None = field(default=None, compare=False, hash=False)
    #: For a finding that only follows from a typo elsewhere on the element: that typo's term.
    caused_by: str | None = field(default=None, compare=False, hash=False)

    def message_in(self, lang: str) -> str:
        return self.message.get(lang) or self.message.get("en") or next(iter(self.message.values()), "")

    def label_in(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or next(iter(self.label.values()), "")

    @property
    def identity(self) -> tuple[str, str, str, str, str, str]:
        """What two engines must agree on for the same finding."""
        return (
            self.focus_node,
            self.path or "",
            self.rule_id,
            self.severity.word,
            self.value or "",
            self.shape,
        )

    def sort_key(self) -> tuple[str, int, str, str, str, str, str]:
        loc = self.location
        return (
            loc.file if loc else "~",
            (loc.line or 0) if loc else 0,
            self.focus_node,
            self.rule_id,
            self.path or "",
            self.value or "",
            self.message.get("en", ""),
        )


@dataclass(frozen=True)
class Rule:
    """A rule of the catalogue: a named SHACL shape with an ``ars:ruleId``."""

    rule_id: str
    shape: str
    severity: Severity
    title: dict[str, str]
    description: dict[str, str]

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or self.rule_id

    def description_in(self, lang: str) -> str:
        return self.description.get(lang) or self.description.get("en") or ""


#: The id every report gives a file that could not be read, beside the rules' ids.
UNREADABLE_RULE = "ARS-PARSE-001"
UNREADABLE_TITLE = {"id": "Berkas dapat dibaca sebagai Turtle", "en": "Files can be read as Turtle"}


@dataclass(frozen=True)
class ReadError:
    """A model file that could not be read (a syntax error, a wrong encoding).

    Reported in every format beside the findings of the files that could be read, so a
    code-scanning upload shows it at its line; the run still exits 2.
    """

    file: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.file, self.line, self.column) if part is not None)
        return f"{where}: error: {self.message}"


@dataclass(frozen=True)
class ValidationResult:
    """Everything a report needs: what was checked, by which rules, what was found, and what could not be read."""

    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    files: tuple[str, ...]
    triples: int
    engine: str
    unreadable: tuple[ReadError, ...] = ()
    #: the prefixes to show IRIs with, the model's own first (``LoadedModel.prefixes``)
    prefixes: Mapping[str, str] = field(default_factory=dict)
    #: where the model's files are hosted and its site published, when its header says (for links)
    hosting: Hosting = field(default_factory=Hosting)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, threshold: Severity) -> bool:
        return any(f.severity >= threshold for f in self.findings)
