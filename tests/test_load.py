"""Loading: one named graph per file, and bad input turned into a clear, located error."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from arsitek.errors import ImportNotResolved, InputError, SyntaxErrorInFile
from arsitek.load import collect_files, load_model
from arsitek.paths import DataFolders
from tests.conftest import FIXTURES

TURTLE = "@prefix ex: <https://example.org/> .\n"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_each_file_gets_its_own_graph(tmp_path: Path) -> None:
    a = write(tmp_path, "a.ttl", TURTLE + "ex:a ex:p ex:b .\n")
    b = write(tmp_path, "b.ttl", TURTLE + "ex:b ex:p ex:c .\nex:c ex:p ex:d .\n")
    model = load_model([a, b])
    assert [f.path.name for f in model.files] == ["a.ttl", "b.ttl"]
    assert len({f.graph for f in model.files}) == 2
    counts = {f.path.name: len(list(model.store.quads_for_pattern(None, None, None, f.graph))) for f in model.files}
    assert counts == {"a.ttl": 1, "b.ttl": 2}
    assert len(model) == 3


def test_folders_expand_sorted_and_skip_hidden(tmp_path: Path) -> None:
    write(tmp_path, "b.ttl", TURTLE + "ex:b ex:p ex:c .\n")
    write(tmp_path, "a.ttl", TURTLE + "ex:a ex:p ex:c .\n")
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git", "x.ttl", "not turtle at all")
    assert [p.name for p in collect_files([tmp_path])] == ["a.ttl", "b.ttl"]


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.ttl", TURTLE + "ex:a ex:p ex:b ;\n   ex:q ex:c\nex:d ex:e ex:f .\n")
    with pytest.raises(SyntaxErrorInFile) as caught:
        load_model([bad])
    error = caught.value
    assert error.path.endswith("bad.ttl")
    assert (error.line, error.column) == (4, 1)
    assert str(error).startswith(f"{error.path}:4:1: error: ")
    assert "Parser error" not in error.message


def test_undeclared_prefix_is_a_located_syntax_error(tmp_path: Path) -> None:
    bad = write(tmp_path, "prefix.ttl", TURTLE + "ex:a ex:p nope:b .\n")
    with pytest.raises(SyntaxErrorInFile) as caught:
        load_model([bad])
    assert caught.value.line == 2
    assert "nope" in caught.value.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "file is empty"),
        (b"   \n\n", "file is empty"),
        (b"\x00\x01binary\x02", "binary file"),
        (b"# only a comment\n@prefix ex: <https://example.org/> .\n", "holds no RDF statements"),
    ],
)
def test_unusable_files_get_one_line_errors(tmp_path: Path, content: bytes, expected: str) -> None:
    path = write(tmp_path, "x.ttl", content)
    with pytest.raises(InputError) as caught:
        load_model([path])
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_non_utf8_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.ttl", TURTLE.encode() + b'ex:a ex:p "caf\xe9" .\n')
    with pytest.raises(SyntaxErrorInFile) as caught:
        load_model([path])
    assert (caught.value.line, caught.value.column) == (2, 15)
    assert "UTF-8" in caught.value.message


def test_missing_file_and_wrong_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_model([tmp_path / "missing.ttl"])
    other = write(tmp_path, "model.json", "{}")
    with pytest.raises(InputError, match="not a Turtle file"):
        load_model([other])
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    with pytest.raises(InputError, match="no Turtle files"):
        load_model([empty_dir])


def test_remote_import_fails_clearly_without_fetching(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("arsitek tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    path = write(
        tmp_path,
        "imports.ttl",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<https://example.org/o> a owl:Ontology ;\n"
        "    owl:imports <https://example.org/remote-vocabulary> .\n",
    )
    with pytest.raises(ImportNotResolved) as caught:
        load_model([path])
    assert caught.value.line == 3
    assert "never fetches" in str(caught.value)


def test_local_file_import_is_loaded(tmp_path: Path) -> None:
    extra = write(tmp_path, "extra.ttl", TURTLE + "ex:x ex:p ex:y .\n")
    main = write(
        tmp_path,
        "main.ttl",
        f"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<https://example.org/o> a owl:Ontology ;\n"
        f"    owl:imports <{extra.as_uri()}> .\n",
    )
    model = load_model([main])
    assert {f.path.name for f in model.files} == {"main.ttl", "extra.ttl"}
    assert (
        ox.Quad(
            ox.NamedNode("https://example.org/x"),
            ox.NamedNode("https://example.org/p"),
            ox.NamedNode("https://example.org/y"),
            ox.NamedNode(extra.resolve().as_uri()),
        )
        in model.store
    )


def test_imports_of_the_shipped_vocabulary_resolve(folders: DataFolders) -> None:
    model = load_model([folders.model], [folders.ontology], exclude=folders.not_vocabulary)
    assert any(f.path.name == "kpu.ttl" for f in model.model_files())


def test_locator_finds_definition_and_term_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "loc.ttl",
        TURTLE
        + "\n# a comment mentioning ex:b\nex:a ex:p ex:b ;\n    ex:q ex:c .\n\n<https://example.org/b> ex:p ex:a .\n",
    )
    model = load_model([path])
    source = model.files[0]
    assert model.locator.definition_line(source, "https://example.org/a") == 4
    assert model.locator.definition_line(source, "https://example.org/b") == 7
    assert model.locator.line_in_block(source, "https://example.org/a", ["https://example.org/q"]) == 5
    assert model.locator.line_in_block(source, "https://example.org/a", ["https://example.org/zz"]) == 4


@pytest.mark.parametrize(
    "form",
    ["absolute", "localhost", "percent-encoded", "relative"],
)
def test_every_form_of_a_local_file_import_resolves_and_validates_clean(tmp_path: Path, form: str) -> None:
    """The README's documented local import: loaded, and no ARS-REF-001 on the import itself."""
    from tests.test_cli import arsitek

    shared = tmp_path / "bersama bagian"  # a space, so the IRI needs percent-encoding
    shared.mkdir()
    extra = shared / "istilah.ttl"
    extra.write_text((FIXTURES / "rules" / "ARS-DOC-001" / "pass-both-labels.ttl").read_text(encoding="utf-8"))
    iri = {
        "absolute": extra.as_uri(),
        "localhost": extra.as_uri().replace("file:///", "file://localhost/"),
        "percent-encoded": extra.as_uri().replace("istilah", "%69stilah"),
        "relative": "bersama%20bagian/istilah.ttl",
    }[form]
    header = write(
        tmp_path,
        "kepala.ttl",
        f"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<https://example.org/instansi> a owl:Ontology ;\n"
        f"    owl:imports <{iri}> .\n",
    )
    base = FIXTURES / "rules" / "_base" / "base.ttl"
    assert {f.path.name for f in load_model([base, header]).files} == {"base.ttl", "kepala.ttl", "istilah.ttl"}
    done = arsitek("validate", str(base), str(header), "--lang", "en")
    assert done.returncode == 0 and "No findings." in done.stdout, done.stdout


def test_a_file_import_of_another_host_is_not_reached(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "imports.ttl",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<https://example.org/o> a owl:Ontology ;\n"
        "    owl:imports <file://fileserver/share/vocabulary.ttl> .\n",
    )
    with pytest.raises(ImportNotResolved):
        load_model([path])


def test_a_value_over_the_readers_limit_is_refused_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, "besar.ttl", TURTLE + 'ex:a ex:p "' + "x" * (17 << 20) + '" .\n')
    with pytest.raises(InputError, match="over 16 MiB"):
        load_model([path])


def test_utf8_error_columns_count_characters(tmp_path: Path) -> None:
    path = write(tmp_path, "aksara.ttl", TURTLE.encode() + 'ex:a ex:p "éé€'.encode() + b'\xff" .\n')
    with pytest.raises(SyntaxErrorInFile) as caught:
        load_model([path])
    assert (caught.value.line, caught.value.column) == (2, 15)  # ex:a ex:p "éé€ is 14 characters (18 bytes)


def test_control_characters_in_an_error_stay_on_one_line(tmp_path: Path) -> None:
    from tests.test_cli import arsitek

    path = write(tmp_path, "kendali.ttl", TURTLE + "ex:a ex:p \u2028\x1b[31m ex:b\n")
    done = arsitek("validate", str(path), "--format", "json")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 2 and "\x1b" not in done.stderr and "\u2028" not in done.stderr, done.stderr
