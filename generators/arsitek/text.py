"""Text from the model, made safe for the place it goes.

Labels, definitions and versions are written by whoever edits the model, and
a build puts them into SQL, DOT, Markdown, CSV, XML and the terminal. Each
target has its own way of turning text into something that runs or breaks:
a newline ends an SQL comment, ``=`` starts a spreadsheet formula, an escape
sequence repaints a terminal, a control character makes XML invalid. Every
writer passes model text through the function for its target here; none
writes its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

#: C0 and C1 controls, DEL, and the Unicode line and paragraph separators: none belongs in a one-line text.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: What XML 1.0 forbids outright (tab, newline and carriage return are allowed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def one_line(value: str) -> str:
    """For the terminal and one-line messages: every control character shown as an escape (``\\n``, ``\\x1b``)."""
    return _CONTROL.sub(_visible, value)


def flat(value: str) -> str:
    """For comments and table cells: whitespace runs (newlines included) become one space, other controls escapes."""
    return one_line(" ".join(value.split()))


def xml_text(value: str) -> str:
    """For XML and SVG: characters XML cannot hold at all shown as escapes (``\\x07``)."""
    return _NOT_XML.sub(_visible, value)


def readable(value: str) -> str:
    """Model text as every generator receives it: what XML cannot hold is shown as an escape, the rest as written.

    Applied once where the view and the site read literals, so no page, SVG or workbook gets a
    character that makes it invalid; most text needs no change and costs one C-level test.
    """
    return value if value.isprintable() else xml_text(value)


# --- SQL ---------------------------------------------------------------------


def sql_comment(value: str) -> str:
    """For a ``--`` or ``/* */`` comment: one line, and no ``*/`` to close a block early."""
    return flat(value).replace("*/", "* /")


def sql_string(value: str) -> str:
    """The inside of a ``'...'`` literal, on one line."""
    return flat(value).replace("'", "''")


def sql_identifier(name: str) -> str:
    """A quoted identifier (SQL standard, SQLite, PostgreSQL): keywords such as ``order`` and leading digits work."""
    return '"' + flat(name).replace('"', '""') + '"'


# --- Markdown ----------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def markdown(value: str) -> str:
    """For a Markdown table cell or line: one line, no HTML, no link, no emphasis; the text reads as written."""
    escaped = flat(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


# --- Spreadsheets --------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(value: str) -> str:
    """For a CSV or XLSX cell (OWASP CSV injection): text a spreadsheet would run as a formula starts with ``'``.

    Excel and LibreOffice read a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
    (and their full-width forms) as a formula; the quote makes it text, and shows.
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def spreadsheet_row(values: Iterable[object]) -> list[str]:
    """Every cell of a row through :func:`spreadsheet_cell` (numbers and the like as their text)."""
    return [spreadsheet_cell(value if isinstance(value, str) else str(value)) for value in values]


# --- Links ---------------------------------------------------------------------

SAFE_SCHEMES = ("http", "https", "mailto")


def safe_url(value: str) -> str | None:
    """``value`` if it is an ``http``, ``https`` or ``mailto`` URL; None for anything a browser could run."""
    candidate = value.strip()
    if _CONTROL.search(candidate):
        return None
    try:
        scheme = urlsplit(candidate).scheme.lower()
    except ValueError:
        return None
    return candidate if scheme in SAFE_SCHEMES else None
