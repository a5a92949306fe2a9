"""One exception tree for everything a user can get wrong.

Library code raises these; only ``cli.py`` turns them into a one-line message
and an exit code, so no traceback ever reaches an architect.
"""

from __future__ import annotations

from pathlib import Path


class ArsitekError(Exception):
    """Base class: the run could not be completed (exit code 2)."""

    exit_code = 2
    #: Messages that already start with ``path:line:`` are printed as they are, like a compiler's.
    located = False


class InputError(ArsitekError):
    """A file cannot be read as a model: missing, empty, binary, wrong encoding."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


class SyntaxErrorInFile(ArsitekError):
    """A Turtle syntax error, reported the way compilers do: ``path:line:column: message``."""

    located = True

    def __init__(self, path: Path | str, line: int, column: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(f"{self.path}:{line}:{column}: error: {message}")


class ImportNotResolved(ArsitekError):
    """An ``owl:imports`` names an ontology no local file declares; arsitek never fetches it."""

    located = True

    def __init__(self, path: Path | str, line: int, iri: str) -> None:
        self.path = str(path)
        self.line = line
        self.iri = iri
        super().__init__(
            f"{self.path}:{line}: error: owl:imports <{iri}> does not resolve to a local file "
            "(arsitek never fetches from the network; add the file to the paths you load)"
        )


class UsageError(ArsitekError):
    """An option or argument combination that cannot work."""


class OutputError(ArsitekError):
    """Writing the output failed or would leave the output folder."""
