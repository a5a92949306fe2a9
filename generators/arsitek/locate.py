"""From an IRI back to the line of hand-written Turtle that mentions it.

RDF parsers forget positions, but architects need ``file:line``. The index is
built lazily, once per file and only for files that have findings, by reading
the prefixes and the statement-starting tokens: subjects in hand-written Turtle
begin at column 0, predicates and objects are indented.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from urllib.parse import urljoin

from arsitek.source_file import SourceFile

_PREFIX = re.compile(r"[ \t]*@?PREFIX\s+([A-Za-z][\w.\-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_BASE = re.compile(r"[ \t]*@?BASE\s+<([^>]*)>", re.IGNORECASE | re.MULTILINE)
# What can start a line: a directive (@prefix, PREFIX, @base, BASE in any case) or a statement's subject.
# One pass over the line starts finds both; the case-insensitive forms are spelled out because re.IGNORECASE
# makes every attempt slower.
_LINE_START = re.compile(
    r"^(?:(?P<directive>[ \t]*@?(?:[Pp][Rr][Ee][Ff][Ii][Xx]|[Bb][Aa][Ss][Ee])[ \t][^\n]*)"
    r"|(?P<token><[^>\s]*>|[A-Za-z][\w.\-]*:[^\s;,()\[\]\"'#]*|:[^\s;,()\[\]\"'#]*))",
    re.MULTILINE,
)
_LOCAL_ESCAPE = re.compile(r"\\(.)")


@dataclass
class _FileIndex:
    lines: list[str]
    prefixes: dict[str, str]
    tokens: dict[str, int]  # a statement-starting token as written (ex:a) -> its first line (1-based)
    absolute: dict[str, int]  # the same for tokens that need resolving (<relative>, escaped local names), by IRI
    starts: list[int]  # every line that starts a statement, ascending

    def subject_line(self, iri: str) -> int | None:
        """The first line where ``iri`` starts a statement, in whatever form it was written."""
        found = [line] if (line := self.absolute.get(iri)) is not None else []
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and (line := self.tokens.get(f"{prefix}:{iri[len(namespace) :]}")):
                found.append(line)
        return min(found, default=None)


class SourceLocator:
    """Answers "on which line is this element defined / this term used?" for loaded files."""

    def __init__(self) -> None:
        self._indexes: dict[str, _FileIndex] = {}

    def prepare(self, sources: list[SourceFile]) -> None:
        """Index these files now (while another process works), not when their first finding asks."""
        for source in sources:
            self._index(source)

    def _index(self, source: SourceFile) -> _FileIndex:
        key = source.path.as_posix()
        if key not in self._indexes:
            text = source.path.read_text(encoding="utf-8-sig")
            base = source.path.as_uri()
            prefixes: dict[str, str] = {}
            lines = text.split("\n")  # as the parser counts lines: a U+2028 inside a literal is no line break
            tokens: dict[str, int] = {}
            absolute: dict[str, int] = {}
            starts: list[int] = []
            pending: list[tuple[str, int]] = []
            # One scan of the text; line numbers by counting the newlines between matches. Subject tokens
            # are kept as written and resolved only when looked up: most are never asked for.
            number, offset = 1, 0
            for match in _LINE_START.finditer(text):
                start = match.start()
                number += text.count("\n", offset, start)
                offset = start
                token = match.group("token")
                if token is None:
                    directive = match.group("directive")
                    if found := _BASE.match(directive):
                        base = urljoin(base, found.group(1))
                    elif found := _PREFIX.match(directive):
                        prefixes[found.group(1) or ""] = urljoin(base, found.group(2))
                    continue
                starts.append(number)
                token = token.rstrip(".")
                if token[0] == "<" or "\\" in token:
                    pending.append((token, number))
                else:
                    tokens.setdefault(token, number)
            for token, number in pending:  # resolved once all prefixes are known, as before
                if (iri := _resolve(token, prefixes, base)) is not None:
                    absolute.setdefault(iri, number)
            self._indexes[key] = _FileIndex(lines, prefixes, tokens, absolute, starts)
        return self._indexes[key]

    def forget(self, source: SourceFile) -> None:
        """Drop a file's index after the file changed."""
        self._indexes.pop(source.path.as_posix(), None)

    def definition_line(self, source: SourceFile, iri: str) -> int | None:
        """The line where ``iri`` starts a statement, else the first line that mentions it."""
        index = self._index(source)
        line = index.subject_line(iri)
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
        following = bisect_right(index.starts, start)
        end = index.starts[following] if following < len(index.starts) else len(index.lines) + 1
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
    return namespace + (_LOCAL_ESCAPE.sub(r"\1", local) if "\\" in local else local)


@cache
def _term_pattern(iri: str, prefixes: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    forms = [re.escape(f"<{iri}>")]
    for prefix, namespace in prefixes:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            forms.append(r"(?<![\w:.\-])" + re.escape(f"{prefix}:{local}") + r"(?![\w\-:]|\.[\w])")
    return re.compile("|".join(forms))
