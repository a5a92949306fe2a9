"""A diff for its readers: the terminal, a pull-request comment (Markdown), programs (JSON), code scanning (SARIF).

The most severe changes come first; long lists are folded in the Markdown so that a comment on a
large change stays readable. Every label is escaped for its target: Markdown table cells and
inline text with :func:`arsitek.text.markdown`, the terminal with :func:`arsitek.text.one_line`.
The JSON follows ``docs/diff.schema.json``; the SARIF holds only the findings the change introduces.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from typing import Any

from arsitek.diff.changes import CHECKS, SEVERITIES, Change
from arsitek.diff.run import Diff
from arsitek.generators.reports.sarif import render_sarif
from arsitek.generators.site.kinds import DOMAINS
from arsitek.text import markdown, one_line
from arsitek.validate.findings import Finding, Severity
from arsitek.view import local_name, text
from arsitek.vocab import shorten

SCHEMA = "https://w3id.org/arsitek/diff/1"
#: rows of one Markdown section shown before the rest is folded
SHOWN = 10

WORDS = {
    "en": {
        "title": "arsitek diff",
        "breaking": "breaking",
        "warning": "warnings",
        "info": "info",
        "elements": "elements changed",
        "added": "added",
        "removed": "removed",
        "renamed": "renamed",
        "changed": "changed",
        "findings": "findings",
        "introduced": "introduced",
        "fixed": "fixed",
        "unchanged": "unchanged",
        "nothing": "No change to the architecture (formatting, order and prefixes do not count).",
        "check": "Check",
        "element": "Element",
        "what": "What",
        "contract": "Contract",
        "consumers": "Consumers",
        "by_domain": "Elements changed, by SPBE domain",
        "impact": "{n} elements depend on it and did not change",
        "more": "{n} more",
        "other": "Other",
        "organisasi": "Organisation and governance",
        "gone": "removed",
        "come": "added",
        "was": "was",
        "confidence": "confidence",
    },
    "id": {
        "title": "arsitek diff",
        "breaking": "merusak",
        "warning": "peringatan",
        "info": "info",
        "elements": "elemen berubah",
        "added": "ditambahkan",
        "removed": "dihapus",
        "renamed": "berganti IRI",
        "changed": "diubah",
        "findings": "temuan",
        "introduced": "baru",
        "fixed": "diperbaiki",
        "unchanged": "tetap",
        "nothing": "Tidak ada perubahan arsitektur (format, urutan dan prefiks tidak dihitung).",
        "check": "Pemeriksaan",
        "element": "Elemen",
        "what": "Apa",
        "contract": "Kontrak",
        "consumers": "Konsumen",
        "by_domain": "Elemen yang berubah, per domain SPBE",
        "impact": "{n} elemen bergantung padanya dan tidak berubah",
        "more": "{n} lagi",
        "other": "Lainnya",
        "organisasi": "Organisasi dan tata kelola",
        "gone": "dihapus",
        "come": "ditambahkan",
        "was": "sebelumnya",
        "confidence": "keyakinan",
    },
}


def label(diff: Diff, iri: str, lang: str) -> str:
    return text(diff.labels.get(iri, {}), lang) or local_name(iri) or iri


def _short(diff: Diff, iri: str) -> str:
    return shorten(iri, diff.head_result.prefixes)


def _value(diff: Diff, term: str, lang: str) -> str:
    if term.startswith("<") and term.endswith(">"):
        return label(diff, term[1:-1], lang)
    if term.startswith('"'):
        body = term[1 : term.rfind('"')]
        return json.loads(f'"{body}"') if "\\" in body else body
    return term


def summary(diff: Diff) -> dict[str, Any]:
    counts = Counter(c.severity for c in diff.changes)
    statuses = Counter(e.status for e in diff.semantic.elements.values())
    return {
        "breaking": counts["breaking"],
        "warning": counts["warning"],
        "info": counts["info"],
        "elements": {s: statuses[s] for s in ("added", "removed", "renamed", "changed")},
        "findings": {
            "introduced": len(diff.introduced),
            "fixed": len(diff.fixed),
            "unchanged": diff.unchanged_findings,
        },
    }


def _headline(diff: Diff, lang: str) -> str:
    w, s = WORDS[lang], summary(diff)
    elements = ", ".join(f"{n} {w[k]}" for k, n in s["elements"].items() if n)
    findings = s["findings"]
    return (
        f"{s['breaking']} {w['breaking']} · {s['warning']} {w['warning']} · {s['info']} {w['info']} · "
        f"{sum(s['elements'].values())} {w['elements']}{f' ({elements})' if elements else ''} · "
        f"{w['findings']}: {findings['introduced']} {w['introduced']}, {findings['fixed']} {w['fixed']}, "
        f"{findings['unchanged']} {w['unchanged']}"
    )


def _detail(change: Change, lang: str) -> str:
    return change.detail.get(lang) or change.detail.get("en") or ""


def _check_words(check: str, lang: str) -> str:
    return CHECKS[check][1] if lang == "id" else CHECKS[check][2]


def _domain_name(domain: str, lang: str) -> str:
    if domain in DOMAINS:
        return DOMAINS[domain][lang]
    return WORDS[lang]["organisasi"] if domain == "organisasi" else WORDS[lang]["other"]


def _grouped(diff: Diff) -> list[tuple[str, list[str]]]:
    order = [*DOMAINS, "organisasi", "lainnya"]
    groups: dict[str, list[str]] = {}
    for iri in diff.semantic.elements:
        groups.setdefault(diff.domain.get(iri, "lainnya"), []).append(iri)
    return [(d, groups[d]) for d in sorted(groups, key=lambda d: order.index(d) if d in order else len(order))]


# --- Markdown ----------------------------------------------------------------


def render_markdown(diff: Diff, lang: str) -> str:
    w = WORDS[lang]
    lines = [
        f"## {w['title']}: `{markdown(diff.base)}` → `{markdown(diff.head)}`",
        "",
        f"**{_headline(diff, lang)}**",
        "",
    ]
    if diff.semantic.empty and not diff.changes:
        return "\n".join([*lines, w["nothing"], ""])
    for severity in reversed(SEVERITIES):
        found = [c for c in diff.changes if c.severity == severity]
        if not found:
            continue
        lines += [f"### {w[severity].capitalize()} ({len(found)})", ""]
        table = [
            f"| {w['check']} | {w['element']} | {w['what']} | {w['contract']} | {w['consumers']} |",
            "|---|---|---|---|---|",
        ]
        rows = [
            f"| `{c.check}` {markdown(_check_words(c.check, lang))} | {markdown(label(diff, c.element, lang))} "
            f"| {markdown(_detail(c, lang))} | {markdown(c.contract or '')} "
            f"| {markdown(', '.join(label(diff, a, lang) for a in c.consumers))} |"
            for c in found
        ]
        lines += table + rows[:SHOWN]
        if len(rows) > SHOWN:
            lines += [
                "",
                f"<details><summary>{w['more'].format(n=len(rows) - SHOWN)}</summary>",
                "",
                *table,
                *rows[SHOWN:],
                "",
                "</details>",
            ]
        lines.append("")
    lines += [f"### {w['by_domain']}", ""]
    for domain, iris in _grouped(diff):
        lines += [f"#### {markdown(_domain_name(domain, lang))} ({len(iris)})", ""]
        for iri in iris:
            element = diff.semantic.elements[iri]
            head = f"- **{markdown(label(diff, iri, lang))}** (`{markdown(_short(diff, iri))}`) {w[element.status]}"
            if element.was:
                head += (
                    f"; {w['was']} `{markdown(_short(diff, element.was))}`, {w['confidence']} {element.confidence:.0%}"
                )
            lines.append(head)
            for prop in sorted(set(element.removed) | set(element.added)):
                if element.status in ("added", "removed"):
                    continue
                gone = "; ".join(_value(diff, v, lang) for v in element.removed.get(prop, []))
                come = "; ".join(_value(diff, v, lang) for v in element.added.get(prop, []))
                parts = [
                    f"{w['gone']}: {markdown(gone)}" if gone else "",
                    f"{w['come']}: {markdown(come)}" if come else "",
                ]
                lines.append(f"  - `{markdown(_short(diff, prop))}`: " + "; ".join(p for p in parts if p))
            dependents = diff.impact.get(iri, [])
            if dependents:
                names = ", ".join(markdown(label(diff, d, lang)) + (f" ({n})" if n else "") for d, n in dependents)
                lines += [
                    f"  <details><summary>{w['impact'].format(n=len(dependents))}</summary>",
                    "",
                    f"  {names}",
                    "",
                    "  </details>",
                ]
        lines.append("")
    for title, findings in ((w["introduced"], diff.introduced), (w["fixed"], diff.fixed)):
        if findings:
            lines += [f"<details><summary>{w['findings'].capitalize()} {title}: {len(findings)}</summary>", ""]
            lines += [
                f"- `{f.rule_id}` {markdown(label(diff, f.focus_node, lang))}: {markdown(f.message_in(lang))}"
                for f in findings
            ]
            lines += ["", "</details>", ""]
    return "\n".join(lines)


# --- terminal ------------------------------------------------------------------


def render_text(diff: Diff, lang: str) -> str:
    w = WORDS[lang]
    out = [f"{w['title']}: {one_line(diff.base)} → {one_line(diff.head)}", _headline(diff, lang), ""]
    if diff.semantic.empty and not diff.changes:
        return "\n".join([*out, w["nothing"], ""])
    for c in diff.changes:
        where = f" [{one_line(c.contract)}]" if c.contract else ""
        users = f" → {one_line(', '.join(label(diff, a, lang) for a in c.consumers))}" if c.consumers else ""
        detail = f": {one_line(_detail(c, lang))}" if _detail(c, lang) else ""
        out.append(
            f"{c.severity.upper():8} {c.check:32} {one_line(label(diff, c.element, lang))}{detail}{where}{users}"
        )
    out.append("")
    for domain, iris in _grouped(diff):
        out.append(one_line(_domain_name(domain, lang)))
        for iri in iris:
            element = diff.semantic.elements[iri]
            out.append(f"  {w[element.status]:12} {one_line(label(diff, iri, lang))}  {one_line(_short(diff, iri))}")
            for prop in (
                sorted(set(element.removed) | set(element.added)) if element.status in ("changed", "renamed") else []
            ):
                for sign, values in (("-", element.removed.get(prop, [])), ("+", element.added.get(prop, []))):
                    for v in values:
                        out.append(f"      {sign} {one_line(_short(diff, prop))} {one_line(_value(diff, v, lang))}")
            if diff.impact.get(iri):
                out.append(f"      {w['impact'].format(n=len(diff.impact[iri]))}")
    return "\n".join(out) + "\n"


# --- JSON and SARIF ------------------------------------------------------------


def as_dict(diff: Diff, lang: str) -> dict[str, Any]:
    def finding(f: Finding) -> dict[str, Any]:
        where = f.location
        return {
            "rule": f.rule_id,
            "severity": f.severity.word,
            "element": f.focus_node,
            "message": f.message_in(lang),
            "file": where.file if where else None,
            "line": where.line if where else None,
        }

    return {
        "$schema": SCHEMA,
        "base": diff.base,
        "head": diff.head,
        "files": diff.files,
        "summary": summary(diff),
        "changes": [
            {
                "check": c.check,
                "severity": c.severity,
                "element": c.element,
                "label": label(diff, c.element, lang),
                "detail": _detail(c, lang),
                "contract": c.contract,
                "consumers": list(c.consumers),
            }
            for c in diff.changes
        ],
        "elements": [
            {
                "iri": e.iri,
                "status": e.status,
                "label": label(diff, e.iri, lang),
                "domain": diff.domain.get(e.iri, "lainnya"),
                "types": list(e.types),
                "was": e.was,
                "confidence": e.confidence,
                "removed": e.removed,
                "added": e.added,
                "impact": [
                    {"iri": d, "label": label(diff, d, lang), "depth": n} for d, n in diff.impact.get(e.iri, [])
                ],
            }
            for e in diff.semantic.elements.values()
        ],
        "findings": {
            "introduced": [finding(f) for f in diff.introduced],
            "fixed": [finding(f) for f in diff.fixed],
            "unchanged": diff.unchanged_findings,
        },
    }


def render_json(diff: Diff, lang: str) -> str:
    return json.dumps(as_dict(diff, lang), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def render_sarif_introduced(diff: Diff, lang: str) -> str:
    """Code scanning shows what the change introduces, not the model's whole history of findings."""
    only = dataclasses.replace(diff.head_result, findings=tuple(diff.introduced), unreadable=())
    return render_sarif(only, lang, Severity.INFO)


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json, "sarif": render_sarif_introduced}
