"""``arsitek build``: validate first, write atomically, never leave half-written output."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from arsitek.errors import ArsitekError, OutputError
from arsitek.guard import MANIFEST
from arsitek.output import OutputTree, SameAs, safe_relative, write_tree
from tests.conftest import FIXTURES
from tests.test_cli import arsitek

RULES = FIXTURES / "rules"


def snapshot(folder: Path) -> dict[str, bytes]:
    """What a build wrote, without the manifest every build adds (test_safety checks that)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def test_build_writes_reports_identically_twice(tmp_path: Path) -> None:
    first = arsitek("build", "--output", str(tmp_path / "one"), "--lang", "en")
    second = arsitek("build", "--output", str(tmp_path / "two"), "--lang", "en")
    assert first.returncode == 0 == second.returncode, first.stderr
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert [p for p in sorted(one) if p.startswith("validation/")] == [
        "validation/report.json",
        "validation/report.junit.xml",
        "validation/report.sarif",
        "validation/report.txt",
    ]
    assert "contracts/catalogue.json" in one and "contracts/openapi/sidalih.openapi.json" in one
    assert one == two


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert arsitek("build", str(RULES / "_base" / "base.ttl"), "--output", str(out)).returncode == 0
    before = snapshot(out)
    broken = arsitek(
        "build",
        str(RULES / "_base" / "base.ttl"),
        str(RULES / "ARS-APP-001" / "fail-no-owner.ttl"),
        "--output",
        str(out),
    )
    assert broken.returncode == 1
    assert "ARS-APP-001" in broken.stderr and "left as it was" in broken.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "no staging folder left behind"


def test_allow_invalid_and_strict(tmp_path: Path) -> None:
    files = [str(RULES / "_base" / "base.ttl"), str(RULES / "ARS-APP-001" / "fail-no-owner.ttl")]
    assert arsitek("build", *files, "--allow-invalid", "--output", str(tmp_path / "a")).returncode == 0
    warning_only = [
        str(RULES / "_base" / "base.ttl"),
        str(RULES / "ARS-SEC-004" / "fail-risk-without-mitigation.ttl"),
    ]
    assert arsitek("build", *warning_only, "--output", str(tmp_path / "b")).returncode == 0
    assert arsitek("build", *warning_only, "--strict", "--output", str(tmp_path / "c")).returncode == 1
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize(
    "path", ["../escape.html", "/etc/passwd", "a/../../b", "C:/x", "a\\..\\b", "~/x", "", "a/\x00b"]
)
def test_paths_leaving_the_output_folder_are_refused(path: str) -> None:
    with pytest.raises(OutputError):
        safe_relative(path)


def test_write_tree_keeps_old_output_when_an_artifact_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, [("index.html", "old")])

    def artifacts():  # type: ignore[no-untyped-def]
        yield ("index.html", "new")
        yield ("../evil.html", "x")

    with pytest.raises(OutputError):
        write_tree(out, artifacts())
    assert snapshot(out) == {"index.html": b"old"}
    assert not (tmp_path / "evil.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_two_processes_write_one_tree(tmp_path: Path) -> None:
    """A second process writes its part at the same time; the tree is swapped in only when both are done."""
    target = tmp_path / "out"
    written = write_tree(target, [("id/a.html", "a")], beside=lambda: [("en/a.html", "b"), ("en/b.svg", b"c")])
    assert written == 3
    assert sorted(snapshot(target)) == ["en/a.html", "en/b.svg", "id/a.html"]


@pytest.mark.parametrize(
    "theirs",
    [[("../escape.html", "x")], [("id/a.html", "same path twice")]],
    ids=["path leaving the folder", "path written by both"],
)
def test_a_failure_in_the_second_process_keeps_the_old_tree(tmp_path: Path, theirs: list[tuple[str, str]]) -> None:
    target = tmp_path / "out"
    write_tree(target, [("old.html", "old")])
    with pytest.raises(ArsitekError, match="second process failed"):
        write_tree(target, [("id/a.html", "a")], beside=lambda: __import__("time").sleep(0.3) or theirs)
    assert sorted(snapshot(target)) == ["old.html"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_a_file_the_same_as_another_is_linked_not_written_twice(tmp_path: Path) -> None:
    """The site's copy of the contracts: one file on disk with two names, where the file system allows."""
    target = tmp_path / "out"
    write_tree(target, [("contracts/a.json", "{}"), ("site/contracts/a.json", SameAs("contracts/a.json"))])
    original, copy = target / "contracts" / "a.json", target / "site" / "contracts" / "a.json"
    assert copy.read_text(encoding="utf-8") == "{}"
    assert os.path.samefile(original, copy)
    with pytest.raises(OutputError, match="leave the output folder"):
        write_tree(tmp_path / "other", [("a", "x"), ("b", SameAs("../out/contracts/a.json"))])
    with pytest.raises(OutputError, match="both be written"):
        write_tree(tmp_path / "other", [("a", "x"), ("b", "y"), ("b", SameAs("a"))])


def test_parts_written_beside_at_different_times_make_one_tree(tmp_path: Path) -> None:
    """The build starts one writer before gathering the site and one after; all three parts land together."""
    target = tmp_path / "out"
    with OutputTree(target) as tree:
        tree.write_beside(lambda: [("contracts/a.json", "{}")])
        assert not target.exists()
        tree.write_beside(lambda: [("en/a.html", "b")])
        tree.write([("id/a.html", "a")])
    assert tree.written == 3
    assert snapshot(target) == {"contracts/a.json": b"{}", "en/a.html": b"b", "id/a.html": b"a"}


def test_a_failure_here_stops_the_writers_beside_and_keeps_the_old_tree(tmp_path: Path) -> None:
    target = tmp_path / "out"
    write_tree(target, [("old.html", "old")])

    pid_file = tmp_path / "pid"

    def slow() -> list[tuple[str, str]]:
        (tmp_path / "pid.tmp").write_text(str(os.getpid()))
        os.replace(tmp_path / "pid.tmp", pid_file)  # whole or not at all: the parent reads it as soon as it exists
        time.sleep(60)
        (tmp_path / "finished").touch()  # only if it was waited for instead of stopped
        return [("late.html", "late")]

    with pytest.raises(OutputError), OutputTree(target) as tree:
        tree.write_beside(slow)
        while not pid_file.exists():
            time.sleep(0.01)
        tree.write([("../evil.html", "x")])
    with pytest.raises(ProcessLookupError):  # stopped and reaped, not waited for
        os.kill(int(pid_file.read_text()), 0)
    pid_file.unlink()
    assert not (tmp_path / "finished").exists()
    assert snapshot(target) == {"old.html": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
