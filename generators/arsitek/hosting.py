"""Where a model's files are hosted and its site is published, when the model's header says so.

Both are optional settings an agency writes once in its header:

- ``spbe:tautanBerkas``, a link template with ``{path}`` and ``{line}``
  (``https://github.com/kpu/arsitektur/blob/main/{path}#L{line}``), so a finding's file and
  line link to any forge, whatever its line anchors look like;
- ``spbe:alamatSitus``, the address the built site is served from, so a SARIF rule links to its
  entry in the site's rule catalogue.

Only http(s) addresses are used: both reach HTML and SARIF, where a ``javascript:`` link would run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from arsitek.vocab import SPBE

if TYPE_CHECKING:
    from arsitek.load import LoadedModel

WEB = ("https://", "http://")


def _web(address: str) -> bool:
    return address.lower().startswith(WEB) and not any(c.isspace() or c in '"<>`' for c in address)


@dataclass(frozen=True)
class Hosting:
    #: the file link template (``spbe:tautanBerkas``), or "" when the model gives none usable
    files: str = ""
    #: the published site's address (``spbe:alamatSitus``), or ""
    site: str = ""

    def file_url(self, path: str, line: int | None) -> str | None:
        """The address of ``path`` at ``line`` in the repository, or None without a template."""
        if not self.files:
            return None
        return self.files.replace("{path}", quote(path, safe="/")).replace("{line}", str(line or 1))

    def rule_url(self, rule_id: str, lang: str) -> str | None:
        """The rule's entry in the published site's catalogue (``{lang}/aturan.html#RULE``)."""
        if not self.site:
            return None
        return f"{self.site.rstrip('/')}/{quote(lang)}/aturan.html#{quote(rule_id)}"


def read_hosting(model: LoadedModel, header: str) -> Hosting:
    """The header's settings; an address that is not http(s), or a template without ``{path}``, is ignored.

    ARS-DOC-007 reports such a value, so an architect learns why no link appears.
    """
    if not header:
        return Hosting()
    found: dict[str, list[str]] = {"tautanBerkas": [], "alamatSitus": []}
    rows = model.query(
        f"SELECT ?p ?v WHERE {{ <{header}> ?p ?v "
        f"FILTER (?p IN (<{SPBE}tautanBerkas>, <{SPBE}alamatSitus>) && isLiteral(?v)) }}"
    )
    for row in rows:
        found[str(row["p"].value).removeprefix(SPBE)].append(str(row["v"].value))
    files = sorted(v for v in found["tautanBerkas"] if _web(v) and "{path}" in v)
    sites = sorted(v for v in found["alamatSitus"] if _web(v))
    return Hosting(files[0] if files else "", sites[0] if sites else "")
