"""The terminal report: findings grouped by file, then by element, each with its line.

The same renderables are printed in colour to a terminal and exported as
plain text to a file, so the two never drift apart.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping

from rich.console import Console
from rich.text import Text

from arsitek.text import one_line
from arsitek.validate.findings import Finding, Severity, ValidationResult
from arsitek.vocab import shorten

MARKS = {
    Severity.VIOLATION: ("✖", "bold red"),
    Severity.WARNING: ("⚠", "yellow"),
    Severity.INFO: ("ℹ", "cyan"),
}
WORDS = {
    "id": {Severity.VIOLATION: "pelanggaran", Severity.WARNING: "peringatan", Severity.INFO: "info"},
    "en": {Severity.VIOLATION: "violation", Severity.WARNING: "warning", Severity.INFO: "info"},
}
PHRASES = {
    "id": {
        "files": "berkas",
        "triples": "tripel",
        "rules": "aturan",
        "ok": "LULUS",
        "fail": "GAGAL",
        "clean": "Tidak ada temuan.",
        "nofile": "(tanpa berkas)",
        "unreadable": "berkas tak terbaca",
    },
    "en": {
        "files": "files",
        "triples": "triples",
        "rules": "rules",
        "ok": "PASSED",
        "fail": "FAILED",
        "clean": "No findings.",
        "nofile": "(no file)",
        "unreadable": "unreadable",
    },
}


def _finding_line(finding: Finding, lang: str, prefixes: Mapping[str, str]) -> Text:
    mark, style = MARKS[finding.severity]
    line = Text("    ")
    where = finding.location.line if finding.location and finding.location.line else None
    line.append(f"{where if where is not None else '':>5}  ", style="dim")
    line.append(f"{mark} {WORDS[lang][finding.severity]:<11} ", style=style)
    line.append(f"{finding.rule_id:<12} ", style="bold")
    line.append(one_line(finding.message_in(lang)))
    extras = []
    if finding.path:
        extras.append(shorten(finding.path, prefixes))
    if finding.value and finding.value not in (finding.focus_node, finding.path):
        extras.append(shorten(finding.value, prefixes) if "://" in finding.value else repr(finding.value))
    if extras:
        line.append(one_line("  [" + " → ".join(extras) + "]"), style="dim")
    return line


def renderables(result: ValidationResult, lang: str, fail_on: Severity) -> list[Text]:
    words = PHRASES[lang]
    out: list[Text] = []
    header = Text("arsitek validate", style="bold")
    header.append(
        f" · {result.engine} · {len(result.files)} {words['files']} · {result.triples:,} {words['triples']}"
        f" · {len(result.rules)} {words['rules']}",
        style="dim",
    )
    out.append(header)
    if result.unreadable:
        out.append(Text(""))
        out.extend(Text(one_line(str(error)), style="bold red") for error in result.unreadable)
    by_file: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in result.findings:
        file = finding.location.file if finding.location else words["nofile"]
        by_file[file][finding.focus_node].append(finding)
    for file in sorted(by_file):
        out.append(Text(""))
        out.append(Text(one_line(file), style="bold underline"))
        elements = by_file[file]
        for node in sorted(elements, key=lambda n: (min(f.sort_key() for f in elements[n]), n)):
            first = elements[node][0]
            title = Text("  ")
            label = first.label_in(lang)
            if label:
                title.append(one_line(label), style="bold")
                title.append(" ")
            title.append(one_line(shorten(node, result.prefixes) if "://" in node else node), style="blue")
            out.append(title)
            out.extend(_finding_line(f, lang, result.prefixes) for f in elements[node])
    out.append(Text(""))
    if not result.findings:
        out.append(Text(words["clean"], style="green"))
    summary = Text()
    for severity in (Severity.VIOLATION, Severity.WARNING, Severity.INFO):
        mark, style = MARKS[severity]
        count = result.count(severity)
        word = WORDS[lang][severity]
        if lang == "en" and count != 1 and severity != Severity.INFO:
            word += "s"
        summary.append(f"{mark} {count} {word}", style=style)
        summary.append("  ")
    if result.unreadable:
        summary.append(f"✖ {len(result.unreadable)} {words['unreadable']}", style="bold red")
        summary.append("  ")
    failed = result.fails(fail_on) or bool(result.unreadable)
    summary.append(words["fail"] if failed else words["ok"], style="bold red" if failed else "bold green")
    summary.append(f" (--fail-on {fail_on.word})", style="dim")
    out.append(summary)
    return out


def print_text(console: Console, result: ValidationResult, lang: str, fail_on: Severity) -> None:
    for item in renderables(result, lang, fail_on):
        console.print(item, soft_wrap=True, highlight=False)


def render_text(result: ValidationResult, lang: str, fail_on: Severity) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, no_color=True, color_system=None, force_terminal=False, width=200)
    print_text(console, result, lang, fail_on)
    return buffer.getvalue()
