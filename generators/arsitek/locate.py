"""From an IRI back to the line of hand-written Turtle that mentions it.

RDF parsers forget positions, but architects need ``file:line``. The index is
built lazily, once per file and only for files that have findings, by reading
the prefixes and the statement-starting tokens: subjects in hand-written Turtle
begin at column 0, predicates and objects are indented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urljoin

if TYPE_CHECKING:
    from arsitek.load import SourceFile

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.\-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_BASE = re.compile(r"^\s*(?:@base|BASE)\s+<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_LEADING = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.\-]*:[^\s;,()\[\]\"'#]*|:[^\s;,()\[\]\"'#]*)")
_LOCAL_ESCAPE = re.compile(r"\\(.)")


@dataclass
class _FileIndex:
    lines: list[str]
    prefixes: dict[str, str]
    subjects: dict[str, int]  # IRI -> first line (1-based) where it starts a statement


class SourceLocator:
    """Answers "on which line is this element defined / this term used?" for loaded files."""

    def __init__(self) -> None:
        self._indexes: dict[str, _FileIndex] = {}

    def _index(self, source: SourceFile) -> _FileIndex:
        key = source.path.as_posix()
        if key not in self._indexes:
            text = source.path.read_text(encoding="utf-8")
            base_match = _BASE.search(text)
            base = urljoin(source.path.as_uri(), base_match.group(1)) if base_match else source.path.as_uri()
            prefixes = {(m.group(1) or ""): urljoin(base, m.group(2)) for m in _PREFIX.finditer(text)}
            lines = text.splitlines()
            subjects: dict[str, int] = {}
            for number, line in enumerate(lines, start=1):
                match = _LEADING.match(line)
                if match is None:
                    continue
                iri = _resolve(match.group(1).rstrip("."), prefixes, base)
                if iri is not None and iri not in subjects:
                    subjects[iri] = number
            self._indexes[key] = _FileIndex(lines=lines, prefixes=prefixes, subjects=subjects)
        return self._indexes[key]

    def definition_line(self, source: SourceFile, iri: str) -> int | None:
        """The line where ``iri`` starts a statement, else the first line that mentions it."""
        index = self._index(source)
        line = index.subjects.get(iri)
        return line if line is not None else self.term_line(source, iri)

    def line_in_block(self, source: SourceFile, subject: str, terms: list[str]) -> int | None:
        """The line inside ``subject``'s statement block that mentions the first of ``terms`` found there.

        Points a finding about a misspelled property or value at that very line;
        falls back to the line where the subject is defined.
        """
        index = self._index(source)
        start = self.definition_line(source, subject)
        if start is None:
            return None
        end = min((n for n in index.subjects.values() if n > start), default=len(index.lines) + 1)
        prefixes = tuple(sorted(index.prefixes.items()))
        for term in terms:
            pattern = _term_pattern(term, prefixes)
            for number in range(start, end):
                if pattern.search(index.lines[number - 1]):
                    return number
        return start

    def term_line(self, source: SourceFile, iri: str, after: int = 1) -> int | None:
        """The first line at or after ``after`` that mentions ``iri`` in full or prefixed form."""
        index = self._index(source)
        pattern = _term_pattern(iri, tuple(sorted(index.prefixes.items())))
        for number in range(max(after, 1), len(index.lines) + 1):
            if pattern.search(index.lines[number - 1]):
                return number
        return None


def _resolve(token: str, prefixes: dict[str, str], base: str) -> str | None:
    if token.startswith("<"):
        return urljoin(base, token[1:-1])
    prefix, _, local = token.partition(":")
    namespace = prefixes.get(prefix)
    if namespace is None:
        return None
    return namespace + _LOCAL_ESCAPE.sub(r"\1", local)


@cache
def _term_pattern(iri: str, prefixes: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    forms = [re.escape(f"<{iri}>")]
    for prefix, namespace in prefixes:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            forms.append(r"(?<![\w:.\-])" + re.escape(f"{prefix}:{local}") + r"(?![\w\-:]|\.[\w])")
    return re.compile("|".join(forms))
