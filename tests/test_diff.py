"""``arsitek diff``: a series of commits in a real git repository, each change reported with the right ids."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import ROOT

NS = "https://kota.example.go.id/arsitektur/"


def arsitek(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "arsitek", *args], capture_output=True, text=True, cwd=cwd)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Arsitek", "-c", "user.email=a@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def blocks(text: str) -> tuple[str, list[str]]:
    """A house-style file's header (comments and prefixes) and its statement blocks."""
    parts = text.split("\n\n")
    head = [p for p in parts if p.lstrip().startswith(("#", "@prefix")) or not p.strip()]
    body = [p for p in parts if p not in head]
    return "\n\n".join(head), body


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A model repository with one commit per kind of change; returns it and each commit's hash."""
    repo = tmp_path_factory.mktemp("repo")
    git(repo, "init", "-q", "-b", "main")
    done = arsitek("init", str(repo / "model"), "--name", "Kota Contoh", "--prefix", "kota", "--namespace", NS)
    assert done.returncode == 0, done.stderr
    model = repo / "model"
    commits: dict[str, str] = {}

    def commit(name: str) -> None:
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", name)
        commits[name] = git(repo, "rev-parse", "HEAD")

    commit("init")
    apps = model / "aplikasi.ttl"
    apps.write_text(
        apps.read_text(encoding="utf-8")
        + """
kota:AplikasiArsip a spbe:AplikasiUmum ;
    rdfs:label "Aplikasi arsip"@id , "Records application"@en ;
    skos:definition "Aplikasi umum kearsipan."@id , "The general records application."@en ;
    spbe:pemilik kota:Diskominfo ;
    spbe:statusSiklusHidup kode:operasional ;
    spbe:merealisasikan ref:RAA.01.02 ;
    dcterms:source kota:SumberArsitektur .
""",
        encoding="utf-8",
    )
    commit("add-application")
    data = model / "data.ttl"
    text = data.read_text(encoding="utf-8")
    start = text.index("kota:Perizinan-Tanggal a spbe:AtributData")
    end = text.index(" .\n", start) + 3
    text = text[:start] + text[end:].lstrip("\n")
    data.write_text(text.replace("kota:Perizinan-Nomor , kota:Perizinan-Tanggal ,", "kota:Perizinan-Nomor ,"), "utf-8")
    commit("remove-attribute")
    edit(model / "integrasi.ttl", "spbe:enkripsi kode:enkripsi-tls", "spbe:enkripsi kode:enkripsi-tanpa")
    commit("unencrypted")
    for path in model.glob("*.ttl"):  # the portal gets a new IRI everywhere it is named
        path.write_text(
            path.read_text(encoding="utf-8").replace("kota:PortalLayanan ", "kota:PortalLayananPublik "),
            encoding="utf-8",
        )
    commit("rename")
    header, body = blocks((model / "aplikasi.ttl").read_text(encoding="utf-8"))
    reordered = header.replace("@prefix kode:", "@prefix k:") + "\n\n" + "\n\n".join(reversed(body)) + "\n"
    (model / "aplikasi.ttl").write_text(re.sub(r"\bkode:", "k:", reordered), encoding="utf-8")
    commit("reorder")
    return repo, commits


def run_diff(repo: Path, base: str, head: str, *more: str) -> dict[str, Any]:
    done = arsitek("diff", base, head, "--format", "json", "--lang", "en", *more, cwd=repo)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    schema = json.loads((ROOT / "docs" / "diff.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema)
    return report


def checks(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["check"], c["element"].removeprefix(NS)) for c in report["changes"]}


def test_an_added_application_is_reported_as_added(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    report = run_diff(repo, c["init"], c["add-application"])
    assert checks(report) == {("element-added", "AplikasiArsip")}
    (element,) = report["elements"]
    assert (
        element["status"] == "added" and element["domain"] == "aplikasi" and element["label"] == "Records application"
    )
    assert report["summary"]["findings"]["introduced"] == 0 and report["files"] == ["model/aplikasi.ttl"]


def test_removing_a_carried_attribute_breaks_the_contracts_for_their_consumer(
    history: tuple[Path, dict[str, str]],
) -> None:
    repo, c = history
    report = run_diff(repo, c["add-application"], c["remove-attribute"])
    removed = [ch for ch in report["changes"] if ch["check"] == "api-property-removed"]
    contracts = {ch["contract"] for ch in removed}
    assert "schemas/perizinan.schema.json" in contracts
    assert any(name.startswith("openapi/") for name in contracts)
    assert all(ch["severity"] == "breaking" and ch["consumers"] == [NS + "PortalLayanan"] for ch in removed)
    assert ("element-removed-in-use", "Perizinan-Tanggal") in checks(report) or (
        "element-removed",
        "Perizinan-Tanggal",
    ) in checks(report)
    changed = {e["iri"].removeprefix(NS): e for e in report["elements"]}
    assert changed["Perizinan-Tanggal"]["status"] == "removed"


def test_an_unencrypted_personal_data_flow_is_breaking_and_brings_its_finding(
    history: tuple[Path, dict[str, str]],
) -> None:
    repo, c = history
    report = run_diff(repo, c["remove-attribute"], c["unencrypted"])
    found = checks(report)
    assert ("encryption-weakened", "IntegrasiPortalLayanan") in found
    weakened = next(ch for ch in report["changes"] if ch["check"] == "encryption-weakened")
    assert weakened["severity"] == "breaking" and weakened["detail"] == "tls → none"
    introduced = report["findings"]["introduced"]
    assert introduced and all(f["file"] == "model/integrasi.ttl" for f in introduced)
    assert any(f["severity"] == "violation" for f in introduced)
    assert report["summary"]["findings"]["fixed"] == 0
    failing = arsitek("diff", c["remove-attribute"], c["unencrypted"], "--fail-on", "breaking", cwd=repo)
    assert failing.returncode == 1
    assert arsitek("diff", c["init"], c["add-application"], "--fail-on", "breaking", cwd=repo).returncode == 0


def test_a_renamed_element_is_one_rename_with_its_confidence(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    report = run_diff(repo, c["unencrypted"], c["rename"])
    assert [e["status"] for e in report["elements"] if e["iri"].endswith("PortalLayananPublik")] == ["renamed"]
    renamed = next(e for e in report["elements"] if e["status"] == "renamed")
    assert renamed["was"] == NS + "PortalLayanan" and renamed["confidence"] >= 0.8
    assert not any(e["status"] in ("added", "removed") for e in report["elements"])
    assert ("element-renamed", "PortalLayananPublik") in checks(report)


def test_reordering_and_renaming_a_prefix_is_no_change(history: tuple[Path, dict[str, str]]) -> None:
    repo, c = history
    report = run_diff(repo, c["rename"], c["reorder"])
    assert report["changes"] == [] and report["elements"] == []
    text = arsitek("diff", c["rename"], c["reorder"], "--lang", "en", cwd=repo)
    assert "No change to the architecture" in text.stdout


def test_markdown_puts_the_most_severe_first_and_sarif_holds_only_what_the_change_introduced(
    history: tuple[Path, dict[str, str]],
) -> None:
    repo, c = history
    markdown = arsitek("diff", c["init"], c["rename"], "--format", "markdown", "--lang", "en", cwd=repo).stdout
    headings = re.findall(r"^### (\w+)", markdown, re.M)
    assert headings[:3] == ["Breaking", "Warnings", "Info"]
    assert "#### Applications" in markdown and "`api-property-removed`" in markdown
    sarif = json.loads(arsitek("diff", c["remove-attribute"], c["unencrypted"], "--format", "sarif", cwd=repo).stdout)
    results = sarif["runs"][0]["results"]
    report = run_diff(repo, c["remove-attribute"], c["unencrypted"])
    assert len(results) == len(report["findings"]["introduced"]) > 0


def test_folders_and_the_working_tree_are_sides_too_and_nothing_is_checked_out(
    history: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    repo, _ = history
    status_before = git(repo, "status", "--porcelain")
    head_before = git(repo, "rev-parse", "HEAD")
    edit(repo / "model" / "aplikasi.ttl", '"Aplikasi arsip"@id', '"Aplikasi kearsipan"@id')
    try:
        done = arsitek("diff", "HEAD", "--format", "json", "--lang", "en", cwd=repo)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        (element,) = report["elements"]
        assert element["iri"] == NS + "AplikasiArsip"
        assert element["added"] == {"http://www.w3.org/2000/01/rdf-schema#label": ['"Aplikasi kearsipan"@id']}
        assert git(repo, "rev-parse", "HEAD") == head_before
    finally:
        git(repo, "checkout", "-q", "--", "model/aplikasi.ttl")
    assert git(repo, "status", "--porcelain") == status_before
    done = arsitek("diff", str(ROOT / "model"), str(ROOT / "model"), "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout)["elements"] == []


def test_a_revision_that_does_not_exist_is_a_clear_error(history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    done = arsitek("diff", "no-such-branch", cwd=repo)
    assert done.returncode == 2 and "arsitek: error:" in done.stderr and "Traceback" not in done.stderr


def test_every_check_is_documented_and_the_workflow_comments_and_uploads() -> None:
    import yaml

    from arsitek.diff.changes import CHECKS

    documented = set(re.findall(r"^\| `([a-z-]+)` \|", (ROOT / "docs" / "diff.md").read_text(encoding="utf-8"), re.M))
    assert documented == set(CHECKS)
    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "github-actions.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["architecture"]["steps"]
    scripts = "\n".join(str(s.get("run", "")) for s in steps)
    assert "arsitek diff" in scripts and "--format markdown" in scripts and "--format sarif" in scripts
    assert "gh pr comment" in scripts and "--fail-on breaking" in scripts
    assert any(s.get("with", {}).get("sarif_file") == "arsitek-diff.sarif" for s in steps)
    assert workflow["jobs"]["architecture"]["steps"][0]["with"]["fetch-depth"] == 0
