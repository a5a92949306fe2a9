"""The safety promises of docs/safety.md, each tried the way a careless or hostile user would.

Never lose a user's files: the output folder must be one arsitek made, an empty one or a new
one, and a kill at any moment leaves the previous output whole. Never run what a label says:
the hostile-label model builds, and its SQL, links, cells, XML and terminal text stay text.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from arsitek.errors import OutputError
from arsitek.guard import MANIFEST, Lock, check_target, is_mount_point
from arsitek.output import write_tree
from tests.conftest import FIXTURES, ROOT, postgres_schema
from tests.test_cli import arsitek

BASE = FIXTURES / "rules" / "_base" / "base.ttl"
HOSTILE = FIXTURES / "hostile" / "hostile.ttl"
EXTRA = FIXTURES / "rules" / "ARS-DOC-001" / "pass-both-labels.ttl"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file and link under ``folder`` (links as their target), to compare byte for byte."""
    out: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[key] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            out[key] = path.read_bytes()
    return out


def a_repository(folder: Path) -> Path:
    """A folder as an architect's repository looks: git metadata, notes, and the model itself."""
    (folder / ".git" / "objects").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "notes.md").write_text("# my notes\n")
    (folder / "model").mkdir()
    (folder / "model" / "base.ttl").write_bytes(BASE.read_bytes())
    return folder


# --- the output folder --------------------------------------------------------------------------


@pytest.mark.parametrize("where", [".", "model", "", "repo-parent"])
def test_build_never_replaces_a_folder_holding_the_users_work(tmp_path: Path, where: str) -> None:
    repo = a_repository(tmp_path / "repo")
    before = tree(tmp_path)
    out = {"repo-parent": str(tmp_path)}.get(where, where)
    done = arsitek("build", "model", "-o", out, cwd=repo)
    assert done.returncode == 2, done.stderr
    message = done.stderr.strip().splitlines()
    assert len(message) == 1 and message[0].startswith("arsitek: error: refusing to write to"), done.stderr
    assert "Traceback" not in done.stderr
    assert tree(tmp_path) == before


def test_build_refuses_a_folder_it_did_not_write_and_says_what_to_do(tmp_path: Path) -> None:
    repo = a_repository(tmp_path / "repo")
    before = tree(repo)
    done = arsitek("build", str(repo / "model"), "-o", str(repo))
    assert done.returncode == 2
    assert "it holds the model being built" in done.stderr
    other = tmp_path / "documents"
    other.mkdir()
    (other / "thesis.docx").write_bytes(b"years of work")
    done = arsitek("build", str(BASE), "-o", str(other))
    assert done.returncode == 2
    assert f"no {MANIFEST} from an earlier build" in done.stderr and "give a new or empty folder" in done.stderr
    assert (other / "thesis.docx").read_bytes() == b"years of work"
    assert tree(repo) == before


def test_output_inside_the_model_or_through_a_link_is_refused(tmp_path: Path) -> None:
    repo = a_repository(tmp_path / "repo")
    inside = arsitek("build", str(repo / "model"), "-o", str(repo / "model" / "site"))
    assert inside.returncode == 2 and "inside the model being built" in inside.stderr
    assert not (repo / "model" / "site").exists()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep")
    (tmp_path / "link").symlink_to(precious)
    linked = arsitek("build", str(BASE), "-o", str(tmp_path / "link"))
    assert linked.returncode == 2 and "symbolic link" in linked.stderr
    assert tree(precious) == {"keep.txt": b"keep"}
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert arsitek("build", str(BASE), "-o", str(a_file)).returncode == 2
    assert a_file.read_text() == "x"


def test_an_empty_folder_and_an_earlier_build_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert arsitek("build", str(BASE), "-o", str(out)).returncode == 0
    assert (out / MANIFEST).is_file() and (out / "site" / "index.html").is_file()
    (out / "stale.html").write_text("from an older build")
    again = arsitek("build", str(BASE), "-o", str(out))
    assert again.returncode == 0, again.stderr
    assert not (out / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging, backup or lock file left"


def test_a_link_inside_an_earlier_output_is_removed_not_followed(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep")
    out = tmp_path / "out"
    assert arsitek("build", str(BASE), "-o", str(out)).returncode == 0
    (out / "site" / "elsewhere").symlink_to(precious)
    assert arsitek("build", str(BASE), "-o", str(out)).returncode == 0
    assert tree(precious) == {"keep.txt": b"keep"}


def test_mount_points_are_refused_before_building() -> None:
    assert is_mount_point(Path("/proc"))
    with pytest.raises(OutputError, match="mount point"):
        check_target(Path("/proc"))
    assert not is_mount_point(ROOT / "tests")


def test_a_real_bind_mount_is_refused(tmp_path: Path) -> None:
    volume, source = tmp_path / "volume", tmp_path / "source"
    volume.mkdir()
    source.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(source), str(volume)], capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {mounted.stderr.decode().strip()}")
    try:
        done = arsitek("build", str(BASE), "-o", str(volume))
        assert done.returncode == 2 and "mount point" in done.stderr and "-o" in done.stderr
        assert list(volume.iterdir()) == []
    finally:
        subprocess.run(["umount", str(volume)], check=False)


def test_ordinary_os_conditions_are_one_line(tmp_path: Path) -> None:
    done = arsitek("build", str(BASE), "-o", str(tmp_path / ("x" * 300)))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "File name too long" in done.stderr, done.stderr
    assert "internal error" not in done.stderr


def test_a_second_build_into_the_same_folder_is_refused_clearly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Lock(tmp_path / ".out.arsitek-lock", out):
        done = arsitek("build", str(BASE), "-o", str(out))
    assert done.returncode == 2
    assert f"another arsitek build is writing to {out} (process {os.getpid()})" in done.stderr
    assert not out.exists()
    assert arsitek("build", str(BASE), "-o", str(out)).returncode == 0


def test_stale_folders_of_killed_builds_are_cleaned_and_a_half_swap_repaired(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, [("index.html", "old")])
    (tmp_path / ".out.arsitek-new-abcdefgh").mkdir()  # a staging folder of a build killed while writing
    (tmp_path / ".out.arsitek-new-abcdefgh" / "half.html").write_text("half")
    (tmp_path / ".out.arsitek-lock").write_text("12345\n")  # its lock file, no longer locked
    keep = tmp_path / ".out.notes"  # a name that is not arsitek's own
    keep.mkdir()
    write_tree(out, [("index.html", "new")])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.notes", "out"]
    # a build killed between the two renames of a system without an exchange: the old folder is put back
    os.rename(out, tmp_path / ".out.arsitek-old-999")
    write_tree(tmp_path / "other", [("a", "b")])  # another folder's build leaves it alone
    assert (tmp_path / ".out.arsitek-old-999").is_dir()
    with pytest.raises(OutputError):
        write_tree(out, [("a", "b"), ("a", "twice")])
    assert (out / "index.html").read_text() == "new"


def _kill_during(args: list[str], delay: float, sig: signal.Signals) -> int:
    process = subprocess.Popen(
        [sys.executable, "-m", "arsitek", *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    time.sleep(delay)
    process.send_signal(sig)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
    return process.returncode


def test_a_build_killed_at_any_moment_leaves_the_old_or_the_new_output_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    old_model, new_model = [str(BASE)], [str(BASE), str(EXTRA)]
    assert arsitek("build", *new_model, "-o", str(out)).returncode == 0
    new = tree(out)
    assert arsitek("build", *old_model, "-o", str(out)).returncode == 0
    old = tree(out)
    assert old != new
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "arsitek", "build", *new_model, "-o", str(out)], cwd=ROOT, check=True)
    whole = time.perf_counter() - started
    shuffle = random.Random(20261202)
    for run in range(24):
        current = tree(out)
        model = old_model if current == new else new_model
        # Mostly while it runs; every sixth kill comes late, most often after the build is done.
        delay = whole * (3 if run % 6 == 5 else shuffle.uniform(0, 1.2))
        code = _kill_during(["build", *model, "-o", str(out)], delay, signal.SIGKILL)
        after = tree(out)
        assert after in (old, new), f"run {run}: killed with exit {code}, the output is neither whole build"
    assert arsitek("build", *old_model, "-o", str(out)).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "the next build cleans what the kills left"
    assert tree(out) == old


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_clean_up(tmp_path: Path, sig: signal.Signals) -> None:
    """Sent while the build writes its staging folder: the folder goes, the old output stays, exit 143 or 130."""
    out = tmp_path / "out"
    assert arsitek("build", str(BASE), "-o", str(out)).returncode == 0
    before = tree(out)
    process = subprocess.Popen(
        [sys.executable, "-m", "arsitek", "build", str(BASE), str(EXTRA), "-o", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.arsitek-new-*")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(sig)
    _, errors = process.communicate(timeout=60)
    if process.returncode != 0:  # it finished before the signal came: nothing to clean up
        assert process.returncode == {signal.SIGTERM: 143, signal.SIGINT: 130}[sig], errors
        assert b"Traceback" not in errors
        assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging folder, no lock file"


def test_a_report_never_overwrites_the_model_it_checks(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "base.ttl").write_bytes(BASE.read_bytes())
    done = arsitek("validate", str(model), "--format", "json", "-o", str(model / "base.ttl"))
    assert done.returncode == 2 and "overwrite the model" in done.stderr
    assert (model / "base.ttl").read_bytes() == BASE.read_bytes()


# --- hostile labels -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("hostile") / "out"
    done = arsitek("build", str(BASE), str(HOSTILE), "-o", str(out), env={"TERM": "dumb"})
    assert done.returncode == 0, done.stderr
    return out, done


def _sql(out: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((out / "contracts").rglob("*.sql"))]


def test_hostile_sql_runs_in_sqlite_without_running_what_labels_say(hostile_build: tuple[Path, object]) -> None:
    out, _ = hostile_build
    scripts = _sql(out)
    assert len(scripts) == 2
    connection = sqlite3.connect(":memory:")
    for script in scripts:
        connection.executescript(script)
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert not {t for t in tables if t.startswith("pwned")}, tables
    assert {"dim_pesanan", "fakta_pesanan", "src_aplikasi__pesanan", "gudang_terpadu"} <= tables
    columns = {row[1] for row in connection.execute('PRAGMA table_info("src_aplikasi__pesanan")')}
    assert columns == {"order", "table", "select"}  # SQL keywords as column names, quoted


def test_hostile_sql_runs_in_postgresql_without_running_what_labels_say(
    hostile_build: tuple[Path, object], postgres: str
) -> None:
    out, _ = hostile_build
    with postgres_schema(postgres, "hostile", _sql(out)) as connection:
        tables = {
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'hostile'"
            )
        }
    assert not {t for t in tables if t.startswith("pwned")}, tables
    assert {"dim_pesanan", "fakta_pesanan", "gudang_terpadu"} <= tables


def test_no_script_link_in_the_site(hostile_build: tuple[Path, object]) -> None:
    out, _ = hostile_build
    pages = list((out / "site").rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""(?:href|src|xlink:href)\s*=\s*["']?\s*(?:javascript|data|vbscript):""", html, re.I), (
            page
        )
        assert "<script>alert" not in html and "<b>KPU</b>" not in html, page
    source = (out / "site" / "en" / "aplikasi" / "gudang.html").read_text(encoding="utf-8")
    assert "Hostile source" in source  # shown, as text


def test_no_spreadsheet_cell_starts_a_formula(hostile_build: tuple[Path, object]) -> None:
    from openpyxl import load_workbook

    out, _ = hostile_build
    formula = ("=", "+", "-", "@", "\t", "\r")
    files = sorted(out.rglob("*.csv"))
    assert len(files) >= 3
    seen_hostile = False
    for path in files:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:
                assert not cell.startswith(formula), (path.name, cell)
                seen_hostile |= cell.startswith("'=HYPERLINK") or cell.startswith("'@SUM")
    assert seen_hostile, "the hostile labels reached a CSV, neutralised"
    for path in sorted(out.rglob("*.xlsx")):
        book = load_workbook(path, read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for cell in row:
                    assert not (isinstance(cell, str) and cell.startswith(formula)), (path.name, cell)


def test_xml_outputs_stay_well_formed_and_the_terminal_gets_no_escape(
    hostile_build: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, done = hostile_build
    svgs = sorted((out / "site").rglob("*.svg"))
    assert svgs
    for path in [*svgs, out / "validation" / "report.junit.xml"]:
        ET.parse(path)
    organisation = (out / "site" / "en" / "struktur-organisasi.svg").read_text(encoding="utf-8")
    assert "&lt;b&gt;KPU&lt;/b&gt;" in organisation and "Unit \\N \\G" in organisation
    page = (out / "site" / "id" / "data" / "pesanan.html").read_text(encoding="utf-8")
    assert "\x1b" not in page and "\\x1b[31m merah \\x07" in page
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    shown = arsitek("validate", str(BASE), str(HOSTILE), env={"FORCE_COLOR": "1"})
    assert "Aliran\\n$(touch /tmp/pwned)" in shown.stdout, "a newline in a label is shown, not obeyed"
    assert not Path("/tmp/pwned").exists()


def test_markdown_carries_no_html_and_no_link(hostile_build: tuple[Path, object]) -> None:
    out, _ = hostile_build
    catalogue = (out / "contracts" / "catalogue.md").read_text(encoding="utf-8")
    assert "<b>" not in catalogue and "Flow \\| to &lt;b&gt;warehouse&lt;/b&gt;" in catalogue
    rows = [line for line in catalogue.splitlines() if line.startswith("| ")]
    assert all(line.count(" | ") == 8 for line in rows), "no label adds a column"


# --- names that collide -------------------------------------------------------------------------

NAMES = FIXTURES / "hostile" / "names.ttl"


def test_colliding_empty_reserved_and_long_names_each_get_a_file_of_their_own(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = arsitek("build", str(BASE), str(NAMES), "-o", str(out))
    assert done.returncode == 0, done.stderr
    first = tree(out)
    schemas = sorted(p.name for p in (out / "contracts" / "schemas").glob("*.schema.json"))
    assert len(schemas) == 5 and "dp4.schema.json" in schemas  # DP4, dp4, two non-Latin names, Orang
    assert all(not name.startswith(".") and len(name) < 100 for name in schemas)
    pages = sorted(p.name for p in (out / "site" / "id" / "aplikasi").glob("*.html"))
    assert len(pages) == 5 and "index.html" in pages  # the list page, and the application called Index
    index = (out / "site" / "id" / "aplikasi" / "index.html").read_text(encoding="utf-8")
    assert "<table" in index, "the list page is not overwritten by the element called Index"
    assert max(len(name.encode()) for name in first) < 200
    lower = json.loads((out / "contracts" / "schemas" / schemas[1]).read_text(encoding="utf-8"))
    assert len(lower["properties"]) == 2, "ex:dp4-Nama and ex:dp4-NAMA are two fields"
    assert arsitek("build", str(BASE), str(NAMES), "-o", str(out)).returncode == 0
    assert tree(out) == first, "the same names on every run"
