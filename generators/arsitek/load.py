"""Files to one pyoxigraph store, one named graph per file.

Each file keeps its own graph so that every finding can point back to the file
(and, through :mod:`arsitek.locate`, the line) that said it. Parsing is
pyoxigraph's, about 30x faster than rdflib's; libraries that need the rdflib
API get the same store, never a second parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pyoxigraph as ox

from arsitek.errors import ImportNotResolved, InputError, SyntaxErrorInFile
from arsitek.locate import SourceLocator
from arsitek.profiles import Profile, by_iri
from arsitek.source_file import SourceFile

OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
OWL_ONTOLOGY = "http://www.w3.org/2002/07/owl#Ontology"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
}

_UTF8_BOM = b"\xef\xbb\xbf"

_POSITION = re.compile(
    r"^Parser error (?:at line \d+ between columns \d+ and \d+|(?:at|between) line \d+ column \d+"
    r"(?: and line \d+ column \d+)?): "
)


@dataclass
class LoadedModel:
    """The store and the files it came from, and the files that could not be read (with ``keep_going``)."""

    store: ox.Store
    files: list[SourceFile] = field(default_factory=list)
    unreadable: list[InputError | SyntaxErrorInFile] = field(default_factory=list)
    #: the profiles the model switched on by importing them (see :mod:`arsitek.profiles`)
    profiles: list[Profile] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_graph = {f.graph.value: f for f in self.files}
        self.locator = SourceLocator()

    def add_file(self, source: SourceFile) -> None:
        self.__dict__.pop("prefixes", None)
        self.files.append(source)
        self._by_graph[source.graph.value] = source

    def remove_file(self, source: SourceFile) -> None:
        """Forget a file and drop its graph (a file deleted while watching)."""
        self.__dict__.pop("prefixes", None)
        self.store.remove_graph(source.graph)
        self.files.remove(source)
        del self._by_graph[source.graph.value]
        self.locator.forget(source)

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """The prefixes to show IRIs with: the model's own ``@prefix`` lines first, then the vocabulary's.

        A namespace keeps the first prefix the model's files give it (in file order), so reports
        and the site say ``kota:Perizinan`` in the agency's words, not a prefix arsitek chose.
        """
        chosen: dict[str, str] = {}
        for source in sorted(self.files, key=lambda f: f.role != "model"):
            for prefix, namespace in declared_prefixes(source.path):
                if prefix and prefix not in chosen and namespace not in chosen.values():
                    chosen[prefix] = namespace
        return chosen

    def file_for_graph(self, graph_iri: str) -> SourceFile | None:
        return self._by_graph.get(graph_iri)

    def model_files(self) -> list[SourceFile]:
        return [f for f in self.files if f.role == "model"]

    def query(self, sparql: str) -> ox.QuerySolutions:
        """Run a SELECT over the union of all files."""
        result = self.store.query(sparql, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        return result

    def __len__(self) -> int:
        return len(self.store)


def display_path(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def collect_files(paths: Iterable[Path], exclude: Sequence[Path] = ()) -> list[Path]:
    """Expand folders to the RDF files below them, sorted, so every run loads in the same order."""
    found: list[Path] = []
    excluded = [e.resolve() for e in exclude]
    for given in paths:
        if not given.exists():
            raise InputError(given, "no such file or directory")
        if given.is_dir():
            inside = sorted(
                p.resolve()
                for p in given.rglob("*")
                if p.suffix in FORMATS
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(given).parts)
                and not any(p.resolve().is_relative_to(e) for e in excluded)
            )
            if not inside:
                raise InputError(given, "folder holds no Turtle files (*.ttl)")
            found.extend(inside)
        else:
            found.append(given.resolve())
    unique: dict[Path, None] = dict.fromkeys(found)
    return list(unique)


_PREFIX_LINE = re.compile(rb"^[ \t]*(?:@prefix|PREFIX)[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>\s]*)>", re.MULTILINE)


def declared_prefixes(path: Path) -> list[tuple[str, str]]:
    """The ``@prefix`` / ``PREFIX`` declarations of a Turtle file, in order (absolute namespaces only)."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    return [
        (m.group(1).decode("utf-8", "replace") if m.group(1) else "", m.group(2).decode("utf-8", "replace"))
        for m in _PREFIX_LINE.finditer(data)
        if b"://" in m.group(2)
    ]


def _read_text(path: Path) -> bytes:
    if path.suffix not in FORMATS:
        raise InputError(path, f"not a Turtle file (expected one of {', '.join(sorted(FORMATS))})")
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror}") from None
    if data.startswith(_UTF8_BOM):  # Windows Notepad writes one; Turtle has no use for it
        data = data[len(_UTF8_BOM) :]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "the file is UTF-16; save it as UTF-8")
    if not data.strip():
        raise InputError(path, "file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file, not Turtle")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        # In characters, as the parser counts: the line's bytes before the bad one, decoded.
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise SyntaxErrorInFile(
            display_path(path),
            line,
            column,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
        ) from None
    return data


def load_one(store: ox.Store, source: SourceFile) -> None:
    """Parse one file into its graph; a syntax error names the file, line and column."""
    data = _read_text(source.path)
    try:
        store.load(data, format=FORMATS[source.path.suffix], base_iri=source.path.as_uri(), to_graph=source.graph)
    except SyntaxError as exc:
        message = _POSITION.sub("", str(exc.msg if hasattr(exc, "msg") else exc))
        raise SyntaxErrorInFile(source.display, exc.lineno or 1, exc.offset or 1, message) from None
    except MemoryError:  # pyoxigraph's reader holds one token (a literal, an IRI) in a buffer of at most 16 MiB
        raise InputError(
            source.display,
            "holds a single value (a literal or an IRI) over 16 MiB, more than the Turtle reader takes; "
            "keep large content in a file of its own and refer to it",
        ) from None
    if next(iter(store.quads_for_pattern(None, None, None, source.graph)), None) is None:
        raise InputError(source.display, "holds no RDF statements (only prefixes or comments)")


def load_model(
    model_paths: Sequence[Path],
    ontology_paths: Sequence[Path] = (),
    *,
    exclude: Sequence[Path] = (),
    keep_going: bool = False,
) -> LoadedModel:
    """Load the vocabulary and the model into one store and resolve ``owl:imports`` locally.

    A file given both as vocabulary and as model is loaded once, as vocabulary. With ``keep_going``
    a model file that cannot be read (a syntax error, a wrong encoding) is recorded in
    :attr:`LoadedModel.unreadable` and the others are loaded, so one typo does not hide every finding.
    """
    store = ox.Store()
    model = LoadedModel(store)
    seen: set[Path] = set()
    for role, paths in (("ontology", ontology_paths), ("model", model_paths)):
        for path in collect_files(paths, exclude):
            if path in seen:
                continue
            seen.add(path)
            source = SourceFile(path=path, display=display_path(path), role=role)
            try:
                load_one(store, source)
            except (InputError, SyntaxErrorInFile) as error:
                if not keep_going or role != "model":
                    raise
                store.remove_graph(source.graph)
                model.unreadable.append(error)
                continue
            model.add_file(source)
    _resolve_imports(model)
    return model


SH_NODE_SHAPE = "http://www.w3.org/ns/shacl#NodeShape"


def misplaced_vocabulary(model: LoadedModel) -> str | None:
    """Why a model file is not a model: it holds SHACL shapes, or it is a copy of a vocabulary file.

    Given as a model, arsitek's own ``ontology/`` (or a copy of it) would be checked against
    itself and report every SHACL term; this names the first such file instead.
    """
    vocabulary = set().union(*(_ontologies_in(model, f) for f in model.files if f.role == "ontology"))
    for source in model.model_files():
        shapes = model.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(SH_NODE_SHAPE), source.graph)
        if next(iter(shapes), None) is not None:
            return (
                f"{source.display} holds SHACL shapes (rules), not a model; arsitek loads its rules from the "
                "vocabulary's shapes/ folder (--ontology DIR for your own)"
            )
        copied = sorted(vocabulary & _ontologies_in(model, source))
        if copied:
            return (
                f"{source.display} is a copy of arsitek's vocabulary (<{copied[0]}>), not a model; "
                "the vocabulary is always loaded: give the folder of your model"
            )
    return None


def _ontologies_in(model: LoadedModel, source: SourceFile) -> set[str]:
    quads = model.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL_ONTOLOGY), source.graph)
    return {quad.subject.value for quad in quads if isinstance(quad.subject, ox.NamedNode)}


def local_file(iri: str) -> Path | None:
    """The path a ``file:`` IRI names on this machine (``file:///x``, ``file://localhost/x``, percent-decoded).

    None for any other IRI, and for a ``file:`` IRI naming another host: arsitek never reaches it.
    """
    parts = urlsplit(iri)
    if parts.scheme.lower() != "file" or parts.netloc.lower() not in ("", "localhost"):
        return None
    return Path(url2pathname(unquote(parts.path)))


def _load_profile(model: LoadedModel, profile: Profile) -> None:
    """A profile's vocabulary files, as vocabulary: the model switched it on by importing it."""
    loaded = {f.graph.value for f in model.files}
    for path in collect_files(profile.vocabulary):
        source = SourceFile(path=path, display=display_path(path), role="ontology")
        if source.graph.value not in loaded:
            load_one(model.store, source)
            model.add_file(source)
    model.profiles.append(profile)


def _resolve_imports(model: LoadedModel) -> None:
    """Every ``owl:imports`` must name an ontology some loaded file declares, a profile, or a local file.

    A profile's IRI loads the profile's own files, a ``file:`` import of an existing file is
    loaded; anything else stops the run rather than being fetched or silently ignored.
    """
    declared = {row["o"].value for row in model.query(f"SELECT DISTINCT ?o WHERE {{ ?o a <{OWL_ONTOLOGY}> }}")}
    pending = True
    while pending:
        pending = False
        rows = model.store.query(
            f"SELECT ?g ?imp WHERE {{ GRAPH ?g {{ ?ont <{OWL_IMPORTS}> ?imp }} }} ORDER BY ?g ?imp"
        )
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            iri = row["imp"].value
            if iri in declared:
                continue
            profile = by_iri(iri)
            if profile is not None:
                _load_profile(model, profile)
                declared.add(iri)
                pending = True
                break
            local = local_file(iri)
            if local is not None and local.is_file():
                source = SourceFile(path=local.resolve(), display=display_path(local.resolve()), role="ontology")
                if source.graph.value not in {f.graph.value for f in model.files}:
                    load_one(model.store, source)
                    model.add_file(source)
                declared.add(iri)
                pending = True
                break
            importer = model.file_for_graph(row["g"].value)
            display = importer.display if importer else row["g"].value
            line = model.locator.term_line(importer, iri) if importer else None
            raise ImportNotResolved(display, line or 1, iri)
