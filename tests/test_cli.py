"""The command line as users meet it: exit codes, messages, colour, no tracebacks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from arsitek import __version__
from tests.conftest import FIXTURES, ROOT

BASE = FIXTURES / "rules" / "_base" / "base.ttl"
ANSI_COLOUR = re.compile(r"\x1b\[(?:3[0-7]|9[0-7]|38;)")


def arsitek(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "arsitek", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=300,
    )


def test_version_and_grouped_help() -> None:
    assert arsitek("--version").stdout.strip() == f"arsitek, version {__version__}"
    shown = arsitek("--help")
    assert shown.returncode == 0
    assert re.search(r"Check:\n\s+validate .*\n\s+rules ", shown.stdout)
    assert "Build:\n  build" in shown.stdout


def test_embedded_model_validates_clean() -> None:
    run = arsitek("validate", "--lang", "en")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "✖ 0 violations" in run.stdout and "PASSED" in run.stdout
    assert arsitek("validate", "--fail-on", "warning").returncode == 1


def test_misspelled_property_exits_1_naming_file_and_line(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(ROOT / "model", model)
    target = model / "aplikasi.ttl"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if line.strip() == "spbe:pemilik kpu:KPU ;")
    lines[number - 1] = lines[number - 1].replace("spbe:pemilik", "spbe:pemilk")
    target.write_text("".join(lines), encoding="utf-8")

    run = arsitek("validate", str(model), "--format", "json", "--lang", "en")
    assert run.returncode == 1
    report = json.loads(run.stdout)
    typo = [f for f in report["findings"] if f["rule"] == "ARS-REF-002"]
    assert len(typo) == 1
    assert typo[0]["location"] == {"file": target.as_posix(), "line": number}
    assert "spbe:pemilk" in typo[0]["message"]

    text = arsitek("validate", str(model), "--lang", "en").stdout
    assert target.as_posix() in text
    assert re.search(rf"^\s+{number}\s+✖ violation\s+ARS-REF-002", text, re.MULTILINE)


def test_syntax_error_exits_2_with_position_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <https://example.org/> .\nex:a ex:p "open string .\n', encoding="utf-8")
    run = arsitek("validate", str(bad))
    assert run.returncode == 2
    assert re.search(rf"^{re.escape(bad.as_posix())}:2:\d+: error: ", run.stdout, re.MULTILINE)
    assert "Traceback" not in run.stderr + run.stdout
    assert run.stderr == "arsitek: error: 1 file could not be read; the others were checked\n"
    as_json = arsitek("validate", str(bad), "--format", "json")  # the report on stdout, the error as a compiler's
    assert as_json.returncode == 2 and json.loads(as_json.stdout)["unreadable"][0]["line"] == 2
    assert re.match(rf"{re.escape(bad.as_posix())}:2:\d+: error: ", as_json.stderr)


@pytest.mark.parametrize("content", [b"", b"\x00\xff\x00", b"\xff\xfe\xfa"])
def test_bad_files_never_show_a_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.ttl"
    path.write_bytes(content)
    run = arsitek("validate", str(path))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and run.stderr.startswith(("arsitek: error:", path.as_posix()))


def test_usage_errors_exit_2() -> None:
    run = arsitek("validate", "--format", "xml")
    assert run.returncode == 2 and "Invalid value for '--format'" in run.stderr


def test_colour_only_when_forced_and_no_color_wins() -> None:
    plain = arsitek("validate", str(BASE))
    assert not ANSI_COLOUR.search(plain.stdout), "no colour when stdout is not a terminal"
    forced = arsitek("validate", str(BASE), env={"FORCE_COLOR": "1"})
    assert ANSI_COLOUR.search(forced.stdout)
    both = arsitek("validate", str(BASE), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert not ANSI_COLOUR.search(both.stdout)


def test_output_file_gets_the_report_and_stdout_stays_empty(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "validation.sarif"
    run = arsitek("validate", str(BASE), "--format", "sarif", "--output", str(out))
    assert run.returncode == 0 and run.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert [p.name for p in out.parent.iterdir()] == ["validation.sarif"], "no temporary file left behind"


def test_rules_lists_the_catalogue() -> None:
    run = arsitek("rules", "--lang", "en")
    assert run.returncode == 0
    assert len(re.findall(r"^ARS-[A-Z]+-\d{3}", run.stdout, re.MULTILINE)) >= 25
    assert "Exactly one authoritative source per data entity" in run.stdout
